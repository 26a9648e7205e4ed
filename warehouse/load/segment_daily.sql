-- Recompute segment_daily from getvariable('marts_from') on.
DELETE FROM segment_daily WHERE day >= getvariable('marts_from');

INSERT INTO segment_daily
SELECT d.day, c.dimension, d.cohort, d.excluding_spikes, c.unit,
       sum(d.downloads * c.weight),
       coalesce(sum(d.downloads * c.weight) FILTER (WHERE c.derivative), 0)
FROM cohort_downloads d
JOIN model_credits c USING (model_id)
WHERE c.used_by = 'segment' AND d.day >= getvariable('marts_from')
GROUP BY ALL;
