"""hubcensus as a service: a real Prefect server, worker and the deployments of prefect.yaml."""

from datetime import timedelta

import httpx2
import pytest
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.simulated_hub import SimulatedHub
from pipeline.warehouse import connect

from .conftest import DAY
from .truth import write_hub_stats

pytestmark = pytest.mark.slow


def test_a_backfill_triggered_through_the_api_rebuilds_the_warehouse(world, paths, tmp_path, service):
    with SimulatedHub(world, DAY, max_page_size=1000) as hub:
        for offset in (2, 3):
            hub.day = DAY + timedelta(days=offset)
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
    imports = tmp_path / "imports"
    imports.mkdir()
    write_hub_stats(world, DAY + timedelta(days=1), imports / f"models-{DAY + timedelta(days=1)}.parquet")
    with temporary_settings({PREFECT_API_URL: service}):
        deployments = {d["name"] for d in httpx2.post(f"{service}/deployments/filter", json={}).json()}
        assert deployments == {"daily-census", "backfill", "reclassify"}
        run = run_deployment(
            "backfill/backfill",
            parameters={"start_date": str(DAY), "end_date": str(DAY + timedelta(days=3)),
                        "import_dir": str(imports)},
            timeout=300,
        )
    assert run.state.is_completed(), run.state
    with connect(paths, read_only=True) as con:
        days = [d for (d,) in con.execute("SELECT snapshot_date FROM snapshots ORDER BY 1").fetchall()]
        daily = con.execute("SELECT min(day), max(day), count(*) FROM daily_downloads").fetchone()
    assert days == [DAY + timedelta(days=k) for k in (1, 2, 3)]
    assert daily[0] == DAY + timedelta(days=1) and daily[1] == DAY + timedelta(days=2) and daily[2] > 1000
