"""Benchmark 3: bytes on disk per model-day of daily statistics after 30 daily censuses,
against the peer of keeping each day's full listing as Parquet."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pipeline.census import run_census
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World
from pipeline.warehouse import connect, load_census

FULL_HUB = 2_500_000
DAYS = 30


def storage(scale: float, work: Path) -> dict:
    world = World(seed=11, models_at=round(FULL_HUB * scale))
    paths = Paths(home=work / "storage")
    model_days = 0
    with SimulatedHub(world, world.anchor) as hub:
        for offset in range(DAYS):
            hub.day = world.anchor + timedelta(days=offset)
            record = run_census(paths, hub.url)
            model_days += record.models
            with connect(paths) as con:
                load_census(con, paths.census_day(record.snapshot_date), hub.day)
    listing_bytes = sum(p.stat().st_size for p in paths.census.glob("date=*/models.parquet"))
    warehouse_bytes = paths.warehouse.stat().st_size
    return {
        "models_first_day": round(FULL_HUB * scale),
        "model_days": model_days,
        "full_listing_bytes_per_model_day": listing_bytes / model_days,
        "warehouse_bytes_per_model_day": warehouse_bytes / model_days,
        "hubcensus_bytes_per_model_day": (listing_bytes + warehouse_bytes) / model_days,
    }
