-- Rebuild concentration from daily_downloads and the current attribution.
DELETE FROM concentration;

INSERT INTO concentration
WITH credits AS (
    SELECT model_id, origin_weight AS weight, model_id AS model,
           coalesce(uploader_parent, uploader_namespace) AS uploader_organisation,
           CASE WHEN uploader_category = uploader_country THEN uploader_country END AS uploader_country,
           coalesce(origin_parent, origin_namespace) AS origin_organisation,
           origin_country
    FROM model_attribution
),
units AS (
    -- a unit with several countries splits its part equally among them
    SELECT model_id, level, unit, weight / len(string_split(units, ';')) AS weight
    FROM (UNPIVOT credits ON model, uploader_organisation, uploader_country, origin_organisation, origin_country
          INTO NAME level VALUE units),
         unnest(string_split(units, ';')) AS u(unit)
),
unit_daily AS (
    SELECT d.day, u.level, d.cohort, d.excluding_spikes, u.unit, sum(d.downloads * u.weight) AS downloads
    FROM cohort_downloads d
    JOIN units u USING (model_id)
    GROUP BY ALL
),
summed AS (
    SELECT w.day, w.window_days, u.level, u.cohort, u.excluding_spikes, u.unit, sum(u.downloads) AS downloads
    FROM trailing_windows w
    JOIN unit_daily u ON u.day BETWEEN w.first_day AND w.day
    GROUP BY ALL
    HAVING sum(u.downloads) > 0
),
ranked AS (
    SELECT *,
           downloads / sum(downloads) OVER groups AS share,
           row_number() OVER (PARTITION BY day, window_days, level, cohort, excluding_spikes
                              ORDER BY downloads, unit) AS ascending,
           row_number() OVER (PARTITION BY day, window_days, level, cohort, excluding_spikes
                              ORDER BY downloads DESC, unit) AS descending
    FROM summed
    WINDOW groups AS (PARTITION BY day, window_days, level, cohort, excluding_spikes)
)
SELECT day, window_days, level, cohort, excluding_spikes,
       count(*) AS units,
       sum(share * share) AS hhi,
       2 * sum(ascending * downloads) / (count(*) * sum(downloads)) - (count(*) + 1) / count(*) AS gini,
       sum(share) FILTER (WHERE descending <= 10) AS top10_share
FROM ranked
GROUP BY ALL;
