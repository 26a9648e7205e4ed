"""The warehouse's SQL, by layer: `core/` defines the tables (one file each, with its
COMMENT ONs), `marts/` the views users query, `load/` the statements that fill the
tables, `seeds/` the shipped organisation registry."""

from pathlib import Path

SQL_DIR = Path(__file__).parent
# Table and view definitions, in the order they are created, after the history tables'
# views (pipeline/history.py's HISTORY_TABLES, defined in their own files).
SCHEMA_FILES = (
    "core/history_versions.sql",
    "core/snapshots.sql",
    "core/models.sql",
    "core/quarantine.sql",
    "core/orgs.sql",
    "core/model_lineage.sql",
    "core/monthly_downloads.sql",
    "core/credited_models.sql",
    "core/window_sums.sql",
    "marts/model_attribution.sql",
    "marts/coverage.sql",
    "marts/cohort_downloads.sql",
    "marts/model_credits.sql",
    "marts/window_sums.sql",
    "marts/unclassified_namespaces.sql",
    "marts/country_share.sql",
    "marts/segment_share.sql",
    "marts/concentration.sql",
    "marts/derivative_repos.sql",
    "marts/family_derivative_share.sql",
    "marts/relative_adoption.sql",
)
# Tables of earlier schemas, dropped before the schema runs: relative_adoption became a view
# over adoption_counters and adoption_baselines, model_window_sums concentration_window_sums,
# and family_window_sums part of segment_window_sums.
FORMER_TABLES = ("relative_adoption", "model_window_sums", "family_window_sums")
# The metric refresh, in order (pipeline/metrics.py).
METRIC_FILES = (
    "load/daily_downloads.sql",
    "load/monthly_downloads.sql",
    "load/refresh_credits.sql",
    "load/window_ends.sql",
    # the daily tables, the last readers of the credits, before the share tables: the
    # credits' memory is freed when country_share's transaction drops them
    "load/country_daily.sql",
    "load/segment_daily.sql",
    "load/concentration_daily.sql",
    "load/country_share.sql",
    "load/segment_share.sql",
    "load/concentration.sql",
    "load/relative_adoption.sql",
    "load/credited_models.sql",  # last: see pipeline/metrics.py
)
# The metric files that recompute a history table (pipeline/history.py), with the variable
# naming the first day they recompute: each leaves the rows of that day on in a temporary
# view <table>_recomputed, with which pipeline/metrics.py's replace_history replaces them.
HISTORY_LOADS = {
    "load/daily_downloads.sql": ("daily_downloads", "from_day"),
    "load/country_daily.sql": ("country_daily", "marts_from"),
    "load/segment_daily.sql": ("segment_daily", "marts_from"),
    "load/concentration_daily.sql": ("concentration_daily", "marts_from"),
}
# monthly_downloads (pipeline/metrics.py's sum_months): the first file clears and lists the
# months to sum, the second sums one.
MONTHS_TO_SUM_FILE = "load/monthly_downloads.sql"
SUM_MONTH_FILE = "load/monthly_downloads_month.sql"


def sql(name: str) -> str:
    return (SQL_DIR / name).read_text()
