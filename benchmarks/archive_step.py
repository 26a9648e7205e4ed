"""Benchmark 3's archive steps, each in a process of its own for its peak memory.

    python -m benchmarks.archive_step fold HUBCENSUS_HOME YYYY-MM-DD
        archive every census not archived yet, up to that day, at once (the step a
        backfill, or a run after failed archive steps, takes);
    python -m benchmarks.archive_step append HUBCENSUS_HOME YYYY-MM-DD
        archive the day's census after the month's other days (the daily flow's step),
        keeping a copy of its listing to compare with;
    python -m benchmarks.archive_step replace HUBCENSUS_HOME YYYY-MM-DD
        rebuild that day's listing from the archive, then archive it again in place of
        itself, which decodes and encodes every row of the month (as a backfill does).

Each prints its figures as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import polars as pl

from pipeline.archive import archive_censuses, archive_days, month_file, unarchived_censuses, write_listing
from pipeline.settings import Paths

from . import peak_rss_bytes


def fold(paths: Paths, day: date) -> dict:
    days = [census for census in unarchived_censuses(paths) if census <= day]
    started = time.perf_counter()
    archive_censuses(paths, days)
    return {"fold_days": len(days), "fold_s": time.perf_counter() - started,
            "fold_peak_rss_mib": peak_rss_bytes() / 2**20}


def append(paths: Paths, day: date) -> dict:
    shutil.copy(paths.census_day(day.isoformat()) / "models.parquet", paths.home / "benchmark-census.parquet")
    started = time.perf_counter()
    archive_censuses(paths, [day])
    return {"month_end_append_s": time.perf_counter() - started,
            "month_end_append_peak_rss_mib": peak_rss_bytes() / 2**20}


def replace(paths: Paths, day: date) -> dict:
    listing, census = paths.home / "benchmark-listing.parquet", paths.home / "benchmark-census.parquet"
    before = month_file(paths, day).read_bytes()
    started = time.perf_counter()
    models = write_listing(paths, day, listing)
    rebuilt = time.perf_counter()
    archive_days(paths, {day: listing})
    figures = {
        "month_end_models": models,
        "month_end_rebuild_listing_s": rebuilt - started,
        "month_end_replace_s": time.perf_counter() - rebuilt,
        "month_end_replace_peak_rss_mib": peak_rss_bytes() / 2**20,
    }
    exact = pl.read_parquet(listing).equals(pl.read_parquet(census).sort("model_id"))
    listing.unlink()
    census.unlink()
    return {**figures, "month_end_listing_rebuilt_exactly": exact,
            "rearchived_month_identical": month_file(paths, day).read_bytes() == before}


if __name__ == "__main__":
    step, home, day = sys.argv[1:]
    print(json.dumps({"fold": fold, "append": append, "replace": replace}[step](Paths(home=Path(home)), date.fromisoformat(day))))
