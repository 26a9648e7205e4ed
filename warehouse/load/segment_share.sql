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

INSERT INTO segment_share
WITH ranked AS (
    SELECT day, window_days, grp.dimension, grp.cohort, grp.excluding_spikes, unit AS segment, downloads,
           downloads / (sum(exact_downloads) OVER groups)::DOUBLE AS share,  -- the same in any row order
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS rank
    FROM window_sums('windowed_input', 'segment_window_sums')
    WINDOW groups AS (PARTITION BY day, window_days, grp)
)
SELECT day, window_days, dimension, cohort, excluding_spikes, segment, downloads, share, rank
FROM ranked WHERE rank <= 100
UNION ALL
SELECT day, window_days, dimension, cohort, excluding_spikes, '(other)', sum(downloads), sum(share), 101
FROM ranked WHERE rank > 100
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE kept AS FROM sums_to_keep('windowed_input', 'segment_window_sums');
DELETE FROM segment_window_sums;
INSERT INTO segment_window_sums FROM kept;
DROP TABLE kept;
DROP VIEW windowed_input;
