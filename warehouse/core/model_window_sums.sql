-- Each model's trailing sums at the newest window end, kept so that a daily refresh moves
-- them by a day instead of summing the year behind it again (load/concentration.sql).
CREATE TABLE IF NOT EXISTS model_window_sums (
    day               DATE NOT NULL,
    window_days       INTEGER NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    model_id          VARCHAR NOT NULL,
    downloads         BIGINT NOT NULL
);
COMMENT ON TABLE model_window_sums IS 'Bookkeeping of the metric refresh: each model''s downloads in the 7, 30 and 365 days ending on the newest day with downloads (models with none in a window have no row), from cohort_downloads. The next day''s refresh adds the day entering each window and subtracts the day leaving it; integers, so the moved sums equal summing again.';
COMMENT ON COLUMN model_window_sums.day IS 'The window end: the newest day of daily_downloads at the last refresh.';
COMMENT ON COLUMN model_window_sums.window_days IS '7, 30 or 365.';
COMMENT ON COLUMN model_window_sums.cohort IS 'all or new (cohort_downloads).';
COMMENT ON COLUMN model_window_sums.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN model_window_sums.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN model_window_sums.downloads IS 'The model''s downloads in the window (always positive).';
