-- segment_daily from getvariable('marts_from') on (pipeline/metrics.py replaces those days).
CREATE OR REPLACE TEMP VIEW segment_daily_recomputed AS
SELECT day, dimension, cohort, excluding_spikes, unit AS segment, downloads, derivative_downloads
FROM credited_daily('segment', 'refresh_credits');
