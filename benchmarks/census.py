"""Benchmarks 1 and 2: the census client's CPU and memory against the naive peer, and its
wall time under the Hub's rate limit."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import hub_world
from pipeline.hub_client import PAGE_SIZE, first_page_url
from pipeline.simulated_hub import SimulatedHub

PEER_MAX = 250_000  # the peer holds every ModelInfo: a larger listing only costs time and memory
# A free account: 1,000 requests per fixed 5-minute window, and 300 ms per page.
FREE_QUOTA, FREE_WINDOW, PAGE_LATENCY = 1000, 300.0, 0.3


def run_client(which: str, endpoint: str, folder: Path, limit: int = 0) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.census_client", which, endpoint, str(folder), str(limit)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def census_cpu(scale: float, work: Path) -> dict:
    world = hub_world(scale)
    with SimulatedHub(world, world.anchor, cache_pages=True) as hub:
        started = time.monotonic()
        pages = hub.warm(first_page_url("", PAGE_SIZE))  # rendered up front: the server is not measured
        warm_seconds = time.monotonic() - started
        ours = run_client("hubcensus", hub.url, work / "hubcensus")
        peer = run_client("peer", hub.url, work / "peer", min(ours["models"], PEER_MAX))
    per_million = lambda run: run["cpu_seconds"] / run["models"] * 1e6  # noqa: E731
    return {
        "models": ours["models"],
        "pages": pages,
        "hubcensus_cpu_s_per_million": per_million(ours),
        "hubcensus_peak_rss_mib": ours["peak_rss_bytes"] / 2**20,
        "peer_models": peer["models"],
        "peer_cpu_s_per_million": per_million(peer),
        "peer_peak_rss_mib": peer["peak_rss_bytes"] / 2**20,
        "cpu_ratio_peer_to_hubcensus": per_million(peer) / per_million(ours),
        "server_warm_s": warm_seconds,
    }


def census_rate_limited(scale: float, work: Path, speedup: float) -> dict:
    """The listing and the request quota shrink with `scale` (so the crawl spans the same
    2.5 windows), the window and the latency with `speedup` (so the run is shorter)."""
    quota = max(4, round(FREE_QUOTA * scale))
    window, latency = FREE_WINDOW / speedup, PAGE_LATENCY / speedup
    world = hub_world(scale)
    with SimulatedHub(world, world.anchor, cache_pages=True, latency=latency, rate_limit=(quota, window)) as hub:
        pages = hub.warm(first_page_url("", PAGE_SIZE))  # rendering is neither limited nor delayed
        wall = run_client("hubcensus", hub.url, work / "rate-limited")["wall_seconds"]
    floor = pages / (quota / window)
    return {
        "pages": pages,
        "quota_per_window": quota,
        "window_s": window,
        "latency_s": latency,
        "floor_s": floor,
        "wall_s": wall,
        "wall_over_floor": wall / floor,
        "http_429": hub.stats["429"],
    }
