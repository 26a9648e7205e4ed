"""The benchmark suite of issue 7: `python -m benchmarks --scale 1` (BENCHMARKS.md)."""

from pathlib import Path

import duckdb

from pipeline.history import version_folder
from pipeline.settings import Paths
from pipeline.simulated_hub import World

FULL_HUB = 2_500_000  # models in the Hub: each benchmark's --scale is a fraction of it


def hub_world(scale: float) -> World:
    """The simulated Hub the census and storage benchmarks list: round(FULL_HUB x scale) models."""
    return World(seed=11, models_at=round(FULL_HUB * scale))


def peak_rss_bytes() -> int:
    """This process's peak resident memory. Not `getrusage`'s ru_maxrss: Linux carries that
    over from the parent through fork and exec, so a client started by the benchmark holding
    a 2.5M-model Hub in memory would report the Hub's size as its own."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024


def stored_bytes(paths: Paths) -> tuple[int, int]:
    """The published warehouse's bytes on disk: its file, and its history's files (the
    published version's; the versions it replaced share all but the days they replaced)."""
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        folder = version_folder(con)
    files = [path for path in folder.rglob("*") if path.is_file()]
    return paths.warehouse.stat().st_size, sum(path.stat().st_size for path in files)
