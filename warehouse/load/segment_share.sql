-- Recompute segment_share and family_derivative_share for the windows ending from
-- getvariable('marts_from') on, moving their kept sums (marts/window_sums.sql): the top 100
-- segments of each window, and (other); the top 100 families, with their derivatives' part.
-- One set of sums for both: a family's downloads are segment_share's family segments (the
-- all cohort), and its derivatives' downloads a label of their own, family_derivative.
DELETE FROM segment_share WHERE day >= getvariable('marts_from');
DELETE FROM family_derivative_share WHERE day >= getvariable('marts_from');

SET VARIABLE kept_sums_end = (SELECT max(day) FROM segment_window_sums);
SET VARIABLE sums_move = coalesce(getvariable('few_window_ends')
                                  AND getvariable('kept_sums_end') = getvariable('marts_from') - 1, false);

-- family_derivative_share's part, apart: a rebuild sums it on its own (below)
CREATE OR REPLACE TEMP VIEW derivative_input AS
SELECT day, group_key(segment_dimensions(), 'family_derivative', 'all', excluding_spikes) AS grp, segment AS unit,
       derivative_downloads AS downloads
FROM segment_daily
WHERE dimension = 'family' AND cohort = 'all' AND derivative_downloads > 0 AND day >= getvariable('marts_from') - 365;
CREATE OR REPLACE TEMP VIEW windowed_input AS
SELECT day, group_key(segment_dimensions(), dimension, cohort, excluding_spikes) AS grp,
       segment AS unit, downloads
FROM segment_daily WHERE day >= getvariable('marts_from') - 365
UNION ALL
FROM derivative_input;

CREATE OR REPLACE TEMP TABLE stored_sums AS
FROM window_sums('windowed_input', 'segment_window_sums') WHERE getvariable('few_window_ends');
CREATE OR REPLACE TEMP VIEW summed AS FROM summed_once('windowed_input', 'segment_window_sums', 'stored_sums');
-- the stored sums' family_derivative groups, or else (a rebuild's are not stored) the
-- derivatives' sums alone, not every segment's again
CREATE OR REPLACE TEMP VIEW derivative_summed AS
FROM summed_once('derivative_input', 'segment_window_sums', 'stored_sums')
WHERE group_label(segment_dimensions(), grp) = 'family_derivative';

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
    WHERE group_label(segment_dimensions(), grp) <> 'family_derivative'
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
       segment, downloads, downloads / from_exact(exact_total), rank
FROM shown;

-- The top 100 families are segment_share's (the family dimension's all cohort: the same sums,
-- ranked the same way), with their derivatives' sums: a join of those rows, not an
-- aggregate pairing every family's two sums (BENCHMARKS.md 4.).
INSERT INTO family_derivative_share
SELECT s.day, s.window_days, s.excluding_spikes, s.segment, s.downloads,
       coalesce(d.downloads, 0) AS derivative_downloads, coalesce(d.downloads, 0) / s.downloads, s.rank
FROM segment_share s
LEFT JOIN derivative_summed d
       ON d.day = s.day AND d.window_days = s.window_days AND d.unit = s.segment
      AND group_excluding_spikes(d.grp) = s.excluding_spikes
WHERE s.day >= getvariable('marts_from') AND s.dimension = 'family' AND s.cohort = 'all' AND s.rank <= 100;

DELETE FROM segment_window_sums WHERE NOT kept_sums_stay();
INSERT INTO segment_window_sums FROM sums_to_keep('stored_sums', 'windowed_input');
DROP VIEW derivative_summed;
DROP VIEW summed;
DROP TABLE stored_sums;
DROP VIEW windowed_input;
DROP VIEW derivative_input;
