"""`hubcensus run` killed with SIGKILL at 20 random points, then run again, ends with exactly
the data of an uninterrupted run: no model-day lost or duplicated, no corrupt or stray file.

The kill points are drawn from a seeded RNG (printed; set HUBCENSUS_CRASH_SEED to replay
one) and aimed at every stage: the crawl, a page's Parquet write, the compaction, the
DuckDB load, the archive's rewrite of the month, or any moment. Where each kill landed is read from the files it left, and the
test checks that some landed inside a Parquet write and some inside the DuckDB load."""

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from prefect.settings import PREFECT_API_URL

from pipeline.archive import write_listing
from pipeline.history import HISTORY_TABLES
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World

from .conftest import BIN, DAY

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]
KILLS = 20
STAGES = ("crawl", "page write", "compaction", "load", "archive", "any moment")


def start_run(home: Path, endpoint: str) -> subprocess.Popen:
    # The runs share the test's Prefect server: no embedded server to start each time.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    env.update(HUBCENSUS_HOME=str(home), HF_ENDPOINT=endpoint, PREFECT_API_URL=PREFECT_API_URL.value())
    return subprocess.Popen([BIN / "hubcensus", "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def finish(run: subprocess.Popen) -> None:
    _, err = run.communicate(timeout=180)
    assert run.returncode == 0, err


def listed(folder: Path, pattern: str) -> list[Path]:
    """`folder.glob(pattern)`, or nothing when the run removes a folder while it is listed
    (a finished crawl deletes its work folder)."""
    try:
        return list(folder.glob(pattern))
    except FileNotFoundError:
        return []


def page_write_under_way(home: Path) -> bool:
    return any(p.name.endswith(".parquet.tmp") for p in listed(home / "census" / "_in_progress", "*/*/*"))


def compaction_under_way(home: Path) -> bool:
    return any(not (p / "snapshot.json").exists() for p in (home / "census").glob("date=*.new"))


def load_under_way(home: Path) -> bool:
    return (home / "hubcensus.duckdb.next").exists()


def archive_under_way(home: Path) -> bool:
    return any((home / "census").glob("month=*.parquet.tmp"))


def crawled_pages(home: Path) -> int:
    try:
        return json.loads(next((home / "census" / "_in_progress").glob("*/checkpoint.json")).read_text())["pages"]
    except (StopIteration, ValueError, FileNotFoundError):
        return 0


def kill_at(run: subprocess.Popen, home: Path, stage: str, rng: random.Random, duration: float) -> bool:
    """Kill `run` once it reaches `stage`; False if it finished first."""
    ready = {
        "crawl": (lambda pages=rng.randint(1, 5): crawled_pages(home) >= pages),
        "page write": lambda: page_write_under_way(home),
        "compaction": lambda: compaction_under_way(home),
        "load": lambda: load_under_way(home),
        "archive": lambda: archive_under_way(home),
        "any moment": (lambda at=time.monotonic() + rng.uniform(0, duration): time.monotonic() >= at),
    }[stage]
    while run.poll() is None:
        if ready():
            if stage in ("crawl", "load"):
                time.sleep(rng.uniform(0, 0.2))
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            return True
    return False


def half_done(home: Path) -> dict[str, set]:
    """Files a run leaves half done, by stage: each a fresh file (inode, mtime) when written."""
    def signatures(paths):
        found = set()
        for path in paths:
            try:
                status = path.stat()
            except FileNotFoundError:  # never written, or replaced since it was listed
                continue
            found.add((status.st_ino, status.st_mtime_ns))
        return found

    return {
        "inside a page's Parquet write": signatures(
            p for p in listed(home / "census" / "_in_progress", "*/*/*") if p.name.endswith(".parquet.tmp")),
        "inside the compaction's Parquet write": signatures(
            p for p in (home / "census").glob("date=*.new") if not (p / "snapshot.json").exists()),
        "inside the DuckDB load": signatures([home / "hubcensus.duckdb.next"]),
        "inside the archive's Parquet write": signatures((home / "census").glob("month=*.parquet.tmp")),
    }


def landed(before: dict[str, set], after: dict[str, set]) -> set[str]:
    """Where a kill landed: the half-done files that the killed run itself started."""
    return {stage for stage in after if after[stage] - before[stage]}


def warehouse(home: Path) -> dict[str, list]:
    """Every table's rows, the history tables' (views over their files) included; not which
    folders the history is in (history_versions), which each run names anew."""
    with duckdb.connect(str(home / "hubcensus.duckdb"), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal").fetchall()
                  if t != "history_versions"] + list(HISTORY_TABLES)
        return {t: con.execute(f'SELECT * {"EXCLUDE (loaded_at)" if t == "snapshots" else ""} FROM "{t}" '
                               "ORDER BY ALL").fetchall() for t in tables}


def census_files(home: Path) -> dict[str, object]:
    files = {}
    for path in sorted((home / "census").rglob("*")):
        if path.is_file():
            name = path.relative_to(home).as_posix()
            files[name] = pl.read_parquet(path) if path.suffix == ".parquet" else json.loads(path.read_text())
    return files


def test_twenty_sigkills_then_a_rerun_equal_an_uninterrupted_run(tmp_path):
    seed = int(os.environ.get("HUBCENSUS_CRASH_SEED", random.randrange(2**32)))
    print(f"crash test seed: {seed} (HUBCENSUS_CRASH_SEED={seed} replays it)")
    rng = random.Random(seed)
    world = World(seed=5, models_at=4000, anchor=DAY)
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    # Pages of 500 with some latency: a crawl of a dozen pages, long enough to aim at.
    with SimulatedHub(world, DAY, max_page_size=500, latency=0.05) as hub:
        started = time.monotonic()
        finish(start_run(clean, hub.url))
        duration = time.monotonic() - started
        stages = [STAGES[k % len(STAGES)] for k in range(KILLS)]
        rng.shuffle(stages)
        where: Counter[str] = Counter()
        for stage in stages:
            for _ in range(3):  # a run may finish before reaching its stage: aim again
                before = half_done(killed)
                if kill_at(start_run(killed, hub.url), killed, stage, rng, duration):
                    where.update(landed(before, half_done(killed)) or {f"aimed at the {stage}, between writes"})
                    break
            else:
                pytest.fail(f"three runs finished before reaching the {stage}")
        print(f"where the kills landed: {dict(where)}; an uninterrupted run takes {duration:.1f}s")
        finish(start_run(killed, hub.url))
    assert sum(where.values()) >= KILLS
    assert where["inside a page's Parquet write"] + where["inside the compaction's Parquet write"] >= 1
    assert where["inside the DuckDB load"] >= 1

    assert warehouse(killed) == warehouse(clean)  # every table, row for row
    assert census_files(killed).keys() == census_files(clean).keys()
    for name, content in census_files(killed).items():
        expected = census_files(clean)[name]
        assert content.equals(expected) if isinstance(content, pl.DataFrame) else content == expected, name
    write_listing(Paths(home=killed), DAY, tmp_path / "listing.parquet")
    models = pl.read_parquet(tmp_path / "listing.parquet")
    assert models["model_id"].is_unique().all() and models.height == len(list(world.listing(DAY)))
    for path in killed.rglob("*.parquet"):
        pq.read_table(path)  # readable, not truncated
    leftovers = [p for p in killed.rglob("*") if p.name.endswith((".tmp", ".new", ".replaced", ".next", ".wal"))]
    assert leftovers == [] and not any((killed / "census" / "_in_progress").iterdir())
    # the history's versions the warehouse knows (published, or replaced within a day); the
    # killed runs' are gone
    with duckdb.connect(str(killed / "hubcensus.duckdb"), read_only=True) as con:
        known = {version for (version,) in con.execute("SELECT version FROM history_versions").fetchall()}
    assert {folder.name for folder in (killed / "history").iterdir()} == known
