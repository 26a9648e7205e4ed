-- Recompute concentration_daily from getvariable('marts_from') on.
DELETE FROM concentration_daily WHERE day >= getvariable('marts_from');
INSERT INTO concentration_daily
SELECT day, dimension, cohort, excluding_spikes, unit, downloads FROM credited_daily('concentration', 'refresh_credits');
DROP TABLE refresh_credits;  -- the last of the daily tables to read them
