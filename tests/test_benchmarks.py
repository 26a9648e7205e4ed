"""The benchmark suite runs (its figures are checked in BENCHMARKS.md, never by a test)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]


@pytest.mark.slow
def test_the_quick_benchmark_suite_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--scale", "0.002", "--speedup", "30", "--days", "20",
         "--work", str(tmp_path)],
        cwd=REPO, check=True, capture_output=True, text=True, timeout=600,
    )
    results = json.loads(done.stdout.splitlines()[-1])
    assert results["census_cpu"]["models"] == results["census_cpu"]["peer_models"] > 4000
    assert results["census_rate_limited"]["http_429"] == 0  # the client paces itself
    assert results["storage"]["model_days"] > 30 * 4000
    assert results["metrics"]["headline_rows"] > 0
    assert results["metrics"]["daily_download_rows"] > 0
    assert results["queries"]["daily_download_rows"] > results["queries"]["monthly_download_rows"] > 0
    # the month-by-month shares from the daily rows and from their monthly sums: the same months and countries
    assert results["queries"]["monthly_rows"] > 0 and results["queries"]["rollup_max_share_difference"] < 1e-12
    assert not list(tmp_path.iterdir())  # the suite cleans up after itself
