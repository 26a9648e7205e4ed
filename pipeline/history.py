"""The warehouse's history tables, kept outside its file so that a write session never copies them.

The tables that grow by a row per model every day (HISTORY_TABLES) are Parquet files beside
the warehouse, one folder per day, and the warehouse file holds a view over each:

    HOME/history/<version>/<table>/<day column>=YYYY-MM-DD/*.parquet

and, from a table's creation, an empty file in the NULL partition
(`<day column>=__HIVE_DEFAULT_PARTITION__/empty.parquet`; EMPTY_DAY below).

A write session (`pipeline.warehouse.staged`) starts a version of its own: a folder of hard
links to the published version's files, so no byte is copied. It replaces whole days by
unlinking their links and writing new files, never writing into a linked file, so the
published version's files never change. Publishing the session's warehouse file publishes
its views, and with them its version (the table history_versions). A version replaced
stays for KEPT_FOR, for readers that opened an older warehouse file; a session that fails
leaves its version to be removed by the next session.

Each table's columns and their documentation are in the SQL file HISTORY_TABLES names, as
a temporary table `<table>_columns` from which the view is made.
"""

from __future__ import annotations

import os
import shutil
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb

import warehouse

from .files import fsync

# Each history table: the file defining its columns, and the day column its files are
# partitioned by.
HISTORY_TABLES = {
    "model_stats": ("core/model_stats.sql", "snapshot_date"),
    "daily_downloads": ("core/daily_downloads.sql", "day"),
    "country_daily": ("marts/country_daily.sql", "day"),
    "segment_daily": ("marts/segment_daily.sql", "day"),
    "concentration_daily": ("marts/concentration_daily.sql", "day"),
}
# How long a version stays after a write session replaced it: readers that opened the
# warehouse file before keep reading it (a day: a daily run, and a backfill or two).
KEPT_FOR = timedelta(days=1)
# The partition of a new table's first file, which holds no rows: a view over a glob that
# matches no file cannot be created. Hive's name for a NULL partition (DuckDB reads its day
# as NULL), which sorts after the days: the view reads its files in name order, and DuckDB
# estimates a scan's rows from the first one in some plans. Empty and first (a year-1
# placeholder, as earlier warehouses kept it), it made concentration's year of 88.8M rows an
# estimated 73,000 at 250,000 models, and a join built its hash table on them: 1.6 GB
# spilled (BENCHMARKS.md 4.).
EMPTY_DAY = "__HIVE_DEFAULT_PARTITION__"
FORMER_EMPTY_DAY = "0001-01-01"  # moved on opening


def history_root(db: Path) -> Path:
    return db.parent / "history"


def start_version(db: Path) -> str:
    """Give the write session on `db` (the session's copy of the warehouse) a version of its
    own: hard links to the published version's files. Versions superseded more than
    KEPT_FOR ago are removed, and so are those no warehouse file knows (left by sessions
    that failed). Returns the session's version."""
    root = history_root(db)
    now = datetime.now(timezone.utc)
    with duckdb.connect(str(db)) as con:
        con.execute(warehouse.sql("core/history_versions.sql"))
        con.execute("DELETE FROM history_versions WHERE superseded_at < ?", [now - KEPT_FOR])
        known = dict(con.execute("SELECT version, superseded_at FROM history_versions").fetchall())
        if root.exists():
            for folder in root.iterdir():
                if folder.name not in known:
                    shutil.rmtree(folder)
        session = uuid.uuid4().hex
        published = next((version for version, superseded in known.items() if superseded is None), None)
        if published is not None:
            _link_tree(root / published, root / session)
        (root / session).mkdir(parents=True, exist_ok=True)
        con.execute("UPDATE history_versions SET superseded_at = ? WHERE superseded_at IS NULL", [now])
        con.execute("INSERT INTO history_versions VALUES (?, NULL)", [session])
    return session


def discard_version(db: Path, session: str) -> None:
    """Remove the version of a write session that failed."""
    shutil.rmtree(history_root(db) / session, ignore_errors=True)


