-- Who to credit for each model: the uploader (who published the repo) and the origin
-- (who developed its root base model). One row per model and root: a merge of roots from
-- several families has one row per root, with origin_weight splitting it equally.
CREATE OR REPLACE VIEW model_attribution AS
WITH registry AS (
    SELECT lower(namespace) AS namespace_key, organisation, parent, country, org_type FROM orgs
),
roots AS (
    SELECT
        m.model_id, m.namespace, m.base_relation, m.tags,
        coalesce(l.root_model_id, m.model_id) AS origin_model_id,
        coalesce(l.weight, 1.0) AS origin_weight,
        coalesce(l.depth, 0) AS lineage_depth
    FROM models m LEFT JOIN model_lineage l USING (model_id)
)
SELECT
    r.model_id,
    r.namespace AS uploader_namespace,
    u.organisation AS uploader_organisation,
    u.parent AS uploader_parent,
    u.org_type AS uploader_org_type,
    u.country AS uploader_country,
    CASE
        WHEN u.org_type IN ('intermediary', 'individual', 'community') THEN u.org_type
        ELSE coalesce(u.country, 'unknown')
    END AS uploader_category,
    r.origin_model_id,
    coalesce(root.namespace, split_part(r.origin_model_id, '/', 1)) AS origin_namespace,
    o.organisation AS origin_organisation,
    o.parent AS origin_parent,
    -- an intermediary repackages; it never develops a root model
    CASE WHEN o.org_type = 'intermediary' THEN NULL ELSE o.country END AS origin_country,
    r.origin_weight,
    coalesce(
        r.base_relation,
        list_extract([split_part(t, ':', 2) FOR t IN r.tags
                      IF regexp_matches(t, '^base_model:(finetune|adapter|quantized|merge):')], 1)
    ) AS relation,
    r.lineage_depth
FROM roots r
LEFT JOIN models root ON root.model_id = r.origin_model_id
LEFT JOIN registry u ON u.namespace_key = lower(r.namespace)
LEFT JOIN registry o ON o.namespace_key = lower(coalesce(root.namespace, split_part(r.origin_model_id, '/', 1)));
COMMENT ON VIEW model_attribution IS 'Two attributions of every model: uploader (the namespace that published the repo, the MIT/HF study''s view) and origin (the developer of its root base model, the family view). One row per model and root; sum with origin_weight.';
COMMENT ON COLUMN model_attribution.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN model_attribution.uploader_namespace IS 'Namespace that published the repo.';
COMMENT ON COLUMN model_attribution.uploader_organisation IS 'Its organisation, from orgs; NULL when the namespace is not in the registry.';
COMMENT ON COLUMN model_attribution.uploader_parent IS 'Its top-level organisation, from orgs.';
COMMENT ON COLUMN model_attribution.uploader_org_type IS 'Its org_type, from orgs.';
COMMENT ON COLUMN model_attribution.uploader_country IS 'Its country (ISO codes, ; for several), from orgs; NULL when unknown.';
COMMENT ON COLUMN model_attribution.uploader_category IS 'The uploader view''s bucket: intermediary, individual or community for those account types (whatever their country), else the country, else unknown.';
COMMENT ON COLUMN model_attribution.origin_model_id IS 'A root base model of the model''s lineage (the model itself when it declares no parent): its family.';
COMMENT ON COLUMN model_attribution.origin_namespace IS 'Namespace of the root model (from its id when no census listed it).';
COMMENT ON COLUMN model_attribution.origin_organisation IS 'Organisation of the root''s namespace, from orgs.';
COMMENT ON COLUMN model_attribution.origin_parent IS 'Top-level organisation of the root (Alibaba, Meta, Google, ...), from orgs.';
COMMENT ON COLUMN model_attribution.origin_country IS 'Country of the root''s developer; NULL when unknown, or when the root''s namespace is an intermediary (lineage lost).';
COMMENT ON COLUMN model_attribution.origin_weight IS 'Share of the model credited to this root: 1, or 1/n for each of the n roots of a merge. Weights sum to 1 per model.';
COMMENT ON COLUMN model_attribution.relation IS 'How the model derives from its direct parent(s): finetune, adapter, quantized, merge; NULL for a model with no declared parent.';
COMMENT ON COLUMN model_attribution.lineage_depth IS 'Generations from the model to its farthest root (0 for a root).';
