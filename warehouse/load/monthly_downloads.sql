-- Bring monthly_downloads up to date with daily_downloads. A daily refresh only appends days
-- after the newest day summed (through_day): the newest month's sums are carried and those
-- days added to them. When days already summed were recomputed (a backfill, a replaced
-- census, a rebuild), or the table is new, every month from from_day's month to the newest
-- is summed again from its days. This file clears those months and lists them in
-- months_to_sum; pipeline/metrics.py's sum_months runs load/monthly_downloads_month.sql for each.
SET VARIABLE monthly_through = (SELECT max(through_day) FROM monthly_downloads);
SET VARIABLE monthly_start = CASE
    WHEN getvariable('monthly_through') IS NULL THEN DATE '0001-01-01'
    WHEN getvariable('monthly_through') < getvariable('from_day') THEN getvariable('monthly_through') + 1
    ELSE date_trunc('month', getvariable('from_day'))::DATE
END;
SET VARIABLE newest_day = (SELECT max(day) FROM daily_downloads);

-- the part of the month summed before monthly_start (none when it starts the month)
CREATE OR REPLACE TEMP TABLE carried AS
SELECT month, model_id, downloads, spike_downloads
FROM monthly_downloads
WHERE month = date_trunc('month', getvariable('monthly_start')) AND month < getvariable('monthly_start');

DELETE FROM monthly_downloads WHERE month >= date_trunc('month', getvariable('monthly_start'));

-- (months before daily_downloads' first have nothing to sum)
CREATE OR REPLACE TEMP TABLE months_to_sum AS
SELECT unnest(generate_series(
           greatest(date_trunc('month', getvariable('monthly_start')), date_trunc('month', (SELECT min(day) FROM daily_downloads))),
           date_trunc('month', getvariable('newest_day')), INTERVAL 1 MONTH))::DATE AS month
WHERE getvariable('newest_day') IS NOT NULL;
