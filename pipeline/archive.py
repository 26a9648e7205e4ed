"""The census archive: every day's full listing, kept about 25 times smaller than the
listings themselves, from which any day's listing is rebuilt exactly (`write_listing`).

A day's listing repeats each model's metadata (id, tags, lineage, dates), which changes a
few times a year, and counters that move by a little each day. So the archive keeps one
Parquet file per month, `census/month=YYYY-MM.parquet`, with a row per model per day
listed, sorted by model id then day:

- `model_id`, `day`;
- `new_version`: true on the first row of a model and wherever its metadata changed; the
  metadata columns (the listing's other columns) are filled on those rows only, and hold
  for the model's later rows until its next version;
- `downloads_all_time`, `downloads_30d`, `likes`, `last_modified` (epoch milliseconds) as
  the difference from the model's previous row: the value itself on a model's first row
  and after a null;
- `trending_score` as served (a float: differences would not round-trip exactly).

The rows are cut into groups by fixed ranges of model ids (`MODELS_PER_GROUP` models each,
from the month's first day), so that adding or replacing days rewrites the month one
group at a time, in bounded memory. A listing's row order is the Hub's paging order, not
data: a rebuilt listing is sorted by model id.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .files import fsync_and_replace
from .records import CENSUS_SCHEMA
from .settings import Paths

MODELS_PER_GROUP = 8192
DIFFERENCED = ("downloads_all_time", "downloads_30d", "likes", "last_modified")
METADATA = tuple(name for name in CENSUS_SCHEMA.names
                 if name not in ("model_id", *DIFFERENCED, "trending_score"))
ARCHIVE_SCHEMA = pa.schema([
    CENSUS_SCHEMA.field("model_id"),
    pa.field("day", pa.date32(), nullable=False),
    pa.field("new_version", pa.bool_(), nullable=False),
    *(pa.field(name, pa.int64()) for name in DIFFERENCED),
    CENSUS_SCHEMA.field("trending_score"),
    *(CENSUS_SCHEMA.field(name) for name in METADATA),
])
# Sorted rows make long runs of equal values and small differences. Chosen on 30 days of
# the simulated Hub (BENCHMARKS.md, 3.): dictionaries for the columns that repeat, byte
# streams split for the smallest numbers, and zstd level 15 (19 saves 2% more, at 6x the time).
WRITER_OPTIONS = {
    "compression": "zstd",
    "compression_level": 15,
    "use_dictionary": ["model_id", "day", "namespace", "tags", "pipeline_tag", "library_name", "gated",
                       "base_relation", "base_models", "params_by_dtype"],
    "column_encoding": {name: "BYTE_STREAM_SPLIT" for name in ("downloads_all_time", "likes", "trending_score")},
}


def month_file(paths: Paths, day: date) -> Path:
    return paths.census / f"month={day:%Y-%m}.parquet"


def archived_days(paths: Paths, day: date) -> list[date]:
    """The days of `day`'s month held in the archive."""
    path = month_file(paths, day)
    return [date.fromisoformat(d) for d in _read_meta(pq.ParquetFile(path))["days"]] if path.exists() else []


