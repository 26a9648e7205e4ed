-- Each day's downloads by country, per attribution and cohort: what country_share sums. A
-- history table: Parquet files by day, read through the view country_daily made from these
-- columns (pipeline/history.py).
CREATE OR REPLACE TEMP TABLE country_daily_columns (
    day          DATE NOT NULL,
    attribution  VARCHAR NOT NULL,
    cohort       VARCHAR NOT NULL,
    excluding_spikes BOOLEAN NOT NULL,
    country      VARCHAR NOT NULL,
    downloads    DOUBLE NOT NULL
);
COMMENT ON TABLE country_daily_columns IS 'Downloads of each day by country, per attribution (uploader, origin) and cohort (all, new). A model credited to several countries or roots is split by origin_weight and equally among its countries.';
COMMENT ON COLUMN country_daily_columns.day IS 'The day (daily_downloads.day).';
COMMENT ON COLUMN country_daily_columns.attribution IS 'uploader (model_attribution.uploader_category) or origin (model_attribution.origin_country).';
COMMENT ON COLUMN country_daily_columns.cohort IS 'all: every download; new: only downloads made while the model was less than 365 days old (the MIT/HF definition; models with an unknown creation date are not new).';
COMMENT ON COLUMN country_daily_columns.excluding_spikes IS 'false: every download; true: without the downloads of days flagged as spikes (daily_downloads.spike), likely CI or bot traffic.';
COMMENT ON COLUMN country_daily_columns.country IS 'ISO 3166-1 alpha-2 code; unknown when no country is known; for the uploader view also intermediary, individual or community.';
COMMENT ON COLUMN country_daily_columns.downloads IS 'Downloads credited (fractional where a model is split).';
