"""The census against the simulated Hub, through the real huggingface_hub HTTP client."""

import json
import time
from datetime import date

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from huggingface_hub import HfApi

from pipeline.census import Checkpoint, Lookahead, compact, run_census
from pipeline.hub_client import EXPAND, HubError, HubLister
from pipeline.simulated_hub import Fault, SimulatedHub
from pipeline.warehouse import connect, load_census

from .conftest import DAY, PAGE
from .truth import census_truth


def census_frame(paths, day=DAY) -> pl.DataFrame:
    return pl.read_parquet(paths.census_day(day.isoformat()) / "models.parquet")


def load(paths, record):
    with connect(paths) as con:
        load_census(con, paths, date.fromisoformat(record.snapshot_date))


def warehouse_models(paths) -> pl.DataFrame:
    with connect(paths, read_only=True) as con:
        return con.execute(
            """SELECT model_id, namespace, created_at, downloads_30d, downloads_all_time, likes, trending_score,
                      pipeline_tag, library_name, license, base_relation, base_models, params_total
               FROM models JOIN model_stats USING (model_id) ORDER BY model_id"""
        ).pl()


def test_full_census_equals_the_worlds_truth(world, hub, paths, lister):
    record = run_census(paths, hub.url, lister=lister)
    truth = census_truth(world, DAY)
    assert record.complete and record.retries == 0 and record.quarantined == 0
    assert record.snapshot_date == "2026-01-01"  # the Hub's clock, not today's
    assert record.models == truth.height and record.pages == -(-truth.height // PAGE)
    load(paths, record)
    got = warehouse_models(paths)
    # Timestamps: compare instants, whatever the session's time zone.
    got = got.with_columns(pl.col("created_at").dt.convert_time_zone("UTC"))
    truth = truth.with_columns(pl.col("created_at").dt.cast_time_unit("us").dt.replace_time_zone("UTC")
                               if truth["created_at"].dtype.time_zone is None
                               else pl.col("created_at").dt.cast_time_unit("us"))
    assert got.columns == truth.columns
    for column in truth.columns:
        assert got[column].to_list() == truth[column].to_list(), column
    with connect(paths, read_only=True) as con:
        snapshot = con.execute("SELECT snapshot_date, models, pages, complete, endpoint FROM snapshots").fetchall()
    assert snapshot == [(DAY, truth.height, record.pages, True, hub.url)]


def test_the_real_clients_listing_matches_the_census(world, hub, paths, lister):
    """The simulated Hub speaks the API the client expects: HfApi.list_models pages through
    it (Link headers, repeated expand) and sees exactly the census's models."""
    run_census(paths, hub.url, lister=lister)
    listed = HfApi(endpoint=hub.url).list_models(sort="createdAt", expand=list(EXPAND), limit=None)
    by_id = {m.id: m for m in listed}
    census = census_frame(paths)
    assert set(by_id) == set(census["model_id"])
    for row in census.head(50).iter_rows(named=True):
        info = by_id[row["model_id"]]
        assert info.downloads_all_time == row["downloads_all_time"]
        assert info.downloads == row["downloads_30d"]
        assert info.author == row["namespace"]


def test_a_rerun_of_the_same_day_replaces_it(hub, paths, lister):
    first = run_census(paths, hub.url, lister=lister)
    load(paths, first)
    second = run_census(paths, hub.url, lister=lister)
    load(paths, second)
    with connect(paths, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT model_id) FROM model_stats").fetchone() == (
            first.models,
            first.models,
        )
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (1,)
        assert con.execute("SELECT count(*) FROM models").fetchone() == (first.models,)


def test_rate_limits_and_server_errors_are_survived(world, paths, lister):
    with SimulatedHub(world, DAY, max_page_size=PAGE, rate_limit=(4, 1.0)) as hub:
        hub.inject(Fault(status=503, count=2, page=1))  # page 1 too: the client alone would not retry it
        hub.inject(Fault(status=500, page=3))
        hub.inject(Fault(status=502, page=5))
        hub.inject(Fault(kind="truncate", page=6))
        record = run_census(paths, hub.url, lister=lister)
        stats = dict(hub.stats)
    assert record.complete
    assert record.models == census_truth(world, DAY).height
    assert stats["503"] == 2 and stats["500"] == 1 and stats["502"] == 1 and stats["truncated"] == 1
    # Every failed attempt is counted; the pacing on `RateLimit` keeps 429s to those the
    # first window could not foresee (none: the client waits when r reaches 0).
    assert record.retries == 5 + stats.get("429", 0)
    assert census_frame(paths)["model_id"].is_unique().all()


def test_429_honours_the_servers_reset(world, paths):
    waits = []
    lister = HubLister(sleep=waits.append, base_wait=0.01)
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(Fault(status=429, page=2))
        run_census(paths, hub.url, lister=lister)
    assert waits == [0.01]  # a 429 with no RateLimit r=0 nor Retry-After: ordinary backoff
    waits.clear()
    with SimulatedHub(world, DAY, max_page_size=PAGE, rate_limit=(2, 30.0)) as hub:
        with pytest.raises(HubError):
            # No real sleeping here: the second page spends the window, the third is refused.
            run_census(paths, hub.url, lister=HubLister(sleep=waits.append, max_attempts=2))
    assert waits and all(1 <= w <= 31 for w in waits)  # the window's reset, from the RateLimit header


