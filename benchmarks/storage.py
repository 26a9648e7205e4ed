"""Benchmark 3: bytes on disk per model-day of daily statistics after 30 daily censuses,
against the peer of keeping each day's full listing as Parquet."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from benchmarks import hub_world, stored_bytes
from pipeline.archive import archive_census, month_file
from pipeline.census import run_census
from pipeline.files import write_atomically
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World
from pipeline.warehouse import connect, load_census

DAYS = 30


def storage(scale: float, home: Path) -> dict:
    """Thirty censuses, each loaded and archived as the daily flow does (the last one in a
    process of its own, `archive_step`, for its peak memory). The peer is each day's listing
    (census/date=D/models.parquet) as the census wrote it, before archiving.

    Each finished day's figures are kept in `home`/days.jsonl, so a run stopped part-way
    (30 days at 2.5M models take hours) resumes after its last finished day; `home` is
    removed once the figures are out."""
    world = hub_world(scale)
    paths = Paths(home=home)
    done = _finished_days(home, world)
    for offset in range(len(done), DAYS):
        day = world.anchor + timedelta(days=offset)
        with _hub(world, day) as url:
            record = run_census(paths, url)
        listing_bytes = (paths.census_day(record.snapshot_date) / "models.parquet").stat().st_size
        with connect(paths) as con:
            load_census(con, paths, day)
        figures = {"day": day.isoformat(), "models": record.models, "listing_bytes": listing_bytes}
        if offset < DAYS - 1:
            started = time.perf_counter()
            archive_census(paths, day)
            figures["archive_s"] = time.perf_counter() - started
        else:
            month_end = _step("append", paths, day) | _step("replace", paths, day)
            figures |= {"archive_s": month_end["month_end_append_s"], "month_end": month_end}
        done.append(figures)
        write_atomically(home / "days.jsonl", "".join(json.dumps(day) + "\n" for day in done).encode())
    model_days = sum(figures["models"] for figures in done)
    listing_bytes = sum(figures["listing_bytes"] for figures in done)
    archive_seconds = [figures["archive_s"] for figures in done]
    months = {month_file(paths, world.anchor + timedelta(days=offset)) for offset in range(DAYS)}
    archive_bytes = sum(path.stat().st_size for path in months)
    census_bytes = sum(path.stat().st_size for path in paths.census.rglob("*") if path.is_file())
    warehouse_bytes = sum(stored_bytes(paths))
    (home / "days.jsonl").unlink()  # first: a rerun after a kill while removing starts afresh
    shutil.rmtree(home)
    return {
        "models_first_day": world.models_at,
        "model_days": model_days,
        "days_resumed": sum(1 for figures in done if figures.get("resumed")),
        "peer_full_listings_bytes_per_model_day": listing_bytes / model_days,
        "archive_bytes_per_model_day": archive_bytes / model_days,
        "census_folder_bytes_per_model_day": census_bytes / model_days,
        "peer_over_census_folder": listing_bytes / census_bytes,
        "warehouse_bytes_per_model_day": warehouse_bytes / model_days,
        "archive_day_mean_s": sum(archive_seconds) / DAYS,
        "archive_day_max_s": max(archive_seconds),
        **done[-1]["month_end"],
    }


def _finished_days(home: Path, world: World) -> list[dict]:
    """The days an earlier run of the same world finished in `home`, marked as resumed."""
    home.mkdir(parents=True, exist_ok=True)
    world_file, progress = home / "world.json", home / "days.jsonl"
    this_world = {"seed": world.seed, "models_at": world.models_at, "anchor": world.anchor.isoformat()}
    if not world_file.exists():
        world_file.write_text(json.dumps(this_world))
    elif json.loads(world_file.read_text()) != this_world:
        raise SystemExit(f"{home} holds an unfinished storage run of another world "
                         f"({world_file.read_text()}, not {json.dumps(this_world)}): "
                         "rerun it with its own --scale, or remove the folder")
    if not progress.exists():
        return []
    return [json.loads(line) | {"resumed": True} for line in progress.read_text().splitlines()]


@contextmanager
def _hub(world: World, day: date):
    """The simulated Hub for `day`, served by a process of its own, so that rendering the
    listing (the slow part, in Python) runs on the other core from the census; yields its URL.
    A new process (and port) each day: a census stopped part-way starts its day again."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(world.seed, world.models_at, world.anchor, day, child),
                             daemon=True)
    server.start()
    child.close()  # the server's end: the pipe then closes when either side ends
    try:
        if not parent.poll(60):
            raise RuntimeError(f"the simulated Hub's process did not start (exit code {server.exitcode})")
        yield parent.recv()
    finally:
        parent.close()
        server.join(10)
        server.terminate()


def _serve(seed: int, models_at: int, anchor: date, day: date, pipe) -> None:
    """Serve until the benchmark closes its end of `pipe` or ends, however it ends."""
    with SimulatedHub(World(seed=seed, models_at=models_at, anchor=anchor), day) as hub:
        pipe.send(hub.url)
        try:
            pipe.recv()
        except EOFError:
            pass


def _step(step: str, paths: Paths, day: date) -> dict:
    """One of `archive_step`'s month-end steps, in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.archive_step", step, str(paths.home), str(day)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])
