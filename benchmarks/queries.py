"""Benchmark 4's added day and benchmark 5's queries at the issue's size, in a process of
its own (so its peak memory is its own):

    python -m benchmarks.queries SCALE DAYS FOLDER
    python -m benchmarks.queries --add-day FOLDER    # one more day on the warehouse a run left

A warehouse as a daily refresh finds it after DAYS days of round(2.5M x SCALE) models is
generated straight into its tables and history files (a full metric rebuild at that size is
out of reach, BENCHMARKS.md 4.): benchmark 4's models, registry, lineage and daily censuses
(`model_stats`), their daily downloads (DAYS - 1 days, one statement a day), the monthly
sums and credit fingerprints by the refresh's own code, and the daily tables the share
tables sum: the refresh's own rows for the newest day, repeated on each earlier day of the
year (the same units every day), the share tables of that day with the sums they keep, and
relative_adoption's baselines. Then one
more census is loaded and `refresh_metrics` adds its day, as the daily flow does, timed
file by file. Last, the headline lookup and the month-by-month query (from the daily rows
and from their monthly sums) on a read-only connection, as a user runs them. Prints one
JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from benchmarks import peak_rss_bytes, stored_bytes
from benchmarks.metrics import (FIRST_DAY, HEADLINE_QUERY, MONTHLY_QUERY, MONTHLY_ROLLUP_QUERY, add_censuses,
                                added_censuses, arguments, generate_models, median_ms, per_step)
from pipeline import history
from pipeline.attribution import classify
from pipeline.metrics import EVERYTHING, refresh_metrics, replace_history, sum_months
from pipeline.settings import Paths
from pipeline.warehouse import connect
import warehouse

# Each listed model's downloads of each day: the difference of add_censuses' counters (its
# rate times its age plus a little that grows faster), every model downloading every day
# from its creation (the worst case). One day per statement, as the daily refreshes append.
DOWNLOADERS_SQL = """
CREATE OR REPLACE TEMP TABLE downloaders AS
SELECT namespace || '/model-' || i AS model_id, rate,
       datediff('day', getvariable('history_start')::TIMESTAMPTZ, created_at) AS born
FROM synthetic;
"""
DAY_SQL = """
SELECT getvariable('history_start')::DATE + {day} AS day, model_id,
       rate + ((age + 1) * (age + 1)) // 50 - (age * age) // 50 AS downloads,
       false AS estimated, false AS counter_decreased, age = 0 AS first_counted, false AS spike
