-- Recompute concentration for the windows ending from getvariable('marts_from') on, moving its
-- kept sums (marts/window_sums.sql): models from cohort_downloads, the other levels from
-- concentration_daily.
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

INSERT INTO concentration
WITH ranked AS (
    SELECT *,
           downloads / sum(downloads) OVER groups AS share,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads, unit) AS ascending,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS descending
    FROM window_sums('windowed_input', 'concentration_window_sums')
    WINDOW groups AS (PARTITION BY day, window_days, grp)
)
SELECT day, window_days, grp.level, grp.cohort, grp.excluding_spikes,
       count(*) AS units,
       sum(share * share) AS hhi,
       2 * sum(ascending * downloads) / (count(*) * sum(downloads)) - (count(*) + 1) / count(*) AS gini,
       sum(share) FILTER (WHERE descending <= 10) AS top10_share
FROM ranked
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE kept AS FROM sums_to_keep('windowed_input', 'concentration_window_sums');
DELETE FROM concentration_window_sums;
INSERT INTO concentration_window_sums FROM kept;
DROP TABLE kept;
DROP VIEW windowed_input;
