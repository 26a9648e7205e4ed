"""hubcensus as a service: a real Prefect server, worker and the deployments of prefect.yaml."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY
from .truth import write_hub_stats

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def service(paths):
    """`hubcensus serve` on a free port; yields its API URL, and stops it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    process = subprocess.Popen([BIN / "hubcensus", "serve", "--home", str(paths.home), "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            found = httpx2.post(f"{api}/deployments/filter", json={}, timeout=2).json()
            if len(found) == 3 and httpx2.post(f"{api}/workers/filter", json={}, timeout=2).status_code in (200, 404):
                break
        except (httpx2.HTTPError, ValueError):
            pass
        time.sleep(1)
    else:
        pytest.fail("the service did not come up")
    yield api
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    time.sleep(1)
    leftovers = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == []  # the server and the worker stopped with it


def test_a_backfill_triggered_through_the_api_rebuilds_the_warehouse(world, paths, tmp_path, service):
    with SimulatedHub(world, DAY, max_page_size=1000) as hub:
        for offset in (2, 3):
            hub.day = DAY + timedelta(days=offset)
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
    imports = tmp_path / "imports"
    imports.mkdir()
    write_hub_stats(world, DAY + timedelta(days=1), imports / f"models-{DAY + timedelta(days=1)}.parquet")
    with temporary_settings({PREFECT_API_URL: service}):
        deployments = {d["name"] for d in httpx2.post(f"{service}/deployments/filter", json={}).json()}
        assert deployments == {"daily-census", "backfill", "reclassify"}
        run = run_deployment(
            "backfill/backfill",
            parameters={"start_date": str(DAY), "end_date": str(DAY + timedelta(days=3)),
                        "import_dir": str(imports)},
            timeout=300,
        )
    assert run.state.is_completed(), run.state
    with connect(paths, read_only=True) as con:
        days = [d for (d,) in con.execute("SELECT snapshot_date FROM snapshots ORDER BY 1").fetchall()]
        daily = con.execute("SELECT min(day), max(day), count(*) FROM daily_downloads").fetchone()
    assert days == [DAY + timedelta(days=k) for k in (1, 2, 3)]
    assert daily[0] == DAY + timedelta(days=1) and daily[1] == DAY + timedelta(days=2) and daily[2] > 1000
