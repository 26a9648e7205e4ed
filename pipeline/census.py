"""The daily census: every model on the Hub, streamed page by page into Parquet.

A crawl works in `census/_in_progress/<hub date>/`: each listing page becomes its own
Parquet file, then a checkpoint (`checkpoint.json`: next page URL and counts) is replaced
atomically. A page is durable once the checkpoint names it, so a crawl killed anywhere
resumes from its last durable page when run again the same (Hub) day, and pages written
after that checkpoint are discarded. A finished crawl is compacted, de-duplicated on
`model_id`, into `census/date=<day>/` (replacing that day's earlier census, if any), with
`snapshot.json` recording how it went. The crawl holds a few pages at a time, whatever the
Hub's size.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .files import fsync_and_replace, write_atomically
from .hub_client import PAGE_SIZE, HubError, HubLister, Page, first_page_url
from .records import QUARANTINE_SCHEMA, parse_page
from .settings import Paths, hub_endpoint

log = logging.getLogger(__name__)
CHECKPOINT = "checkpoint.json"
FETCHED = "fetched_urls.txt"  # the URL of every page written, one a line, in page order
MANIFEST = "snapshot.json"
# A listing walked to its end that holds fewer models than this share of the newest complete
# census of the week before is kept, but marked incomplete: the Hub only grows, by well under
# 1% a day, so such a drop is an outage or a cut-off listing, not the Hub (README).
MIN_SHARE_OF_PREVIOUS = 0.9
BASELINE_DAYS = 7


@dataclass
class Checkpoint:
    """A crawl's durable progress: everything up to page `pages` is on disk."""

    snapshot_date: str
    endpoint: str
    started_at: str
    finished_at: str
    next_url: str | None
    pages: int = 0
    rows: int = 0
    quarantined: int = 0
    retries: int = 0

    @classmethod
    def load(cls, work: Path) -> Checkpoint | None:
        try:
            return cls(**json.loads((work / CHECKPOINT).read_text()))
        except FileNotFoundError:
            return None

    def save(self, work: Path) -> None:
        write_atomically(work / CHECKPOINT, json.dumps(asdict(self), indent=1).encode())


@dataclass
class SnapshotRecord:
    """One census, as `snapshot.json` and the `snapshots` table record it."""

    snapshot_date: str
    started_at: str
    finished_at: str
    endpoint: str
    models: int
    pages: int
    retries: int
    quarantined: int
    complete: bool
    incomplete_reason: str | None = None


ProgressCallback = Callable[[Checkpoint], None]


def run_census(
    paths: Paths,
    endpoint: str | None = None,
    *,
    lister: HubLister | None = None,
    page_size: int = PAGE_SIZE,
    on_page: ProgressCallback | None = None,
) -> SnapshotRecord:
    """Census the Hub into `paths.census`, resuming today's interrupted crawl if any.

    Raises `HubError` when a page cannot be fetched after bounded retries; the pages
    already fetched stay durable, and the next run resumes after them.
    """
    endpoint = hub_endpoint(endpoint)
    lister = lister or HubLister()
    start_url = first_page_url(endpoint, page_size)
    first = lister.fetch(start_url, 1)  # also tells the Hub's date, which names the crawl
    day = first.hub_time.date().isoformat()
    close_stale_crawls(paths, today=day)
    work = paths.in_progress / day
    checkpoint = Checkpoint.load(work)
    if checkpoint is not None and checkpoint.endpoint == endpoint:
        log.info("resuming the census of %s after page %d", day, checkpoint.pages)
        _discard_pages_after(work, checkpoint.pages)
        checkpoint.retries += first.retries
        in_hand = None  # a resumed crawl goes on from its checkpoint, not from the date probe
    else:
        start_work(work)
        stamp = first.hub_time.isoformat()
        checkpoint = Checkpoint(day, endpoint, started_at=stamp, finished_at=stamp, next_url=start_url)
        in_hand = first
    fetched = _fetched_urls(work, checkpoint.pages)
    lookahead = Lookahead(lister, fetched, in_hand)
    try:
        while checkpoint.next_url is not None:
            number = checkpoint.pages + 1
            page = lookahead.take(checkpoint.next_url, number)
            fetched[page.url] = number
            if page.next_url in fetched:  # following it would list the same models again, forever
                raise HubError(f"listing page {number} links back to page {fetched[page.next_url]}: "
                               f"the Hub's cursor loops ({page.next_url})")
            if page.next_url:
                lookahead.request(page.next_url, number + 1)
            commit_page(work, checkpoint, page, number)
            if on_page:
                on_page(checkpoint)
    finally:
        lookahead.close()
    return finalize(paths, work, checkpoint, complete=True)


