"""Backfills and reclassification, run as Prefect flows."""

from datetime import date, timedelta

import polars as pl
import pytest

from flows.backfill import backfill, reclassify
from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.imports import ImportProblem
from pipeline.registry import OVERRIDES_NAME
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY
from .truth import census_truth, write_hub_stats

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
CENSUSED = [DAY + timedelta(days=k) for k in (3, 4, 6)]  # days 3, 4 and 6 crawled; 1, 2 imported; 5 lost


@pytest.fixture
def history(world, paths, tmp_path):
    with SimulatedHub(world, DAY, max_page_size=1000) as hub:
        for day in CENSUSED:
            hub.day = day
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
    imports = tmp_path / "hub-stats"
    imports.mkdir()
    for day in (DAY + timedelta(days=1), DAY + timedelta(days=2)):
        write_hub_stats(world, day, imports / f"models-{day}.parquet")
    return imports


def tables(paths):
    with connect(paths, read_only=True) as con:
        return {t: con.execute(f"SELECT * EXCLUDE (loaded_at) FROM {t} ORDER BY ALL").fetchall()
                if t == "snapshots" else con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("snapshots", "model_stats", "daily_downloads", "monthly_downloads", "country_share")}


def test_a_backfill_imports_history_rebuilds_and_names_the_gaps(world, paths, history):
    result = backfill(start_date=DAY, end_date=DAY + timedelta(days=6), import_dir=str(history),
                      home=str(paths.home))
    assert result == {"imported": ["2026-01-02", "2026-01-03"],
                      "days_without_data": ["2026-01-01", "2026-01-06"]}
    with connect(paths, read_only=True) as con:
        days = [d for (d,) in con.execute("SELECT snapshot_date FROM snapshots ORDER BY 1").fetchall()]
        imported = con.execute(
            "SELECT model_id, downloads_all_time FROM model_stats WHERE snapshot_date = ? ORDER BY 1",
            [DAY + timedelta(days=1)]).fetchall()
        first_day = con.execute("SELECT min(day) FROM daily_downloads").fetchone()[0]
    assert days == [DAY + timedelta(days=k) for k in (1, 2, 3, 4, 6)]
    truth = census_truth(world, DAY + timedelta(days=1))
    assert imported == list(zip(truth["model_id"], truth["downloads_all_time"]))
    assert first_day == DAY + timedelta(days=1)  # the imported history feeds the daily downloads
    with connect(paths, read_only=True) as con:  # and their monthly sums, the backfilled days included
        monthly = con.execute("SELECT month, model_id, downloads FROM monthly_downloads ORDER BY ALL").fetchall()
        summed = con.execute("SELECT date_trunc('month', day)::DATE, model_id, sum(downloads) FROM daily_downloads "
                             "WHERE downloads > 0 GROUP BY ALL ORDER BY ALL").fetchall()
    assert summed and monthly == summed
    before = tables(paths)
    backfill(start_date=DAY, end_date=DAY + timedelta(days=6), import_dir=str(history), home=str(paths.home))
    assert tables(paths) == before  # idempotent


def test_bad_parameters_fail_at_once(paths, tmp_path):
    with pytest.raises(ValueError, match="end_date 2026-01-01 is before start_date 2026-01-05"):
        backfill(start_date=date(2026, 1, 5), end_date=date(2026, 1, 1), home=str(paths.home))
    with pytest.raises(ValueError, match="end_date 2999-01-01 is in the future"):
        backfill(start_date=date(2026, 1, 5), end_date=date(2999, 1, 1), home=str(paths.home))
    with pytest.raises(ImportProblem, match=f"import folder {tmp_path / 'nowhere'} does not exist"):
        backfill(start_date=DAY, end_date=DAY, import_dir=str(tmp_path / "nowhere"), home=str(paths.home))
    wrong = tmp_path / "wrong"
    wrong.mkdir()
    (wrong / f"models-{DAY}.parquet").write_text("not parquet")
    with pytest.raises(ImportProblem, match="not a readable Parquet file"):
        backfill(start_date=DAY, end_date=DAY, import_dir=str(wrong), home=str(paths.home))
    pl.DataFrame({"modelId": ["a/b"], "downloads": [1]}).write_parquet(wrong / f"models-{DAY}.parquet")
    with pytest.raises(ImportProblem, match="not in the hub-stats models.parquet format, missing columns id, author"):
        backfill(start_date=DAY, end_date=DAY, import_dir=str(wrong), home=str(paths.home))
    assert not paths.warehouse.exists() and not paths.census.exists()  # nothing was written


def test_reclassify_applies_a_curation_change_to_all_history(paths, history):
    backfill(start_date=DAY, end_date=DAY + timedelta(days=6), import_dir=str(history), home=str(paths.home))
    (paths.home / OVERRIDES_NAME).write_text(
        "namespace,organisation,parent,country,org_type,source,confidence,note\nQwen,,,SG,,,,\n")
    reclassify(home=str(paths.home))
    with connect(paths, read_only=True) as con:
        countries = {c for (c,) in con.execute(
            "SELECT DISTINCT country FROM country_share WHERE attribution = 'origin'").fetchall()}
    assert "SG" in countries and "CN" in countries  # Qwen moved; DeepSeek and others stay Chinese