FROM (SELECT model_id, rate, {day} - born AS age FROM downloaders)
WHERE age >= 0
"""
# The daily tables' rows of the newest day of downloads, repeated on each of the 364 days before it.
DAILY_TABLES = ("country_daily", "segment_daily", "concentration_daily")
FIRST_LOADS = ("country_share", "segment_share", "concentration", "relative_adoption")
REPEAT_SQL = """
SELECT {table}.* REPLACE (day - back::INTEGER AS day) FROM {table}, range(1, 365) r(back)
WHERE day = getvariable('marts_from') AND day - back::INTEGER >= getvariable('history_start')
"""


def main() -> None:
    if sys.argv[1:2] == ["--add-day"]:
        add_another_day(Path(sys.argv[2]))
        return
    models, days, folder = arguments()
    paths = Paths(home=folder)
    figures: dict[str, float] = {"models": models, "days": days}
    newest = FIRST_DAY + timedelta(days=days - 2)  # the newest day of downloads before the added census
    with connect(paths) as con:
        started = time.monotonic()
        generate_models(con, folder, models, days)
        classify(con, folder)  # the models' lineage
        con.execute("SET VARIABLE history_start = ?", [FIRST_DAY])
        con.execute(DOWNLOADERS_SQL)
        for day in range(days):
            add_censuses(con, FIRST_DAY + timedelta(days=day), 1)
            if day < days - 1:
                history.replace_days(con, "daily_downloads", FIRST_DAY + timedelta(days=day),
                                     FIRST_DAY + timedelta(days=day), DAY_SQL.format(day=day))
        figures["generate_s"] = time.monotonic() - started
        _so_far(figures, "generate")
        figures["monthly_sums_s"] = _timed(sum_months, con, EVERYTHING)
        con.execute("SET VARIABLE from_day = ?", [newest])
        figures["credits_first_s"] = _timed(con.execute, warehouse.sql("load/refresh_credits.sql"))
        started = time.monotonic()
        # not the whole history (every model's credits are new here): its newest day, one window end
        con.execute("SET VARIABLE marts_from = ?", [newest])
        con.execute(warehouse.sql("load/window_ends.sql"))
        for table in DAILY_TABLES:
            replace_history(con, f"load/{table}.sql")
            history.replace_days(con, table, FIRST_DAY, newest - timedelta(days=1), REPEAT_SQL.format(table=table))
        figures["daily_tables_s"] = time.monotonic() - started
        _so_far(figures, "daily_tables")
        # the share tables' kept sums from their year of rows, and relative_adoption's baselines
        # of every census, as a first refresh computes them
        started = time.monotonic()
        con.execute("SET VARIABLE census_from = ?", [FIRST_DAY])
        for name in FIRST_LOADS:
            con.execute(warehouse.sql(f"load/{name}.sql"))
        figures["marts_first_s"] = time.monotonic() - started
        con.execute(warehouse.sql("load/credited_models.sql"))  # the credits the tables hold
        con.execute("CREATE TABLE synthetic_models AS FROM synthetic")  # for the added day's session
    figures["generated_warehouse_file_bytes"], figures["generated_history_bytes"] = stored_bytes(paths)
    _so_far(figures, "marts_first")

    new_day = FIRST_DAY + timedelta(days=days)
    add_a_day(paths, new_day, figures)
    _so_far(figures, "add_day")

    booked = new_day - timedelta(days=1)
    with connect(paths, read_only=True) as con:
        figures["headline_query_ms"] = median_ms(con, HEADLINE_QUERY, booked)
        figures["headline_rows"] = len(con.execute(HEADLINE_QUERY, [booked]).fetchall())
        figures["monthly_query_ms"] = median_ms(con, MONTHLY_QUERY, booked, runs=3)
        figures["monthly_rollup_query_ms"] = median_ms(con, MONTHLY_ROLLUP_QUERY, booked, runs=3)
        daily, monthly = ({(month, country): share for month, country, share in con.execute(query, [booked]).fetchall()}
                          for query in (MONTHLY_QUERY, MONTHLY_ROLLUP_QUERY))
    if daily.keys() != monthly.keys():
        raise SystemExit("the month-by-month shares from the daily rows and from their monthly sums differ")
    figures["monthly_rows"] = len(daily)
    figures["rollup_max_share_difference"] = max(abs(daily[key] - monthly[key]) for key in daily)
    figures["peak_rss_mib"] = peak_rss_bytes() / 2**20
    print(json.dumps(figures))


def _so_far(figures: dict, step: str) -> None:
    """The figures so far, on stderr (at 2.5M models the run takes hours), with the process's
    peak memory once `step` is done: which step sets the final peak."""
    figures[f"peak_rss_mib_after_{step}"] = peak_rss_bytes() / 2**20
    print(json.dumps(figures), file=sys.stderr, flush=True)


def add_a_day(paths: Paths, new_day: date, figures: dict[str, float]) -> None:
    """One more census, of `new_day`, the day after the newest, loaded and refreshed as the
    daily flow does, each metric file timed (into `figures`)."""
    started = time.monotonic()
    with added_censuses(paths, new_day, 1, figures, "add_day:copy_warehouse_s", "add_day:load_census_s") as con:
        steps: dict[str, float] = {}
        newest_census = new_day - timedelta(days=1)
        if refresh_metrics(con, new_day, seconds=steps) != newest_census or \
                con.execute("SELECT getvariable('marts_from')").fetchone()[0] != newest_census:
            raise SystemExit("the refresh recomputed more than the added day: the history is not as a refresh left it")
        figures.update(per_step("add_day", steps))
        figures["daily_download_rows"] = con.execute("SELECT count(*) FROM daily_downloads").fetchone()[0]
        figures["monthly_download_rows"] = con.execute("SELECT count(*) FROM monthly_downloads").fetchone()[0]
    figures["add_day_total_s"] = time.monotonic() - started  # with the publishing of the session's copy
    figures["warehouse_file_bytes"], figures["history_bytes"] = stored_bytes(paths)


def add_another_day(folder: Path) -> None:
    """`--add-day FOLDER`: add_a_day on a warehouse an earlier run left (each run adds a day),
    to time the step again without generating the history."""
    paths = Paths(home=folder)
    with connect(paths, read_only=True) as con:
        newest_census = con.execute("SELECT max(snapshot_date) FROM snapshots").fetchone()[0]
    figures: dict[str, float] = {}
    add_a_day(paths, newest_census + timedelta(days=1), figures)
    figures["peak_rss_mib"] = peak_rss_bytes() / 2**20
    print(json.dumps(figures))


def _timed(step, *args) -> float:
    """Seconds `step(*args)` took."""
    started = time.monotonic()
    step(*args)
    return time.monotonic() - started


if __name__ == "__main__":
    main()
