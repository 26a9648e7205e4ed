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

CREATE OR REPLACE TEMP TABLE summed AS FROM window_sums('windowed_input', 'segment_window_sums');

INSERT INTO segment_share
WITH totals AS (
    -- over the exact sum: the same share in any row order; cast once per group (a decimal's
    -- cast to DOUBLE is slow, and groups have up to a unit per family)
    SELECT day, window_days, grp, sum(exact_downloads)::DOUBLE AS total FROM summed GROUP BY ALL
),
ranked AS (
    SELECT day, window_days, grp.dimension, grp.cohort, grp.excluding_spikes, unit AS segment, downloads,
           downloads / total AS share,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS rank
    FROM summed JOIN totals USING (day, window_days, grp)
)
SELECT day, window_days, dimension, cohort, excluding_spikes, segment, downloads, share, rank
FROM ranked WHERE rank <= 100
UNION ALL
SELECT day, window_days, dimension, cohort, excluding_spikes, '(other)', sum(downloads), sum(share), 101
FROM ranked WHERE rank > 100
GROUP BY ALL;

DELETE FROM segment_window_sums WHERE NOT kept_sums_stay();
INSERT INTO segment_window_sums FROM sums_to_keep('summed', 'windowed_input');
DROP TABLE summed;
DROP VIEW windowed_input;
