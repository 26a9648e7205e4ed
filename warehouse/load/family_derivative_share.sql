-- Recompute family_derivative_share for the windows ending from getvariable('marts_from') on,
-- from the family segments of segment_daily, moving its kept sums (marts/window_sums.sql).
DELETE FROM family_derivative_share WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM family_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, group_key(family_parts(), part, 'all', excluding_spikes) AS grp, segment AS unit, downloads
FROM (
    SELECT day, excluding_spikes, segment, 'all' AS part, downloads
    FROM segment_daily WHERE dimension = 'family' AND cohort = 'all'
    UNION ALL
    SELECT day, excluding_spikes, segment, 'derivative', derivative_downloads
    FROM segment_daily WHERE dimension = 'family' AND cohort = 'all'
)
WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE moved AS
FROM window_sums('windowed_input', 'family_window_sums') WHERE getvariable('sums_move');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'family_window_sums', 'moved');

-- The top 100 by downloads (ties by name), as in load/segment_share.sql.
INSERT INTO family_derivative_share
WITH families AS (
    SELECT day, window_days, group_excluding_spikes(grp) AS excluding_spikes, unit AS family,
           sum(downloads) FILTER (WHERE group_label(family_parts(), grp) = 'all') AS downloads,
           coalesce(sum(downloads) FILTER (WHERE group_label(family_parts(), grp) = 'derivative'), 0)
               AS derivative_downloads
    FROM summed
    GROUP BY ALL
),
leaders AS (
    SELECT day, window_days, excluding_spikes,
           arg_min({'family': family, 'downloads': downloads, 'derivative_downloads': derivative_downloads},
                   {'descending': -downloads, 'family': family}, 100) AS top
    FROM families
    GROUP BY ALL
)
SELECT day, window_days, excluding_spikes, shown.family, shown.downloads, shown.derivative_downloads,
       shown.derivative_downloads / shown.downloads AS derivative_share, rank
FROM (SELECT day, window_days, excluding_spikes, unnest(top) AS shown, generate_subscripts(top, 1) AS rank FROM leaders);

DELETE FROM family_window_sums WHERE NOT kept_sums_stay();
INSERT INTO family_window_sums FROM sums_to_keep('moved', 'windowed_input');
DROP VIEW summed;
DROP TABLE moved;
DROP VIEW windowed_input;
