"""Benchmark 3: bytes on disk per model-day of daily statistics after 30 daily censuses,
against the peer of keeping each day's full listing as Parquet."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from benchmarks import hub_world, stored_bytes
from pipeline.archive import month_file
from pipeline.census import Checkpoint, SnapshotRecord, commit_page, finalize, start_work
from pipeline.files import write_atomically
from pipeline.hub_client import EXPAND, PAGE_SIZE, Page
from pipeline.records import decode_page
from pipeline.settings import Paths
from pipeline.simulated_hub import World
from pipeline.simulated_hub.world import midnight
from pipeline.warehouse import connect, load_census

DAYS = 30
# Kept with a run's progress: a run left by another version of this benchmark (its days'
# figures and steps differ) is not resumed. 2: censuses rendered without HTTP, 29 days folded.
BENCHMARK_VERSION = 2
# The page numbers of the older half's renderer start past any listing's pages (2,600 at the
# issue's size), so that the census's compaction, which takes pages in file name order,
# keeps the Hub's order: newest first.
OLDER_HALF_FIRST_PAGE = 5_000_001


def storage(scale: float, home: Path) -> dict:
    """Thirty daily censuses, each loaded into the warehouse. The peer is each day's listing
    (census/date=D/models.parquet) as the census wrote it. After the 29th day the 29
    listings are archived at once (as a backfill does), then the 30th is archived after
    them, as the daily flow does (each step in a process of its own, `archive_step`, for
    its peak memory).

    The censuses are rendered from the simulated Hub's `World` by two processes of the
    benchmark's, without HTTP (`ListingRenderers`): the bytes do not depend on how the
    listing travelled, and rendering 75M items through the HTTP server would take 7 hours
    at the issue's size.

    Each finished day's figures are kept in `home`/days.jsonl, so a run stopped part-way
    resumes after its last finished day; `home` is removed once the figures are out."""
    world = hub_world(scale)
    paths = Paths(home=home)
    done = _finished_days(home, world)
    with ListingRenderers(world) as renderers:
        for offset in range(len(done), DAYS):
            day = world.anchor + timedelta(days=offset)
            started = time.perf_counter()
            record = renderers.census(paths, day)
            census_seconds = time.perf_counter() - started
            listing_bytes = (paths.census_day(record.snapshot_date) / "models.parquet").stat().st_size
            with connect(paths) as con:
                load_census(con, paths, day)
            figures = {"day": day.isoformat(), "models": record.models, "listing_bytes": listing_bytes,
                       "census_s": census_seconds}
            if offset == DAYS - 2:
                figures["fold"] = _step("fold", paths, day)
            elif offset == DAYS - 1:
                figures["month_end"] = _step("append", paths, day) | _step("replace", paths, day)
            done.append(figures)
            write_atomically(home / "days.jsonl", "".join(json.dumps(day) + "\n" for day in done).encode())
    model_days = sum(figures["models"] for figures in done)
    listing_bytes = sum(figures["listing_bytes"] for figures in done)
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
        "render_census_mean_s": sum(figures["census_s"] for figures in done) / DAYS,
        **done[-2]["fold"],
        **done[-1]["month_end"],
    }


class ListingRenderers:
    """Two processes that render a day's census from the World, one for the models older
    than the world's middle model and one for the newer ones, so that both cores render and
    each keeps its models cached from one day to the next. Each writes its half as listing
    pages the way the census writes the pages it fetches (`commit_page`: the items are
    decoded from the JSON the simulated Hub would serve); the census's own `finalize`
    compacts them into the day's listing and manifest."""

    def __init__(self, world: World):
        context = multiprocessing.get_context("spawn")
        middle = world.models_at // 2
        self._pipes, self._processes = [], []
        for first_page, low, high in ((1, middle, None), (OLDER_HALF_FIRST_PAGE, 0, middle)):
            parent, child = context.Pipe()
            process = context.Process(target=_render, daemon=True,
                                      args=(world.seed, world.models_at, world.anchor, low, high, first_page, child))
            process.start()
            child.close()
            self._pipes.append(parent)
            self._processes.append(process)

    def census(self, paths: Paths, day: date) -> SnapshotRecord:
        work = paths.in_progress / day.isoformat()
        start_work(work)
        halves = [work / f"half-{k}" for k in range(len(self._pipes))]
        for pipe, half in zip(self._pipes, halves):
            pipe.send((day, half))
        checkpoints = [pipe.recv() for pipe in self._pipes]
        for half in halves:
            for folder in ("pages", "quarantine"):
                for page in (half / folder).iterdir():
                    page.rename(work / folder / page.name)
            shutil.rmtree(half)
        # the halves' page counts, not their last page numbers (the older half's start high)
        whole = replace(checkpoints[0], pages=len(list((work / "pages").iterdir())),
                        rows=sum(c.rows for c in checkpoints), quarantined=sum(c.quarantined for c in checkpoints))
        return finalize(paths, work, whole, complete=True)

    def __enter__(self) -> ListingRenderers:
        return self

    def __exit__(self, *exc) -> None:
        for pipe in self._pipes:
            pipe.close()  # a renderer ends when its pipe closes
        for process in self._processes:
            process.join(10)
            process.terminate()


