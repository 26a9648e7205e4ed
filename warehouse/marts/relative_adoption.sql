-- The ATOM Project's Relative Adoption Metric for base models: each census's counters
-- (adoption_counters) divided by their group's baseline (adoption_baselines). The baselines
-- are kept, so that a day's census merges its counters into them and recounts only the
-- groups a change reaches (load/relative_adoption.sql). The counters are a view over
-- model_stats, not a table: a row per base model per census, a table of them grew with the
-- history inside the warehouse file, which every write session copies (4.5 GiB of the
-- 6 GiB file at 2.5M models x 365 days, BENCHMARKS.md 4.).
CREATE TABLE IF NOT EXISTS adoption_models (
    model_id         VARCHAR NOT NULL,
    released         DATE NOT NULL,
    size_class       VARCHAR NOT NULL,
    release_quarter  VARCHAR NOT NULL
);
COMMENT ON TABLE adoption_models IS 'Bookkeeping of the metric refresh: the base models adoption_counters holds, with the facts their counters are grouped by. A model that leaves or joins the base models, or whose facts change, has the groups its counters were and are in counted again.';
COMMENT ON COLUMN adoption_models.model_id IS 'The base model.';
COMMENT ON COLUMN adoption_models.released IS 'Its creation day (models.created_at), from which ages are counted.';
COMMENT ON COLUMN adoption_models.size_class IS 'Its parameter bucket.';
COMMENT ON COLUMN adoption_models.release_quarter IS 'Its quarter of creation.';

CREATE OR REPLACE VIEW adoption_counters AS
SELECT s.snapshot_date, a.model_id, a.size_class, a.release_quarter,
       (s.snapshot_date - a.released)::INTEGER AS age_days, s.downloads_all_time AS cumulative_downloads
FROM model_stats s
JOIN snapshots USING (snapshot_date)
JOIN adoption_models a USING (model_id)
WHERE snapshots.complete;
COMMENT ON VIEW adoption_counters IS 'The counters relative_adoption compares: one row per base model (see relative_adoption) per complete census, read from model_stats and grouped by the facts in adoption_models.';
COMMENT ON COLUMN adoption_counters.snapshot_date IS 'The census the counter comes from.';
COMMENT ON COLUMN adoption_counters.model_id IS 'The base model.';
COMMENT ON COLUMN adoption_counters.size_class IS 'Parameter bucket: <1B, 1-10B, 10-50B, 50-200B, >=200B.';
COMMENT ON COLUMN adoption_counters.release_quarter IS 'Quarter of creation, like 2025-Q3.';
COMMENT ON COLUMN adoption_counters.age_days IS 'Days since creation at the census (snapshot_date - created_at date).';
COMMENT ON COLUMN adoption_counters.cumulative_downloads IS 'downloads_all_time at the census.';

CREATE TABLE IF NOT EXISTS adoption_baselines (
    size_class          VARCHAR NOT NULL,
    release_quarter     VARCHAR NOT NULL,
    age_days            INTEGER NOT NULL,
    top_downloads       BIGINT[] NOT NULL,
    baseline_downloads  BIGINT
);
COMMENT ON TABLE adoption_baselines IS 'Each (size class, release quarter, age) group of adoption_counters: its ten largest counters, the tenth being the baseline relative_adoption divides by.';
COMMENT ON COLUMN adoption_baselines.size_class IS 'Parameter bucket (adoption_counters.size_class).';
COMMENT ON COLUMN adoption_baselines.release_quarter IS 'Quarter of creation (adoption_counters.release_quarter).';
COMMENT ON COLUMN adoption_baselines.age_days IS 'Age in days (adoption_counters.age_days).';
COMMENT ON COLUMN adoption_baselines.top_downloads IS 'The group''s ten largest cumulative_downloads, largest first (fewer when the group has fewer counters).';
COMMENT ON COLUMN adoption_baselines.baseline_downloads IS 'The tenth of them; NULL when the group has fewer than 10 counters.';

-- which censuses' counters the baselines hold: a census replaced after it was counted has
-- its groups recounted
CREATE TABLE IF NOT EXISTS adoption_censuses (
    snapshot_date  DATE NOT NULL
);
COMMENT ON TABLE adoption_censuses IS 'Bookkeeping of the metric refresh: the complete censuses whose counters adoption_baselines holds. A census replaced after it was counted has its groups counted again.';
COMMENT ON COLUMN adoption_censuses.snapshot_date IS 'The census (snapshots.snapshot_date).';

CREATE OR REPLACE VIEW relative_adoption AS
SELECT c.snapshot_date, c.model_id, c.size_class, c.release_quarter, c.age_days, c.cumulative_downloads,
       b.baseline_downloads, c.cumulative_downloads / nullif(b.baseline_downloads, 0) AS relative_adoption
FROM adoption_counters c
LEFT JOIN adoption_baselines b USING (size_class, release_quarter, age_days);
COMMENT ON VIEW relative_adoption IS 'ATOM Project''s Relative Adoption Metric: a base model''s cumulative downloads at age t divided by those of the 10th most downloaded base model of its size class, released the same quarter, at the same age. Base models: no declared parent, a safetensors size, not a GGUF/MLX re-upload nor an embedding model, created on or after 2025-02-27 (so the all-time counter covers its whole life).';
COMMENT ON COLUMN relative_adoption.snapshot_date IS 'The census the counter comes from.';
COMMENT ON COLUMN relative_adoption.model_id IS 'The base model.';
COMMENT ON COLUMN relative_adoption.size_class IS 'Parameter bucket: <1B, 1-10B, 10-50B, 50-200B, >=200B.';
COMMENT ON COLUMN relative_adoption.release_quarter IS 'Quarter of creation, like 2025-Q3: the baseline compares models of the same quarter.';
COMMENT ON COLUMN relative_adoption.age_days IS 'Days since creation at the census (snapshot_date - created_at date).';
COMMENT ON COLUMN relative_adoption.cumulative_downloads IS 'downloads_all_time at the census.';
COMMENT ON COLUMN relative_adoption.baseline_downloads IS 'Cumulative downloads of the 10th most downloaded base model of the same size class and quarter at the same age; NULL when fewer than 10 such models were observed at that age.';
COMMENT ON COLUMN relative_adoption.relative_adoption IS 'cumulative_downloads / baseline_downloads (1 = as adopted as the 10th model; NULL without a baseline, or when the baseline has no downloads).';
