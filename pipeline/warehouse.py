"""The DuckDB warehouse: schema, and loading finished censuses into it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

import warehouse

from .settings import Paths


@contextmanager
def connect(paths: Paths, *, read_only: bool = False):
    """A connection to the warehouse file; a writer creates it and its schema first."""
    if not read_only:
        paths.home.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(paths.warehouse), read_only=read_only)
    try:
        if not read_only:
            for name in warehouse.SCHEMA_FILES:
                con.execute(warehouse.sql(name))
        yield con
    finally:
        con.close()


def unloaded_censuses(con: duckdb.DuckDBPyConnection, paths: Paths) -> list[date]:
    """Days whose finished census is on disk but not in the warehouse (a crawl cut short on
    an earlier day, closed as incomplete by the next run), oldest first."""
    loaded = {day for (day,) in con.execute("SELECT snapshot_date FROM snapshots").fetchall()}
    return [day for day in paths.finished_census_days() if day not in loaded]


def load_census(con: duckdb.DuckDBPyConnection, census_dir: Path, snapshot_date: date) -> None:
    """Load one finished census folder, replacing whatever that day held: idempotent."""
    con.execute("SET VARIABLE census_dir = ?", [str(census_dir)])
    con.execute("SET VARIABLE snapshot_date = ?", [snapshot_date])
    con.begin()
    try:
        con.execute(warehouse.sql("load/load_census.sql"))
        con.commit()
    except BaseException:
        con.rollback()
        raise
