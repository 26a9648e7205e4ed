-- Which history the share tables recompute: every day from getvariable('from_day') on (the
-- days daily_downloads recomputed), and, for models whose credits changed since the last
-- refresh (a registry, lineage or metadata change), their whole history: marts_from is the
-- first day any of them has downloads. Then remember the credits the tables now hold.

-- Every model's credits, computed once per refresh: the fingerprints and the three daily
-- tables' loads read them (credited_daily); load/concentration.sql, after the last, drops them.
CREATE OR REPLACE TEMP TABLE refresh_credits AS FROM model_credits;

-- The credit rows' hashes are summed, not listed in order: the same fingerprint for the same
-- rows, in any order, and an aggregate that fits the memory cap at 2.5M models (a sorted
-- list per model ran out of it, BENCHMARKS.md 4.).
CREATE OR REPLACE TEMP TABLE credits_now AS
SELECT c.model_id,
       hash(sum(hash(c.used_by, c.dimension, c.unit, c.weight, c.derivative)), count(*), any_value(m.created_at)) AS fingerprint
FROM refresh_credits c JOIN models m USING (model_id)
GROUP BY c.model_id;

CREATE OR REPLACE TEMP TABLE recredited AS
SELECT model_id
FROM credits_now n FULL JOIN credited_models c USING (model_id)
WHERE n.fingerprint IS DISTINCT FROM c.fingerprint;

SET VARIABLE marts_from = (
    SELECT least(getvariable('from_day'), coalesce(min(day), getvariable('from_day')))
    FROM daily_downloads
    WHERE day < getvariable('from_day') AND model_id IN (SELECT model_id FROM recredited)
);

DELETE FROM credited_models WHERE model_id IN (SELECT model_id FROM recredited);
INSERT INTO credited_models SELECT * FROM credits_now WHERE model_id IN (SELECT model_id FROM recredited);
DROP TABLE credits_now;
DROP TABLE recredited;
