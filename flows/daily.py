"""The daily census flow: census the Hub into Parquet, load it into DuckDB, classify, refresh
the metrics, move the listing into the archive, and publish the report and the run's artifacts."""

from __future__ import annotations

import base64
from dataclasses import asdict
from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_link_artifact,
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.archive import archive_censuses, unarchived_censuses
from pipeline.attribution import classify, coverage
from pipeline.census import SnapshotRecord, run_census
from pipeline.hub_client import HubRefused
from pipeline.locking import exclusive
from pipeline.metrics import refresh_metrics
from pipeline.report import PNG_CHARTS, build_report
from pipeline.settings import Paths, is_storage_problem
from pipeline.summary import daily_summary, headline_rows
from pipeline.warehouse import connect, load_census, open_db, staged, unloaded_censuses


def _previous_census_size(paths: Paths) -> int | None:
    if not paths.warehouse.exists():
        return None
    with connect(paths, read_only=True) as con:
        row = con.execute("SELECT models FROM snapshots WHERE complete ORDER BY snapshot_date DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _worth_retrying(task, task_run, state) -> bool:
    # A bad token stays bad, and a full or read-only disk stays so until someone acts.
    return not isinstance(state.data, HubRefused) and not is_storage_problem(state.data)


# A crawl resumes from its last durable page, so retrying the whole task loses nothing;
# the delays let an outage or a spent rate-limit window pass.
@task(retries=3, retry_delay_seconds=[30, 120, 600], retry_condition_fn=_worth_retrying)
def census(home: str, endpoint: str | None) -> SnapshotRecord:
    paths = Paths.from_env(home)
    columns = (TextColumn("census {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    expected = _previous_census_size(paths)
    # In the Prefect UI: percent of the last census's size (capped at 99 until done).
    artifact = create_progress_artifact(0.0, key="census-progress", description="Models listed so far")
    shown = [0.0]
    with exclusive(paths.home / "census.lock", "a census"), Progress(*columns) as progress:
        # The bar's length is the last census's size, until this one outgrows it.
        bar = progress.add_task("page 1", total=expected)

        def show(checkpoint):
            total = max(progress.tasks[0].total or 0, checkpoint.rows)
            description = f"{checkpoint.snapshot_date} page {checkpoint.pages}"
            progress.update(bar, completed=checkpoint.rows, total=total, description=description)
            percent = min(99.0, 100.0 * checkpoint.rows / expected) if expected else 0.0
            if percent - shown[0] >= 1:  # one API call per percent, not per page
                update_progress_artifact(artifact, percent)
                shown[0] = percent

        record = run_census(paths, endpoint, on_page=show)
    update_progress_artifact(artifact, 100.0)
    return record


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=_worth_retrying)
def load(db: str, home: str, record: SnapshotRecord) -> date:
    """Load today's census, and any earlier one not loaded yet; the oldest day loaded."""
    paths = Paths.from_env(home)
    with open_db(Path(db)) as con:
        days = sorted({date.fromisoformat(record.snapshot_date), *unloaded_censuses(con, paths)})
        for day in days:
            load_census(con, paths, day)
    return days[0]


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=_worth_retrying)
def archive(home: str) -> list[date]:
    """Move the loaded censuses' listings into the monthly archive; the days moved."""
    paths = Paths.from_env(home)
    with exclusive(paths.home / "census.lock", "the census store"):
        days = unarchived_censuses(paths)
        archive_censuses(paths, days)
    return days


@task
def classify_models(db: str, home: str, snapshot_date: str) -> dict[str, float]:
    """Registry + overrides into `orgs`, lineage into `model_lineage`; the day's coverage."""
    logger = get_run_logger()
    with open_db(Path(db)) as con:
        for problem in classify(con, Path(home)):
            logger.warning("override skipped: %s", problem)
        return coverage(con, date.fromisoformat(snapshot_date))


@task(retries=2, retry_delay_seconds=10, retry_condition_fn=_worth_retrying)
def refresh(db: str, changed: date) -> None:
    """Daily downloads from the census before `changed` on, then every share table."""
    with open_db(Path(db)) as con:
        refresh_metrics(con, changed)


@task
def publish_run(home: str, record: SnapshotRecord, known: dict[str, float]) -> str:
    """The run's markdown summary (with the key charts), its country-share table and the
    report's link, as Prefect artifacts."""
    paths = Paths.from_env(home)
    with connect(paths, read_only=True) as con:
        summary = daily_summary(con, record, known)
        table = headline_rows(con, top=50)
        charts = build_report(con, paths.report.parent)
    for name in PNG_CHARTS:  # the PNGs travel inside the artifact: the UI cannot read local files
        encoded = base64.b64encode(charts[name].read_bytes()).decode()
        summary += f"\n\n![{name}](data:image/png;base64,{encoded})"
    create_markdown_artifact(summary, key="daily-summary", description=f"hubcensus {record.snapshot_date}")
    if table:
        create_table_artifact(table, key="country-shares",
                              description="Share of downloads of new models by country, 365 days")
    create_link_artifact(paths.report.as_uri(), link_text="hubcensus report", key="report")
    return summary


@flow(name="daily-census", log_prints=True)
def daily_census(home: str | None = None, endpoint: str | None = None) -> dict:
    """Census every model on the Hub, load the day into the warehouse, classify every model
    and refresh the metrics."""
    home = str(Paths.from_env(home).home)
    record = census(home, endpoint)
    # Writers take turns (the staged session holds the warehouse's lock); the crawl went
    # ahead meanwhile. Readers see the new day when the staged copy is published.
    with staged(Paths.from_env(home)) as db:
        oldest_loaded = load(str(db), home, record)
        known = classify_models(str(db), home, record.snapshot_date)
        refresh(str(db), oldest_loaded)
    # After the load is published: a listing is archived only once the warehouse has it.
    archive(home)
    publish_run(home, record, known)
    state = "complete" if record.complete else f"INCOMPLETE: {record.incomplete_reason}"
    print(
        f"census {record.snapshot_date} ({state}): {record.models:,} models in {record.pages:,} pages, "
        f"{record.retries} retries, {record.quarantined} quarantined; warehouse {Paths.from_env(home).warehouse}\n"
        f"coverage (share of 30-day downloads with a known country): "
        + ", ".join(f"{attribution} {share:.1%}" for attribution, share in known.items())
    )
    return {**asdict(record), "coverage": known}
