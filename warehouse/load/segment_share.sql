-- Recompute segment_share for the windows ending from getvariable('marts_from') on, moving
-- its kept sums (marts/window_sums.sql): the top 100 segments of each window, and (other).
DELETE FROM segment_share WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM segment_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'dimension': dimension, 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp,
       segment AS unit, downloads
FROM segment_daily WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE moved AS
FROM window_sums('windowed_input', 'segment_window_sums') WHERE getvariable('sums_move');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'segment_window_sums', 'moved');

-- Shares over the exact total, the same in any row order.
INSERT INTO segment_share
WITH ranked AS (
    SELECT day, window_days, grp, unit, downloads, exact_downloads,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS rank,
           sum(exact_downloads) OVER (PARTITION BY day, window_days, grp) AS exact_total
    FROM summed
),
shown AS (
    SELECT day, window_days, grp, unit AS segment, downloads, rank, exact_total FROM ranked WHERE rank <= 100
    UNION ALL
    SELECT day, window_days, grp, '(other)', from_exact(sum(exact_downloads)), 101, any_value(exact_total)
    FROM ranked WHERE rank > 100 GROUP BY day, window_days, grp
)
SELECT day, window_days, grp.dimension, grp.cohort, grp.excluding_spikes, segment, downloads,
       downloads / from_exact(exact_total), rank
FROM shown;

DELETE FROM segment_window_sums WHERE NOT kept_sums_stay();
INSERT INTO segment_window_sums FROM sums_to_keep('moved', 'windowed_input');
DROP VIEW summed;
DROP TABLE moved;
DROP VIEW windowed_input;
