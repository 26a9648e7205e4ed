"""The HTML report, rendered in a real headless Chromium with the network cut off."""

from datetime import timedelta

import pytest

from pipeline.attribution import classify
from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.metrics import refresh_metrics
from pipeline.report import SECTIONS, build_report
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect, load_census

from .conftest import DAY

pytestmark = pytest.mark.slow


def test_the_report_draws_every_chart_offline(world, paths, browser_page, tmp_path):
    with SimulatedHub(world, DAY, max_page_size=1000) as hub, connect(paths) as con:
        for offset in range(6):
            hub.day = DAY + timedelta(days=offset)
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
            load_census(con, paths, hub.day)
            classify(con, paths.home)
            refresh_metrics(con, hub.day)
    with connect(paths, read_only=True) as con:
        written = build_report(con, paths.report.parent)
    assert {p.suffix for p in written.values()} == {".html", ".png"}
    assert all(path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name, path in written.items() if name != "html")

    page = browser_page
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("http*://**", lambda route: (requests.append(route.request.url), route.abort()))
    page.goto(written["html"].as_uri())
    page.wait_for_function(f"document.querySelectorAll('.chart svg').length >= {len(SECTIONS)}")
    marks = page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('.chart')].map("
        "c => [c.id, c.querySelectorAll('svg .role-mark > *').length]))")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert errors == [] and requests == []  # no script error, nothing fetched: it opens offline
    assert set(marks) == {name for name, *_ in SECTIONS}
    assert all(count > 0 for count in marks.values()), marks  # every chart drew its marks
