"""Prefect wiring of hubcensus: flows, tasks, retries and the `hubcensus` command.

The logic lives in `pipeline/`; modules here only decide what runs when, and how often
it is retried.
"""

import os

from pipeline.settings import Paths


def configure_prefect(paths: Paths) -> None:
    """Run Prefect embedded (no server to start, its database under HUBCENSUS_HOME) unless
    the user points it elsewhere. Must run before Prefect is first imported."""
    prefect_home = paths.home / "prefect"
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
