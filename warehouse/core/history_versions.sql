-- The versions of the history tables' files (pipeline/history.py) this warehouse file knows:
-- the one its views read, and those it replaced, kept a while for readers that opened an
-- older warehouse file. Each write session adds its own.
CREATE TABLE IF NOT EXISTS history_versions (
    version        VARCHAR NOT NULL,
    superseded_at  TIMESTAMPTZ
);
COMMENT ON TABLE history_versions IS 'Bookkeeping of the write sessions: the folders under history/ holding the Parquet files of the history tables (model_stats, daily_downloads, country_daily, segment_daily, concentration_daily). The views read the one not superseded; the others are kept for a day after they were superseded, for readers still using an older warehouse file.';
COMMENT ON COLUMN history_versions.version IS 'The folder history/<version>/.';
COMMENT ON COLUMN history_versions.superseded_at IS 'When a write session replaced it with its own; NULL for the version this warehouse file''s views read.';
