-- Rebuild segment_share from segment_daily: trailing windows, top 100 segments + (other).
DELETE FROM segment_share;

INSERT INTO segment_share
WITH summed AS (
    SELECT w.day, w.window_days, s.dimension, s.cohort, s.excluding_spikes, s.segment, sum(s.downloads) AS downloads
    FROM trailing_windows w
    JOIN segment_daily s ON s.day BETWEEN w.first_day AND w.day
    GROUP BY ALL
),
ranked AS (
    SELECT *,
           downloads / sum(downloads) OVER groups AS share,
           row_number() OVER (PARTITION BY day, window_days, dimension, cohort, excluding_spikes
                              ORDER BY downloads DESC, segment) AS rank
    FROM summed
    WINDOW groups AS (PARTITION BY day, window_days, dimension, cohort, excluding_spikes)
)
SELECT day, window_days, dimension, cohort, excluding_spikes, segment, downloads, share, rank
FROM ranked WHERE rank <= 100
UNION ALL
SELECT day, window_days, dimension, cohort, excluding_spikes, '(other)', sum(downloads), sum(share), 101
FROM ranked WHERE rank > 100
GROUP BY ALL;
