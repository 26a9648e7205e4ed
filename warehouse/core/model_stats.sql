-- The daily facts: one row per model per census. A history table: its rows are Parquet files
-- beside the warehouse, a folder per census day, and the warehouse holds the view model_stats
-- over them, made from these columns and their comments (pipeline/history.py).
CREATE OR REPLACE TEMP TABLE model_stats_columns (
    snapshot_date       DATE NOT NULL,
    model_id            VARCHAR NOT NULL,
    downloads_30d       BIGINT,
    downloads_all_time  BIGINT NOT NULL,
    likes               BIGINT,
    trending_score      DOUBLE
);
COMMENT ON TABLE model_stats_columns IS 'One row per model per census: the counters the Hub served that day.';
COMMENT ON COLUMN model_stats_columns.snapshot_date IS 'The census day (snapshots.snapshot_date).';
COMMENT ON COLUMN model_stats_columns.model_id IS 'Hub repo id (models.model_id).';
COMMENT ON COLUMN model_stats_columns.downloads_30d IS 'The Hub''s downloads field: a rolling 30-day count. Never difference it; a cross-check only.';
COMMENT ON COLUMN model_stats_columns.downloads_all_time IS 'The Hub''s downloadsAllTime: cumulative downloads since the counter began (2025-02-27 by independent trackers). Daily downloads are its difference between censuses.';
COMMENT ON COLUMN model_stats_columns.likes IS 'Likes at census time.';
COMMENT ON COLUMN model_stats_columns.trending_score IS 'The Hub''s trendingScore at census time.';
