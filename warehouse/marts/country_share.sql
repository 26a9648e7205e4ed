-- The headline table: each country's share of downloads over trailing windows.
CREATE TABLE IF NOT EXISTS country_share (
    day             DATE NOT NULL,
    window_days     INTEGER NOT NULL,
    attribution     VARCHAR NOT NULL,
    cohort          VARCHAR NOT NULL,
    excluding_spikes BOOLEAN NOT NULL,
    country         VARCHAR NOT NULL,
    downloads       DOUBLE NOT NULL,
    share           DOUBLE NOT NULL,
    days_with_data  INTEGER NOT NULL
);
COMMENT ON TABLE country_share IS 'Share of downloads by country over the trailing window ending on day: for each (day, window_days, attribution, cohort, excluding_spikes), shares sum to 1 over its countries, unknown included.';
COMMENT ON COLUMN country_share.day IS 'Last day of the window (daily_downloads.day).';
COMMENT ON COLUMN country_share.window_days IS 'Window length: 1, 7, 30 or 365 days (day - window_days + 1 .. day).';
COMMENT ON COLUMN country_share.attribution IS 'uploader or origin (see model_attribution).';
COMMENT ON COLUMN country_share.cohort IS 'all, or new: downloads made while the model was less than 365 days old (MIT/HF).';
COMMENT ON COLUMN country_share.excluding_spikes IS 'false: raw downloads (the default to quote); true: without spike days, likely CI or bot traffic.';
COMMENT ON COLUMN country_share.country IS 'ISO 3166-1 alpha-2 code, unknown, or (uploader view) intermediary, individual, community.';
COMMENT ON COLUMN country_share.downloads IS 'Downloads credited to the country in the window.';
COMMENT ON COLUMN country_share.share IS 'downloads / all downloads of the window for this attribution and cohort.';
COMMENT ON COLUMN country_share.days_with_data IS 'Days of the window that have daily downloads (fewer than window_days near the start of the history).';
