-- Recompute concentration for the windows ending from getvariable('marts_from') on: models
-- from cohort_downloads, the other levels from concentration_daily.
DELETE FROM concentration WHERE day >= getvariable('marts_from');

-- The model level has a unit per model: summing a year of rows for every window end is most
-- of a daily refresh. When the kept sums (model_window_sums) end on the day before
-- marts_from, every older day is as it was when they were summed, so they move to each new
-- end instead: plus the days entering each window, minus those leaving it. Otherwise (a
-- rebuild, or a change reaching further back) the model level is summed like the others.
SET VARIABLE kept_sums_end = (SELECT max(day) FROM model_window_sums);
SET VARIABLE last_window_end = (SELECT max(day) FROM daily_downloads WHERE downloads > 0);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'level': level, 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp, unit, downloads
FROM concentration_daily WHERE day > getvariable('marts_from') - 365
UNION ALL
SELECT day, {'level': 'model', 'cohort': cohort, 'excluding_spikes': excluding_spikes}, model_id, downloads
FROM cohort_downloads WHERE day > getvariable('marts_from') - 365 AND NOT getvariable('sums_move');

CREATE OR REPLACE TEMP TABLE moved_model_sums AS
WITH window_ends AS (
    SELECT DISTINCT day FROM cohort_downloads WHERE day >= getvariable('marts_from') AND getvariable('sums_move')
),
-- A row counts towards the windows ending from its own day on, and stops counting
-- `window_days` later; first_end is the first window end each change applies to (each
-- bound is a constant, so each scan reads only its days).
changes AS (
    SELECT r.day AS first_end, w.window_days, r.cohort, r.excluding_spikes, r.model_id, r.downloads
    FROM cohort_downloads r, (VALUES (7), (30), (365)) AS w(window_days)
    WHERE r.day > getvariable('kept_sums_end') AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 7, 7, r.cohort, r.excluding_spikes, r.model_id, -r.downloads
    FROM cohort_downloads r
    WHERE r.day > getvariable('kept_sums_end') - 7 AND r.day <= getvariable('last_window_end') - 7 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 30, 30, r.cohort, r.excluding_spikes, r.model_id, -r.downloads
    FROM cohort_downloads r
    WHERE r.day > getvariable('kept_sums_end') - 30 AND r.day <= getvariable('last_window_end') - 30 AND getvariable('sums_move')
    UNION ALL
    SELECT r.day + 365, 365, r.cohort, r.excluding_spikes, r.model_id, -r.downloads
    FROM cohort_downloads r
    WHERE r.day > getvariable('kept_sums_end') - 365 AND r.day <= getvariable('last_window_end') - 365 AND getvariable('sums_move')
),
moved AS (
    SELECT e.day, k.window_days, k.cohort, k.excluding_spikes, k.model_id, k.downloads
    FROM window_ends e, model_window_sums k
    UNION ALL
    SELECT e.day, c.window_days, c.cohort, c.excluding_spikes, c.model_id, c.downloads
    FROM window_ends e JOIN changes c ON c.first_end <= e.day
    UNION ALL
    SELECT r.day, 1, r.cohort, r.excluding_spikes, r.model_id, r.downloads
    FROM window_ends e JOIN cohort_downloads r USING (day)
)
SELECT day, window_days, {'level': 'model', 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp,
       model_id AS unit, sum(downloads) AS downloads
FROM moved
GROUP BY ALL
HAVING sum(downloads) > 0;

-- The sums to move next time, at the newest window end: moved, or else summed from its year
-- (one end, one pass: never all the rebuild's ends at once).
DELETE FROM model_window_sums;
INSERT INTO model_window_sums
SELECT day, window_days, grp.cohort, grp.excluding_spikes, unit, downloads
FROM moved_model_sums
WHERE window_days > 1 AND day = getvariable('last_window_end');
INSERT INTO model_window_sums
SELECT getvariable('last_window_end'), window_days, cohort, excluding_spikes, model_id, downloads
FROM (
    SELECT cohort, excluding_spikes, model_id,
           unnest([7, 30, 365]) AS window_days,
           unnest([sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 7),
                   sum(downloads) FILTER (WHERE day > getvariable('last_window_end') - 30),
                   sum(downloads)]) AS downloads
    FROM cohort_downloads
    WHERE day > getvariable('last_window_end') - 365 AND NOT getvariable('sums_move')
      AND getvariable('last_window_end') >= getvariable('marts_from')
    GROUP BY ALL
)
WHERE downloads > 0;

INSERT INTO concentration
WITH ranked AS (
    SELECT *,
           downloads / sum(downloads) OVER groups AS share,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads, unit) AS ascending,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS descending
    FROM (FROM trailing_sums('windowed_input') UNION ALL FROM moved_model_sums)
    WINDOW groups AS (PARTITION BY day, window_days, grp)
)
SELECT day, window_days, grp.level, grp.cohort, grp.excluding_spikes,
       count(*) AS units,
       sum(share * share) AS hhi,
       2 * sum(ascending * downloads) / (count(*) * sum(downloads)) - (count(*) + 1) / count(*) AS gini,
       sum(share) FILTER (WHERE descending <= 10) AS top10_share
FROM ranked
GROUP BY ALL;

DROP VIEW windowed_input;
DROP TABLE moved_model_sums;
