"""The archive keeps every day's full listing: each day rebuilt from it equals the census
of that day, whatever order the days were archived in, across months, replaced days,
nulls and metadata that changes and changes back."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime, timedelta, timezone

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import archive
from pipeline.census import run_census
from pipeline.records import CENSUS_SCHEMA
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World

START = date(2026, 1, 26)  # the censuses cross into February
DAYS = [START + timedelta(days=k) for k in range(12) if k != 4]  # a day without a census


def rebuilt(paths: Paths, day: date, tmp_path) -> pl.DataFrame:
    target = tmp_path / f"rebuilt-{day}.parquet"
    models = archive.write_listing(paths, day, target)
    assert pq.read_schema(target).equals(CENSUS_SCHEMA)
    listing = pl.read_parquet(target)
    assert listing.height == models
    return listing


@pytest.fixture(scope="module")
def censuses(tmp_path_factory):
    """Eleven censuses of a simulated Hub (new, deleted and privately hidden models, counter
    resets), each day's listing kept aside."""
    folder = tmp_path_factory.mktemp("censuses")
    paths = Paths(home=folder / "home")
    world = World(seed=8, models_at=3000, anchor=START)
    listings = {}
    with SimulatedHub(world, START) as hub:
        for day in DAYS:
            hub.day = day
            record = run_census(paths, hub.url)
            listings[day] = folder / f"{day}.parquet"
            shutil.copy(paths.census_day(record.snapshot_date) / "models.parquet", listings[day])
    return listings


