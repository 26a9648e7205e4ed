-- Rebuild relative_adoption from model_stats (the counters at each age, not daily_downloads).
DELETE FROM relative_adoption;

INSERT INTO relative_adoption
WITH base_models AS (
    SELECT
        model_id, created_at::DATE AS released,
        size_class(params_total) AS size_class,
        year(created_at) || '-Q' || quarter(created_at) AS release_quarter
    FROM models
    WHERE model_id NOT IN (SELECT model_id FROM model_lineage)
      AND params_total IS NOT NULL
      AND coalesce(library_name, '') NOT IN ('gguf', 'mlx')
      AND coalesce(pipeline_tag, '') NOT IN ('sentence-similarity', 'feature-extraction')
      AND created_at >= TIMESTAMPTZ '2025-02-27 00:00:00+00'
),
at_age AS (
    SELECT s.snapshot_date, b.model_id, b.size_class, b.release_quarter,
           (s.snapshot_date - b.released)::INTEGER AS age_days, s.downloads_all_time AS cumulative_downloads
    FROM model_stats s
    JOIN snapshots USING (snapshot_date)
    JOIN base_models b USING (model_id)
    WHERE snapshots.complete
)
SELECT snapshot_date, model_id, size_class, release_quarter, age_days, cumulative_downloads,
       baseline, cumulative_downloads / nullif(baseline, 0)
FROM (
    SELECT *,
           nth_value(cumulative_downloads, 10) OVER (
               PARTITION BY size_class, release_quarter, age_days ORDER BY cumulative_downloads DESC
               ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
           ) AS baseline
    FROM at_age
);
