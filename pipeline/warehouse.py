"""The DuckDB warehouse: write sessions that readers never see half done, the schema, and
loading finished censuses."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb

import warehouse

from . import history
from .archive import day_listing
from .files import fsync_and_replace
from .locking import exclusive
from .settings import Paths


@contextmanager
def staged(paths: Paths) -> Iterator[Path]:
    """A write session on a private copy of the warehouse file, published (atomically renamed
    over it) when the session ends without error, discarded otherwise. Readers, the duckdb
    CLI included, keep the published file: they never block a writer nor see its work
    half done, and a new connection sees the new data once the session is published.
    The history tables are not in the file (pipeline/history.py): the session has a version
    of their files of its own, made of hard links, published with its file.
    Sessions take turns: each holds the warehouse's lock file (`hubcensus.duckdb.lock`)."""
    staging = paths.warehouse.with_name(paths.warehouse.name + ".next")
    with exclusive(paths.warehouse.with_name(paths.warehouse.name + ".lock"), "the warehouse"):
        _remove(staging)  # left by a run that died, as are listings it rebuilt for a load
        shutil.rmtree(paths.scratch / "listing", ignore_errors=True)
        session = None
        try:
            if paths.warehouse.exists():
                shutil.copyfile(paths.warehouse, staging)
            session = history.start_version(staging)
            yield staging
            history.make_durable(staging, session)
        except BaseException:
            _remove(staging)
            if session is not None:
                history.discard_version(staging, session)
            raise
        fsync_and_replace(staging, paths.warehouse)


# DuckDB's own cap on what a write session holds in memory (its default is 80% of the
# machine's): beyond it, joins, sorts and windows spill to `<warehouse>.tmp/` beside the file.
# 4 GiB leaves room under the 6 GiB a refresh may take for the Python process around it.
# Without insertion order (no table here relies on it) an INSERT ... SELECT need not hold
# its whole result to keep it in order: the 20,000 x 365 rebuild ran out of memory with it.
MEMORY_LIMIT = "4GiB"
# Days a history table's COPY keeps open at once (pipeline/history.py): under the usual limit
# of 1,024 open files, and each holds a row group in memory until its file is closed.
PARTITIONS_OPEN = 1000
# Kept window sums in a layout older than core/window_sums.sql's (what open_db drops): a row
# per window, in DECIMAL(38, 18) before that; groups as structs; concentration's units by
# name; segment's without family_derivative, kept in family_window_sums then.
OLDER_KEPT_SUMS = """
SELECT DISTINCT table_name FROM duckdb_columns()
WHERE ends_with(table_name, '_window_sums')
  AND (column_name = 'window_days' OR (column_name = 'grp' AND data_type <> 'UTINYINT')
       OR (table_name = 'concentration_window_sums' AND column_name = 'unit' AND data_type <> 'UBIGINT')
       OR (table_name = 'segment_window_sums'
           AND EXISTS (FROM duckdb_tables() WHERE table_name = 'family_window_sums' AND NOT temporary)))
"""
# concentration_window_sums' units hashed by another DuckDB than this one, or before the hash
# was recorded (core/window_sums.sql): the next refresh sums them again
UNITS_HASHED_ELSEWHERE = "SELECT count(*) = 0 FROM concentration_units_hash WHERE probe = units_hash_probe()"


@contextmanager
def open_db(path: Path):
    """A writable connection to a warehouse file, its schema applied; checkpointed on close
    so the file stands alone (no write-ahead log) when it is published."""
    con = duckdb.connect(str(path), config={
        "memory_limit": MEMORY_LIMIT, "preserve_insertion_order": False,
        # a history table's COPY writes one file per day when it keeps every day's file open:
        # a rebuild's year and more of days (at DuckDB's default of 100, a year of generated
        # segment_daily was 55,790 files, and every scan of it listed them)
        "partitioned_write_max_open_files": PARTITIONS_OPEN,
    })
    con.execute("SET enable_progress_bar = false")  # a long COPY's would land in the run's output
    try:
        # kept sums of an older warehouse: the next refresh sums them again (before the former
        # tables go: whether segment_window_sums is older depends on family_window_sums)
        for (table,) in con.execute(OLDER_KEPT_SUMS).fetchall():
            con.execute(f"DROP TABLE {table}")
        for table in warehouse.FORMER_TABLES:
            if _has_table(con, table):
                con.execute(f"DROP TABLE {table}")
        # relative_adoption's counters were a table (now a view over model_stats): the baselines
        # are counted again, from every census, by the next refresh
        if _has_table(con, "adoption_counters"):
            for table in ("adoption_counters", "adoption_models", "adoption_baselines"):
                con.execute(f"DROP TABLE {table}")
        history.create_views(con)
        for name in warehouse.SCHEMA_FILES:
            con.execute(warehouse.sql(name))
        if con.execute(UNITS_HASHED_ELSEWHERE).fetchone()[0]:
            con.execute("DELETE FROM concentration_window_sums")
        yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                       [name]).fetchone()[0] > 0


@contextmanager
def connect(paths: Paths, *, read_only: bool = False):
    """A connection to the published warehouse (read-only), or a one-connection write
    session on it (see `staged`)."""
    if read_only:
        con = duckdb.connect(str(paths.warehouse), read_only=True)
        try:
            con.execute("SET enable_progress_bar = false")  # a long query's would land in the caller's output
            yield con
        finally:
            con.close()
        return
    with staged(paths) as path, open_db(path) as con:
        yield con


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def unloaded_censuses(con: duckdb.DuckDBPyConnection, paths: Paths) -> list[date]:
    """Days whose finished census is on disk but not in the warehouse (a crawl cut short on
    an earlier day, closed as incomplete by the next run), oldest first."""
    loaded = {day for (day,) in con.execute("SELECT snapshot_date FROM snapshots").fetchall()}
    return [day for day in paths.finished_census_days() if day not in loaded]


def load_census(con: duckdb.DuckDBPyConnection, paths: Paths, snapshot_date: date) -> None:
    """Load one finished census, replacing whatever that day held: idempotent."""
    with day_listing(paths, snapshot_date) as listing:
        con.execute("SET VARIABLE census_dir = ?", [str(paths.census_day(snapshot_date.isoformat()))])
        con.execute("SET VARIABLE listing = ?", [str(listing)])
        con.execute("SET VARIABLE snapshot_date = ?", [snapshot_date])
        con.begin()
        try:
            history.replace_days(con, "model_stats", snapshot_date, snapshot_date,
                                 warehouse.sql("load/model_stats.sql"))
            con.execute(warehouse.sql("load/load_census.sql"))
            con.commit()
        except BaseException:
            con.rollback()
            raise
