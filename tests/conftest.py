from datetime import date

import pytest
from prefect.testing.utilities import prefect_test_harness

from pipeline.hub_client import HubLister
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World

DAY = date(2026, 1, 1)
PAGE = 250  # small pages, so a 2,000-model world spans several


@pytest.fixture(scope="session")
def world() -> World:
    return World(seed=7, models_at=2000, anchor=DAY)


@pytest.fixture
def hub(world):
    with SimulatedHub(world, DAY, max_page_size=PAGE) as server:
        yield server


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths.from_env(tmp_path / "home")


@pytest.fixture
def lister() -> HubLister:
    """The real retry policy, with waits shrunk so tests stay fast."""
    return HubLister(base_wait=0.01, max_wait=0.05, max_attempts=6)


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server for the tests that run flows in-process."""
    with prefect_test_harness(server_startup_timeout=120):
        yield
