-- Recompute segment_daily from getvariable('marts_from') on.
DELETE FROM segment_daily WHERE day >= getvariable('marts_from');
INSERT INTO segment_daily FROM credited_daily('segment', 'refresh_credits');
