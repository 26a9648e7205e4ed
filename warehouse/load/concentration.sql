-- Recompute concentration for the windows ending from getvariable('marts_from') on, moving its
-- kept sums (marts/window_sums.sql): models from cohort_downloads, the other levels from
-- concentration_daily. Units by their hash (core/window_sums.sql): no name is shown, and an
-- integer key moves and writes the sums faster than a name (BENCHMARKS.md 4.).
DELETE FROM concentration WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM concentration_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, group_key(concentration_levels(), level, cohort, excluding_spikes) AS grp, hash(unit) AS unit, downloads
FROM concentration_daily WHERE day >= getvariable('marts_from') - 365
UNION ALL
SELECT day, group_key(concentration_levels(), 'model', cohort, excluding_spikes), hash(model_id), downloads
FROM cohort_downloads WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE stored_sums AS
FROM window_sums('windowed_input', 'concentration_window_sums') WHERE getvariable('few_window_ends');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'concentration_window_sums', 'stored_sums');

-- HHI and the top 10 need no ranking: sum(x^2) / sum(x)^2 and the sum of the ten largest.
-- The Gini coefficient, 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n, needs each unit's rank
-- i by downloads, ascending (tied units give the same sum in any order, so no tiebreak). A
-- refresh ending one window (a daily run's) sorts each group's downloads as a list, three
-- times faster than a window function's sort (5M sums, BENCHMARKS.md 4.); with more, it
-- ranks with a window function, which spills to disk: DuckDB's lists do not, and each
-- window end holds every model's sums (about 0.5 GB at 2.5M models).
-- Compensated sums (fsum) and the exact total: the two plans' sums, in different orders,
-- agree to the last bits.
SET VARIABLE gini_from_lists = coalesce(getvariable('window_ends') = 1, false);
INSERT INTO concentration
WITH sorted AS (
    SELECT day, window_days, grp, count(*) AS units, from_exact(sum(exact_downloads)) AS total,
           fsum(downloads * downloads) AS squares, list_sum(max(downloads, 10)) AS top10,
           list_aggregate(list_transform(list_sort(list(downloads)), (x, i) -> i * x), 'fsum') AS rank_weighted
    FROM summed WHERE getvariable('gini_from_lists')
    GROUP BY ALL
),
ranked AS (
    SELECT day, window_days, grp, count(*) AS units, from_exact(sum(exact_downloads)) AS total,
           fsum(downloads * downloads) AS squares, list_sum(max(downloads, 10)) AS top10,
           fsum(ascending * downloads) AS rank_weighted
    FROM (
        SELECT day, window_days, grp, downloads, exact_downloads,
               row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads) AS ascending
        FROM summed WHERE NOT getvariable('gini_from_lists')
    )
    GROUP BY ALL
)
SELECT day, window_days, group_label(concentration_levels(), grp), group_cohort(grp), group_excluding_spikes(grp), units,
       squares / (total * total) AS hhi,
       2 * rank_weighted / (units * total) - (units + 1) / units AS gini,
       top10 / total AS top10_share
FROM (FROM sorted UNION ALL FROM ranked);

DELETE FROM concentration_window_sums WHERE NOT kept_sums_stay();
INSERT INTO concentration_window_sums FROM sums_to_keep('stored_sums', 'windowed_input');
DELETE FROM concentration_units_hash;
INSERT INTO concentration_units_hash VALUES (units_hash_probe());
DROP VIEW summed;
DROP TABLE stored_sums;
DROP VIEW windowed_input;