def _render(seed: int, models_at: int, anchor: date, low: int, high: int | None, first_page: int, pipe) -> None:
    """Render the census of each day sent through `pipe` for the models `low` to just
    `high` (None: the newest) into the folder sent with it; answer with its checkpoint."""
    world = World(seed=seed, models_at=models_at, anchor=anchor, models_cached=None)
    while True:
        try:
            day, work = pipe.recv()
        except EOFError:
            return
        pipe.send(_render_day(world, day, low, high, work, first_page))


def _render_day(world: World, day: date, low: int, high: int | None, work: Path, first_page: int) -> Checkpoint:
    """The listing of `day` for the models `low` to just `high`, newest first, as the
    simulated Hub serves it (both walk `World.listing`), in pages of PAGE_SIZE items."""
    start_work(work)
    hub_time = midnight(day)
    checkpoint = Checkpoint(day.isoformat(), "world (rendered, no HTTP)", hub_time.isoformat(), hub_time.isoformat(),
                            next_url=None)
    items, number = [], first_page

    def commit() -> None:
        body = json.dumps(items, separators=(",", ":")).encode()
        page = Page(url=f"world:{day}/{number}", items=decode_page(body), next_url=None, hub_time=hub_time, retries=0)
        commit_page(work, checkpoint, page, number)

    for i in world.listing(day, oldest=low, below=high):
        items.append(world.item(i, day, EXPAND))
        if len(items) == PAGE_SIZE:
            commit()
            items, number = [], number + 1
    if items:
        commit()
    return checkpoint


def _finished_days(home: Path, world: World) -> list[dict]:
    """The days an earlier run of the same world finished in `home`, marked as resumed."""
    home.mkdir(parents=True, exist_ok=True)
    world_file, progress = home / "world.json", home / "days.jsonl"
    this_world = {"seed": world.seed, "models_at": world.models_at, "anchor": world.anchor.isoformat(),
                  "benchmark": BENCHMARK_VERSION}
    if not world_file.exists():
        world_file.write_text(json.dumps(this_world))
    elif json.loads(world_file.read_text()) != this_world:
        raise SystemExit(f"{home} holds an unfinished storage run of another world or benchmark "
                         f"({world_file.read_text()}, not {json.dumps(this_world)}): "
                         "rerun it with its own --scale, or remove the folder")
    if not progress.exists():
        return []
    return [json.loads(line) | {"resumed": True} for line in progress.read_text().splitlines()]


def _step(step: str, paths: Paths, day: date) -> dict:
    """One of `archive_step`'s month-end steps, in a process of its own."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.archive_step", step, str(paths.home), str(day)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])