def archive_days(paths: Paths, listings: Mapping[date, Path]) -> None:
    """Put each listing (a census's models.parquet) in the archive as the listing of its
    day, replacing any listing of that day already there; the days are of one month, whose
    file is rewritten once, atomically, not once per day (at 2.5M models, 29 days in 24
    minutes, where the 30th day alone takes 5: BENCHMARKS.md, 3.). The caller holds the
    census lock (`census.lock`)."""
    if len({(day.year, day.month) for day in listings}) != 1:
        raise ValueError(f"archive_days takes the days of one month, not {sorted(map(str, listings))}")
    first_day = min(listings)
    target = month_file(paths, first_day)
    old = pq.ParquetFile(target) if target.exists() else None
    meta = _read_meta(old) if old else {"bounds": _bounds(listings[first_day]), "days": [], "groups": []}
    bounds = pl.Series(meta["bounds"], dtype=pl.String)
    work = paths.scratch / "archive"  # the census lock's holder's alone: a dead run's is stale
    shutil.rmtree(work, ignore_errors=True)
    try:
        for day, listing in listings.items():
            _split(listing, day, bounds, work / "days")
        old_groups = dict(zip(meta["groups"], range(len(meta["groups"]))))
        # The daily case: days after every archived one leave the archived rows as they are.
        appending = all(date.fromisoformat(archived) < first_day for archived in meta["days"])
        days = sorted({*meta["days"], *(day.isoformat() for day in listings)})
        groups = []
        temporary = target.with_name(target.name + ".tmp")
        with pq.ParquetWriter(temporary, ARCHIVE_SCHEMA, **WRITER_OPTIONS) as writer:
            for group in range(len(bounds) + 1):
                archived = old.read_row_group(old_groups[group]) if group in old_groups else None
                folder = work / "days" / str(group)
                added = _as_rows(pl.read_parquet(str(folder / "*.parquet"))) if folder.exists() else None
                if archived is None and added is None:
                    continue
                rows = _appended(archived, added, first_day) if appending else _merged(archived, added, listings)
                if rows.num_rows:
                    writer.write_table(rows, row_group_size=rows.num_rows)
                    groups.append(group)
            writer.add_key_value_metadata(
                {"hubcensus": json.dumps({"bounds": meta["bounds"], "days": days, "groups": groups})})
        fsync_and_replace(temporary, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # not yet made if the first split failed


def write_listing(paths: Paths, day: date, target: Path) -> int:
    """Rebuild the listing of `day` from the archive as a census models.parquet (sorted by
    model id) at `target`; the number of models. Raises LookupError if it is not archived."""
    if day not in archived_days(paths, day):
        raise LookupError(f"the archive has no listing of {day}")
    month = pq.ParquetFile(month_file(paths, day))
    models = 0
    with pq.ParquetWriter(target, CENSUS_SCHEMA, compression="zstd") as writer:
        for group in range(month.num_row_groups):
            rows = _decode(month.read_row_group(group), day)
            writer.write_table(rows.select(CENSUS_SCHEMA.names).to_arrow().cast(CENSUS_SCHEMA))
            models += rows.height
    return models


@contextmanager
def day_listing(paths: Paths, day: date) -> Iterator[Path]:
    """The full listing of a finished census: its models.parquet while the census is not
    archived yet, else a copy rebuilt from the archive for the time of the `with`."""
    fresh = paths.census_day(day.isoformat()) / "models.parquet"
    if fresh.exists():
        yield fresh
        return
    (paths.scratch / "listing").mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{day}-", dir=paths.scratch / "listing"))
    try:
        write_listing(paths, day, work / "models.parquet")
        yield work / "models.parquet"
    finally:
        shutil.rmtree(work)


def unarchived_censuses(paths: Paths) -> list[date]:
    """Finished censuses whose listing is still a models.parquet of its own, oldest first."""
    return [day for day in paths.finished_census_days()
            if (paths.census_day(day.isoformat()) / "models.parquet").exists()]


def archive_censuses(paths: Paths, days: list[date]) -> None:
    """Move finished censuses' listings into the archive, each month's days at once.
    Re-running it after a crash archives the same listings again: the result is the same."""
    for month in sorted({(day.year, day.month) for day in days}):
        listings = {day: paths.census_day(day.isoformat()) / "models.parquet"
                    for day in days if (day.year, day.month) == month}
        archive_days(paths, listings)
        for listing in listings.values():
            listing.unlink()


def _read_meta(month: pq.ParquetFile) -> dict:
    return json.loads(month.metadata.metadata[b"hubcensus"])


def _bounds(listing: Path) -> list[str]:
    """Every MODELS_PER_GROUP-th model id of the listing: the groups' fixed boundaries."""
    ids = pl.scan_parquet(listing).select("model_id").sort("model_id").collect()["model_id"]
    return ids.gather_every(MODELS_PER_GROUP, offset=MODELS_PER_GROUP).to_list()


def _split(listing: Path, day: date, bounds: pl.Series, folder: Path) -> None:
    """The listing's rows, with their day, into folder/<group>/, streamed batch by batch."""
    source = pq.ParquetFile(listing)

    def batches():
        for batch in source.iter_batches(batch_size=65_536):
            group = bounds.search_sorted(pl.Series(batch.column("model_id")), side="right").cast(pl.Int32)
            yield (batch.append_column("group", group.to_arrow())
                   .append_column("day", pa.array([day] * batch.num_rows, pa.date32())))

    schema = source.schema_arrow.append(pa.field("group", pa.int32())).append(pa.field("day", pa.date32()))
    ds.write_dataset(pa.RecordBatchReader.from_batches(schema, batches()), folder, format="parquet",
                     partitioning=ds.partitioning(pa.schema([pa.field("group", pa.int32())])),
                     basename_template=f"{day}-{{i}}.parquet", existing_data_behavior="overwrite_or_ignore")


def _as_rows(listings: pl.DataFrame) -> pl.DataFrame:
    """Listings' rows as decoded archive rows: the census columns and the day."""
    return listings.select(*CENSUS_SCHEMA.names, "day")


def _first_of_model() -> pl.Expr:
    return pl.col("model_id").ne_missing(pl.col("model_id").shift(1))


def _encode(rows: pl.DataFrame) -> pa.Table:
    """Decoded rows, sorted by model id and day, as archive rows."""
    first = _first_of_model()
    metadata = pl.struct(METADATA)
    rows = rows.with_columns(pl.col("last_modified").dt.epoch("ms"))
    encoded = rows.select(
        "model_id", "day",
        new_version=first | metadata.ne_missing(metadata.shift(1)),
        **{name: pl.when(first | pl.col(name).shift(1).is_null()).then(pl.col(name))
           .otherwise(pl.col(name) - pl.col(name).shift(1)) for name in DIFFERENCED},
        trending_score=pl.col("trending_score"),
    ).with_columns(pl.when(pl.col("new_version")).then(rows[name]).alias(name) for name in METADATA)
    return encoded.to_arrow().cast(ARCHIVE_SCHEMA)


def _appended(archived: pa.Table | None, added: pl.DataFrame | None, first_day: date) -> pa.Table:
    """A group's archived rows with the decoded rows of later days (`first_day` on) added:
    the new rows encoded against each model's last archived row, the archived rows kept as
    they are."""
    if added is None:
        return archived.cast(ARCHIVE_SCHEMA)
    if archived is None:
        return _encode(added.sort("model_id", "day"))
    last_rows = _decode_last_rows(archived)
    new_rows = _encode(pl.concat([last_rows, added]).sort("model_id", "day")).filter(pc.field("day") >= first_day)
    return pa.concat_tables([archived.cast(ARCHIVE_SCHEMA), new_rows]).sort_by([("model_id", "ascending"),
                                                                                ("day", "ascending")])


def _merged(archived: pa.Table | None, added: pl.DataFrame | None, days: Iterable[date]) -> pa.Table:
    """A group's archived rows with the added days' rows put in place of any archived ones
    of those days: every row decoded and encoded again."""
    kept = [] if archived is None else [_decode(archived).filter(~pl.col("day").is_in(list(days)))]
    return _encode(pl.concat([*kept, *([] if added is None else [added])]).sort("model_id", "day"))


def _running_values(rows: pl.DataFrame) -> pl.DataFrame:
    """Archive rows with the differenced counters summed back to each day's values."""
    first = _first_of_model()
    return rows.with_columns(**{
        # A run restarts at a model's first row and after a null: its first value is whole.
        name: pl.col(name).cum_sum().over((first | pl.col(name).shift(1).is_null()).cum_sum())
        for name in DIFFERENCED
    }).with_columns(pl.col("last_modified").cast(pl.Datetime("ms", "UTC")))


def _decode(group: pa.Table, day: date | None = None) -> pl.DataFrame:
    """Archive rows as decoded rows (those of `day` alone if given): each day's values and
    metadata, in archive order."""
    rows = pl.from_arrow(group).with_columns(version=pl.col("new_version").cum_sum())
    versions = rows.filter("new_version").select("version", *METADATA)
    values = _running_values(rows.drop(*METADATA))
    if day is not None:
        values = values.filter(pl.col("day") == day)
    return (
        values.join(versions, on="version", how="left", maintain_order="left")
        .select(*CENSUS_SCHEMA.names, "day")
    )


def _decode_last_rows(group: pa.Table) -> pl.DataFrame:
    """Each model's last archived row, decoded, without decoding the others' metadata."""
    rows = pl.from_arrow(group)
    last_of_model = pl.col("model_id").ne_missing(pl.col("model_id").shift(-1))
    values = _running_values(rows.drop(*METADATA)).filter(last_of_model)
    versions = rows.filter("new_version").filter(last_of_model).select("model_id", *METADATA)
    return values.join(versions, on="model_id", how="left", maintain_order="left").select(*CENSUS_SCHEMA.names, "day")