def test_an_interrupted_crawl_resumes_and_equals_an_uninterrupted_one(world, hub, paths, tmp_path, lister):
    hub.inject(Fault(status=503, count=100, page=5))
    with pytest.raises(HubError, match="listing page 5 failed 6 times, last with HTTP 503"):
        run_census(paths, hub.url, lister=lister)
    work = paths.in_progress / DAY.isoformat()
    assert Checkpoint.load(work).pages == 4
    (work / "pages" / "0000005.parquet.tmp").write_bytes(b"half a page")  # as a kill mid-write leaves it
    hub.faults.clear()
    resumed = run_census(paths, hub.url, lister=lister)
    assert hub.stats["pages"] == 4 + 1 + (resumed.pages - 4)  # pages 1-4 never fetched again (+ the date probe)
    clean = run_census(type(paths)(tmp_path / "clean"), hub.url, lister=lister)
    assert resumed.models == clean.models and resumed.pages == clean.pages
    assert census_frame(paths).equals(census_frame(type(paths)(tmp_path / "clean")))
    assert not work.exists()


def test_a_crawl_left_unfinished_on_an_earlier_day_is_kept_as_incomplete(world, paths, lister):
    with SimulatedHub(world, DAY, max_page_size=PAGE) as hub:
        hub.inject(Fault(status=503, count=100, page=3))
        with pytest.raises(HubError):
            run_census(paths, hub.url, lister=lister)
        hub.faults.clear()
        hub.day = date(2026, 1, 2)
        record = run_census(paths, hub.url, lister=lister)
    assert record.snapshot_date == "2026-01-02" and record.complete
    stale = json.loads((paths.census_day("2026-01-01") / "snapshot.json").read_text())
    assert stale["complete"] is False and stale["pages"] == 2 and stale["models"] == 2 * PAGE


def test_bad_items_are_quarantined_and_the_census_goes_on(world, hub, paths, lister):
    hub.inject(Fault(kind="bad_items", page=2))
    record = run_census(paths, hub.url, lister=lister)
    load(paths, record)
    assert record.complete and record.quarantined == 3
    assert record.models == census_truth(world, DAY).height - 3
    with connect(paths, read_only=True) as con:
        rows = con.execute("SELECT page, position, model_id IS NULL, reason FROM quarantine ORDER BY position").fetchall()
        raw = json.loads(con.execute("SELECT raw_item FROM quarantine WHERE position = 1").fetchone()[0])
    assert rows == [
        (2, 0, True, "id is missing"),
        (2, 1, False, "downloadsAllTime is str, not an integer"),
        (2, 2, False, "createdAt '03/02/2022 23:29' is not an ISO 8601 date"),
    ]
    assert raw["downloadsAllTime"] == "many"


def test_a_bad_token_fails_clearly_without_leaking_it(world, paths, lister, monkeypatch):
    secret = "hf_fake_secret_token_0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    with SimulatedHub(world, DAY, token="hf_the_right_one") as hub:
        with pytest.raises(HubError) as failure:
            run_census(paths, hub.url, lister=HubLister())
    message = str(failure.value)
    assert "401" in message and "check HF_TOKEN" in message and "page 1" in message
    assert secret not in message


def test_the_token_is_sent(world, paths, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_the_right_one")
    with SimulatedHub(world, DAY, token="hf_the_right_one") as hub:
        assert run_census(paths, hub.url, lister=HubLister()).complete


def test_an_unreachable_hub_fails_after_bounded_retries(paths):
    lister = HubLister(base_wait=0.01, max_attempts=3)
    with pytest.raises(HubError, match=r"listing page 1 failed 3 times, last with ConnectError"):
        run_census(paths, "http://127.0.0.1:9", lister=lister)


def test_pages_stream_to_parquet_one_file_each(hub, paths, lister):
    seen = []
    run_census(paths, hub.url, lister=lister, on_page=lambda cp: seen.append(
        sorted(p.name for p in (paths.in_progress / cp.snapshot_date / "pages").iterdir())))
    assert seen[2] == ["0000001.parquet", "0000002.parquet", "0000003.parquet"]
    assert pq.ParquetFile(paths.census_day(DAY.isoformat()) / "models.parquet").metadata.num_rows > 0


def test_pages_are_requested_ahead_of_the_one_written_but_never_more_than_two(world, hub, paths, lister):
    served_ahead = []

    def slow_writer(checkpoint):
        time.sleep(0.2)  # the Hub answers faster than pages are written
        served_ahead.append(hub.stats["pages"] - checkpoint.pages)

    record = run_census(paths, hub.url, lister=lister, on_page=slow_writer)
    assert Lookahead.DEPTH == 2 and max(served_ahead) == 2  # memory stays at a few pages
    assert served_ahead[-1] == 0 and hub.stats["pages"] == record.pages  # no page fetched twice
    assert census_frame(paths).height == census_truth(world, DAY).height


def test_compaction_keeps_each_models_first_row_in_crawl_order(tmp_path):
    pages = []
    for number, ids in enumerate([["a", "b", "c"], ["d", "b", "e"], ["a", "f"]], start=1):
        pages.append(tmp_path / f"{number:07d}.parquet")
        pq.write_table(pa.table({"model_id": ids, "page": [number] * len(ids)}), pages[-1])
    compact(pages, tmp_path / "models.parquet")
    assert pl.read_parquet(tmp_path / "models.parquet").rows() == [
        ("a", 1), ("b", 1), ("c", 1), ("d", 2), ("e", 2), ("f", 3)]
