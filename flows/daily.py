"""The daily census flow: census the Hub into Parquet, load it into DuckDB, classify."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from prefect import flow, get_run_logger, task
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.attribution import classify, coverage
from pipeline.census import SnapshotRecord, run_census
from pipeline.hub_client import HubRefused
from pipeline.metrics import refresh_metrics
from pipeline.settings import Paths
from pipeline.warehouse import connect, load_census, unloaded_censuses

from flows.locks import warehouse_writer


def _previous_census_size(paths: Paths) -> int | None:
    if not paths.warehouse.exists():
        return None
    with connect(paths, read_only=True) as con:
        row = con.execute("SELECT models FROM snapshots WHERE complete ORDER BY snapshot_date DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _worth_retrying(task, task_run, state) -> bool:
    return not isinstance(state.data, HubRefused)  # a bad token stays bad


# A crawl resumes from its last durable page, so retrying the whole task loses nothing;
# the delays let an outage or a spent rate-limit window pass.
@task(retries=3, retry_delay_seconds=[30, 120, 600], retry_condition_fn=_worth_retrying)
def census(home: str, endpoint: str | None) -> SnapshotRecord:
    paths = Paths.from_env(home)
    columns = (TextColumn("census {task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        # The bar's length is the last census's size, until this one outgrows it.
        bar = progress.add_task("page 1", total=_previous_census_size(paths))

        def show(checkpoint):
            total = max(progress.tasks[0].total or 0, checkpoint.rows)
            description = f"{checkpoint.snapshot_date} page {checkpoint.pages}"
            progress.update(bar, completed=checkpoint.rows, total=total, description=description)

        return run_census(paths, endpoint, on_page=show)


@task(retries=2, retry_delay_seconds=10)
def load(home: str, record: SnapshotRecord) -> date:
    """Load today's census, and any earlier one not loaded yet; the oldest day loaded."""
    paths = Paths.from_env(home)
    with connect(paths) as con:
        days = sorted({date.fromisoformat(record.snapshot_date), *unloaded_censuses(con, paths)})
        for day in days:
            load_census(con, paths.census_day(day.isoformat()), day)
    return days[0]


@task
def classify_models(home: str, snapshot_date: str) -> dict[str, float]:
    """Registry + overrides into `orgs`, lineage into `model_lineage`; the day's coverage."""
    paths = Paths.from_env(home)
    logger = get_run_logger()
    with connect(paths) as con:
        for problem in classify(con, paths.home):
            logger.warning("override skipped: %s", problem)
        return coverage(con, date.fromisoformat(snapshot_date))


@task(retries=2, retry_delay_seconds=10)
def refresh(home: str, changed: date) -> None:
    """Daily downloads from the census before `changed` on, then every share table."""
    with connect(Paths.from_env(home)) as con:
        refresh_metrics(con, changed)


@flow(name="daily-census", log_prints=True)
def daily_census(home: str | None = None, endpoint: str | None = None) -> dict:
    """Census every model on the Hub, load the day into the warehouse, classify every model
    and refresh the metrics."""
    home = str(Paths.from_env(home).home)
    record = census(home, endpoint)
    with warehouse_writer():  # the crawl needs no lock; writing the warehouse does
        oldest_loaded = load(home, record)
        known = classify_models(home, record.snapshot_date)
        refresh(home, oldest_loaded)
    state = "complete" if record.complete else "INCOMPLETE"
    print(
        f"census {record.snapshot_date} ({state}): {record.models:,} models in {record.pages:,} pages, "
        f"{record.retries} retries, {record.quarantined} quarantined; warehouse {Paths.from_env(home).warehouse}\n"
        f"coverage (share of 30-day downloads with a known country): "
        + ", ".join(f"{attribution} {share:.1%}" for attribution, share in known.items())
    )
    return {**asdict(record), "coverage": known}
