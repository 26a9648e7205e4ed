-- Rebuild family_derivative_share from daily_downloads and the current attribution.
DELETE FROM family_derivative_share;

INSERT INTO family_derivative_share
WITH family_daily AS (
    SELECT d.day, d.excluding_spikes, a.origin_model_id AS family,
           sum(d.downloads * a.origin_weight) AS downloads,
           coalesce(sum(d.downloads * a.origin_weight) FILTER (WHERE a.model_id <> a.origin_model_id), 0)
               AS derivative_downloads
    FROM cohort_downloads d
    JOIN model_attribution a USING (model_id)
    WHERE d.cohort = 'all'
    GROUP BY ALL
),
summed AS (
    SELECT w.day, w.window_days, f.excluding_spikes, f.family,
           sum(f.downloads) AS downloads, sum(f.derivative_downloads) AS derivative_downloads
    FROM trailing_windows w
    JOIN family_daily f ON f.day BETWEEN w.first_day AND w.day
    GROUP BY ALL
)
SELECT day, window_days, excluding_spikes, family, downloads, derivative_downloads,
       derivative_downloads / downloads AS derivative_share,
       row_number() OVER (PARTITION BY day, window_days, excluding_spikes ORDER BY downloads DESC, family) AS rank
FROM summed
QUALIFY rank <= 100;
