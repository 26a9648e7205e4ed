-- Exact sums of fractional downloads (origin weights, country splits): each value in units
-- of 10^-18, a HUGEINT, which is what DECIMAL(38, 18) holds; but a DECIMAL's cast to DOUBLE
-- divides a 128-bit integer, about 0.6 µs a value (most of moving every model's sums at
-- 25,000 models, BENCHMARKS.md 4.), and the integer's takes a nanosecond. Every plan
-- converts with these, so the plans agree.
CREATE OR REPLACE MACRO to_exact(downloads) AS (downloads * 1e18)::HUGEINT;
CREATE OR REPLACE MACRO from_exact(exact) AS exact::DOUBLE / 1e18;

-- A share table ranks its units within groups: a label (its dimension, level or
-- attribution), a cohort and a spike choice. window_sums and the kept sums key a group by a small
-- integer, not a struct: a struct key was a fifth of moving the kept sums and a quarter of
-- writing them (BENCHMARKS.md 4.). `labels` is the table's list of labels
-- (core/window_sums.sql); a label not in it gives NULL, which the kept sums refuse.
CREATE OR REPLACE MACRO group_key(labels, label, cohort, excluding_spikes) AS
    ((list_position(labels, label) - 1) * 4 + (cohort = 'new')::INTEGER * 2 + excluding_spikes::INTEGER)::UTINYINT;
