"""The daily flow's run artifacts in Prefect."""

import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.daily import daily_census
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect, open_db, staged

from .conftest import DAY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def latest(key):
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return max(found, key=lambda artifact: artifact.created)


def test_a_daily_run_publishes_its_summary_shares_and_progress(world, paths):
    with SimulatedHub(world, DAY) as hub:
        for offset in range(3):
            hub.day = DAY + timedelta(days=offset)
            result = daily_census(home=str(paths.home), endpoint=hub.url)
    assert result["snapshot_date"] == "2026-01-03" and result["complete"]
    summary = latest("daily-summary").data
    assert summary.startswith("# hubcensus 2026-01-03")
    assert f"- Census: complete, {result['models']:,} models in {result['pages']} pages, 0 retries, 0 item(s) quarantined." in summary
    assert "- Coverage (share of 30-day downloads with a known country): origin " in summary
    assert "## Share of downloads of new models, 365 days to 2026-01-02" in summary
    assert "| uploader | CN |" in summary
    table = latest("country-shares").data
    assert '"attribution": "origin"' in table and '"country": "CN"' in table
    assert latest("census-progress").data == 100.0
    assert paths.report.as_uri() in latest("report").data and paths.report.exists()
    assert summary.count("](data:image/png;base64,") == 2  # the key charts, inside the artifact


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
for query in sys.stdin:
    print(con.execute(query).fetchall(), flush=True)
"""


def test_an_open_reader_neither_blocks_a_run_nor_sees_it_half_done(world, paths):
    """An analyst's read-only session, in another process, stays open across a daily run."""
    with SimulatedHub(world, DAY) as hub:
        daily_census(home=str(paths.home), endpoint=hub.url)
        reader = subprocess.Popen([sys.executable, "-c", READER, str(paths.warehouse)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

        def ask(query):
            reader.stdin.write(query + "\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip()

        try:
            assert ask("SELECT count(*) FROM snapshots") == "[(1,)]"
            rows_before = ask("SELECT count(*), sum(downloads_all_time) FROM model_stats")
            hub.day = DAY + timedelta(days=1)
            result = daily_census(home=str(paths.home), endpoint=hub.url)  # not blocked by the open reader
            assert result["complete"]
            # the open session keeps the consistent state it opened with: no half-written day
            assert ask("SELECT count(*) FROM snapshots") == "[(1,)]"
            assert ask("SELECT count(*), sum(downloads_all_time) FROM model_stats") == rows_before
        finally:
            reader.stdin.close()
            reader.wait(timeout=30)
    with connect(paths, read_only=True) as con:  # a new session sees the new day
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)


def test_writers_queue_for_the_warehouse(world, paths):
    """While another writer (a backfill, say) holds the warehouse, a daily run crawls, then
    waits for the slot instead of writing alongside it."""
    finished = threading.Event()
    with SimulatedHub(world, DAY) as hub:
        with staged(paths) as db, open_db(db):
            runner = threading.Thread(target=lambda: (daily_census(home=str(paths.home), endpoint=hub.url),
                                                      finished.set()))
            runner.start()
            deadline = time.monotonic() + 60
            while not paths.census_day(DAY.isoformat()).exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            assert paths.census_day(DAY.isoformat()).exists()  # the crawl went ahead
            time.sleep(3)
            assert not finished.is_set() and not paths.warehouse.exists()  # the load waits for the slot
        runner.join(timeout=120)
    assert finished.is_set() and paths.warehouse.exists()
