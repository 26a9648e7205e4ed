"""The Hub's bad moments, injected into the simulated Hub and met by the real client: each
census either completes with exactly the world's models, or fails with a clear message
after bounded retries, in bounded time, and is never recorded as complete."""

import json
import time
from datetime import date

import polars as pl
import pytest

from pipeline.census import Checkpoint, run_census
from pipeline.hub_client import MAX_SERVER_WAIT, HubError, HubLister
from pipeline.simulated_hub import Fault, SimulatedHub

from .conftest import DAY, PAGE
from .truth import census_truth


def census_ids(paths) -> list[str]:
    return pl.read_parquet(paths.census_day(DAY.isoformat()) / "models.parquet")["model_id"].to_list()


def assert_exactly_the_worlds_models(world, paths, record):
    assert record.complete
    assert sorted(census_ids(paths)) == census_truth(world, DAY)["model_id"].to_list()  # none lost, none twice


def assert_not_recorded(paths):
    """A failed crawl leaves its durable pages to resume from, and no census of the day."""
    assert not paths.census_day(DAY.isoformat()).exists()
    assert Checkpoint.load(paths.in_progress / DAY.isoformat()).next_url is not None


@pytest.mark.parametrize(
    ("faults", "retries"),
    [
        ([Fault(kind="slow", seconds=2.0, page=2, count=2)], 2),  # answers held beyond the client's timeout
        ([Fault(kind="reset", page=3, count=2), Fault(kind="reset", page=1)], 3),  # TCP resets, page 1 too
        ([Fault(kind="empty", page=4, count=2)], 2),  # an empty page mid-listing, still linking on
        ([Fault(kind="truncate", page=2), Fault(status=504, page=2), Fault(status=408, page=5)], 3),
        ([Fault(status=s, page=p) for p, s in ((2, 500), (3, 502), (4, 503), (5, 504), (6, 429))], 5),
    ],
    ids=["timeouts", "connection-resets", "empty-page", "truncated-and-gateway", "every-5xx-and-429"],
)
def test_transient_faults_are_retried_and_the_census_is_whole(world, paths, faults, retries):
    lister = HubLister(base_wait=0.01, max_wait=0.05, max_attempts=4, timeout=0.5)
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        for fault in faults:
            hub.inject(fault)
        record = run_census(paths, hub.url, lister=lister)
        assert not hub.faults  # every fault was met
    assert record.retries == retries
    assert_exactly_the_worlds_models(world, paths, record)


@pytest.mark.parametrize(
    ("fault", "last_problem"),
    [
        (Fault(kind="slow", seconds=3.0), "ReadTimeout"),
        (Fault(kind="reset"), r"(ReadError|RemoteProtocolError)"),
        (Fault(kind="empty"), r"malformed page body \(an empty page that links to a next one\)"),
        (Fault(kind="truncate"), r"malformed page body \("),
        (Fault(status=503), "HTTP 503"),
        (Fault(status=429), "HTTP 429"),
    ],
    ids=["timeout", "reset", "empty-page", "truncated", "503", "429"],
)
def test_a_lasting_fault_fails_clearly_after_bounded_retries_and_never_hangs(world, paths, fault, last_problem):
    fault.page, fault.count = 3, 1000
    lister = HubLister(base_wait=0.01, max_wait=0.05, max_attempts=3, timeout=0.5)
    started = time.monotonic()
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(fault)
        with pytest.raises(HubError, match=f"^listing page 3 failed 3 times, last with {last_problem}"):
            run_census(paths, hub.url, lister=lister)
    assert time.monotonic() - started < 3 * 0.5 + 3  # attempts x timeout, plus the pages that came through
    assert_not_recorded(paths)
    assert Checkpoint.load(paths.in_progress / DAY.isoformat()).pages == 2


def test_a_link_back_to_an_earlier_cursor_stops_the_crawl_and_a_rerun_completes_it(world, paths, lister):
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(Fault(kind="loop", page=4, to_page=2))
        with pytest.raises(HubError, match=r"^listing page 4 links back to page 2: the Hub's cursor loops \(http"):
            run_census(paths, hub.url, lister=lister)
        assert_not_recorded(paths)
        assert Checkpoint.load(paths.in_progress / DAY.isoformat()).pages == 3  # page 4 was not kept
        hub.inject(Fault(kind="loop", page=5, to_page=1))  # back to the very first page, on the resumed run
        with pytest.raises(HubError, match="^listing page 5 links back to page"):
            run_census(paths, hub.url, lister=lister)
        record = run_census(paths, hub.url, lister=lister)
    assert_exactly_the_worlds_models(world, paths, record)


def test_a_crawl_that_loops_every_day_is_never_complete(world, paths, lister):
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(Fault(kind="loop", page=3, to_page=2, count=1000))
        for _ in range(2):  # the run and Prefect's retry of it
            with pytest.raises(HubError, match="links back to page 2"):
                run_census(paths, hub.url, lister=lister)
        hub.faults.clear()
        hub.day = date(2026, 1, 2)
        run_census(paths, hub.url, lister=lister)
    stale = pl.read_parquet(paths.census_day(DAY.isoformat()) / "models.parquet")
    snapshot = json.loads((paths.census_day(DAY.isoformat()) / "snapshot.json").read_text())
    assert snapshot["complete"] is False and snapshot["models"] == stale.height == 2 * PAGE
    assert stale["model_id"].is_unique().all()


@pytest.mark.parametrize(("retry_after", "waited"), [(7, 7.0), (86400, MAX_SERVER_WAIT)])
def test_retry_after_is_honoured_up_to_the_hubs_window(world, paths, retry_after, waited):
    waits = []
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(Fault(status=429, page=2, retry_after=retry_after))
        record = run_census(paths, hub.url, lister=HubLister(sleep=waits.append, base_wait=0.01))
    assert waits == [waited] and record.complete
