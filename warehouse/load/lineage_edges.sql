-- Declared parents of every model: baseModels, else the ids in base_model: tags
-- (base_model:X and base_model:RELATION:X). Read by pipeline/lineage.py.
SELECT
    model_id,
    coalesce(
        nullif(base_models, []),
        list_sort(list_distinct([
            regexp_replace(t, '^base_model:(?:(?:finetune|adapter|quantized|merge):)?', '')
            FOR t IN tags IF starts_with(t, 'base_model:')
        ]))
    ) AS parents
FROM models
WHERE len(coalesce(nullif(base_models, []), [t FOR t IN tags IF starts_with(t, 'base_model:')])) > 0
ORDER BY model_id
