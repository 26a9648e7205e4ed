-- Sum the month getvariable('month') of monthly_downloads (load/monthly_downloads.sql): one
-- month per statement, as a year at once outgrows the write session's memory cap at 2.5M
-- models (BENCHMARKS.md 5.).
INSERT INTO monthly_downloads
SELECT month, model_id, sum(downloads), sum(spike_downloads), least(last_day(month), getvariable('newest_day'))
FROM (
    FROM carried WHERE month = getvariable('month')
    UNION ALL
    SELECT getvariable('month'), model_id, downloads, CASE WHEN spike THEN downloads ELSE 0 END
    FROM daily_downloads
    WHERE day >= greatest(getvariable('monthly_start'), getvariable('month'))
      AND day < getvariable('month') + INTERVAL 1 MONTH AND downloads > 0
)
GROUP BY month, model_id;
