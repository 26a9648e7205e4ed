"""The daily flow's run artifacts in Prefect."""

from datetime import timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.daily import daily_census
from pipeline.simulated_hub import SimulatedHub

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