CREATE OR REPLACE MACRO group_label(labels, grp) AS labels[grp // 4 + 1];
CREATE OR REPLACE MACRO group_cohort(grp) AS ['all', 'new'][grp // 2 % 2 + 1];
CREATE OR REPLACE MACRO group_excluding_spikes(grp) AS grp % 2 = 1;

-- Sums over the trailing 1, 7, 30 and 365 days, for every window end
-- (getvariable('window_end_days'), load/window_ends.sql). `daily` names a table or view of
-- (day, grp, unit, downloads) holding at least the 365 days before marts_from (the oldest
-- leaves the 365-day window ending on marts_from, which moved sums subtract); each unit is
-- summed within its group. `kept` names the share table's kept sums (core/window_sums.sql).
-- Three plans, one result: sums are exact (to_exact above), so the plans agree to the last digit.
--   * moved (getvariable('sums_move')): the kept sums end on the day before marts_from, so
--     every older day is as it was when they were summed: they move to each new end, plus
--     the days entering each window, minus the days leaving it, reading those few days only;
--   * summed directly (getvariable('few_window_ends')): a refresh ending up to seven sums
--     the year before each end (rows x ends);
--   * window functions: a rebuild ends hundreds, and runs them over each unit's days (rows,
--     sorted once), never a join of every window to the days it covers.
-- Each load file sets sums_move, few_window_ends by load/window_ends.sql; they are
-- constants, so the other plans are pruned before they run.
-- A row per window end, group and unit, its four windows side by side (a third of the rows
-- a row per window would be, in the moved sums' aggregate and in the kept sums):
-- day, grp, unit, d1, d7, d30, d365 (exact; 0 or NULL where the unit has nothing in a
-- window). summed_once (below) gives a row per window.
CREATE OR REPLACE MACRO window_sums(daily, kept) AS TABLE
-- not materialised: each use filters its days, read straight from `daily`
WITH daily_rows AS NOT MATERIALIZED (
    SELECT day, grp, unit, to_exact(downloads) AS downloads FROM query_table(daily)
),
window_ends AS (SELECT unnest(getvariable('window_end_days')) AS day),
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
-- bound is a constant, so each scan reads only its days). d1 counts on its own day only.
changes AS (
    SELECT r.day AS first_end, r.grp, r.unit, r.downloads AS d1, r.downloads AS d7, r.downloads AS d30, r.downloads AS d365
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 7, r.grp, r.unit, 0, -r.downloads, 0, 0
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 7 AND r.day <= getvariable('last_window_end') - 7 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 30, r.grp, r.unit, 0, 0, -r.downloads, 0
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 30 AND r.day <= getvariable('last_window_end') - 30 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 365, r.grp, r.unit, 0, 0, 0, -r.downloads
    FROM daily_rows r
    WHERE r.day > getvariable('kept_sums_end') - 365 AND r.day <= getvariable('last_window_end') - 365 AND getvariable('sums_move')
),
moved AS (
    SELECT e.day, k.grp, k.unit, 0 AS d1, k.downloads_7d AS d7, k.downloads_30d AS d30, k.downloads_365d AS d365
    FROM window_ends e, query_table(kept) k
    WHERE getvariable('sums_move')
    UNION ALL
    SELECT e.day, c.grp, c.unit, if(c.first_end = e.day, c.d1, 0), c.d7, c.d30, c.d365
    FROM window_ends e JOIN changes c ON c.first_end <= e.day
)
SELECT day, grp, unit, d1, d7, d30, d365
FROM (FROM summed_directly UNION ALL FROM summed_by_window_functions)
WHERE window_end
UNION ALL
SELECT day, grp, unit, sum(d1), sum(d7), sum(d30), sum(d365)
FROM moved
GROUP BY ALL;

-- window_sums(daily, kept), a row per window: day, window_days, grp, unit, downloads
-- (DOUBLE, for the shares), exact_downloads; a unit with nothing in a window gets no row.
-- `stored` names a table of window_sums' rows, which each load stores when the refresh ends
-- few windows (moved or summed directly: they are read twice, by the share table and by
-- sums_to_keep, and a first refresh's year is summed once, not twice); a rebuild's are read
-- once, as they run (too many to store).
CREATE OR REPLACE MACRO summed_once(daily, kept, stored) AS TABLE
SELECT day, window_days, grp, unit, from_exact(exact_downloads) AS downloads, exact_downloads
FROM (
    SELECT day, grp, unit, unnest([1, 7, 30, 365]) AS window_days, unnest([d1, d7, d30, d365]) AS exact_downloads
    FROM (FROM query_table(stored) UNION ALL FROM window_sums(daily, kept) WHERE NOT getvariable('few_window_ends'))
)
WHERE exact_downloads > 0;

-- The kept sums to move next time, at the newest window end (getvariable('last_window_end')),
-- for the units with downloads in its year: the stored ones (`stored`, as for summed_once),
-- or else, in a rebuild, summed from the year behind it in one pass (never from all its
-- window ends at once). Nothing when the refresh ends no window: the kept sums stay as they are
-- if kept_sums_stay(), and are deleted otherwise.
CREATE OR REPLACE MACRO sums_to_keep(stored, daily) AS TABLE
SELECT day, grp, unit, coalesce(d7, 0) AS downloads_7d, coalesce(d30, 0) AS downloads_30d, d365 AS downloads_365d
FROM query_table(stored)
WHERE getvariable('few_window_ends') AND day = getvariable('last_window_end') AND d365 > 0
UNION ALL
SELECT getvariable('last_window_end'), grp, unit,
       coalesce(sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 7), 0),
       coalesce(sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 30), 0),
       sum(downloads)
FROM (SELECT day, grp, unit, to_exact(downloads) AS downloads FROM query_table(daily))
WHERE day > getvariable('last_window_end') - 365 AND day <= getvariable('last_window_end')
  AND NOT getvariable('few_window_ends') AND getvariable('last_window_end') >= getvariable('marts_from')
GROUP BY grp, unit
HAVING sum(downloads) > 0;

-- A refresh that ends no window, on a day where the kept sums already end, keeps them: no
-- day up to their end changed.
CREATE OR REPLACE MACRO kept_sums_stay() AS
coalesce(getvariable('kept_sums_end') = getvariable('last_window_end')
         AND getvariable('last_window_end') < getvariable('marts_from'), false);
