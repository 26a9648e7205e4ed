-- The rows of one census in model_stats (pipeline/warehouse.py's load_census replaces its day
-- with them). Variables: listing, snapshot_date, as for load/load_census.sql.
SELECT getvariable('snapshot_date') AS snapshot_date, model_id, downloads_30d, downloads_all_time, likes, trending_score
FROM read_parquet(getvariable('listing'))
