-- The ATOM Project's Relative Adoption Metric for base models.
CREATE TABLE IF NOT EXISTS relative_adoption (
    snapshot_date         DATE NOT NULL,
    model_id              VARCHAR NOT NULL,
    size_class            VARCHAR NOT NULL,
    release_quarter       VARCHAR NOT NULL,
    age_days              INTEGER NOT NULL,
    cumulative_downloads  BIGINT NOT NULL,
    baseline_downloads    BIGINT,
    relative_adoption     DOUBLE
);
COMMENT ON TABLE relative_adoption IS 'ATOM Project''s Relative Adoption Metric: a base model''s cumulative downloads at age t divided by those of the 10th most downloaded base model of its size class, released the same quarter, at the same age. Base models: no declared parent, a safetensors size, not a GGUF/MLX re-upload nor an embedding model, created on or after 2025-02-27 (so the all-time counter covers its whole life).';
COMMENT ON COLUMN relative_adoption.snapshot_date IS 'The census the counter comes from.';
COMMENT ON COLUMN relative_adoption.model_id IS 'The base model.';
COMMENT ON COLUMN relative_adoption.size_class IS 'Parameter bucket: <1B, 1-10B, 10-50B, 50-200B, >=200B.';
COMMENT ON COLUMN relative_adoption.release_quarter IS 'Quarter of creation, like 2025-Q3: the baseline compares models of the same quarter.';
COMMENT ON COLUMN relative_adoption.age_days IS 'Days since creation at the census (snapshot_date - created_at date).';
COMMENT ON COLUMN relative_adoption.cumulative_downloads IS 'downloads_all_time at the census.';
COMMENT ON COLUMN relative_adoption.baseline_downloads IS 'Cumulative downloads of the 10th most downloaded base model of the same size class and quarter at the same age; NULL when fewer than 10 such models were observed at that age.';
COMMENT ON COLUMN relative_adoption.relative_adoption IS 'cumulative_downloads / baseline_downloads (1 = as adopted as the 10th model; NULL without a baseline, or when the baseline has no downloads).';