class Lookahead:
    """The listing pages requested ahead of the one being written, by URL.

    A page's request goes out as soon as the page before it has sent its headers (its `Link`
    names the next page), while that page's body is still arriving and the page before is
    being written: under a rate limit or a slow Hub, only the Hub's latency is serial. At
    most `DEPTH` pages beyond the one being written are requested, so memory stays bounded
    when writing is the slower side. A URL already written is never requested again (the
    crawl stops on such a loop)."""

    DEPTH = 2
    # While the main thread parses and writes a page (Python code holding the GIL), a page's
    # headers wait for the GIL before the next request can go: up to the interpreter's switch
    # interval, 5 ms by default, added to every page of a latency-bound crawl. 1 ms instead.
    SWITCH_INTERVAL = 0.001

    def __init__(self, lister: HubLister, written: dict[str, int], fetched: Page | None = None):
        self._lister = lister
        self._written = written
        self._requested: dict[str, Future[Page]] = {}
        if fetched:  # a page already in hand
            self._requested[fetched.url] = Future()
            self._requested[fetched.url].set_result(fetched)
        self._taking = 0  # the number of the page being taken (and then written)
        self._lock = threading.Lock()
        self._closed = False
        self._pool = ThreadPoolExecutor(max_workers=self.DEPTH, thread_name_prefix="lookahead")
        self._switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(self.SWITCH_INTERVAL)

    def request(self, url: str, number: int) -> None:
        with self._lock:
            if self._closed or url in self._requested or url in self._written or number > self._taking + self.DEPTH:
                return
            self._requested[url] = self._pool.submit(
                self._lister.fetch, url, number, lambda next_url: self.request(next_url, number + 1))

    def take(self, url: str, number: int) -> Page:
        """Page `number`, at `url`: requested now if it was not already."""
        self._taking = number
        self.request(url, number)
        with self._lock:
            fetching = self._requested.pop(url)
        return fetching.result()

    def close(self) -> None:
        """Stop requesting; a failed crawl does not wait for the pages in flight."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        sys.setswitchinterval(self._switch_interval)


def start_work(work: Path) -> None:
    """An empty work folder for a new crawl (or import): its pages and quarantine files."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "pages").mkdir(parents=True)
    (work / "quarantine").mkdir()


def commit_page(work: Path, checkpoint: Checkpoint, page: Page, number: int) -> None:
    rows, bad = parse_page(page.items, number)
    _write_parquet(rows, work / "pages" / f"{number:07d}.parquet")
    if bad.num_rows:
        _write_parquet(bad, work / "quarantine" / f"{number:07d}.parquet")
        log.warning("page %d: %d item(s) quarantined, first: %s", number, bad.num_rows, bad["reason"][0])
    checkpoint.pages = number
    checkpoint.rows += rows.num_rows
    checkpoint.quarantined += bad.num_rows
    checkpoint.retries += page.retries
    checkpoint.next_url = page.next_url
    checkpoint.finished_at = page.hub_time.isoformat()
    with open(work / FETCHED, "a") as fetched:  # so a resumed crawl still knows a loop
        fetched.write(page.url + "\n")
    checkpoint.save(work)  # the page is durable from here on


def _fetched_urls(work: Path, pages: int) -> dict[str, int]:
    """URL -> page number of the pages already durable."""
    try:
        lines = (work / FETCHED).read_text().splitlines()
    except FileNotFoundError:
        return {}
    if len(lines) > pages:  # a killed run's line for a page it never made durable
        lines = lines[:pages]
        write_atomically(work / FETCHED, "".join(f"{url}\n" for url in lines).encode())
    return {url: number for number, url in enumerate(lines, start=1)}


def _discard_pages_after(work: Path, pages: int) -> None:
    """Drop files a killed crawl wrote after its last checkpoint."""
    for folder in ("pages", "quarantine"):
        for path in (work / folder).iterdir():
            if not path.name.endswith(".parquet") or int(path.name.split(".")[0]) > pages:
                path.unlink()


