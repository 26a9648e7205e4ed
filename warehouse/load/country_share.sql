-- Recompute country_share for the windows ending from getvariable('marts_from') on,
-- moving its kept sums (marts/window_sums.sql).
DROP TABLE refresh_credits;  -- the daily tables' loads, before this file, were their last readers
DELETE FROM country_share WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM country_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, group_key(country_attributions(), attribution, cohort, excluding_spikes) AS grp,
       country AS unit, downloads
FROM country_daily WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE stored_sums AS
FROM window_sums('windowed_input', 'country_window_sums') WHERE getvariable('few_window_ends');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'country_window_sums', 'stored_sums');

INSERT INTO country_share
WITH days_with_downloads AS (
    SELECT day,
           count(*) OVER (days RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW) AS d7,
           count(*) OVER (days RANGE BETWEEN INTERVAL 29 DAYS PRECEDING AND CURRENT ROW) AS d30,
           count(*) OVER (days RANGE BETWEEN INTERVAL 364 DAYS PRECEDING AND CURRENT ROW) AS d365
    FROM (SELECT DISTINCT day FROM windowed_input)
    WINDOW days AS (ORDER BY day)
),
covered AS (
    SELECT day, unnest([1, 7, 30, 365]) AS window_days, unnest([1, d7, d30, d365]) AS days_with_data
    FROM days_with_downloads
)
SELECT s.day, s.window_days, group_label(country_attributions(), s.grp), group_cohort(s.grp),
       group_excluding_spikes(s.grp), s.unit, s.downloads,
       -- over the exact sum: the same share however the rows are ordered
       s.downloads / from_exact(sum(s.exact_downloads) OVER (PARTITION BY s.day, s.window_days, s.grp)) AS share,
       v.days_with_data
FROM summed s JOIN covered v USING (day, window_days);

DELETE FROM country_window_sums WHERE NOT kept_sums_stay();
INSERT INTO country_window_sums FROM sums_to_keep('stored_sums', 'windowed_input');
DROP VIEW summed;
DROP TABLE stored_sums;
DROP VIEW windowed_input;
