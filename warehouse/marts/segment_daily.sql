-- Each day's downloads by segment of a dimension (family, organisation, size, task, licence).
-- A history table: Parquet files by day, read through the view segment_daily made from these
-- columns (pipeline/history.py).
CREATE OR REPLACE TEMP TABLE segment_daily_columns (
    day               DATE NOT NULL,
    dimension         VARCHAR NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    segment           VARCHAR NOT NULL,
    downloads         DOUBLE NOT NULL,
    -- 0 in a warehouse made before the column (pipeline/history.py moves its rows)
    derivative_downloads DOUBLE NOT NULL DEFAULT 0
);
COMMENT ON TABLE segment_daily_columns IS 'Downloads of each day by segment, for the dimensions of segment_share. Models with several roots are split by origin_weight.';
COMMENT ON COLUMN segment_daily_columns.day IS 'The day (daily_downloads.day).';
COMMENT ON COLUMN segment_daily_columns.dimension IS 'family, origin_organisation, origin_parent, size, task or license (see segment_share).';
COMMENT ON COLUMN segment_daily_columns.cohort IS 'all, or new: downloads made while the model was less than 365 days old.';
COMMENT ON COLUMN segment_daily_columns.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN segment_daily_columns.segment IS 'The segment (a root model id, an organisation, a size bucket, a task, a licence), or unknown.';
COMMENT ON COLUMN segment_daily_columns.downloads IS 'Downloads credited to the segment that day.';
COMMENT ON COLUMN segment_daily_columns.derivative_downloads IS 'The part of downloads made by derivatives (models that declare a parent, model_credits.derivative): for a family, what builds on its root rather than the root itself.';
