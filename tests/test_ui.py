"""The Prefect UI in a real headless Chromium: a backfill started from the deployment's form."""

import os
import time
from datetime import timedelta
from pathlib import Path

import httpx2
import pytest

from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY

pytestmark = pytest.mark.slow
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


def test_a_backfill_started_in_the_ui_rebuilds_the_range(world, paths, service, browser_page, tmp_path):
    with SimulatedHub(world, DAY, max_page_size=1000) as hub:
        for offset in (1, 2, 3):
            hub.day = DAY + timedelta(days=offset)
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
    page = browser_page
    page.goto(service.removesuffix("/api") + "/deployments")
    page.get_by_text("backfill", exact=True).first.click()
    page.wait_for_url("**/deployments/deployment/**")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Custom run").click()
    for day in (DAY + timedelta(days=1), DAY + timedelta(days=3)):  # start_date, then end_date
        page.get_by_text("Select date").first.click()
        page.locator(".p-date-picker input[type=date]").fill(day.isoformat())
        page.get_by_role("button", name="Apply").click()
        page.locator(".p-date-picker").wait_for(state="hidden")
    page.get_by_role("button", name="Submit").click()
    try:
        page.wait_for_url("**/deployments/deployment/*?tab=Runs")  # the form closed: the run was created
    finally:
        page.screenshot(path=str(tmp_path / "submitted.png"))

    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        runs = httpx2.post(f"{service}/flow_runs/filter", json={"flows": {"name": {"any_": ["backfill"]}}}).json()
        if runs and runs[0]["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED"):
            break
        time.sleep(1)
    assert len(runs) == 1 and runs[0]["state"]["type"] == "COMPLETED", runs
    assert runs[0]["parameters"]["start_date"] == "2026-01-02" and runs[0]["parameters"]["end_date"] == "2026-01-04"
    with connect(paths, read_only=True) as con:
        days = [d for (d,) in con.execute("SELECT snapshot_date FROM snapshots ORDER BY 1").fetchall()]
        rebuilt = con.execute("SELECT min(day), max(day), count(*) FROM daily_downloads").fetchone()
    assert days == [DAY + timedelta(days=k) for k in (1, 2, 3)]
    assert rebuilt[:2] == (DAY + timedelta(days=1), DAY + timedelta(days=2)) and rebuilt[2] > 1000
