"""A daily run and a backfill started together, as two `hubcensus` processes, with an
analyst's read-only DuckDB session open throughout: the writers take turns, neither loses
the other's work, and the reader is never blocked."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import duckdb
import pytest
from prefect.settings import PREFECT_API_URL

from pipeline.census import run_census
from pipeline.locking import exclusive
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect, load_census

from .conftest import BIN, DAY
from .test_daily_flow import READER
from .truth import write_hub_stats

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
WAITING = "another run is writing the warehouse: waiting for it to finish"


def start(*args, home, log, endpoint=""):
    # Both share one Prefect server, as under `hubcensus serve`.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    env.update(HUBCENSUS_HOME=str(home), HF_ENDPOINT=endpoint, PREFECT_API_URL=PREFECT_API_URL.value())
    with open(log, "w") as output:
        return subprocess.Popen([BIN / "hubcensus", *args], env=env, stdout=output, stderr=subprocess.STDOUT)


def published_days(paths):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return {day for (day,) in con.execute("SELECT snapshot_date FROM snapshots").fetchall()}


def test_a_daily_run_and_a_backfill_take_turns_and_an_open_reader_is_never_blocked(world, paths, tmp_path):
    before, today = DAY - timedelta(days=1), DAY + timedelta(days=1)
    imports = tmp_path / "hub-stats"
    imports.mkdir()
    write_hub_stats(world, before, imports / f"models-{before}.parquet")
    with SimulatedHub(world, DAY, max_page_size=500) as hub:
        run_census(paths, hub.url)
        with connect(paths) as con:  # yesterday's census, already in the warehouse
            load_census(con, paths, DAY)
        reader = subprocess.Popen([sys.executable, "-c", READER, str(paths.warehouse)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)

        def ask(query):
            started = time.monotonic()
            reader.stdin.write(query + "\n")
            reader.stdin.flush()
            return reader.stdout.readline().strip(), time.monotonic() - started

        hub.day = today
        seen, slowest = [published_days(paths)], 0.0
        try:
            opened_with, _ = ask("SELECT count(*), sum(downloads_all_time) FROM model_stats")
            # The test holds the warehouse until both writers queue for it.
            logs = [tmp_path / "daily.log", tmp_path / "backfill.log"]
            with exclusive(paths.warehouse.with_name("hubcensus.duckdb.lock"), "the warehouse"):
                daily = start("run", home=paths.home, endpoint=hub.url, log=logs[0])
                backfill = start("backfill", "--start", str(before), "--end", str(today), "--import-dir",
                                 str(imports), home=paths.home, log=logs[1])
                deadline = time.monotonic() + 90
                while not all(WAITING in log.read_text() for log in logs) and time.monotonic() < deadline:
                    assert daily.poll() is None and backfill.poll() is None
                    time.sleep(0.1)
                assert paths.census_day(today.isoformat()).exists()  # the crawl went ahead meanwhile
            while daily.poll() is None or backfill.poll() is None:
                answer, took = ask("SELECT count(*), sum(downloads_all_time) FROM model_stats")
                assert answer == opened_with  # the open session keeps its consistent state
                slowest = max(slowest, took)
                seen.append(published_days(paths))  # a new session sees each published state
                time.sleep(0.1)
        finally:
            reader.stdin.close()
            reader.wait(timeout=30)
    for process, log in zip((daily, backfill), logs):
        assert process.wait(timeout=60) == 0, log.read_text()
        assert log.read_text().count(WAITING) == 1  # it queued for the warehouse once
    assert slowest < 1.0  # the reader was never blocked
    # The writers took turns: each published state holds all the earlier ones' days (a write
    # session overlapping another would have published a copy without the other's work).
    assert all(earlier <= later for earlier, later in zip(seen, seen[1:]))
    assert seen[-1] == published_days(paths) == {before, DAY, today}
    with connect(paths, read_only=True) as con:
        assert con.execute("SELECT count(*) = count(DISTINCT (snapshot_date, model_id)) FROM model_stats"
                           ).fetchone() == (True,)
        assert con.execute("SELECT bool_and(complete) FROM snapshots").fetchone() == (True,)
