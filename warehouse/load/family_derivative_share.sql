-- Recompute family_derivative_share for the windows ending from getvariable('marts_from') on,
-- from the family segments of segment_daily.
DELETE FROM family_derivative_share WHERE day >= getvariable('marts_from');

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, {'excluding_spikes': excluding_spikes, 'part': part} AS grp, segment AS unit, downloads
FROM (
    SELECT day, excluding_spikes, segment, 'all' AS part, downloads
    FROM segment_daily WHERE dimension = 'family' AND cohort = 'all'
    UNION ALL
    SELECT day, excluding_spikes, segment, 'derivative', derivative_downloads
    FROM segment_daily WHERE dimension = 'family' AND cohort = 'all'
)
WHERE day > getvariable('marts_from') - 365;

INSERT INTO family_derivative_share
WITH summed AS (
    SELECT day, window_days, grp.excluding_spikes, unit AS family,
           sum(downloads) FILTER (WHERE grp.part = 'all') AS downloads,
           coalesce(sum(downloads) FILTER (WHERE grp.part = 'derivative'), 0) AS derivative_downloads
    FROM trailing_sums('windowed_input')
    GROUP BY ALL
)
SELECT day, window_days, excluding_spikes, family, downloads, derivative_downloads,
       derivative_downloads / downloads AS derivative_share,
       row_number() OVER (PARTITION BY day, window_days, excluding_spikes ORDER BY downloads DESC, family) AS rank
FROM summed
QUALIFY rank <= 100;

DROP VIEW windowed_input;
