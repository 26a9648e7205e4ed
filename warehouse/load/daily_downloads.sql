-- daily_downloads for every day from getvariable('from_day') on (pipeline/metrics.py replaces
-- those days with daily_downloads_recomputed): the intervals between consecutive complete
-- censuses that start on or after it. Adding the newest census recomputes its one interval;
-- from the first census, everything: same SQL, same result.
CREATE OR REPLACE TEMP VIEW daily_downloads_recomputed AS
WITH censuses AS (
    SELECT
        snapshot_date AS census,
        lag(snapshot_date) OVER (ORDER BY snapshot_date) AS previous,
        lag(started_at) OVER (ORDER BY snapshot_date) AS previous_started_at
    FROM snapshots
    WHERE complete
),
counters AS (
    SELECT
        c.previous, c.census, now_.model_id,
        now_.downloads_all_time AS counter_now,
        before.downloads_all_time AS counter_before,
        m.created_at,
        c.previous_started_at
    FROM censuses c
    -- the constant bounds read only the censuses from from_day on (history/ folders by day)
    JOIN model_stats now_ ON now_.snapshot_date = c.census AND now_.snapshot_date > getvariable('from_day')
    LEFT JOIN model_stats before ON before.snapshot_date = c.previous AND before.model_id = now_.model_id
                                AND before.snapshot_date >= getvariable('from_day')
    LEFT JOIN models m ON m.model_id = now_.model_id
    WHERE c.previous >= getvariable('from_day')
),
intervals AS (
    SELECT
        model_id, census,
        CASE
            WHEN counter_before IS NOT NULL THEN greatest(counter_now - counter_before, 0)
            -- new since the previous census started: everything it counted is new
            WHEN created_at >= previous_started_at THEN counter_now
            -- listed before (private, deleted and back, outside a census) or age unknown: a baseline
        END AS delta,
        CASE
            WHEN counter_before IS NOT NULL THEN previous
            ELSE least(greatest(previous, utc_day(created_at)), census - 1)
        END AS first_day,
        coalesce(counter_before > counter_now, false) AS counter_decreased,
        counter_before IS NULL AS first_counted
    FROM counters
),
spread AS (
    SELECT *, (census - first_day)::INTEGER AS span FROM intervals WHERE delta IS NOT NULL
),
recomputed_days AS (
    SELECT
        first_day + k::INTEGER AS day,
        model_id,
        -- an even split whose parts sum to delta exactly: the first (delta mod span) days get one more
        delta // span + CASE WHEN k < delta % span THEN 1 ELSE 0 END AS downloads,
        span > 1 AS estimated,
        counter_decreased,
        first_counted
    FROM spread, unnest(range(span)) AS r(k)
    WHERE delta // span + CASE WHEN k < delta % span THEN 1 ELSE 0 END > 0 OR counter_decreased
)
-- Spikes: a day that is most of its model's trailing week (the week reaches back into
-- days kept from before from_day: read once the days from from_day on are removed). The
-- whole week must be observed: within the history, and after the model's creation (a
-- release's first day is not a bot).
SELECT w.day, w.model_id, w.downloads, w.estimated, w.counter_decreased, w.first_counted,
       NOT w.estimated
       AND w.day - 6 >= (SELECT min(snapshot_date) FROM snapshots WHERE complete)
       AND w.day - 6 >= coalesce(utc_day(m.created_at), w.day - 6)
       AND w.downloads > 0.6 * sum(w.downloads) OVER week
       AND sum(w.downloads) OVER week >= 1000 AS spike
FROM (
    SELECT * FROM recomputed_days
    UNION ALL
    SELECT day, model_id, downloads, estimated, counter_decreased, first_counted
    FROM daily_downloads WHERE day >= getvariable('from_day') - 6
) AS w
LEFT JOIN models m USING (model_id)
WINDOW week AS (PARTITION BY w.model_id ORDER BY w.day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW)
QUALIFY w.day >= getvariable('from_day');
