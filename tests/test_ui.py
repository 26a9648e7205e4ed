"""The Prefect UI in a real headless Chromium: a backfill started from the deployment's form."""

import time
from datetime import timedelta

import httpx2
import pytest

from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY

pytestmark = pytest.mark.slow
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
    for name, day in (("start_date", DAY + timedelta(days=1)), ("end_date", DAY + timedelta(days=3))):
        label = page.locator(".schema-form-property__label").get_by_text(name, exact=True)
        page.locator(".schema-form-property", has=label).locator(".p-date-button__control").click()
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
