-- The credits each model's downloads were last summed with, so that a refresh recomputes
-- the history of exactly the models whose credits changed since (pipeline/metrics.py).
CREATE TABLE IF NOT EXISTS credited_models (
    model_id     VARCHAR NOT NULL,
    fingerprint  UBIGINT NOT NULL
);
COMMENT ON TABLE credited_models IS 'Bookkeeping of the metric refresh: a fingerprint of each model''s model_credits and creation date as of the last refresh. A model whose fingerprint changed has its share-table history recomputed.';
COMMENT ON COLUMN credited_models.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN credited_models.fingerprint IS 'Hash of the model''s model_credits rows and created_at (which decides the new cohort).';
