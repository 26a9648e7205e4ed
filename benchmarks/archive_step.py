"""Benchmark 3's month-end step, in a process of its own for its peak memory: rebuild the
newest day's listing from the archive, then archive it again, which rewrites the whole month
as adding a day does.

    python -m benchmarks.archive_step HUBCENSUS_HOME YYYY-MM-DD
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from pipeline.archive import archive_day, month_file, write_listing
from pipeline.settings import Paths

from . import peak_rss_bytes


def main(home: str, day: str) -> None:
    paths, day = Paths(home=Path(home)), date.fromisoformat(day)
    listing = paths.home / "benchmark-listing.parquet"
    before = month_file(paths, day).read_bytes()
    started = time.perf_counter()
    models = write_listing(paths, day, listing)
    rebuilt = time.perf_counter()
    archive_day(paths, day, listing)
    archived = time.perf_counter()
    listing.unlink()
    print(json.dumps({
        "month_end_models": models,
        "month_end_rebuild_listing_s": rebuilt - started,
        "month_end_archive_day_s": archived - rebuilt,
        "month_end_peak_rss_mib": peak_rss_bytes() / 2**20,
        "rearchived_month_identical": month_file(paths, day).read_bytes() == before,
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
