-- Recompute concentration for the windows ending from getvariable('marts_from') on, moving its
-- kept sums (marts/window_sums.sql): models from cohort_downloads, the other levels from
-- concentration_daily.
DROP TABLE refresh_credits;  -- the daily tables' loads before this file were their last readers
DELETE FROM concentration WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM concentration_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'level': level, 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp, unit, downloads
FROM concentration_daily WHERE day >= getvariable('marts_from') - 365
UNION ALL
SELECT day, {'level': 'model', 'cohort': cohort, 'excluding_spikes': excluding_spikes}, model_id, downloads
FROM cohort_downloads WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE moved AS
FROM window_sums('windowed_input', 'concentration_window_sums') WHERE getvariable('sums_move');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'concentration_window_sums', 'moved');

-- HHI and the top 10 need no ranking: sum(x^2) / sum(x)^2 and the sum of the ten largest.
-- The Gini coefficient ranks by downloads alone: tied units give the same sum(i * x_i) in
-- any order, so no tiebreak is needed.
INSERT INTO concentration
SELECT day, window_days, grp.level, grp.cohort, grp.excluding_spikes,
       count(*) AS units,
       sum(downloads * downloads) / (sum(downloads) * sum(downloads)) AS hhi,
       2 * sum(ascending * downloads) / (count(*) * sum(downloads)) - (count(*) + 1) / count(*) AS gini,
       list_sum(max(downloads, 10)) / sum(downloads) AS top10_share
FROM (
    SELECT day, window_days, grp, downloads,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads) AS ascending
    FROM summed
)
GROUP BY ALL;

DELETE FROM concentration_window_sums WHERE NOT kept_sums_stay();
INSERT INTO concentration_window_sums FROM sums_to_keep('moved', 'windowed_input');
DROP VIEW summed;
DROP TABLE moved;
DROP VIEW windowed_input;
