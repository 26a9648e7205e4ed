-- concentration_daily from getvariable('marts_from') on (pipeline/metrics.py replaces those days).
CREATE OR REPLACE TEMP VIEW concentration_daily_recomputed AS
SELECT day, dimension AS level, cohort, excluding_spikes, unit, downloads
FROM credited_daily('concentration', 'refresh_credits');
