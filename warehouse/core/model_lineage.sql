-- Each derived model's root base models, resolved by pipeline/lineage.py. Rebuilt at every run.
CREATE TABLE IF NOT EXISTS model_lineage (
    model_id       VARCHAR NOT NULL,
    root_model_id  VARCHAR NOT NULL,
    weight         DOUBLE NOT NULL,
    depth          INTEGER NOT NULL,
    cycle_cut      BOOLEAN NOT NULL
);
COMMENT ON TABLE model_lineage IS 'Root base model(s) of every model that declares a parent (baseModels, else base_model: tags): one row per model and root. Models absent from it are their own root.';
COMMENT ON COLUMN model_lineage.model_id IS 'The derived model.';
COMMENT ON COLUMN model_lineage.root_model_id IS 'A root of its chain: a model with no parent, or a parent no census has listed (deleted, private).';
COMMENT ON COLUMN model_lineage.weight IS 'Share of the model credited to this root: 1, or split equally among a merge''s parents; sums to 1 per model.';
COMMENT ON COLUMN model_lineage.depth IS 'Generations from the model to its farthest root (1 for a direct derivative of a root).';
COMMENT ON COLUMN model_lineage.cycle_cut IS 'True when the declared parents form a cycle and an edge of it was cut.';
