-- Recompute country_daily from getvariable('marts_from') on.
DELETE FROM country_daily WHERE day >= getvariable('marts_from');
INSERT INTO country_daily
SELECT day, dimension, cohort, excluding_spikes, unit, downloads FROM credited_daily('country', 'refresh_credits');
