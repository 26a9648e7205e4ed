-- Exact sums of fractional downloads (origin weights, country splits): each value in units
-- of 10^-18, a HUGEINT, which is what DECIMAL(38, 18) holds; but a DECIMAL's cast to DOUBLE
-- divides a 128-bit integer, about 0.6 µs a value (most of moving every model's sums at
-- 25,000 models, BENCHMARKS.md 4.), and the integer's takes a nanosecond. Every plan
-- converts with these, so the plans agree.
CREATE OR REPLACE MACRO to_exact(downloads) AS (downloads * 1e18)::HUGEINT;
CREATE OR REPLACE MACRO from_exact(exact) AS exact::DOUBLE / 1e18;

-- Sums over the trailing 1, 7, 30 and 365 days, for every window ending on a day from
-- getvariable('marts_from') on that has rows. `daily` names a table or view of
-- (day, grp, unit, downloads) holding at least the 365 days before marts_from (the oldest
-- leaves the 365-day window ending on marts_from, which moved sums subtract); each unit is
-- summed within its group, and a unit with nothing in a window gets no row. `kept` names
-- the share table's kept sums (core/window_sums.sql).
-- Three plans, one result: sums are exact (to_exact above), so the plans agree to the last digit.
--   * moved (getvariable('sums_move')): the kept sums end on the day before marts_from, so
--     every older day is as it was when they were summed: they move to each new end, plus
--     the days entering each window, minus the days leaving it, reading those few days only;
--   * summed directly (getvariable('few_window_ends')): a refresh ending up to seven sums
--     the year before each end (rows x ends);
--   * window functions: a rebuild ends hundreds, and runs them over each unit's days (rows,
--     sorted once), never a join of every window to the days it covers.
-- Each load file sets sums_move, few_window_ends by load/credited_models.sql; they are
-- constants, so the other plans are pruned before they run.
-- Columns: day, window_days, grp, unit, downloads (DOUBLE, for the shares), exact_downloads.
CREATE OR REPLACE MACRO window_sums(daily, kept) AS TABLE
-- not materialised: each use filters its days, read straight from `daily`
WITH daily_rows AS NOT MATERIALIZED (
    SELECT day, grp, unit, to_exact(downloads) AS downloads FROM query_table(daily)
),
window_ends AS (SELECT DISTINCT day FROM daily_rows WHERE day >= getvariable('marts_from')),
summed_directly AS (
    SELECT e.day, r.grp, r.unit, true AS window_end,
           sum(r.downloads) FILTER (WHERE r.day = e.day) AS d1,
           sum(r.downloads) FILTER (WHERE r.day > e.day - 7) AS d7,
           sum(r.downloads) FILTER (WHERE r.day > e.day - 30) AS d30,
           sum(r.downloads) AS d365
    FROM window_ends e JOIN daily_rows r ON r.day BETWEEN e.day - 364 AND e.day
    WHERE getvariable('few_window_ends') AND NOT getvariable('sums_move')
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
),
-- A row counts towards the windows ending from its own day on, and stops counting
-- `window_days` later; first_end is the first window end each change applies to (each
-- bound is a constant, so each scan reads only its days).
changes AS (
    SELECT r.day AS first_end, w.window_days, r.grp, r.unit, r.downloads
    FROM daily_rows r, (VALUES (7), (30), (365)) AS w(window_days)
    WHERE r.day > getvariable('kept_sums_end') AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 7, 7, r.grp, r.unit, -r.downloads
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 7 AND r.day <= getvariable('last_window_end') - 7 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 30, 30, r.grp, r.unit, -r.downloads
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 30 AND r.day <= getvariable('last_window_end') - 30 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 365, 365, r.grp, r.unit, -r.downloads
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 365 AND r.day <= getvariable('last_window_end') - 365 AND getvariable('sums_move')
),
moved AS (
    SELECT e.day, k.window_days, k.grp, k.unit, k.downloads
    FROM window_ends e, query_table(kept) k
    WHERE getvariable('sums_move')
    UNION ALL
    SELECT e.day, c.window_days, c.grp, c.unit, c.downloads
    FROM window_ends e JOIN changes c ON c.first_end <= e.day
    UNION ALL
    SELECT r.day, 1, r.grp, r.unit, r.downloads
    FROM window_ends e JOIN daily_rows r USING (day)
    WHERE r.day >= getvariable('marts_from') AND getvariable('sums_move')  -- a constant bound: only those days are read
)
SELECT day, window_days, grp, unit, from_exact(exact_downloads) AS downloads, exact_downloads
FROM (
    SELECT day, grp, unit, unnest([1, 7, 30, 365]) AS window_days, unnest([d1, d7, d30, d365]) AS exact_downloads
    FROM (FROM summed_directly UNION ALL FROM summed_by_window_functions)
    WHERE window_end
    UNION ALL BY NAME
    SELECT day, grp, unit, window_days, sum(downloads) AS exact_downloads
    FROM moved
    GROUP BY ALL
)
WHERE exact_downloads > 0;

-- window_sums(daily, kept) for a load that materialised the moved sums in `moved` (they are
-- read twice: by the share table and by sums_to_keep); the other plans are read once, as
-- they run (a rebuild's sums are too many to store).
CREATE OR REPLACE MACRO summed_once(daily, kept, moved) AS TABLE
FROM query_table(moved)
UNION ALL
FROM window_sums(daily, kept) WHERE NOT getvariable('sums_move');

-- The kept sums to move next time, at the newest window end (getvariable('last_window_end')):
-- the moved ones (`moved`, as for summed_once), or else summed from the year behind it in
-- one pass (never from all the window ends of a rebuild at once). Nothing when the refresh
-- ends no window: the kept sums stay as they are if kept_sums_stay(), and are deleted otherwise.
CREATE OR REPLACE MACRO sums_to_keep(moved, daily) AS TABLE
SELECT day, window_days, grp, unit, exact_downloads AS downloads
FROM query_table(moved)
WHERE getvariable('sums_move') AND window_days > 1 AND day = getvariable('last_window_end')
UNION ALL
SELECT getvariable('last_window_end'), window_days, grp, unit, downloads
FROM (
    SELECT grp, unit, unnest([7, 30, 365]) AS window_days,
           unnest([sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 7),
                   sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 30),
                   sum(downloads)]) AS downloads
    FROM (SELECT day, grp, unit, to_exact(downloads) AS downloads FROM query_table(daily))
    WHERE day > getvariable('last_window_end') - 365 AND day <= getvariable('last_window_end')
      AND NOT getvariable('sums_move') AND getvariable('last_window_end') >= getvariable('marts_from')
    GROUP BY ALL
)
WHERE downloads > 0;

-- A refresh that ends no window, on a day where the kept sums already end, keeps them: no
-- day up to their end changed.
CREATE OR REPLACE MACRO kept_sums_stay() AS
coalesce(getvariable('kept_sums_end') = getvariable('last_window_end')
         AND getvariable('last_window_end') < getvariable('marts_from'), false);
