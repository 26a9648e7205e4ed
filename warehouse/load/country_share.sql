-- Recompute country_share for the windows ending from getvariable('marts_from') on.
DELETE FROM country_share WHERE day >= getvariable('marts_from');

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'attribution': attribution, 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp,
       country AS unit, downloads
FROM country_daily WHERE day > getvariable('marts_from') - 365;

INSERT INTO country_share
WITH summed AS (FROM trailing_sums('windowed_input')),
days_with_downloads AS (
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
SELECT s.day, s.window_days, s.grp.attribution, s.grp.cohort, s.grp.excluding_spikes, s.unit, s.downloads,
       s.downloads / sum(s.downloads) OVER (PARTITION BY s.day, s.window_days, s.grp) AS share,
       v.days_with_data
FROM summed s JOIN covered v USING (day, window_days);

DROP VIEW windowed_input;
