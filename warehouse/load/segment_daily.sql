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
        size_class(coalesce(m.params_total, root.params_total)) AS size,
        coalesce(m.pipeline_tag, 'unknown') AS task,
        coalesce(m.license, 'unknown') AS license
    FROM model_attribution a
    JOIN models m USING (model_id)
    LEFT JOIN models root ON root.model_id = a.origin_model_id
),
segments AS (
    UNPIVOT credits ON family, origin_organisation, origin_parent, size, task, license
    INTO NAME dimension VALUE segment
)
SELECT d.day, s.dimension, d.cohort, d.excluding_spikes, s.segment, sum(d.downloads * s.weight)
FROM cohort_downloads d
JOIN segments s USING (model_id)
GROUP BY ALL;
