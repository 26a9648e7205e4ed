-- Recompute concentration_daily from getvariable('marts_from') on.
DELETE FROM concentration_daily WHERE day >= getvariable('marts_from');

INSERT INTO concentration_daily
SELECT d.day, c.dimension, d.cohort, d.excluding_spikes, c.unit, sum(d.downloads * c.weight)
FROM cohort_downloads d
JOIN model_credits c USING (model_id)
WHERE c.used_by = 'concentration' AND d.day >= getvariable('marts_from')
GROUP BY ALL;
