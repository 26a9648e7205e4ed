"""The share metrics: daily downloads from the all-time counters, then the tables built on them."""

from __future__ import annotations

import time
from datetime import date

import duckdb

import warehouse

from . import history

EVERYTHING = date(1, 1, 1)


def refresh_metrics(con: duckdb.DuckDBPyConnection, changed: date | None = None,
                    seconds: dict[str, float] | None = None) -> date:
    """Recompute what a new or replaced census of `changed` affects (everything when None):
    daily downloads from the census before it on, then the share tables from that day on,
    or from further back for models whose credits changed since the last refresh
    (load/refresh_credits.sql). Returns the first day of daily downloads recomputed;
    `seconds`, when given, gets each load file's time (BENCHMARKS.md).
    Each load file is a transaction of its own: DuckDB frees a dropped temporary table's
    memory only when its transaction ends, and one transaction held every file's (the
    credits, the stored sums) to the end, spilling the rest to disk. The session, not the
    transaction, keeps readers from a half-done refresh (pipeline/warehouse.py's `staged`);
    and a refresh stopped part-way and run again recomputes the same days with the same
    credits, since the credits' fingerprints, which decide how far back it reaches, are
    written by its last file (load/credited_models.sql). A file's history days are
    replaced again, and a share table whose kept sums were already moved sums its windows
    from the year (marts/window_sums.sql's plans agree)."""
    if changed is None:
        from_day = EVERYTHING
    else:
        before = con.execute(
            "SELECT max(snapshot_date) FROM snapshots WHERE complete AND snapshot_date < ?", [changed]
        ).fetchone()[0]
        from_day = before or changed
    con.execute("SET VARIABLE from_day = ?", [from_day])
    con.execute("SET VARIABLE census_from = ?", [changed or EVERYTHING])  # relative_adoption reads censuses, not intervals
    for name in warehouse.METRIC_FILES:
        started = time.monotonic()
        con.begin()
        try:
            if name in warehouse.HISTORY_LOADS:
                replace_history(con, name)
            elif name == warehouse.MONTHS_TO_SUM_FILE:
                sum_months(con, from_day)
            else:
                con.execute(warehouse.sql(name))
            con.commit()
        except BaseException:
            con.rollback()
            raise
        if seconds is not None:
            seconds[name] = time.monotonic() - started
    return from_day


def replace_history(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run the HISTORY_LOADS file `name`, and replace its history table's days from its first
    recomputed day on with the rows it recomputed."""
    table, first_day = warehouse.HISTORY_LOADS[name]
    con.execute(warehouse.sql(name))
    first = con.execute(f"SELECT getvariable('{first_day}')").fetchone()[0]
    history.replace_days(con, table, first, None, f"FROM {table}_recomputed")
    con.execute(f"DROP VIEW {table}_recomputed")


def sum_months(con: duckdb.DuckDBPyConnection, from_day: date) -> None:
    """Bring monthly_downloads up to date with daily_downloads recomputed from `from_day`:
    MONTHS_TO_SUM_FILE lists the months to sum, and SUM_MONTH_FILE sums each in a statement
    of its own (a year at once outgrows the memory cap at 2.5M models)."""
    con.execute("SET VARIABLE from_day = ?", [from_day])
    con.execute(warehouse.sql(warehouse.MONTHS_TO_SUM_FILE))
    for (month,) in con.execute("SELECT month FROM months_to_sum ORDER BY month").fetchall():
        con.execute("SET VARIABLE month = ?", [month])
        con.execute(warehouse.sql(warehouse.SUM_MONTH_FILE))
    con.execute("DROP TABLE carried; DROP TABLE months_to_sum")
