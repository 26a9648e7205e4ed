-- Rebuild country_share from country_daily: trailing windows of 1, 7, 30 and 365 days.
DELETE FROM country_share;

INSERT INTO country_share
WITH covered AS (
    SELECT w.day, w.window_days, count(*) AS days_with_data
    FROM trailing_windows w
    JOIN (SELECT DISTINCT day FROM trailing_windows) inside ON inside.day BETWEEN w.first_day AND w.day
    GROUP BY ALL
),
summed AS (
    SELECT w.day, w.window_days, c.attribution, c.cohort, c.excluding_spikes, c.country, sum(c.downloads) AS downloads
    FROM trailing_windows w
    JOIN country_daily c ON c.day BETWEEN w.first_day AND w.day
    GROUP BY ALL
)
SELECT s.day, s.window_days, s.attribution, s.cohort, s.excluding_spikes, s.country, s.downloads,
       s.downloads / sum(s.downloads) OVER (PARTITION BY s.day, s.window_days, s.attribution, s.cohort,
                                            s.excluding_spikes) AS share,
       v.days_with_data
FROM summed s JOIN covered v USING (day, window_days);
