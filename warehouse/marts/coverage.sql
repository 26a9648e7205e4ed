-- How much of each census's downloads can be credited to a country, per attribution.
CREATE OR REPLACE VIEW coverage AS
SELECT
    s.snapshot_date,
    a.attribution,
    sum(s.downloads_30d * x.origin_weight)::BIGINT AS downloads_30d,
    sum(s.downloads_30d * x.origin_weight) FILTER (WHERE a.country IS NOT NULL)::BIGINT AS downloads_30d_known,
    coalesce(sum(s.downloads_30d * x.origin_weight) FILTER (WHERE a.country IS NOT NULL)
             / nullif(sum(s.downloads_30d * x.origin_weight), 0), 0) AS share_known
FROM model_stats s
JOIN model_attribution x USING (model_id)
CROSS JOIN LATERAL (VALUES ('uploader', x.uploader_country), ('origin', x.origin_country)) AS a(attribution, country)
GROUP BY ALL;
COMMENT ON VIEW coverage IS 'Per census and attribution, the share of downloads (the Hub''s 30-day counts that day) whose country is known. The first thing a skeptical reader asks.';
COMMENT ON COLUMN coverage.snapshot_date IS 'The census day.';
COMMENT ON COLUMN coverage.attribution IS 'uploader or origin (see model_attribution).';
COMMENT ON COLUMN coverage.downloads_30d IS 'Sum of downloads_30d over the census''s models.';
COMMENT ON COLUMN coverage.downloads_30d_known IS 'The part credited to a known country.';
COMMENT ON COLUMN coverage.share_known IS 'downloads_30d_known / downloads_30d (0 when there are no downloads).';
