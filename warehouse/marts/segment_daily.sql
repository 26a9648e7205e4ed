-- Each day's downloads by segment of a dimension (family, organisation, size, task, licence).
CREATE TABLE IF NOT EXISTS segment_daily (
    day               DATE NOT NULL,
    dimension         VARCHAR NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    segment           VARCHAR NOT NULL,
    downloads         DOUBLE NOT NULL,
    derivative_downloads DOUBLE NOT NULL
);
-- warehouses made before the column: the refresh after the upgrade recomputes every day
ALTER TABLE segment_daily ADD COLUMN IF NOT EXISTS derivative_downloads DOUBLE DEFAULT 0;
COMMENT ON TABLE segment_daily IS 'Downloads of each day by segment, for the dimensions of segment_share. Models with several roots are split by origin_weight.';
COMMENT ON COLUMN segment_daily.day IS 'The day (daily_downloads.day).';
COMMENT ON COLUMN segment_daily.dimension IS 'family, origin_organisation, origin_parent, size, task or license (see segment_share).';
COMMENT ON COLUMN segment_daily.cohort IS 'all, or new: downloads made while the model was less than 365 days old.';
COMMENT ON COLUMN segment_daily.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN segment_daily.segment IS 'The segment (a root model id, an organisation, a size bucket, a task, a licence), or unknown.';
COMMENT ON COLUMN segment_daily.downloads IS 'Downloads credited to the segment that day.';
COMMENT ON COLUMN segment_daily.derivative_downloads IS 'The part of downloads made by derivatives (models that declare a parent, model_credits.derivative): for a family, what builds on its root rather than the root itself.';
