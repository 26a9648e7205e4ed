-- Shares of downloads by family, organisation, size, task and licence, over trailing windows.
CREATE TABLE IF NOT EXISTS segment_share (
    day               DATE NOT NULL,
    window_days       INTEGER NOT NULL,
    dimension         VARCHAR NOT NULL,
    cohort            VARCHAR NOT NULL,
    excluding_spikes  BOOLEAN NOT NULL,
    segment           VARCHAR NOT NULL,
    downloads         DOUBLE NOT NULL,
    share             DOUBLE NOT NULL,
    rank              INTEGER NOT NULL
);
COMMENT ON TABLE segment_share IS 'Share of downloads by segment over the trailing window ending on day, per dimension: the 100 largest segments of each (day, window_days, dimension, cohort, excluding_spikes) and one (other) row for the rest, so shares sum to 1.';
COMMENT ON COLUMN segment_share.day IS 'Last day of the window.';
COMMENT ON COLUMN segment_share.window_days IS '1, 7, 30 or 365 days.';
COMMENT ON COLUMN segment_share.dimension IS 'family: the root base model (origin_model_id); origin_organisation: the organisation of the root''s namespace (Qwen, Meta AI); origin_parent: its top-level organisation (Alibaba, Meta, Google, DeepSeek); size: parameter bucket (<1B, 1-10B, 10-50B, 50-200B, >=200B) from safetensors, the root''s when the model has none; task: pipeline_tag; license.';
COMMENT ON COLUMN segment_share.cohort IS 'all, or new: downloads made while the model was less than 365 days old.';
COMMENT ON COLUMN segment_share.excluding_spikes IS 'true: without the downloads of spike days.';
COMMENT ON COLUMN segment_share.segment IS 'The segment, unknown, or (other) for everything beyond the 100 largest.';
COMMENT ON COLUMN segment_share.downloads IS 'Downloads credited to the segment in the window.';
COMMENT ON COLUMN segment_share.share IS 'downloads / all downloads of the window for this dimension, cohort and spike choice.';
COMMENT ON COLUMN segment_share.rank IS '1 for the largest segment; (other) ranks last.';
