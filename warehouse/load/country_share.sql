-- Rebuild country_share from country_daily: trailing windows of 1, 7, 30 and 365 days.
DELETE FROM country_share;

INSERT INTO country_share
WITH days AS (SELECT DISTINCT day FROM country_daily),
windows AS (SELECT unnest([1, 7, 30, 365]) AS window_days),
covered AS (
    SELECT d.day, w.window_days, count(*) AS days_with_data
    FROM days d CROSS JOIN windows w JOIN days inside ON inside.day > d.day - w.window_days AND inside.day <= d.day
    GROUP BY ALL
),
summed AS (
    SELECT d.day, w.window_days, c.attribution, c.cohort, c.excluding_spikes, c.country, sum(c.downloads) AS downloads
    FROM days d
    CROSS JOIN windows w
    JOIN country_daily c ON c.day > d.day - w.window_days AND c.day <= d.day
    GROUP BY ALL
)
SELECT s.day, s.window_days, s.attribution, s.cohort, s.excluding_spikes, s.country, s.downloads,
       s.downloads / sum(s.downloads) OVER (PARTITION BY s.day, s.window_days, s.attribution, s.cohort,
                                            s.excluding_spikes) AS share,
       v.days_with_data
FROM summed s JOIN covered v USING (day, window_days);
