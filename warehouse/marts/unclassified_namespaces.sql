-- Where curation matters most: namespaces of the newest complete census with no country,
-- by their downloads.
CREATE OR REPLACE VIEW unclassified_namespaces AS
WITH latest AS (
    SELECT max(snapshot_date) AS snapshot_date FROM snapshots WHERE complete
),
by_namespace AS (
    SELECT
        m.namespace,
        count(*) AS models,
        sum(s.downloads_30d) AS downloads_30d,
        -- the share of the whole census, computed before unclassified ones are picked
        sum(s.downloads_30d) / nullif(sum(sum(s.downloads_30d)) OVER (), 0) AS share_of_downloads
    FROM model_stats s
    JOIN models m USING (model_id)
    WHERE s.snapshot_date = (SELECT snapshot_date FROM latest)
    GROUP BY m.namespace
)
SELECT n.namespace, n.models, n.downloads_30d, n.share_of_downloads, o.org_type
FROM by_namespace n
LEFT JOIN orgs o ON lower(o.namespace) = lower(n.namespace)
WHERE o.namespace IS NULL
   OR (o.country IS NULL AND o.org_type NOT IN ('intermediary', 'individual', 'community'));
COMMENT ON VIEW unclassified_namespaces IS 'Namespaces of the newest complete census that have no country (not in the registry, or in it without a country or an intermediary/individual/community type), for curation; rank by downloads_30d.';
COMMENT ON COLUMN unclassified_namespaces.namespace IS 'Hub namespace.';
COMMENT ON COLUMN unclassified_namespaces.models IS 'Its models in the newest complete census.';
COMMENT ON COLUMN unclassified_namespaces.downloads_30d IS 'Their downloads_30d summed.';
COMMENT ON COLUMN unclassified_namespaces.share_of_downloads IS 'That sum as a share of the downloads of every model in the census (NULL when nothing was downloaded).';
COMMENT ON COLUMN unclassified_namespaces.org_type IS 'Its org_type when the registry lists it without a country; NULL when it is not in the registry.';
