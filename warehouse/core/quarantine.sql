-- Listing items that did not parse: kept with their reason, never dropped silently.
CREATE TABLE IF NOT EXISTS quarantine (
    snapshot_date  DATE NOT NULL,
    page           INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    model_id       VARCHAR,
    reason         VARCHAR NOT NULL,
    raw_item       VARCHAR NOT NULL
);
COMMENT ON TABLE quarantine IS 'Listing items a census could not parse, with the reason; the census went on without them.';
COMMENT ON COLUMN quarantine.snapshot_date IS 'The census day.';
COMMENT ON COLUMN quarantine.page IS 'Listing page (1-based) the item came on.';
COMMENT ON COLUMN quarantine.position IS 'Position of the item in its page (0-based).';
COMMENT ON COLUMN quarantine.model_id IS 'The item''s id when it had a string one.';
COMMENT ON COLUMN quarantine.reason IS 'Why the item was not parsed.';
COMMENT ON COLUMN quarantine.raw_item IS 'The item exactly as served, as JSON.';
