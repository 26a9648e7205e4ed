-- Load one finished census into the core tables, replacing that day (its model_stats rows:
-- load/model_stats.sql). Variables: listing (the day's models.parquet, or its copy rebuilt
-- from the archive), census_dir (the day's folder: quarantine and snapshot.json),
-- snapshot_date. Runs inside one transaction.

-- A model's metadata comes from the newest census that lists it: an older day re-loaded
-- (a backfill) only widens first_seen.
MERGE INTO models AS m
USING (
    SELECT
        model_id, namespace, hub_object_id,
        CASE WHEN created_at = TIMESTAMPTZ '2022-03-02 23:29:04+00' THEN NULL ELSE created_at END AS created_at,
        coalesce(created_at = TIMESTAMPTZ '2022-03-02 23:29:04+00', false) AS created_at_placeholder,
        last_modified, pipeline_tag, library_name,
        list_extract([substr(t, 9) FOR t IN tags IF starts_with(t, 'license:')], 1) AS license,
        gated, tags, base_relation, base_models, params_total, params_by_dtype,
        getvariable('snapshot_date') AS seen
    FROM read_parquet(getvariable('listing'))
) AS s
ON m.model_id = s.model_id
WHEN MATCHED AND s.seen >= m.last_seen THEN UPDATE SET
    namespace = s.namespace, hub_object_id = s.hub_object_id, created_at = s.created_at,
    created_at_placeholder = s.created_at_placeholder, last_modified = s.last_modified,
    pipeline_tag = s.pipeline_tag, library_name = s.library_name, license = s.license, gated = s.gated,
    tags = s.tags, base_relation = s.base_relation, base_models = s.base_models,
    params_total = s.params_total, params_by_dtype = s.params_by_dtype,
    first_seen = least(m.first_seen, s.seen), last_seen = s.seen
WHEN MATCHED THEN UPDATE SET first_seen = least(m.first_seen, s.seen)
WHEN NOT MATCHED THEN INSERT VALUES (
    s.model_id, s.namespace, s.hub_object_id, s.created_at, s.created_at_placeholder, s.last_modified,
    s.pipeline_tag, s.library_name, s.license, s.gated, s.tags, s.base_relation, s.base_models,
    s.params_total, s.params_by_dtype, s.seen, s.seen
);

DELETE FROM quarantine WHERE snapshot_date = getvariable('snapshot_date');
INSERT INTO quarantine
SELECT getvariable('snapshot_date'), page, position, model_id, reason, raw_item
FROM read_parquet(getvariable('census_dir') || '/quarantine.parquet');

INSERT OR REPLACE INTO snapshots
SELECT
    snapshot_date::DATE, started_at::TIMESTAMPTZ, finished_at::TIMESTAMPTZ, endpoint,
    models, pages, retries, quarantined, complete, now()
FROM read_json(getvariable('census_dir') || '/snapshot.json');
