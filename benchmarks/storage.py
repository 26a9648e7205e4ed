"""Benchmark 3: bytes on disk per model-day of daily statistics after 30 daily censuses,
against the peer of keeping each day's full listing as Parquet."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from pipeline.archive import archive_census, month_file
from pipeline.census import run_census
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World
from pipeline.warehouse import connect, load_census

FULL_HUB = 2_500_000
DAYS = 30


def storage(scale: float, work: Path) -> dict:
    """Thirty censuses, each loaded and archived as the daily flow does (the last one in a
    process of its own, `archive_step`, for its peak memory). The peer is each day's listing
    (census/date=D/models.parquet) as the census wrote it, before archiving."""
    world = World(seed=11, models_at=round(FULL_HUB * scale))
    paths = Paths(home=work / "storage")
    model_days = listing_bytes = 0
    archive_seconds = []
    with SimulatedHub(world, world.anchor) as hub:
        for offset in range(DAYS):
            hub.day = world.anchor + timedelta(days=offset)
            record = run_census(paths, hub.url)
            model_days += record.models
            listing_bytes += (paths.census_day(record.snapshot_date) / "models.parquet").stat().st_size
            with connect(paths) as con:
                load_census(con, paths, hub.day)
            if offset < DAYS - 1:
                started = time.perf_counter()
                archive_census(paths, hub.day)
                archive_seconds.append(time.perf_counter() - started)
    month_end = _step("append", paths, hub.day)
    archive_seconds.append(month_end["month_end_append_s"])
    month_end |= _step("replace", paths, hub.day)
    months = {month_file(paths, world.anchor + timedelta(days=offset)) for offset in range(DAYS)}
    archive_bytes = sum(path.stat().st_size for path in months)
    census_bytes = sum(path.stat().st_size for path in paths.census.rglob("*") if path.is_file())
    warehouse_bytes = paths.warehouse.stat().st_size
    return {
        "models_first_day": round(FULL_HUB * scale),
        "model_days": model_days,
        "peer_full_listings_bytes_per_model_day": listing_bytes / model_days,
        "archive_bytes_per_model_day": archive_bytes / model_days,
        "census_folder_bytes_per_model_day": census_bytes / model_days,
        "peer_over_census_folder": listing_bytes / census_bytes,
        "warehouse_bytes_per_model_day": warehouse_bytes / model_days,
        "archive_day_mean_s": sum(archive_seconds) / DAYS,
        "archive_day_max_s": max(archive_seconds),
        **month_end,
    }


def _step(step: str, paths: Paths, day: date) -> dict:
    """One of `archive_step`'s month-end steps, in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.archive_step", step, str(paths.home), str(day)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])