def close_stale_crawls(paths: Paths, today: str) -> list[SnapshotRecord]:
    """A crawl left unfinished on an earlier day cannot resume (the Hub serves only today's
    counters): keep what it fetched as an incomplete census of its day."""
    closed = []
    if paths.in_progress.exists():
        for work in sorted(paths.in_progress.iterdir()):
            checkpoint = Checkpoint.load(work)
            if work.name == today:
                continue
            if checkpoint is None or checkpoint.pages == 0:
                shutil.rmtree(work)
                continue
            _discard_pages_after(work, checkpoint.pages)
            log.warning("the census of %s stopped after page %d: kept as incomplete", work.name, checkpoint.pages)
            closed.append(finalize(paths, work, checkpoint, complete=checkpoint.next_url is None))
    return closed


def finalize(paths: Paths, work: Path, checkpoint: Checkpoint, *, complete: bool) -> SnapshotRecord:
    """Compact a crawl's pages into `census/date=<day>/`, replacing that day's census."""
    target = paths.census_day(checkpoint.snapshot_date)
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    compact(sorted((work / "pages").glob("*.parquet")), staging / "models.parquet")
    quarantined = sorted((work / "quarantine").glob("*.parquet"))
    bad = pa.concat_tables([pq.read_table(p, schema=QUARANTINE_SCHEMA) for p in quarantined]) if quarantined \
        else QUARANTINE_SCHEMA.empty_table()
    pq.write_table(bad, staging / "quarantine.parquet", compression="zstd")
    models = pq.ParquetFile(staging / "models.parquet").metadata.num_rows
    reason = _shrunk(paths, checkpoint.snapshot_date, models) if complete else \
        f"the listing stopped after page {checkpoint.pages}"
    if reason:
        log.warning("the census of %s is incomplete: %s", checkpoint.snapshot_date, reason)
    record = SnapshotRecord(
        snapshot_date=checkpoint.snapshot_date,
        started_at=checkpoint.started_at,
        finished_at=checkpoint.finished_at,
        endpoint=checkpoint.endpoint,
        models=models,
        pages=checkpoint.pages,
        retries=checkpoint.retries,
        quarantined=bad.num_rows,
        complete=reason is None,
        incomplete_reason=reason,
    )
    write_atomically(staging / MANIFEST, json.dumps(asdict(record), indent=1).encode())
    replaced = target.with_name(target.name + ".replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if target.exists():
        target.rename(replaced)
    staging.rename(target)
    shutil.rmtree(replaced, ignore_errors=True)
    shutil.rmtree(work)
    return record


def compact(pages: list[Path], target: Path) -> None:
    """The pages as one zstd Parquet file, in crawl order, keeping each model's first row:
    keyset paging on createdAt never repeats an id, but a crawl that the Hub re-sorted under
    us might. Streamed: it holds the ids, not the rows (BENCHMARKS.md: 231 MiB for 1M models)."""
    (
        pl.scan_parquet(pages)
        .unique(subset="model_id", keep="first", maintain_order=True)
        .sink_parquet(target, compression="zstd")
    )


def _shrunk(paths: Paths, day: str, models: int) -> str | None:
    """Why a census of `models` models is too small to be complete, if it is."""
    snapshot_date = date.fromisoformat(day)
    for earlier in reversed(paths.finished_census_days()):
        if earlier >= snapshot_date:
            continue
        if earlier < snapshot_date - timedelta(days=BASELINE_DAYS):
            break
        previous = json.loads((paths.census_day(earlier.isoformat()) / MANIFEST).read_text())
        if previous["complete"]:
            if models < MIN_SHARE_OF_PREVIOUS * previous["models"]:
                return (f"{models:,} models, fewer than {MIN_SHARE_OF_PREVIOUS:.0%} of the "
                        f"{previous['models']:,} of the census of {earlier}")
            return None
    return None


def _write_parquet(table: pa.Table, path: Path) -> None:
    """A crawl's page file: written for speed, since `finalize` compacts the pages with zstd."""
    temporary = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(temporary, table.schema, compression="lz4", use_dictionary=False,
                          write_statistics=False) as writer:
        writer.write_table(table)
    fsync_and_replace(temporary, path)

