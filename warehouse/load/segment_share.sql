-- Recompute segment_share for the windows ending from getvariable('marts_from') on: the top
-- 100 segments of each window, and (other).
DELETE FROM segment_share WHERE day >= getvariable('marts_from');

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'dimension': dimension, 'cohort': cohort, 'excluding_spikes': excluding_spikes} AS grp,
       segment AS unit, downloads
FROM segment_daily WHERE day > getvariable('marts_from') - 365;

INSERT INTO segment_share
WITH ranked AS (
    SELECT day, window_days, grp.dimension, grp.cohort, grp.excluding_spikes, unit AS segment, downloads,
           downloads / sum(downloads) OVER groups AS share,
           row_number() OVER (PARTITION BY day, window_days, grp ORDER BY downloads DESC, unit) AS rank
    FROM trailing_sums('windowed_input')
    WINDOW groups AS (PARTITION BY day, window_days, grp)
)
SELECT day, window_days, dimension, cohort, excluding_spikes, segment, downloads, share, rank
FROM ranked WHERE rank <= 100
UNION ALL
SELECT day, window_days, dimension, cohort, excluding_spikes, '(other)', sum(downloads), sum(share), 101
FROM ranked WHERE rank > 100
GROUP BY ALL;

DROP VIEW windowed_input;
