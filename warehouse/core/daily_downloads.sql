-- Downloads per model per day, from the all-time counter's difference between censuses. A
-- history table: its rows are Parquet files beside the warehouse, a folder per day, and the
-- warehouse holds the view daily_downloads over them, made from these columns and their
-- comments (pipeline/history.py).
CREATE OR REPLACE TEMP TABLE daily_downloads_columns (
    day                DATE NOT NULL,
    model_id           VARCHAR NOT NULL,
    downloads          BIGINT NOT NULL,
    estimated          BOOLEAN NOT NULL,
    counter_decreased  BOOLEAN NOT NULL,
    first_counted      BOOLEAN NOT NULL,
    spike              BOOLEAN NOT NULL
);
COMMENT ON TABLE daily_downloads_columns IS 'Downloads of each model on each day: the difference of downloads_all_time between consecutive complete censuses, spread evenly over the days between them (README: daily downloads). Days with no download and no flag have no row.';
COMMENT ON COLUMN daily_downloads_columns.day IS 'The day the downloads are booked on: the census of day D to the census of day D+1 is day D''s downloads.';
COMMENT ON COLUMN daily_downloads_columns.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN daily_downloads_columns.downloads IS 'Downloads booked on this day (never negative).';
COMMENT ON COLUMN daily_downloads_columns.estimated IS 'True when censuses were missing (or incomplete) around this day: the difference was spread evenly over the days it covers.';
COMMENT ON COLUMN daily_downloads_columns.counter_decreased IS 'True when the all-time counter went down between the two censuses (a rollback or reset): the interval books 0.';
COMMENT ON COLUMN daily_downloads_columns.spike IS 'Likely CI or bot traffic (Model Pulse''s rule): this day alone is more than 0.6 of the model''s downloads over the 7 days ending on it, and those 7 days total at least 1,000. Never set on estimated days.';
COMMENT ON COLUMN daily_downloads_columns.first_counted IS 'True for a model new since the previous census (created after it started): its whole counter is booked, from its creation day.';
