-- Which history the share tables recompute: every day from getvariable('from_day') on (the
-- days daily_downloads recomputed), and, for models whose credits changed since the last
-- refresh (a registry, lineage or metadata change), their whole history: marts_from is the
-- first day any of them has downloads. load/credited_models.sql, the refresh's last file,
-- remembers the credits the tables then hold.

-- Every model's credits, computed once per refresh: the fingerprints and the three daily
-- tables' loads read them (credited_daily); load/country_share.sql, after the last, drops them.
CREATE OR REPLACE TEMP TABLE refresh_credits AS FROM model_credits;

-- The credit rows' hashes are summed, not listed in order: the same fingerprint for the same
-- rows, in any order, and an aggregate that fits the memory cap at 2.5M models (a sorted
-- list per model ran out of it, BENCHMARKS.md 4.). Summed before the join with the models,
-- which then joins a row per model, not one per credit (BENCHMARKS.md 4.).
CREATE OR REPLACE TEMP TABLE credits_now AS
SELECT model_id, hash(credit_hashes, credit_rows, m.created_at) AS fingerprint
FROM (SELECT model_id, sum(hash(used_by, dimension, unit, weight, derivative)) AS credit_hashes, count(*) AS credit_rows
      FROM refresh_credits GROUP BY model_id)
JOIN models m USING (model_id);

CREATE OR REPLACE TEMP TABLE recredited AS
SELECT model_id
FROM credits_now n FULL JOIN credited_models c USING (model_id)
WHERE n.fingerprint IS DISTINCT FROM c.fingerprint;

SET VARIABLE marts_from = (
    SELECT least(getvariable('from_day'), coalesce(min(day), getvariable('from_day')))
    FROM daily_downloads
    WHERE day < getvariable('from_day') AND model_id IN (SELECT model_id FROM recredited)
);
