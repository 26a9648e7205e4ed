-- How much of a family's downloads goes to its derivatives rather than the root model itself.
-- Loaded with segment_share, from the same sums (load/segment_share.sql).
CREATE TABLE IF NOT EXISTS family_derivative_share (
    day                   DATE NOT NULL,
    window_days           INTEGER NOT NULL,
    excluding_spikes      BOOLEAN NOT NULL,
    family                VARCHAR NOT NULL,
    downloads             DOUBLE NOT NULL,
    derivative_downloads  DOUBLE NOT NULL,
    derivative_share      DOUBLE NOT NULL,
    rank                  INTEGER NOT NULL
);
COMMENT ON TABLE family_derivative_share IS 'For the 100 most downloaded families of each window: the family''s downloads (the root model and everything built on it, merges split by origin_weight) and the share that went to derivatives rather than the root model itself.';
COMMENT ON COLUMN family_derivative_share.day IS 'Last day of the window.';
COMMENT ON COLUMN family_derivative_share.window_days IS '1, 7, 30 or 365 days.';
COMMENT ON COLUMN family_derivative_share.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN family_derivative_share.family IS 'The root base model.';
COMMENT ON COLUMN family_derivative_share.downloads IS 'Downloads of the family in the window.';
COMMENT ON COLUMN family_derivative_share.derivative_downloads IS 'The part of them made on derivatives (every model of the family but the root).';
COMMENT ON COLUMN family_derivative_share.derivative_share IS 'derivative_downloads / downloads.';
COMMENT ON COLUMN family_derivative_share.rank IS '1 for the family with the most downloads in the window.';
