"""Checks and bookkeeping of a backfill: which days it may touch, and which have no data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from .imports import check_file, dated_files


def check_range(start: date, end: date, today: date) -> None:
    """Raise ValueError naming the problem with a backfill's dates."""
    if end < start:
        raise ValueError(f"end_date {end} is before start_date {start}")
    if end > today:
        raise ValueError(f"end_date {end} is in the future (today is {today} UTC): there is nothing to backfill yet")


def plan_imports(folder: str | None, start: date, end: date) -> dict[date, Path]:
    """The import files for days in [start, end], checked before anything is written."""
    if not folder:
        return {}
    files = {day: path for day, path in dated_files(Path(folder).expanduser()).items() if start <= day <= end}
    for path in files.values():
        check_file(path)
    return files


def days_without_census(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[date]:
    """Days of [start, end] with no complete census: their counters can no longer be
    fetched (the Hub serves only today's), only estimated from the censuses around them."""
    have = {day for (day,) in con.execute(
        "SELECT snapshot_date FROM snapshots WHERE complete AND snapshot_date BETWEEN ? AND ?", [start, end]
    ).fetchall()}
    return [day for day in (start + timedelta(days=k) for k in range((end - start).days + 1)) if day not in have]
