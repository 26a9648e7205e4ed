"""Importing historical snapshots from files in the public `hub-stats` `models.parquet` format,
so a user's history need not start the day they install hubcensus.

Each file is one day's full listing; its rows go through the same parsing (and quarantine)
as the Hub's JSON items, and become that day's census folder, as if crawled.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .census import Checkpoint, SnapshotRecord, commit_page, finalize, start_work
from .hub_client import Page
from .settings import Paths

REQUIRED_COLUMNS = (
    "id", "author", "createdAt", "downloads", "downloadsAllTime", "likes", "trendingScore", "tags",
    "pipeline_tag", "library_name", "gated", "baseModels", "safetensors",
)
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
BATCH = 1000


class ImportProblem(ValueError):
    """An import file that cannot be used: the message names it and why."""


def dated_files(folder: Path) -> dict[date, Path]:
    """The Parquet files of `folder`, by the date in their name (models-2025-06-01.parquet)."""
    if not folder.is_dir():
        raise ImportProblem(f"import folder {folder} does not exist")
    found: dict[date, Path] = {}
    for path in sorted(folder.glob("*.parquet")):
        match = _DATE_IN_NAME.search(path.name)
        if not match:
            raise ImportProblem(f"{path}: no date (YYYY-MM-DD) in the file name, so its day is unknown")
        try:
            day = date.fromisoformat(match.group(1))
        except ValueError:
            raise ImportProblem(f"{path}: {match.group(1)} is not a date") from None
        if day in found:
            raise ImportProblem(f"{path} and {found[day]} are both for {day}")
        found[day] = path
    return found


def check_file(path: Path) -> None:
    """Raise ImportProblem unless `path` is a Parquet file with the hub-stats columns."""
    try:
        names = set(pq.read_schema(path).names)
    except (pa.ArrowInvalid, OSError) as err:
        raise ImportProblem(f"{path}: not a readable Parquet file ({err})") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise ImportProblem(f"{path}: not in the hub-stats models.parquet format, missing columns {', '.join(missing)}")


def import_snapshot(paths: Paths, path: Path, day: date) -> SnapshotRecord:
    """Make `path` the census of `day` (replacing any), streaming it batch by batch."""
    check_file(path)
    work = paths.in_progress / f"import-{day.isoformat()}"
    start_work(work)
    stamp = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)  # the file's hour is unknown
    endpoint = f"import:{path.resolve()}"
    checkpoint = Checkpoint(day.isoformat(), endpoint, started_at=stamp.isoformat(), finished_at=stamp.isoformat(),
                            next_url=None)
    source = pq.ParquetFile(path)
    for number, batch in enumerate(source.iter_batches(batch_size=BATCH, columns=list(REQUIRED_COLUMNS)), start=1):
        items = [_as_hub_item(row) for row in batch.to_pylist()]
        commit_page(work, checkpoint, Page(url=endpoint, items=items, next_url=None, hub_time=stamp, retries=0), number)
    return finalize(paths, work, checkpoint, complete=True)


def _as_hub_item(row: dict) -> dict:
    """A hub-stats row as the Hub's JSON item: nested columns may be structs or JSON text,
    timestamps may be typed or text."""
    item = dict(row)
    created = item.get("createdAt")
    if isinstance(created, datetime):
        moment = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
        item["createdAt"] = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    for key in ("baseModels", "safetensors"):
        value = item.get(key)
        if isinstance(value, str):
            try:
                item[key] = json.loads(value) if value else None
            except ValueError:
                pass  # left as text: parsing quarantines the row with the reason
    gated = item.get("gated")
    if isinstance(gated, str) and gated.lower() in ("false", "true"):
        item["gated"] = gated.lower() == "true"
    if isinstance(item.get("safetensors"), dict):
        parameters = item["safetensors"].get("parameters")
        if isinstance(parameters, list):  # a Parquet map reads as [(key, value), ...]
            parameters = dict(parameters)
        if isinstance(parameters, dict):  # a Parquet struct has every dtype, null where absent
            parameters = {dtype: count for dtype, count in parameters.items() if count is not None}
        item["safetensors"] = {**item["safetensors"], "parameters": parameters}
    return {key: value for key, value in item.items() if value is not None}
