-- Rebuild segment_daily from daily_downloads and the current attribution.
DELETE FROM segment_daily;

INSERT INTO segment_daily
WITH credits AS (
    SELECT
        a.model_id,
        a.origin_weight AS weight,
        a.origin_model_id AS family,
        coalesce(a.origin_organisation, 'unknown') AS origin_organisation,
        coalesce(a.origin_parent, 'unknown') AS origin_parent,
        CASE
            WHEN params IS NULL THEN 'unknown'
            WHEN params < 1e9 THEN '<1B'
            WHEN params < 1e10 THEN '1-10B'
            WHEN params < 5e10 THEN '10-50B'
            WHEN params < 2e11 THEN '50-200B'
            ELSE '>=200B'
        END AS size,
        coalesce(m.pipeline_tag, 'unknown') AS task,
        coalesce(m.license, 'unknown') AS license
    FROM model_attribution a
    JOIN models m USING (model_id)
    LEFT JOIN models root ON root.model_id = a.origin_model_id,
    LATERAL (SELECT coalesce(m.params_total, root.params_total) AS params)
),
segments AS (
    UNPIVOT credits ON family, origin_organisation, origin_parent, size, task, license
    INTO NAME dimension VALUE segment
),
downloads AS (
    SELECT d.day, d.model_id, d.downloads, d.spike,
           coalesce(d.day < (m.created_at + INTERVAL 365 DAY)::DATE, false) AS is_new
    FROM daily_downloads d JOIN models m USING (model_id)
    WHERE d.downloads > 0
)
SELECT d.day, s.dimension, cohort.name, variant.excluding_spikes, s.segment, sum(d.downloads * s.weight)
FROM downloads d
JOIN segments s USING (model_id)
JOIN (VALUES ('all'), ('new')) AS cohort(name) ON cohort.name = 'all' OR d.is_new
JOIN (VALUES (false), (true)) AS variant(excluding_spikes) ON NOT (variant.excluding_spikes AND d.spike)
GROUP BY ALL;
