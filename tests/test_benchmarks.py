"""The benchmark suite runs (its figures are checked in BENCHMARKS.md, never by a test)."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest

from benchmarks.storage import ListingRenderers
from pipeline.census import run_census
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World

REPO = Path(__file__).parents[1]


QUICK = [sys.executable, "-m", "benchmarks", "--scale", "0.002", "--speedup", "30", "--days", "20"]


@pytest.mark.slow
def test_the_quick_benchmark_suite_runs(tmp_path):
    # The storage benchmark is killed after two of its 30 days; the suite's run resumes it.
    stopped = subprocess.Popen(QUICK + ["--only", "storage", "--work", str(tmp_path)], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    progress, started = tmp_path / "storage" / "days.jsonl", time.monotonic()
    while not (progress.exists() and len(progress.read_text().splitlines()) >= 2):
        assert stopped.poll() is None and time.monotonic() < started + 300
        time.sleep(0.2)
    os.killpg(stopped.pid, signal.SIGKILL)  # with its processes rendering the censuses
    stopped.wait()
    done = subprocess.run(QUICK + ["--work", str(tmp_path)],
                          cwd=REPO, check=True, capture_output=True, text=True, timeout=600)
    results = json.loads(done.stdout.splitlines()[-1])
    assert results["census_cpu"]["models"] == results["census_cpu"]["peer_models"] > 4000
    assert results["census_rate_limited"]["http_429"] == 0  # the client paces itself
    assert results["storage"]["model_days"] > 30 * 4000
    assert results["storage"]["days_resumed"] >= 2
    assert results["storage"]["fold_days"] == 29  # archived at once before the 30th day's daily step
    assert results["storage"]["month_end_listing_rebuilt_exactly"] and results["storage"]["rearchived_month_identical"]
    assert results["metrics"]["headline_rows"] > 0
    assert results["metrics"]["daily_download_rows"] > 0
    assert results["queries"]["daily_download_rows"] > results["queries"]["monthly_download_rows"] > 0
    # the month-by-month shares from the daily rows and from their monthly sums: the same months and countries
    assert results["queries"]["monthly_rows"] > 0 and results["queries"]["rollup_max_share_difference"] < 1e-12
    # the step run again on the warehouse the run left (`--add-day`): another day's rows
    assert results["queries_another_day"]["daily_download_rows"] > results["queries"]["daily_download_rows"]
    # the suite cleans up after itself: only the killed run's temporary folder is left, empty
    assert [list(folder.iterdir()) for folder in tmp_path.iterdir()] == [[]]


def test_the_storage_benchmarks_censuses_rendered_without_http_are_the_censuses(tmp_path):
    # Benchmark 3 renders its censuses from the World in two processes: the same listing
    # (rows and their order) and manifest as the census of the simulated Hub.
    world = World(seed=8, models_at=3000)
    over_http, rendered = Paths(home=tmp_path / "http"), Paths(home=tmp_path / "rendered")
    days = [world.anchor, world.anchor + timedelta(days=40)]  # new, deleted and hidden models between
    with SimulatedHub(world, days[0]) as hub, ListingRenderers(world) as renderers:
        for day in days:
            hub.day = day
            expected = run_census(over_http, hub.url)
            record = renderers.census(rendered, day)
            assert (record.snapshot_date, record.models, record.quarantined, record.complete) == \
                (expected.snapshot_date, expected.models, expected.quarantined, expected.complete)
            # each half of the models ends on a page of its own
            assert record.pages in (expected.pages, expected.pages + 1)
            assert pl.read_parquet(rendered.census_day(day.isoformat()) / "models.parquet").equals(
                pl.read_parquet(over_http.census_day(day.isoformat()) / "models.parquet")), day
    assert record.models > 3000
