"""A census that sees far fewer models than the day before is stored, marked incomplete,
kept out of the metrics, and reported in the run's summary."""

import json
from datetime import timedelta

import pytest
from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

from flows.daily import daily_census
from pipeline.census import BASELINE_DAYS, MIN_SHARE_OF_PREVIOUS, run_census
from pipeline.simulated_hub import Fault, SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY

DAY2, DAY3 = DAY + timedelta(days=1), DAY + timedelta(days=2)


def snapshot(paths, day):
    return json.loads((paths.census_day(day.isoformat()) / "snapshot.json").read_text())


def test_the_threshold_compares_with_the_newest_complete_census_of_the_week_before(world, paths, lister):
    with SimulatedHub(world, DAY, max_page_size=100) as hub:
        full = run_census(paths, hub.url, lister=lister)
        hub.day = DAY2
        hub.inject(Fault(kind="cutoff", page=18))  # the listing ends early, but above the threshold
        slightly_short = run_census(paths, hub.url, lister=lister)
        hub.day = DAY3
        hub.inject(Fault(kind="cutoff", page=15))  # below 90% of the newest complete census (DAY2's)
        short = run_census(paths, hub.url, lister=lister)
        hub.day = DAY3 + timedelta(days=BASELINE_DAYS + 1)
        hub.inject(Fault(kind="cutoff", page=15))  # no complete census in the week before: nothing to compare
        unchecked = run_census(paths, hub.url, lister=lister)
    assert full.complete and slightly_short.complete and slightly_short.models == 1800
    assert slightly_short.models >= MIN_SHARE_OF_PREVIOUS * full.models
    assert not short.complete and short.models == 1500
    assert short.incomplete_reason == f"1,500 models, fewer than 90% of the 1,800 of the census of {DAY2}"
    assert snapshot(paths, DAY3)["complete"] is False  # stored, and marked
    assert snapshot(paths, DAY3)["incomplete_reason"] == short.incomplete_reason
    assert unchecked.complete and unchecked.models == 1500


def latest_summary():
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["daily-summary"])))
    return max(found, key=lambda artifact: artifact.created).data


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_cut_off_census_is_reported_and_kept_out_of_the_metrics(world, paths):
    with SimulatedHub(world, DAY) as hub:  # 1,000 models a page: two pages
        daily_census(home=str(paths.home), endpoint=hub.url)
        hub.day = DAY2
        hub.inject(Fault(kind="cutoff", page=1))
        cut = daily_census(home=str(paths.home), endpoint=hub.url)
        summary = latest_summary()
        hub.day = DAY3
        daily_census(home=str(paths.home), endpoint=hub.url)
    assert not cut["complete"] and cut["models"] == 1000
    previous = snapshot(paths, DAY)["models"]
    assert (f"- Census: **INCOMPLETE** (1,000 models, fewer than 90% of the {previous:,} of the census of {DAY}; "
            f"kept out of the metrics), 1,000 models in 1 pages") in summary
    assert f"- Against the census of {DAY}: {1000 - previous:+,} models" in summary
    with connect(paths, read_only=True) as con:
        assert con.execute("SELECT snapshot_date, complete FROM snapshots ORDER BY 1").fetchall() == [
            (DAY, True), (DAY2, False), (DAY3, True)]
        assert con.execute("SELECT count(*) FROM model_stats WHERE snapshot_date = ?", [DAY2]).fetchone() == (1000,)
        # Daily downloads come from DAY and DAY3 alone: the counters of the models of both
        # are spread over the two days between them, as estimates.
        days = con.execute("SELECT day, bool_and(estimated) FROM daily_downloads WHERE NOT first_counted "
                           "GROUP BY 1 ORDER BY 1").fetchall()
    assert days == [(DAY, True), (DAY2, True)]
