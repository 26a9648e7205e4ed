-- Rebuild segment_share from segment_daily: trailing windows, top 100 segments + (other).
DELETE FROM segment_share;

INSERT INTO segment_share
WITH days AS (SELECT DISTINCT day FROM segment_daily),
windows AS (SELECT unnest([1, 7, 30, 365]) AS window_days),
summed AS (
    SELECT d.day, w.window_days, s.dimension, s.cohort, s.excluding_spikes, s.segment, sum(s.downloads) AS downloads
    FROM days d
    CROSS JOIN windows w
    JOIN segment_daily s ON s.day > d.day - w.window_days AND s.day <= d.day
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
