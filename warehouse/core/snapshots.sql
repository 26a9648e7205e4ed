-- One row per census: when it ran, against which Hub, how it went.
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_date DATE PRIMARY KEY,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    endpoint      VARCHAR NOT NULL,
    models        BIGINT NOT NULL,
    pages         INTEGER NOT NULL,
    retries       INTEGER NOT NULL,
    quarantined   BIGINT NOT NULL,
    complete      BOOLEAN NOT NULL,
    loaded_at     TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE snapshots IS 'One row per daily census of the Hub (re-running a day replaces its row).';
COMMENT ON COLUMN snapshots.snapshot_date IS 'The census day, by the Hub''s clock (UTC date of the HTTP Date header of its first page).';
COMMENT ON COLUMN snapshots.started_at IS 'Hub clock at the first listing page (UTC).';
COMMENT ON COLUMN snapshots.finished_at IS 'Hub clock at the last listing page fetched (UTC).';
COMMENT ON COLUMN snapshots.endpoint IS 'The Hub endpoint listed (HF_ENDPOINT).';
COMMENT ON COLUMN snapshots.models IS 'Distinct models recorded in model_stats for this day.';
COMMENT ON COLUMN snapshots.pages IS 'Listing pages fetched.';
COMMENT ON COLUMN snapshots.retries IS 'Failed HTTP attempts that were retried (rate limits, server errors, timeouts, malformed pages).';
COMMENT ON COLUMN snapshots.quarantined IS 'Items that could not be parsed, kept in the quarantine table.';
COMMENT ON COLUMN snapshots.complete IS 'True when the listing was walked to its last page; false for a crawl cut short (kept, but not a full census).';
COMMENT ON COLUMN snapshots.loaded_at IS 'When this census was loaded into the warehouse (local clock, UTC).';
