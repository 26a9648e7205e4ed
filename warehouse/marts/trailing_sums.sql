-- Sums over the trailing 1, 7, 30 and 365 days, for every window ending on a day from
-- getvariable('marts_from') on that has rows. `daily` names a table or view of
-- (day, grp, unit, downloads) holding at least the 364 days before marts_from; each unit is
-- summed within its group, and a unit with nothing in a window gets no row.
-- Two plans, one result: a daily refresh ends few windows, and sums the year before each end
-- directly (rows x ends); a rebuild ends hundreds, and runs window functions over each unit's
-- days instead (rows, sorted once), never a join of every window to the days it covers.
-- getvariable('few_window_ends') chooses (load/credited_models.sql); it is a constant, so
-- the other plan is pruned before it runs.
CREATE OR REPLACE MACRO trailing_sums(daily) AS TABLE
WITH daily_rows AS (FROM query_table(daily)),
window_ends AS (SELECT DISTINCT day FROM daily_rows WHERE day >= getvariable('marts_from')),
summed_directly AS (
    SELECT e.day, r.grp, r.unit, true AS window_end,
           sum(r.downloads) FILTER (WHERE r.day = e.day) AS d1,
           sum(r.downloads) FILTER (WHERE r.day > e.day - 7) AS d7,
           sum(r.downloads) FILTER (WHERE r.day > e.day - 30) AS d30,
           sum(r.downloads) AS d365
    FROM window_ends e JOIN daily_rows r ON r.day BETWEEN e.day - 364 AND e.day
    WHERE getvariable('few_window_ends')
    GROUP BY ALL
),
units AS (
    SELECT grp, unit, min(day) AS first_day, max(day) AS last_day
    FROM daily_rows WHERE NOT getvariable('few_window_ends') GROUP BY ALL
),
points AS (
    SELECT day, grp, unit, downloads, false AS window_end FROM daily_rows WHERE NOT getvariable('few_window_ends')
    UNION ALL
    -- a zero row on each window end a unit is within a year of, so its window sums appear
    -- there even on a day it has no downloads (RANGE frames include the day's other rows)
    SELECT e.day, u.grp, u.unit, 0, true
    FROM units u JOIN window_ends e ON e.day BETWEEN u.first_day AND u.last_day + 364
),
summed_by_window_functions AS (
    SELECT day, grp, unit, window_end,
           sum(downloads) OVER (unit_days RANGE BETWEEN CURRENT ROW AND CURRENT ROW) AS d1,
           sum(downloads) OVER (unit_days RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS d7,
           sum(downloads) OVER (unit_days RANGE BETWEEN INTERVAL 29 DAYS PRECEDING AND CURRENT ROW) AS d30,
           sum(downloads) OVER (unit_days RANGE BETWEEN INTERVAL 364 DAYS PRECEDING AND CURRENT ROW) AS d365
    FROM points
    WINDOW unit_days AS (PARTITION BY grp, unit ORDER BY day)
)
SELECT day, window_days, grp, unit, downloads
FROM (
    SELECT day, grp, unit, unnest([1, 7, 30, 365]) AS window_days, unnest([d1, d7, d30, d365]) AS downloads
    FROM (FROM summed_directly UNION ALL FROM summed_by_window_functions)
    WHERE window_end
)
WHERE downloads > 0;
