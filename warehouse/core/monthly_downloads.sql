-- daily_downloads summed by calendar month: a year of month-by-month shares reads a row per
-- model per month instead of per day (BENCHMARKS.md 5.).
CREATE TABLE IF NOT EXISTS monthly_downloads (
    month            DATE NOT NULL,
    model_id         VARCHAR NOT NULL,
    downloads        BIGINT NOT NULL,
    spike_downloads  BIGINT NOT NULL,
    through_day      DATE NOT NULL
);
COMMENT ON TABLE monthly_downloads IS 'daily_downloads summed by calendar month, one row per model per month with a download: for month-by-month figures over long histories (join model_attribution as with daily_downloads). Kept up to date by every metric refresh.';
COMMENT ON COLUMN monthly_downloads.month IS 'The month''s first day.';
COMMENT ON COLUMN monthly_downloads.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN monthly_downloads.downloads IS 'The model''s downloads on the month''s days (sum of daily_downloads.downloads).';
COMMENT ON COLUMN monthly_downloads.spike_downloads IS 'The part of downloads made on days flagged daily_downloads.spike: subtract it for a share excluding spikes.';
COMMENT ON COLUMN monthly_downloads.through_day IS 'The month''s newest day summed (the newest day of daily_downloads, or the month''s last day): the month is complete when it is the month''s last day.';
