-- The organisation registry (warehouse/seeds/orgs.csv) with the user's overrides applied:
-- every namespace it knows, seen by a census or not. Rebuilt at every run.
CREATE TABLE IF NOT EXISTS orgs (
    namespace     VARCHAR NOT NULL,
    organisation  VARCHAR NOT NULL,
    parent        VARCHAR NOT NULL,
    country       VARCHAR,
    countries     VARCHAR[] NOT NULL,
    org_type      VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    confidence    VARCHAR,
    note          VARCHAR,
    origin        VARCHAR NOT NULL
);
COMMENT ON TABLE orgs IS 'Hub namespaces and who they are: the shipped registry (seeded from Epoch AI, CC BY 4.0, and curated) with HUBCENSUS_HOME/orgs_overrides.csv applied.';
COMMENT ON COLUMN orgs.namespace IS 'Hub namespace (user or organisation account); matched case-insensitively.';
COMMENT ON COLUMN orgs.organisation IS 'The organisation''s usual name (Qwen, Meta AI, ...); for an individual, their handle.';
COMMENT ON COLUMN orgs.parent IS 'Top-level organisation shares are aggregated by (Qwen -> Alibaba, THUDM -> Zhipu AI); the organisation itself when it has none.';
COMMENT ON COLUMN orgs.country IS 'ISO 3166-1 alpha-2 country of the organisation (headquarters / primary affiliation), several joined with ; for genuine collaborations; NULL when unknown.';
COMMENT ON COLUMN orgs.countries IS 'The same codes as a list (empty when unknown).';
COMMENT ON COLUMN orgs.org_type IS 'industry, academia, non-profit, government, research_collective, community, individual or intermediary (accounts that mostly quantise or repackage others'' models).';
COMMENT ON COLUMN orgs.source IS 'Where the country and type come from (URLs).';
COMMENT ON COLUMN orgs.confidence IS 'high, medium or low.';
COMMENT ON COLUMN orgs.note IS 'Curator''s note (Epoch AI rows name the models Epoch lists).';
COMMENT ON COLUMN orgs.origin IS 'registry (as shipped), override (a shipped row changed by orgs_overrides.csv) or added (a namespace the overrides add).';
