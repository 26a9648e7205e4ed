-- daily_downloads as every share table reads it: once per cohort and spike choice.
CREATE OR REPLACE MACRO size_class(params) AS
    CASE
        WHEN params IS NULL THEN 'unknown'
        WHEN params < 1e9 THEN '<1B'
        WHEN params < 1e10 THEN '1-10B'
        WHEN params < 5e10 THEN '10-50B'
        WHEN params < 2e11 THEN '50-200B'
        ELSE '>=200B'
    END;

CREATE OR REPLACE VIEW cohort_downloads AS
SELECT d.day, d.model_id, cohort.name AS cohort, variant.excluding_spikes, d.downloads
FROM daily_downloads d
-- the day each model leaves the new cohort, computed once a model: a TIMESTAMPTZ's interval
-- arithmetic (ICU's calendar) on every row was four fifths of reading the view (BENCHMARKS.md 4.)
JOIN (SELECT model_id, utc_day(created_at) + 365 AS new_until FROM models) m USING (model_id)
JOIN (VALUES ('all'), ('new')) AS cohort(name) ON cohort.name = 'all' OR d.day < m.new_until
JOIN (VALUES (false), (true)) AS variant(excluding_spikes) ON NOT (variant.excluding_spikes AND d.spike)
WHERE d.downloads > 0;
COMMENT ON VIEW cohort_downloads IS 'daily_downloads with a download, once per cohort (all; new: the model was less than 365 days old that day, creation date known) and spike choice (excluding_spikes: spike days left out). What every share table sums.';
COMMENT ON COLUMN cohort_downloads.day IS 'The day.';
COMMENT ON COLUMN cohort_downloads.model_id IS 'The model.';
COMMENT ON COLUMN cohort_downloads.cohort IS 'all or new.';
COMMENT ON COLUMN cohort_downloads.excluding_spikes IS 'false for every row; true rows leave spike days out.';
COMMENT ON COLUMN cohort_downloads.downloads IS 'The day''s downloads (daily_downloads.downloads).';
