-- Rebuild country_daily from daily_downloads and the current attribution (which any
-- registry change rewrites for the whole history).
DELETE FROM country_daily;

INSERT INTO country_daily
WITH credits AS (
    -- one row per model and bucket, with the share of the model it gets
    SELECT model_id, 'uploader' AS attribution, bucket AS country, origin_weight / len(buckets) AS weight
    FROM (SELECT model_id, origin_weight, string_split(uploader_category, ';') AS buckets FROM model_attribution),
         unnest(buckets) AS b(bucket)
    UNION ALL
    SELECT model_id, 'origin', bucket, origin_weight / len(buckets)
    FROM (SELECT model_id, origin_weight, string_split(coalesce(origin_country, 'unknown'), ';') AS buckets
          FROM model_attribution),
         unnest(buckets) AS b(bucket)
)
SELECT d.day, c.attribution, d.cohort, d.excluding_spikes, c.country, sum(d.downloads * c.weight)
FROM cohort_downloads d
JOIN credits c USING (model_id)
GROUP BY ALL;
