-- The UTC day of a TIMESTAMPTZ (for a plain TIMESTAMP, timezone() would answer otherwise):
-- a TIMESTAMPTZ's cast to DATE (and its calendar arithmetic) is in the session's time zone,
-- the machine's by default, and every day here is a UTC day: the figures must not depend on
-- where they are computed, nor a view on a duckdb CLI's zone.
CREATE OR REPLACE MACRO utc_day(moment) AS timezone('UTC', moment)::DATE;

-- Current metadata of every model ever seen: one row per model_id, from the newest census listing it.
CREATE TABLE IF NOT EXISTS models (
    model_id                VARCHAR NOT NULL,
    namespace               VARCHAR,
    hub_object_id           VARCHAR,
    created_at              TIMESTAMPTZ,
    created_at_placeholder  BOOLEAN NOT NULL,
    last_modified           TIMESTAMPTZ,
    pipeline_tag            VARCHAR,
    library_name            VARCHAR,
    license                 VARCHAR,
    gated                   VARCHAR,
    tags                    VARCHAR[],
    base_relation           VARCHAR,
    base_models             VARCHAR[],
    params_total            BIGINT,
    params_by_dtype         MAP(VARCHAR, BIGINT),
    first_seen              DATE NOT NULL,
    last_seen               DATE NOT NULL
);
COMMENT ON TABLE models IS 'Current metadata of every model ever seen by a census, one row per model_id (from the newest census that listed it).';
COMMENT ON COLUMN models.model_id IS 'Hub repo id, namespace/name.';
COMMENT ON COLUMN models.namespace IS 'The user or organisation that owns the repo (the Hub''s author field).';
COMMENT ON COLUMN models.hub_object_id IS 'The Hub''s internal object id (_id): stable across renames.';
COMMENT ON COLUMN models.created_at IS 'Repo creation time (UTC); NULL when the Hub shows its 2022-03-02T23:29:04Z placeholder for repos older than its creation dates.';
COMMENT ON COLUMN models.created_at_placeholder IS 'True when the Hub gave the shared createdAt placeholder: the creation date is unknown (before 2022-03-02).';
COMMENT ON COLUMN models.last_modified IS 'Last commit time of the repo (UTC), as of last_seen.';
COMMENT ON COLUMN models.pipeline_tag IS 'Task, as the Hub tags it (text-generation, ...), or NULL.';
COMMENT ON COLUMN models.library_name IS 'Library the repo is for (transformers, gguf, diffusers, ...), or NULL.';
COMMENT ON COLUMN models.license IS 'Licence, from the repo''s license:X tag, or NULL.';
COMMENT ON COLUMN models.gated IS 'Access gating: false, auto or manual.';
COMMENT ON COLUMN models.tags IS 'All tags the Hub lists for the repo.';
COMMENT ON COLUMN models.base_relation IS 'How the repo derives from its base model(s), per the Hub''s baseModels: finetune, adapter, quantized or merge; NULL for none.';
COMMENT ON COLUMN models.base_models IS 'Ids of the direct parent models from baseModels (several for a merge).';
COMMENT ON COLUMN models.params_total IS 'Parameter count from the safetensors metadata, NULL when the repo has none.';
COMMENT ON COLUMN models.params_by_dtype IS 'Parameter counts by tensor dtype, from safetensors.';
COMMENT ON COLUMN models.first_seen IS 'Date of the first census that listed the model.';
COMMENT ON COLUMN models.last_seen IS 'Date of the newest census that listed the model (earlier than the newest snapshot: deleted or made private since).';
