-- Bring relative_adoption up to date: the counters of the censuses from
-- getvariable('census_from') on (every census on a rebuild), and every counter of a model
-- whose base-model facts changed; then the ten largest counters of each (size, quarter, age)
-- group they are in. A day's census adds a counter per base model, merged into the kept ten
-- of its group: the history's counters are read only for groups that lose some (a replaced
-- census, a model whose facts changed), and model_stats' history only for such models.
CREATE OR REPLACE TEMP TABLE base_models AS
SELECT model_id, utc_day(created_at) AS released, size_class(params_total) AS size_class,
       year(utc_day(created_at)) || '-Q' || quarter(utc_day(created_at)) AS release_quarter
FROM models
WHERE model_id NOT IN (SELECT model_id FROM model_lineage)
  AND params_total IS NOT NULL
  AND coalesce(library_name, '') NOT IN ('gguf', 'mlx')
  AND coalesce(pipeline_tag, '') NOT IN ('sentence-similarity', 'feature-extraction')
  AND created_at >= TIMESTAMPTZ '2025-02-27 00:00:00+00';

-- models that joined or left the base models, or whose counters are grouped otherwise now
CREATE OR REPLACE TEMP TABLE regrouped AS
SELECT model_id, o.model_id IS NOT NULL AS counted_before
FROM base_models n FULL JOIN adoption_models o USING (model_id)
WHERE n.released IS DISTINCT FROM o.released OR n.size_class IS DISTINCT FROM o.size_class
   OR n.release_quarter IS DISTINCT FROM o.release_quarter;
-- of them, those that can have counters before census_from: not the models first listed
-- since (most days bring new base models, whose counters are all in the new censuses)
CREATE OR REPLACE TEMP TABLE readopted AS
SELECT model_id FROM regrouped LEFT JOIN models USING (model_id)
WHERE counted_before OR models.first_seen < getvariable('census_from');
SET VARIABLE any_readopted = (SELECT count(*) > 0 FROM readopted);

-- the groups whose counters are replaced: their top ten is counted again from their counters
CREATE OR REPLACE TEMP TABLE recounted AS
SELECT DISTINCT size_class, release_quarter, age_days FROM adoption_counters
WHERE snapshot_date >= getvariable('census_from')
UNION
SELECT DISTINCT size_class, release_quarter, age_days FROM adoption_counters
WHERE model_id IN (SELECT model_id FROM readopted) AND getvariable('any_readopted');
SET VARIABLE any_recounted = (SELECT count(*) > 0 FROM recounted);

DELETE FROM adoption_counters WHERE snapshot_date >= getvariable('census_from');
DELETE FROM adoption_counters WHERE model_id IN (SELECT model_id FROM readopted) AND getvariable('any_readopted');
DELETE FROM adoption_models WHERE model_id IN (SELECT model_id FROM regrouped);
INSERT INTO adoption_models SELECT * FROM base_models WHERE model_id IN (SELECT model_id FROM regrouped);

-- each constant bound prunes: a day reads its own census, not model_stats' history
CREATE OR REPLACE TEMP TABLE added AS
WITH counters AS NOT MATERIALIZED (
    SELECT s.snapshot_date, b.model_id, b.size_class, b.release_quarter,
           (s.snapshot_date - b.released)::INTEGER AS age_days, s.downloads_all_time AS cumulative_downloads
    FROM model_stats s JOIN snapshots USING (snapshot_date) JOIN base_models b USING (model_id)
    WHERE snapshots.complete
)
SELECT * FROM counters WHERE snapshot_date >= getvariable('census_from')
UNION ALL
SELECT * FROM counters
WHERE snapshot_date < getvariable('census_from') AND getvariable('any_readopted')
  AND model_id IN (SELECT model_id FROM readopted);
INSERT INTO adoption_counters FROM added;

CREATE OR REPLACE TEMP TABLE tops AS
SELECT size_class, release_quarter, age_days, max(cumulative_downloads, 10) AS top_downloads
FROM (
    SELECT size_class, release_quarter, age_days, cumulative_downloads
    FROM adoption_counters SEMI JOIN recounted USING (size_class, release_quarter, age_days)
    WHERE getvariable('any_recounted')
    UNION ALL  -- the other groups a counter was added to: their kept ten and the added counters
    SELECT size_class, release_quarter, age_days, unnest(top_downloads)
    FROM adoption_baselines SEMI JOIN added USING (size_class, release_quarter, age_days)
    ANTI JOIN recounted USING (size_class, release_quarter, age_days)
    UNION ALL
    SELECT size_class, release_quarter, age_days, cumulative_downloads
    FROM added ANTI JOIN recounted USING (size_class, release_quarter, age_days)
)
GROUP BY ALL;

DELETE FROM adoption_baselines b USING recounted r
WHERE b.size_class = r.size_class AND b.release_quarter = r.release_quarter AND b.age_days = r.age_days;
DELETE FROM adoption_baselines b USING tops t
WHERE b.size_class = t.size_class AND b.release_quarter = t.release_quarter AND b.age_days = t.age_days;
INSERT INTO adoption_baselines
SELECT size_class, release_quarter, age_days, top_downloads, top_downloads[10] FROM tops;

DROP TABLE base_models;
DROP TABLE regrouped;
DROP TABLE readopted;
DROP TABLE recounted;
DROP TABLE added;
DROP TABLE tops;
