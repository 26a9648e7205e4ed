"""The `hubcensus` command as a user runs it: real processes, the Prefect flow, the duckdb CLI."""

import json
import os
import signal
import subprocess
import time

import polars as pl
import pytest

from pipeline.census import run_census
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World
from pipeline.warehouse import connect

from .conftest import BIN, DAY

pytestmark = pytest.mark.slow


def hubcensus(*args, home, endpoint=None, **popen):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    env["HUBCENSUS_HOME"] = str(home)
    if endpoint:
        env["HF_ENDPOINT"] = endpoint
    return subprocess.Popen([BIN / "hubcensus", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True, **popen)


def test_demo_leaves_a_warehouse_the_duckdb_cli_queries(tmp_path):
    home = tmp_path / "demo"
    demo = hubcensus("demo", "--home", str(home), "--days", "3", "--models", "1500", home=home)
    output, _ = demo.communicate(timeout=300)
    assert demo.returncode == 0, output
    assert "2026-01-03: " in output and "complete" in output
    cli = subprocess.run(
        [BIN / "duckdb", "-readonly", "-csv", "-noheader", str(home / "hubcensus.duckdb"),
         "SELECT count(*), count(DISTINCT snapshot_date) FROM model_stats"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    rows, days = map(int, cli.stdout.strip().split(","))
    assert days == 3
    with connect(Paths.from_env(home), read_only=True) as con:
        assert con.execute("SELECT sum(models) FROM snapshots").fetchone()[0] == rows
        headline = con.execute(
            "SELECT country, share FROM country_share WHERE day = DATE '2026-01-02' AND window_days = 365 "
            "AND attribution = 'uploader' AND cohort = 'new' ORDER BY downloads DESC LIMIT 1"
        ).fetchone()
    shares = subprocess.run([BIN / "hubcensus", "shares", "--home", str(home)], capture_output=True, text=True,
                            timeout=60, check=True).stdout
    assert ("Share of downloads by country: uploader (who published the repo), models less than 365 days old, "
            "365 days to 2026-01-02 (2 with data)") in shares
    assert f"{headline[0]} " in shares and f"{headline[1]:.1%}" in shares
    assert "coverage: " in shares


def test_a_census_killed_mid_crawl_resumes_to_the_uninterrupted_result(tmp_path):
    world = World(seed=3, models_at=2000, anchor=DAY)
    home = tmp_path / "killed"
    with SimulatedHub(world, DAY, max_page_size=100, latency=0.25) as hub:
        run = hubcensus("run", home=home, endpoint=hub.url)
        checkpoint = home / "census" / "_in_progress" / DAY.isoformat() / "checkpoint.json"
        deadline = time.monotonic() + 120
        pages = 0
        while pages < 5 and time.monotonic() < deadline and run.poll() is None:
            try:
                pages = json.loads(checkpoint.read_text())["pages"]
            except (FileNotFoundError, json.JSONDecodeError):
                pass
            time.sleep(0.05)
        assert pages >= 5, "the crawl never got going"
        os.killpg(run.pid, signal.SIGKILL)  # the process, and Prefect's server with it
        run.wait()
        hub.latency = 0
        fetched_before = hub.stats["pages"]
        rerun = hubcensus("run", home=home, endpoint=hub.url)
        output, _ = rerun.communicate(timeout=300)
        assert rerun.returncode == 0, output
        refetched = hub.stats["pages"] - fetched_before
        clean = Paths.from_env(tmp_path / "clean")
        record = run_census(clean, hub.url)
    assert refetched < record.pages  # the durable pages were not fetched again
    assert "census 2026-01-01 (complete)" in output
    # The run archived the day's listing; the command rebuilds it.
    listing = hubcensus("listing", "2026-01-01", "--out", str(tmp_path / "resumed.parquet"), home=home)
    assert listing.communicate(timeout=120)[0].endswith(f"the listing of 2026-01-01, {record.models:,} models\n")
    absent = hubcensus("listing", "2025-12-31", "--out", str(tmp_path / "none.parquet"), home=home)
    assert absent.communicate(timeout=120)[0] == f"hubcensus listing: no finished census of 2025-12-31 in {home}/census\n"
    assert absent.returncode == 1 and not (tmp_path / "none.parquet").exists()
    resumed = pl.read_parquet(tmp_path / "resumed.parquet")
    assert resumed.equals(pl.read_parquet(clean.census_day("2026-01-01") / "models.parquet").sort("model_id"))
    with connect(Paths.from_env(home), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT model_id) FROM model_stats").fetchone() == (
            record.models, record.models)


def test_a_refused_token_fails_at_once_with_a_clear_message(tmp_path):
    world = World(seed=3, models_at=200, anchor=DAY)
    with SimulatedHub(world, DAY, token="hf_the_right_one") as hub:
        run = hubcensus("run", home=tmp_path, endpoint=hub.url)
        output, _ = run.communicate(timeout=300)
        listing_requests = hub.stats["listing requests"]
    assert run.returncode == 1
    assert ("hubcensus run: HubRefused: the Hub refused listing page 1 with HTTP 401 (check HF_TOKEN): "
            "Invalid credentials in Authorization header") in output
    assert listing_requests == 1  # not retried: Prefect's retries skip what retrying cannot fix
