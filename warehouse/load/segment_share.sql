-- Recompute segment_share for the windows ending from getvariable('marts_from') on, moving
-- its kept sums (marts/window_sums.sql): the top 100 segments of each window, and (other).
DELETE FROM segment_share WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM segment_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, group_key(segment_dimensions(), dimension, cohort, excluding_spikes) AS grp,
       segment AS unit, downloads
FROM segment_daily WHERE day >= getvariable('marts_from') - 365;

CREATE OR REPLACE TEMP TABLE moved AS
FROM window_sums('windowed_input', 'segment_window_sums') WHERE getvariable('sums_move');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'segment_window_sums', 'moved');

-- Each group's top 100 by downloads (ties by name), as arg_min's 100 smallest of
-- (-downloads, segment): a heap of 100 per group as the aggregate goes, seven times faster
-- than ranking every segment with a window function's sort (5M sums, BENCHMARKS.md 4.).
-- (other) is the exact total less theirs. Shares over the exact total, the same in any row
-- order.
INSERT INTO segment_share
WITH groups AS (
    SELECT day, window_days, grp, count(*) AS units, sum(exact_downloads) AS exact_total,
           arg_min({'segment': unit, 'downloads': downloads, 'exact_downloads': exact_downloads},
                   {'descending': -downloads, 'segment': unit}, 100) AS top
    FROM summed
    GROUP BY ALL
),
shown AS (
    SELECT day, window_days, grp, unnest(top).segment AS segment, unnest(top).downloads AS downloads,
           generate_subscripts(top, 1) AS rank, exact_total
    FROM groups
    UNION ALL
    SELECT day, window_days, grp, '(other)', from_exact(exact_total - list_sum([t.exact_downloads FOR t IN top])), 101,
           exact_total
    FROM groups WHERE units > 100
)
SELECT day, window_days, group_label(segment_dimensions(), grp), group_cohort(grp), group_excluding_spikes(grp),
       segment, downloads,
       downloads / from_exact(exact_total), rank
FROM shown;

DELETE FROM segment_window_sums WHERE NOT kept_sums_stay();
INSERT INTO segment_window_sums FROM sums_to_keep('moved', 'windowed_input');
DROP VIEW summed;
DROP TABLE moved;
DROP VIEW windowed_input;
