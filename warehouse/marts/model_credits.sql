-- How each model's downloads are credited in the share tables: one definition, read by every
-- daily table's load and by the refresh, which recomputes a model's history when its
-- credits change (pipeline/metrics.py).
CREATE OR REPLACE VIEW model_credits AS
WITH attributed AS (
    SELECT
        a.*,
        size_class(coalesce(m.params_total, root.params_total)) AS size,
        m.pipeline_tag,
        m.license
    FROM model_attribution a
    JOIN models m USING (model_id)
    LEFT JOIN models root ON root.model_id = a.origin_model_id
),
-- A row per unit, unnested from a list in the select list: a LATERAL (VALUES ...) of the
-- same rows was decorrelated into a join on every column it reads, half of the view's time.
one_unit AS (
    SELECT model_id, origin_model_id, origin_weight, unnest([
               {'used_by': 'segment', 'dimension': 'family', 'unit': origin_model_id},
               {'used_by': 'segment', 'dimension': 'origin_organisation', 'unit': coalesce(origin_organisation, 'unknown')},
               {'used_by': 'segment', 'dimension': 'origin_parent', 'unit': coalesce(origin_parent, 'unknown')},
               {'used_by': 'segment', 'dimension': 'size', 'unit': size},
               {'used_by': 'segment', 'dimension': 'task', 'unit': coalesce(pipeline_tag, 'unknown')},
               {'used_by': 'segment', 'dimension': 'license', 'unit': coalesce(license, 'unknown')},
               {'used_by': 'concentration', 'dimension': 'uploader_organisation',
                'unit': coalesce(uploader_parent, uploader_namespace)},
               {'used_by': 'concentration', 'dimension': 'origin_organisation',
                'unit': coalesce(origin_parent, origin_namespace)}
           ], recursive := true)
    FROM attributed
),
-- a bucket of several countries (a;b) splits its part equally among them
split AS (
    SELECT model_id, origin_model_id, origin_weight, used_by, dimension, string_split(buckets, ';') AS units
    FROM (
        SELECT model_id, origin_model_id, origin_weight, unnest([
                   {'used_by': 'country', 'dimension': 'uploader', 'buckets': uploader_category},
                   {'used_by': 'country', 'dimension': 'origin', 'buckets': coalesce(origin_country, 'unknown')},
                   {'used_by': 'concentration', 'dimension': 'uploader_country',
                    'buckets': CASE WHEN uploader_category = uploader_country THEN uploader_country END},
                   {'used_by': 'concentration', 'dimension': 'origin_country', 'buckets': origin_country}
               ], recursive := true)
        FROM attributed
    )
    WHERE buckets IS NOT NULL
)
SELECT model_id, used_by, dimension, unit, origin_weight AS weight, model_id <> origin_model_id AS derivative
FROM one_unit
UNION ALL
SELECT model_id, used_by, dimension, unit, origin_weight / len(units), model_id <> origin_model_id
FROM (SELECT *, unnest(units) AS unit FROM split);
COMMENT ON VIEW model_credits IS 'What each model''s downloads count towards: one row per model, root and unit of each dimension of country_daily (used_by country), segment_daily (segment) and concentration (concentration; the model level is the model itself). Sum downloads x weight.';
COMMENT ON COLUMN model_credits.model_id IS 'The model (models.model_id).';
COMMENT ON COLUMN model_credits.used_by IS 'country (country_daily), segment (segment_daily) or concentration (concentration_daily).';
COMMENT ON COLUMN model_credits.dimension IS 'country: uploader or origin; segment: family, origin_organisation, origin_parent, size, task or license; concentration: uploader_organisation, uploader_country, origin_organisation or origin_country.';
COMMENT ON COLUMN model_credits.unit IS 'The country bucket, segment or organisation credited.';
COMMENT ON COLUMN model_credits.weight IS 'The share of the model credited: origin_weight, divided equally among the countries of a several-country bucket.';
COMMENT ON COLUMN model_credits.derivative IS 'True when the model is not its own root (it declares a parent): its downloads are derivative downloads of its family.';

-- Each day's credited downloads from getvariable('marts_from') on, per unit of the
-- dimensions `used_by` one table: what country_daily, segment_daily and concentration_daily
-- hold. `credits` names model_credits as the refresh materialised it (load/refresh_credits.sql).
CREATE OR REPLACE MACRO credited_daily(table_name, credits) AS TABLE
SELECT d.day, c.dimension, d.cohort, d.excluding_spikes, c.unit,
       sum(d.downloads * c.weight) AS downloads,
       coalesce(sum(d.downloads * c.weight) FILTER (WHERE c.derivative), 0) AS derivative_downloads
FROM cohort_downloads d
JOIN query_table(credits) c USING (model_id)
WHERE c.used_by = table_name AND d.day >= getvariable('marts_from')
GROUP BY ALL;
