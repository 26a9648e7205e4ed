"""Benchmark 5's month-by-month query at the issue's size, and the parts of benchmark 4's
added day that can be timed there, in a process of its own (so its peak memory is its own):

    python -m benchmarks.queries SCALE DAYS FOLDER

`daily_downloads` for round(2.5M x SCALE) models over DAYS - 1 days is generated straight
into the warehouse's table (a full metric rebuild at that size is out of reach,
BENCHMARKS.md 4.), with the models, registry and lineage of benchmark 4 behind
`model_attribution`, and summed into `monthly_downloads` by the refresh's own code. Then
two censuses (every model's counter) book the DAYS-th day, and the refresh's steps that do
not read the share tables' year of history are timed one by one, as a daily refresh runs
them: the write session's copy of the warehouse file, daily downloads, their monthly sums,
the credit fingerprints, and the daily tables the share tables sum (`country_daily`,
`segment_daily`, `concentration_daily`). Their total is a lower bound on adding a day. Last,
the month-by-month query is timed on a read-only connection, as a user runs it, from the
daily rows and from their monthly sums. Prints one JSON line.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

from benchmarks import peak_rss_bytes
from benchmarks.metrics import (FIRST_DAY, MONTHLY_QUERY, MONTHLY_ROLLUP_QUERY, SNAPSHOTS_SQL, added_censuses,
                                arguments, generate_models, median_ms)
from pipeline.attribution import classify
from pipeline.metrics import EVERYTHING, sum_months
from pipeline.settings import Paths
from pipeline.warehouse import connect
import warehouse

# Each listed model's downloads of each day: benchmark 4's all-time counter (its rate times
# its age plus a little that grows faster) differenced, every model downloading every day
# from its creation (the worst case). One day per statement, as the daily refreshes append.
DOWNLOADERS_SQL = """
CREATE OR REPLACE TEMP TABLE downloaders AS
SELECT namespace || '/model-' || i AS model_id, rate,
       datediff('day', getvariable('first_day')::TIMESTAMPTZ, created_at) AS born
FROM synthetic;
"""
DAY_SQL = """
INSERT INTO daily_downloads
SELECT getvariable('first_day')::DATE + $day, model_id,
       rate + ((age + 1) * (age + 1)) // 50 - (age * age) // 50, false, false, age = 0, false
FROM (SELECT model_id, rate, $day - born AS age FROM downloaders)
WHERE age >= 0;
"""


def main() -> None:
    models, days, folder = arguments()
    paths = Paths(home=folder)
    figures: dict[str, float] = {"models": models, "days": days}
    with connect(paths) as con:
        started = time.monotonic()
        generate_models(con, folder, models, days)
        classify(con, folder)  # the models' lineage
        con.execute(DOWNLOADERS_SQL)
        for day in range(days - 1):
            con.execute(DAY_SQL, {"day": day})
        con.execute("SET VARIABLE days = ?", [days - 1])
        con.execute(SNAPSHOTS_SQL)
        figures["generate_s"] = time.monotonic() - started
        figures["monthly_sums_s"] = _timed(sum_months, con, EVERYTHING)
        figures["credits_first_s"] = _timed(con.execute, warehouse.sql("load/credited_models.sql"))
        con.execute("CREATE TABLE synthetic_models AS FROM synthetic")  # for the added day's session

    # The censuses of the history's last day and the day after, which book the last day.
    new_day = FIRST_DAY + timedelta(days=days - 1)
    with added_censuses(paths, new_day, 2, figures, "add_day:copy_warehouse_s", "load_censuses_s") as con:
        con.execute("SET VARIABLE from_day = ?", [new_day])
        figures["add_day:daily_downloads_s"] = _timed(con.execute, warehouse.sql("load/daily_downloads.sql"))
        figures["add_day:monthly_downloads_s"] = _timed(sum_months, con, new_day)
        for name in ("credited_models", "country_daily", "segment_daily", "concentration_daily"):
            figures[f"add_day:{name}_s"] = _timed(con.execute, warehouse.sql(f"load/{name}.sql"))
        if con.execute("SELECT getvariable('marts_from')").fetchone()[0] != new_day:
            raise SystemExit("the credits changed: the daily tables were recomputed beyond the added day")
        figures["daily_download_rows"] = con.execute("SELECT count(*) FROM daily_downloads").fetchone()[0]
        figures["monthly_download_rows"] = con.execute("SELECT count(*) FROM monthly_downloads").fetchone()[0]
    figures["add_day_timed_steps_s"] = sum(v for k, v in figures.items() if k.startswith("add_day:"))
    figures["warehouse_bytes"] = paths.warehouse.stat().st_size
    last_day = FIRST_DAY + timedelta(days=days - 1)
    with connect(paths, read_only=True) as con:
        figures["monthly_query_ms"] = median_ms(con, MONTHLY_QUERY, last_day, runs=3)
        figures["monthly_rollup_query_ms"] = median_ms(con, MONTHLY_ROLLUP_QUERY, last_day, runs=3)
        daily, monthly = ({(month, country): share for month, country, share in con.execute(query, [last_day]).fetchall()}
                          for query in (MONTHLY_QUERY, MONTHLY_ROLLUP_QUERY))
    if daily.keys() != monthly.keys():
        raise SystemExit("the month-by-month shares from the daily rows and from their monthly sums differ")
    figures["monthly_rows"] = len(daily)
    figures["rollup_max_share_difference"] = max(abs(daily[key] - monthly[key]) for key in daily)
    figures["peak_rss_mib"] = peak_rss_bytes() / 2**20
    print(json.dumps(figures))


def _timed(step, *args) -> float:
    """Seconds `step(*args)` took."""
    started = time.monotonic()
    step(*args)
    return time.monotonic() - started


if __name__ == "__main__":
    main()
