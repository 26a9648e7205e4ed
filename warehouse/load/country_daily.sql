-- country_daily from getvariable('marts_from') on (pipeline/metrics.py replaces those days).
CREATE OR REPLACE TEMP VIEW country_daily_recomputed AS
SELECT day, dimension AS attribution, cohort, excluding_spikes, unit AS country, downloads
FROM credited_daily('country', 'refresh_credits');
