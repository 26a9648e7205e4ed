-- Bring relative_adoption's baselines up to date with the censuses from
-- getvariable('census_from') on (every census on a rebuild) and with the base models' facts
-- now. A day's census merges its counters into the kept ten of each group it adds to,
-- reading that day of model_stats; a group is counted again from all its counters (every
-- day of model_stats) only if it may lose some: a census replaced after it was counted, a
-- model whose facts changed.
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

-- The groups counted again: every group a replaced census's counters were in, and every
-- group a readopted model's counters were in (under the facts they were counted with) or
-- are in now, at every age it had on a complete census. A superset costs nothing but reading.
CREATE OR REPLACE TEMP TABLE recounted AS
WITH counted_facts AS (SELECT DISTINCT released, size_class, release_quarter FROM adoption_models),
readopted_facts AS (
    SELECT released, size_class, release_quarter FROM adoption_models WHERE model_id IN (SELECT model_id FROM readopted)
    UNION
    SELECT released, size_class, release_quarter FROM base_models WHERE model_id IN (SELECT model_id FROM readopted)
)
SELECT DISTINCT f.size_class, f.release_quarter, (c.snapshot_date - f.released)::INTEGER AS age_days
FROM counted_facts f JOIN adoption_censuses c ON c.snapshot_date >= f.released
WHERE c.snapshot_date >= getvariable('census_from')
UNION
SELECT f.size_class, f.release_quarter, (s.snapshot_date - f.released)::INTEGER
FROM readopted_facts f JOIN snapshots s ON s.complete AND s.snapshot_date >= f.released;
SET VARIABLE any_recounted = (SELECT count(*) > 0 FROM recounted);

DELETE FROM adoption_models WHERE model_id IN (SELECT model_id FROM regrouped);
INSERT INTO adoption_models SELECT * FROM base_models WHERE model_id IN (SELECT model_id FROM regrouped);
DELETE FROM adoption_censuses;
INSERT INTO adoption_censuses SELECT snapshot_date FROM snapshots WHERE complete;

-- the counters of the censuses from census_from on, as adoption_models now groups them: the
-- constant bound prunes model_stats to those days
CREATE OR REPLACE TEMP TABLE added AS
FROM adoption_counters WHERE snapshot_date >= getvariable('census_from');

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
