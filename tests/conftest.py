import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx2
import pytest
from prefect.testing.utilities import prefect_test_harness

from pipeline.hub_client import HubLister
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World

DAY = date(2026, 1, 1)
PAGE = 250  # small pages, so a 2,000-model world spans several


@pytest.fixture(scope="session")
def world() -> World:
    return World(seed=7, models_at=2000, anchor=DAY)


@pytest.fixture
def hub(world):
    with SimulatedHub(world, DAY, max_page_size=PAGE) as server:
        yield server


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths.from_env(tmp_path / "home")


@pytest.fixture
def lister() -> HubLister:
    """The real retry policy, with waits shrunk so tests stay fast."""
    return HubLister(base_wait=0.01, max_wait=0.05, max_attempts=6)


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server for the tests that run flows in-process."""
    with prefect_test_harness(server_startup_timeout=120):
        yield


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


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; no browser can be downloaded here
# CI installs Chromium and sets this, so the test can never be skipped there.
REQUIRED = os.environ.get("HUBCENSUS_REQUIRE_BROWSER") == "1"


@pytest.fixture
def browser_page():
    if not CHROMIUM.exists():
        if REQUIRED:
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser.new_page(viewport={"width": 1400, "height": 1100})
        browser.close()