def test_every_day_is_rebuilt_exactly_in_any_order(censuses, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MODELS_PER_GROUP", 500)  # several groups, new models inside them
    in_order, shuffled = Paths(home=tmp_path / "in_order"), Paths(home=tmp_path / "shuffled")
    for day in DAYS:
        archive.archive_days(in_order, {day: censuses[day]})
    days = list(DAYS)
    random.Random(1).shuffle(days)
    for day in days:
        archive.archive_days(shuffled, {day: censuses[day]})
    assert [p.name for p in sorted(in_order.census.glob("month=*"))] == ["month=2026-01.parquet",
                                                                        "month=2026-02.parquet"]
    assert archive.archived_days(in_order, date(2026, 2, 1)) == [d for d in DAYS if d.month == 2]
    assert pq.ParquetFile(archive.month_file(in_order, START)).num_row_groups > 1
    for month in (START, date(2026, 2, 1)):
        # Days added after the others (the daily case) keep the archived rows as they are:
        # the same rows as days put in any order, each month decoded and encoded again.
        assert pl.read_parquet(archive.month_file(in_order, month)).equals(
            pl.read_parquet(archive.month_file(shuffled, month))), month
    for day in DAYS:
        expected = pl.read_parquet(censuses[day]).sort("model_id")
        assert rebuilt(in_order, day, tmp_path).equals(expected), day
        assert rebuilt(shuffled, day, tmp_path).equals(expected), day
    with pytest.raises(LookupError, match="the archive has no listing of 2026-01-30"):
        archive.write_listing(in_order, START + timedelta(days=4), tmp_path / "none.parquet")


def test_a_replaced_day_leaves_the_others_as_they_were(censuses, tmp_path):
    paths = Paths(home=tmp_path / "home")
    january = [d for d in DAYS if d.month == 1]
    for day in january:
        archive.archive_days(paths, {day: censuses[day]})
    middle = january[1]
    archive.archive_days(paths, {middle: censuses[january[-1]]})  # a wrong listing for the middle day...
    assert rebuilt(paths, middle, tmp_path).equals(pl.read_parquet(censuses[january[-1]]).sort("model_id"))
    archive.archive_days(paths, {middle: censuses[middle]})  # ...replaced by the right one
    for day in january:
        assert rebuilt(paths, day, tmp_path).equals(pl.read_parquet(censuses[day]).sort("model_id")), day
    assert archive.archived_days(paths, middle) == january


def test_days_archived_at_once_make_the_file_archiving_them_one_by_one_makes(censuses, tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MODELS_PER_GROUP", 500)
    january = [d for d in DAYS if d.month == 1]
    daily, at_once = Paths(home=tmp_path / "daily"), Paths(home=tmp_path / "at_once")
    for day in january:
        archive.archive_days(daily, {day: censuses[day]})
    archive.archive_days(at_once, {day: censuses[day] for day in january[:2]})
    archive.archive_days(at_once, {day: censuses[day] for day in january[2:]})  # appended after them
    assert archive.month_file(at_once, START).read_bytes() == archive.month_file(daily, START).read_bytes()
    # two days replaced at once, with each other's listings, then put right at once
    swapped = {january[1]: censuses[january[3]], january[3]: censuses[january[1]]}
    archive.archive_days(at_once, swapped)
    for day, listing in swapped.items():
        assert rebuilt(at_once, day, tmp_path).equals(pl.read_parquet(listing).sort("model_id")), day
    archive.archive_days(at_once, {day: censuses[day] for day in swapped})
    assert archive.month_file(at_once, START).read_bytes() == archive.month_file(daily, START).read_bytes()
    with pytest.raises(ValueError, match="the days of one month"):
        archive.archive_days(at_once, {DAYS[0]: censuses[DAYS[0]], DAYS[-1]: censuses[DAYS[-1]]})


def _listing(rows: list[dict]) -> pa.Table:
    base = {name: None for name in CENSUS_SCHEMA.names}
    return pa.Table.from_pylist([{**base, **row} for row in rows], schema=CENSUS_SCHEMA)


def test_nulls_and_changing_metadata_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(archive, "MODELS_PER_GROUP", 2)
    moment = datetime(2026, 3, 1, tzinfo=timezone.utc)
    # Per day: model a's counters go null and come back; its licence tags change and change
    # back; b disappears for a day; c is new on day 3 and lands between a and b's groups.
    days = {
        date(2026, 3, 1): [
            {"model_id": "org/a", "downloads_all_time": 10, "downloads_30d": 5, "likes": 1, "trending_score": 0.5,
             "last_modified": moment, "tags": ["license:mit"], "params_by_dtype": {"BF16": 7}},
            {"model_id": "org/b", "downloads_all_time": 2**40, "downloads_30d": None, "tags": []},
            {"model_id": "x/z", "downloads_all_time": 0, "gated": "auto"},
        ],
        date(2026, 3, 2): [
            {"model_id": "org/a", "downloads_all_time": 12, "downloads_30d": None, "likes": None,
             "last_modified": None, "tags": ["license:apache-2.0"], "params_by_dtype": {"BF16": 7}},
            {"model_id": "x/z", "downloads_all_time": 0, "gated": "auto"},
        ],
        date(2026, 3, 3): [
            {"model_id": "org/a", "downloads_all_time": 9, "downloads_30d": 6, "likes": 3, "trending_score": 1e300,
             "last_modified": moment + timedelta(days=2), "tags": ["license:mit"], "params_by_dtype": {"BF16": 7}},
            {"model_id": "org/b", "downloads_all_time": 2**40 + 1, "downloads_30d": 1, "tags": None},
            {"model_id": "org/c", "downloads_all_time": 3, "base_models": ["org/a"], "base_relation": "finetune"},
            {"model_id": "x/z", "downloads_all_time": -1, "gated": None},
        ],
    }
    paths = Paths(home=tmp_path / "home")
    for day, rows in days.items():
        pq.write_table(_listing(rows), tmp_path / f"{day}.parquet")
        archive.archive_days(paths, {day: tmp_path / f"{day}.parquet"})
    for day, rows in days.items():
        expected = pl.from_arrow(_listing(sorted(rows, key=lambda row: row["model_id"])))
        assert rebuilt(paths, day, tmp_path).equals(expected), day
    stored = pl.read_parquet(archive.month_file(paths, date(2026, 3, 1)))
    # a's versions: mit, apache, mit again; one row of metadata per version, not per day
    assert stored.filter(pl.col("model_id") == "org/a")["new_version"].to_list() == [True, True, True]
    assert stored.filter(pl.col("model_id") == "org/b")["new_version"].to_list() == [True, True]
    assert stored.filter(pl.col("model_id") == "x/z")["new_version"].to_list() == [True, False, True]
    assert stored.filter(pl.col("model_id") == "org/a")["downloads_all_time"].to_list() == [10, 2, -3]


def test_a_load_reads_an_archived_census_rebuilt(censuses, tmp_path):
    paths = Paths(home=tmp_path / "home")
    day = DAYS[0]
    (paths.census_day(day.isoformat())).mkdir(parents=True)
    shutil.copy(censuses[day], paths.census_day(day.isoformat()) / "models.parquet")
    assert archive.unarchived_censuses(paths) == []  # no snapshot.json: not a finished census
    (paths.census_day(day.isoformat()) / "snapshot.json").write_text("{}")
    assert archive.unarchived_censuses(paths) == [day]
    with archive.day_listing(paths, day) as listing:
        assert listing == paths.census_day(day.isoformat()) / "models.parquet"
    archive.archive_censuses(paths, [day])
    assert archive.unarchived_censuses(paths) == []
    with archive.day_listing(paths, day) as listing:
        assert pl.read_parquet(listing).equals(pl.read_parquet(censuses[day]).sort("model_id"))
    assert not listing.exists() and list((paths.scratch / "listing").iterdir()) == []