def make_durable(db: Path, session: str) -> None:
    """Put the session's new files on disk, before its warehouse file is published."""
    folder = history_root(db) / session
    for directory, _, files in os.walk(folder):
        for name in files:
            path = Path(directory, name)
            if path.stat().st_nlink == 1:  # written by this session: the links are durable already
                fsync(path)
        fsync(Path(directory))
    fsync(folder.parent)


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create each history table's view over the session's version, first moving a table of
    an older warehouse (kept in the file) into it."""
    folder = version_folder(con)
    for table, (definition, day_column) in HISTORY_TABLES.items():
        con.execute(warehouse.sql(definition))
        columns = con.execute("SELECT column_name, column_default FROM duckdb_columns() WHERE table_name = ? "
                              "ORDER BY column_index", [f"{table}_columns"]).fetchall()
        empty = folder / table / f"{day_column}={EMPTY_DAY}"
        former_empty = folder / table / f"{day_column}={FORMER_EMPTY_DAY}"
        if former_empty.exists():  # the session's own folder of links: the published version keeps its own
            if empty.exists():
                shutil.rmtree(former_empty)
            else:
                former_empty.rename(empty)
        if not (folder / table).exists():
            empty.mkdir(parents=True)
            con.execute(f"COPY (SELECT * EXCLUDE ({day_column}) FROM {table}_columns) "
                        f"TO '{empty / 'empty.parquet'}' (FORMAT parquet)")
        kept = {name for (name,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_oid = (SELECT table_oid FROM duckdb_tables() "
            "WHERE table_name = ? AND NOT temporary AND database_name = current_database())", [table]).fetchall()}
        if kept:  # a column added since that warehouse was made takes its default
            _write(con, folder, table, "SELECT " + ", ".join(
                f"{name}" if name in kept else f"{default or 'NULL'} AS {name}" for name, default in columns)
                + f" FROM main.{table}", typed_as=f"{table}_columns")
            con.execute(f"DROP TABLE main.{table}")
        con.execute(f"""
            CREATE OR REPLACE VIEW {table} AS
            SELECT {', '.join(name for name, _ in columns)}
            FROM read_parquet('{folder / table}/*/*.parquet', hive_partitioning = true,
                              hive_types = {{'{day_column}': DATE}})""")
        _copy_comments(con, f"{table}_columns", table)
        con.execute(f"DROP TABLE {table}_columns")


def replace_days(con: duckdb.DuckDBPyConnection, table: str, first: date, last: date | None, rows: str) -> None:
    """Replace the days of `table` from `first` to `last` (None: every later day) with the
    rows of the query `rows`, which must lie within them; the days are removed before it
    runs, so it reads only the others. The files are written at once, not with the
    transaction: a session that fails is discarded whole, and a task run again replaces
    the same days again."""
    folder = version_folder(con)
    day_column = HISTORY_TABLES[table][1]
    for day in (folder / table).iterdir():
        if day.name == f"{day_column}={EMPTY_DAY}":  # a former one was moved by create_views
            continue
        booked = date.fromisoformat(day.name.split("=", 1)[1])
        if booked >= first and (last is None or booked <= last):
            shutil.rmtree(day)
    _write(con, folder, table, rows)


def _write(con: duckdb.DuckDBPyConnection, folder: Path, table: str, rows: str, typed_as: str | None = None) -> None:
    """Append `rows` to `table`'s files, a file per day, cast to the types of `typed_as`
    (default: the view's, those of the first file it reads: every file must agree with it)."""
    typed = ", ".join(f'"{name}"::{kind} AS "{name}"' for name, kind in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
        "AND database_name IN (current_database(), 'temp') ORDER BY column_index",
        [typed_as or table]).fetchall())
    day_column = HISTORY_TABLES[table][1]
    con.execute(f"COPY (SELECT {typed} FROM ({rows})) TO '{folder / table}' (FORMAT parquet, "
                f"PARTITION_BY ({day_column}), APPEND, FILENAME_PATTERN 'rows-{{uuid}}')")
    # rows without a day land in the empty file's partition, which no day's replacement reaches
    if any(path.name != "empty.parquet" for path in (folder / table / f"{day_column}={EMPTY_DAY}").iterdir()):
        raise ValueError(f"{table}: rows without a {day_column} written to {folder / table}")


def version_folder(con: duckdb.DuckDBPyConnection) -> Path:
    """The folder of the version the views of `con`'s warehouse read."""
    db = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    version = con.execute("SELECT version FROM history_versions WHERE superseded_at IS NULL").fetchone()[0]
    return history_root(db) / version


def _copy_comments(con: duckdb.DuckDBPyConnection, source: str, view: str) -> None:
    comment = con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = ?", [source]).fetchone()[0]
    con.execute(f"COMMENT ON VIEW {view} IS {_literal(comment)}")
    for column, text in con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                                    [source]).fetchall():
        con.execute(f"COMMENT ON COLUMN {view}.{column} IS {_literal(text)}")


def _literal(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _link_tree(source: Path, target: Path) -> None:
    for directory, _, files in os.walk(source):
        linked = target / Path(directory).relative_to(source)
        linked.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(Path(directory, name), linked / name)
