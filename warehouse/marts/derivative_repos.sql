-- New derivative repos (finetunes, adapters, quantisations, merges) per day, by what they build on.
CREATE OR REPLACE VIEW derivative_repos AS
SELECT
    utc_day(m.created_at) AS day,
    a.origin_model_id AS family,
    coalesce(a.origin_country, 'unknown') AS origin_country,
    a.relation,
    sum(a.origin_weight) AS repos
FROM model_attribution a
JOIN models m USING (model_id)
WHERE a.relation IS NOT NULL AND m.created_at IS NOT NULL
GROUP BY ALL;
COMMENT ON VIEW derivative_repos IS 'Derivative repos created each day (by createdAt, for every model any census has listed), by root family, origin country and relation. A merge of several families counts origin_weight for each, so repos sum to the number of repos.';
COMMENT ON COLUMN derivative_repos.day IS 'Creation day of the repos (UTC).';
COMMENT ON COLUMN derivative_repos.family IS 'Root base model they build on (model_attribution.origin_model_id).';
COMMENT ON COLUMN derivative_repos.origin_country IS 'Country of that root''s developer, or unknown.';
COMMENT ON COLUMN derivative_repos.relation IS 'finetune, adapter, quantized or merge.';
COMMENT ON COLUMN derivative_repos.repos IS 'Repos created (fractional for merges across families).';
