"""A HUBCENSUS_HOME on a read-only or full disk: `hubcensus run` fails with a message naming
the problem, at once (no retries), and leaves every byte stored before it as it was.

The disk is a small tmpfs, mounted for the test: CI runs as root, where this works."""

import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from pipeline.simulated_hub import SimulatedHub

from .conftest import BIN, DAY

pytestmark = pytest.mark.slow


def hubcensus_run(home: Path, endpoint: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    env.update(HUBCENSUS_HOME=str(home), HF_ENDPOINT=endpoint)
    return subprocess.run([BIN / "hubcensus", "run"], env=env, capture_output=True, text=True, timeout=300)


def snapshot_bytes(home: Path) -> dict[str, bytes]:
    """What a day's run must not damage: the warehouse, its history's files and the censuses
    stored before it."""
    stored = [home / "hubcensus.duckdb", *(home / "history").rglob("*.parquet"),
              *(home / "census").glob("date=2026-01-01/*")]
    return {path.relative_to(home).as_posix(): path.read_bytes() for path in stored}


@pytest.fixture(scope="module")
def first_day(world, tmp_path_factory):
    """A home holding the census of DAY, made by the real command."""
    home = tmp_path_factory.mktemp("first-day") / "home"
    with SimulatedHub(world, DAY, max_page_size=250) as hub:
        run = hubcensus_run(home, hub.url)
    assert run.returncode == 0, run.stderr
    return home


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)], check=True,
                       capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"cannot mount a tmpfs here (CI runs as root, where it can): {err}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk: Path, leave_kb: int) -> None:
    free_kb = shutil.disk_usage(disk).free // 1024
    with open(disk / "filler", "wb") as filler:
        filler.truncate(0)
        for _ in range((free_kb - leave_kb) // 64):
            filler.write(b"\0" * 65536)


@pytest.mark.parametrize(("leave_kb", "fails_in"), [(300, "the compaction"), (1500, "the warehouse copy")])
def test_a_full_disk_fails_clearly_and_damages_nothing(world, first_day, small_disk, leave_kb, fails_in):
    home = small_disk / "home"
    shutil.copytree(first_day, home)
    before = snapshot_bytes(home)
    fill(small_disk, leave_kb)
    with SimulatedHub(world, DAY + timedelta(days=1), max_page_size=250) as hub:
        failed = hubcensus_run(home, hub.url)
        assert failed.returncode == 1
        message = next(line for line in failed.stderr.splitlines() if line.startswith("hubcensus run:"))
        assert message.startswith("hubcensus run: the disk of HUBCENSUS_HOME is full or read-only (")
        assert "No space left on device" in message
        assert message.endswith("); what was stored before this run is unchanged")
        assert "Retrying" not in failed.stderr  # not retried: a full disk stays full for a while
        assert snapshot_bytes(home) == before, fails_in
        if fails_in == "the warehouse copy":
            (small_disk / "filler").unlink()  # space freed: the next run goes through
            rerun = hubcensus_run(home, hub.url)
            assert rerun.returncode == 0, rerun.stderr
            assert "census 2026-01-02 (complete)" in rerun.stdout + rerun.stderr
            assert not list(home.rglob("*.new")) and not list(home.rglob("*.next"))


def test_a_read_only_home_fails_at_once_naming_it(world, first_day, small_disk):
    home = small_disk / "home"
    shutil.copytree(first_day, home)
    before = snapshot_bytes(home)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with SimulatedHub(world, DAY + timedelta(days=1), max_page_size=250) as hub:
        failed = hubcensus_run(home, hub.url)
        assert hub.stats["requests"] == 0  # stopped before asking the Hub anything
    assert failed.returncode == 1
    assert failed.stderr.strip() == (f"hubcensus run: StorageError: cannot write in HUBCENSUS_HOME {home}: "
                                     "Read-only file system")
    assert snapshot_bytes(home) == before
