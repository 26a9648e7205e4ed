"""Backfill and reclassify: rebuild what is derived from the stored censuses."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from pipeline.attribution import classify
from pipeline.backfill import check_range, days_without_census, plan_imports
from pipeline.imports import import_snapshot
from pipeline.metrics import refresh_metrics
from pipeline.settings import Paths
from pipeline.warehouse import load_census, open_db, staged

from .daily import archive


@task
def import_file(home: str, path: str, day: date) -> None:
    record = import_snapshot(Paths.from_env(home), Path(path), day)
    get_run_logger().info("imported %s as the census of %s: %s models, %s quarantined",
                          path, day, f"{record.models:,}", record.quarantined)


@task
def reload_and_rebuild(db: str, home: str, start: date, end: date) -> list[date]:
    """Reload the stored censuses of [start, end], re-classify, recompute the metrics from
    start on. Returns the days of the range that have no complete census."""
    paths = Paths.from_env(home)
    with open_db(Path(db)) as con:
        for day in paths.finished_census_days():
            if start <= day <= end:
                load_census(con, paths, day)
        for problem in classify(con, paths.home):
            get_run_logger().warning("override skipped: %s", problem)
        refresh_metrics(con, start)
        return days_without_census(con, start, end)


@flow(name="backfill", log_prints=True)
def backfill(
    start_date: date,
    end_date: date,
    import_dir: str | None = None,
    replace_censuses: bool = False,
    home: str | None = None,
) -> dict:
    """Rebuild daily downloads, attributions and shares for [start_date, end_date] from the
    stored censuses, after importing hub-stats `models.parquet` files (one per day, the date
    in the file name) from `import_dir`. Days already censused keep their census unless
    `replace_censuses`. Running it again gives the same warehouse."""
    check_range(start_date, end_date, datetime.now(timezone.utc).date())
    imports = plan_imports(import_dir, start_date, end_date)
    paths = Paths.from_env(home)
    censused = set(paths.finished_census_days())
    with staged(paths) as db:
        for day, path in sorted(imports.items()):
            if replace_censuses or day not in censused:
                import_file(str(paths.home), str(path), day)
            else:
                print(f"{day}: kept the census already stored; {path} not imported (replace_censuses=False)")
        missing = reload_and_rebuild(str(db), str(paths.home), start_date, end_date)
    archive(str(paths.home))
    lines = [f"# Backfill {start_date} to {end_date}", ""]
    lines.append(f"Imported {len(imports)} file(s) from `{import_dir}`." if imports else "No files imported.")
    if missing:
        lines += ["", f"**{len(missing)} day(s) have no data** and cannot be fetched any more (the Hub serves only "
                  "today's counters). Their downloads are estimated from the censuses on either side; "
                  "import a snapshot of those days to fill them:", ""]
        lines += [f"- {day}" for day in missing]
    else:
        lines += ["", "Every day of the range has a complete census."]
    report = "\n".join(lines)
    create_markdown_artifact(report, key="backfill-report", description="What the backfill rebuilt, and the gaps")
    print(report)
    return {"imported": sorted(day.isoformat() for day in imports), "days_without_data": [d.isoformat() for d in missing]}


@flow(name="reclassify", log_prints=True)
def reclassify(home: str | None = None) -> dict:
    """Re-apply the registry and the user's overrides to the whole history, after a
    curation change, and recompute every metric."""
    paths = Paths.from_env(home)
    with staged(paths) as db, open_db(db) as con:
        problems = classify(con, paths.home)
        refresh_metrics(con)
    for problem in problems:
        print(f"override skipped: {problem}")
    print(f"reclassified with {len(problems)} override problem(s)")
    return {"override_problems": problems}
