"""Benchmarks 4 and 5, in their own process (so its peak memory is theirs):

    python -m benchmarks.metrics SCALE DAYS FOLDER

A history of round(2.5M x SCALE) models over DAYS days (365 in the issue) is generated straight into the
warehouse's tables (the census and HTTP are benchmarks 1-3), then timed with the pipeline's
own code: a full metric rebuild, one more day loaded and refreshed (with the write
session's copy of the warehouse file), each with the seconds of every metric load file,
and the queries of benchmark 5 (the month-by-month one from the daily rows and from their
monthly sums). Prints one JSON line.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb

from benchmarks import FULL_HUB, peak_rss_bytes, stored_bytes
from pipeline import history
from pipeline.attribution import classify
from pipeline.metrics import refresh_metrics
from pipeline.settings import Paths
from pipeline.warehouse import connect, open_db, staged

FIRST_DAY = date(2026, 1, 1)

# Models are created over the 500 days before the history's 100th day (about 80% of them
# before its start); each has a download rate spread over four orders of magnitude, a
# namespace from the shipped registry or one of many unknown users, and, for a third, a
# parent among the older models.
MODELS_SQL = """
CREATE OR REPLACE TEMP TABLE synthetic AS
SELECT i,
       CASE WHEN hash(i, 1) % 3 = 0 THEN (SELECT list(namespace) FROM orgs)[1 + (hash(i, 2) % (SELECT count(*) FROM orgs))::BIGINT]
            ELSE 'user-' || (hash(i, 3) % 200000)::BIGINT END AS namespace,
       TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_days(100) - to_seconds((getvariable('models') - i) * 500 * 86400 // getvariable('models')) AS created_at,
       exp((hash(i, 4) % 1000)::BIGINT / 1000 * 9)::BIGINT AS rate,
       CASE WHEN hash(i, 5) % 3 = 0 AND i > 0 THEN (hash(i, 6) % i)::BIGINT END AS parent
FROM range(getvariable('models')) r(i);
INSERT INTO models
SELECT s.namespace || '/model-' || s.i, s.namespace, NULL, s.created_at, false, s.created_at,
       ['text-generation', 'text-to-image', 'feature-extraction'][1 + (hash(s.i, 7) % 3)::BIGINT], 'transformers',
       ['apache-2.0', 'mit', 'llama3'][1 + (hash(s.i, 8) % 3)::BIGINT], 'false', [], CASE WHEN s.parent IS NOT NULL THEN 'finetune' END,
       CASE WHEN s.parent IS NOT NULL THEN [p.namespace || '/model-' || p.i] ELSE [] END,
       (hash(s.i, 9) % 70)::BIGINT * 1000000000, NULL, getvariable('first_day'), getvariable('first_day')
FROM synthetic s LEFT JOIN synthetic p ON p.i = s.parent;
"""
# One census per day from `first_day` for `days` days (add_censuses): each listed model's
# all-time counter, its rate times its age plus a little that grows faster, so every model
# downloads a different amount every day.
SNAPSHOTS_SQL = """
INSERT INTO snapshots
SELECT d, d, d, 'synthetic', 0, 0, 0, 0, true, now()
FROM range(getvariable('first_day')::TIMESTAMP, getvariable('first_day')::TIMESTAMP + to_days(getvariable('days')), INTERVAL 1 DAY) r(d);
"""
CENSUS_ROWS_SQL = """
SELECT d::DATE AS snapshot_date, m.model_id, NULL::BIGINT AS downloads_30d,
       s.rate * age + (age * age) // 50 AS downloads_all_time, NULL::BIGINT AS likes, NULL::DOUBLE AS trending_score
FROM synthetic s JOIN models m ON m.model_id = s.namespace || '/model-' || s.i,
     range(getvariable('first_day')::TIMESTAMP, getvariable('first_day')::TIMESTAMP + to_days(getvariable('days')), INTERVAL 1 DAY) r(d),
     LATERAL (SELECT datediff('day', s.created_at, d::TIMESTAMPTZ) AS age)
WHERE s.created_at < d::TIMESTAMPTZ
"""


def add_censuses(con, first_day: date, days: int) -> None:
    """The synthetic models' censuses of `days` days from `first_day`: snapshots and model_stats."""
    con.execute("SET VARIABLE first_day = ?", [first_day])
    con.execute("SET VARIABLE days = ?", [days])
    con.execute(SNAPSHOTS_SQL)
    history.replace_days(con, "model_stats", first_day, first_day + timedelta(days=days - 1), CENSUS_ROWS_SQL)


HEADLINE_QUERY = """
SELECT country, share FROM country_share
WHERE day = ? AND window_days = 365 AND attribution = 'uploader' AND cohort = 'new' AND NOT excluding_spikes
ORDER BY share DESC
"""
MONTHLY_SHARES = """
SELECT month, country, downloads / sum(downloads) OVER (PARTITION BY month) AS share
FROM (
    SELECT {month} AS month, a.uploader_category AS country, sum(d.downloads * a.origin_weight) AS downloads
    FROM {table} d JOIN model_attribution a USING (model_id)
    WHERE d.{column} >= date_trunc('month', ? - INTERVAL 365 DAY)
    GROUP BY ALL
)
ORDER BY month, share DESC
"""
MONTHLY_QUERY = MONTHLY_SHARES.format(month="date_trunc('month', d.day)::DATE", table="daily_downloads", column="day")
# The same shares from daily_downloads' monthly sums.
MONTHLY_ROLLUP_QUERY = MONTHLY_SHARES.format(month="d.month", table="monthly_downloads", column="month")


def main() -> None:
    models, days, folder = arguments()
    paths = Paths(home=folder)
    figures: dict[str, float] = {"models": models, "days": days}

    with connect(paths) as con:
        started = time.monotonic()
        generate_models(con, folder, models, days)
        add_censuses(con, FIRST_DAY, days)
        figures["generate_s"] = time.monotonic() - started
        figures["model_days"] = con.execute("SELECT count(*) FROM model_stats").fetchone()[0]

        started = time.monotonic()
        classify(con, folder)
        figures["classify_s"] = time.monotonic() - started
        started = time.monotonic()
        steps: dict[str, float] = {}
        refresh_metrics(con, seconds=steps)
        figures["full_rebuild_s"] = time.monotonic() - started
        figures.update(per_step("full_rebuild", steps))
        figures["daily_download_rows"] = con.execute("SELECT count(*) FROM daily_downloads").fetchone()[0]
        con.execute("CREATE TABLE synthetic_models AS FROM synthetic")  # for the added day's session
    figures["warehouse_file_bytes"], figures["history_bytes"] = stored_bytes(paths)

    # One more day, as the daily flow adds it: a write session on a copy, load, refresh.
    new_day = FIRST_DAY + timedelta(days=days)
    started = time.monotonic()
    with added_censuses(paths, new_day, 1, figures, "copy_warehouse_s", "load_day_s") as con:
        refresh_started, steps = time.monotonic(), {}
        refresh_metrics(con, new_day, seconds=steps)
        figures["refresh_one_day_s"] = time.monotonic() - refresh_started
        figures.update(per_step("refresh_one_day", steps))
    figures["add_day_total_s"] = time.monotonic() - started

    with connect(paths, read_only=True) as con:
        last_day = new_day - timedelta(days=1)  # the new census books the downloads of the day before
        figures["headline_query_ms"] = median_ms(con, HEADLINE_QUERY, last_day)
        figures["headline_rows"] = len(con.execute(HEADLINE_QUERY, [last_day]).fetchall())
        figures["monthly_query_ms"] = median_ms(con, MONTHLY_QUERY, last_day)
        figures["monthly_rollup_query_ms"] = median_ms(con, MONTHLY_ROLLUP_QUERY, last_day)
    figures["peak_rss_mib"] = peak_rss_bytes() / 2**20
    print(json.dumps(figures))


def arguments() -> tuple[int, int, Path]:
    """The process's arguments, SCALE DAYS FOLDER, as the number of models, the days of
    history and the folder for the warehouse, emptied."""
    scale, days, folder = float(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    shutil.rmtree(folder, ignore_errors=True)
    return round(FULL_HUB * scale), days, folder


def generate_models(con, folder: Path, models: int, days: int) -> None:
    """The shipped registry and `models` synthetic models (MODELS_SQL), with the variables
    it reads (`first_day`, `days`). The models' lineage is not built yet."""
    classify(con, folder)  # the registry into orgs (lineage is empty until there are models)
    con.execute("SET VARIABLE models = ?", [models])
    con.execute("SET VARIABLE first_day = ?", [FIRST_DAY])
    con.execute("SET VARIABLE days = ?", [days])
    con.execute(MODELS_SQL)


@contextmanager
def added_censuses(paths: Paths, first_day: date, days: int, figures: dict[str, float],
                   copy_key: str, load_key: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A write session as the daily flow opens one, with the synthetic models' censuses of
    `days` days from `first_day` loaded (add_censuses; the models kept in `synthetic_models`):
    the seconds of the warehouse's copy and of the load go to `figures`."""
    started = time.monotonic()
    with staged(paths) as db:
        figures[copy_key] = time.monotonic() - started
        with open_db(db) as con:
            con.execute("CREATE TEMP VIEW synthetic AS FROM synthetic_models")
            started = time.monotonic()
            add_censuses(con, first_day, days)
            figures[load_key] = time.monotonic() - started
            yield con


def per_step(prefix: str, seconds: dict[str, float]) -> dict[str, float]:
    """Each metric load file's seconds, as `<prefix>:<file>_s` (load/ and .sql left out)."""
    return {f"{prefix}:{name.removeprefix('load/').removesuffix('.sql')}_s": s for name, s in seconds.items()}


def median_ms(con, query: str, day: date, runs: int = 5) -> float:
    """The query's median time over `runs` runs, for the downloads of `day`."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        con.execute(query, [day]).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
