-- Each day's downloads by organisation and country, the units concentration ranks (models
-- are ranked straight from cohort_downloads). A history table: Parquet files by day, read
-- through the view concentration_daily made from these columns (pipeline/history.py).
CREATE OR REPLACE TEMP TABLE concentration_daily_columns (
    day               DATE NOT NULL,
    level             VARCHAR NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    unit              VARCHAR NOT NULL,
    downloads         DOUBLE NOT NULL
);
COMMENT ON TABLE concentration_daily_columns IS 'Downloads of each day by unit of the concentration levels other than model (uploader_organisation, uploader_country, origin_organisation, origin_country), from model_credits: what concentration sums over its windows.';
COMMENT ON COLUMN concentration_daily_columns.day IS 'The day (daily_downloads.day).';
COMMENT ON COLUMN concentration_daily_columns.level IS 'uploader_organisation, uploader_country, origin_organisation or origin_country (see concentration).';
COMMENT ON COLUMN concentration_daily_columns.cohort IS 'all, or new: downloads made while the model was less than 365 days old.';
COMMENT ON COLUMN concentration_daily_columns.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN concentration_daily_columns.unit IS 'The organisation or country.';
COMMENT ON COLUMN concentration_daily_columns.downloads IS 'Downloads credited to the unit that day.';
