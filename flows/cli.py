"""`hubcensus`: run the census, serve the simulated Hub, or run the offline demo."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from pipeline.settings import Paths, StorageError, is_storage_problem

from . import configure_prefect


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _rate_limit(text: str) -> tuple[int, float]:
    try:
        requests, seconds = text.split("/")
        return int(requests), float(seconds)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected REQUESTS/SECONDS, like 1000/300: {text!r}") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hubcensus", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="census the Hub once into the warehouse (the daily job)")
    run.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")
    run.add_argument("--endpoint", help="Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co)")

    fake = commands.add_parser("fake-hub", help="serve the simulated Hub over HTTP")
    fake.add_argument("--port", type=int, default=8999)
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--date", type=_date, default=date(2026, 1, 1), help="the simulated day (default 2026-01-01)")
    fake.add_argument("--models", type=_positive, default=10_000, help="models created by --date")
    fake.add_argument("--seed", type=int, default=0)
    fake.add_argument("--page-size", type=_positive, default=1000, help="largest page served")
    fake.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    fake.add_argument("--rate-limit", type=_rate_limit, help="REQUESTS/SECONDS fixed window, like 1000/300")
    fake.add_argument("--token", help="require this bearer token (401 otherwise)")

    serve = commands.add_parser("serve", help="run as a service: Prefect server and UI, worker, deployments")
    serve.add_argument("--port", type=int, default=4200, help="Prefect server port (default 4200)")
    serve.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    backfill = commands.add_parser("backfill", help="rebuild a date range from stored and imported censuses")
    backfill.add_argument("--start", type=_date, required=True, help="first day (YYYY-MM-DD)")
    backfill.add_argument("--end", type=_date, required=True, help="last day (YYYY-MM-DD)")
    backfill.add_argument("--import-dir", help="folder of hub-stats models.parquet files, a date in each name")
    backfill.add_argument("--replace-censuses", action="store_true", help="let imports replace stored censuses")
    backfill.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    reclassify = commands.add_parser("reclassify", help="re-apply the registry and overrides to all history")
    reclassify.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    shares = commands.add_parser("shares", help="the headline table: each country's share of downloads")
    shares.add_argument("--day", type=_date, help="last day of the window (default: the newest)")
    shares.add_argument("--window", type=int, choices=(1, 7, 30, 365), default=365, help="days (default 365)")
    shares.add_argument("--cohort", choices=("all", "new"), default="new",
                        help="new: only downloads of models less than 365 days old (default, the MIT/HF definition)")
    shares.add_argument("--attribution", choices=("uploader", "origin"), default="uploader",
                        help="uploader: who published the repo (default); origin: who made its base model")
    shares.add_argument("--excluding-spikes", action="store_true",
                        help="leave out days flagged as spikes (likely CI or bot traffic)")
    shares.add_argument("--top", type=_positive, default=15, help="countries to list; the rest are summed")
    shares.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    listing = commands.add_parser("listing", help="rebuild a day's full listing (a census models.parquet) "
                                                  "from the archive")
    listing.add_argument("day", type=_date, help="the census day (YYYY-MM-DD)")
    listing.add_argument("--out", required=True, help="Parquet file to write")
    listing.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    report = commands.add_parser("report", help="write the HTML report (HUBCENSUS_HOME/report/index.html)")
    report.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    orgs = commands.add_parser("orgs", help="the organisation registry")
    orgs_commands = orgs.add_subparsers(dest="orgs_command", required=True)
    unclassified = orgs_commands.add_parser(
        "unclassified", help="namespaces without a country, by downloads: where curation matters most"
    )
    unclassified.add_argument("--top", type=_positive, default=30)
    unclassified.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")
    check = orgs_commands.add_parser("check", help="apply the overrides file and report its problems")
    check.add_argument("--home", help="data directory (default: $HUBCENSUS_HOME, else ~/.hubcensus)")

    demo = commands.add_parser("demo", help="offline demo: census the simulated Hub over several days")
    demo.add_argument("--home", default="hubcensus-demo", help="data directory (default: ./hubcensus-demo)")
    demo.add_argument("--days", type=_positive, default=5)
    demo.add_argument("--models", type=_positive, default=5000, help="models in the simulated world")
    demo.add_argument("--start", type=_date, default=date(2026, 1, 1), help="first simulated day")
    demo.add_argument("--seed", type=int, default=0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "fake-hub":
            return _fake_hub(args)
        paths = Paths.from_env(args.home)
        if args.command == "orgs":
            return _orgs(paths, args)
        if args.command == "shares":
            return _shares(paths, args)
        if args.command == "report":
            return _report(paths)
        if args.command == "listing":
            return _listing(paths, args)
        if args.command == "serve":
            from .serve import serve

            return serve(paths, args.port)
        paths.check_writable()  # before Prefect puts its database there
        configure_prefect(paths)
        if args.command == "run":
            from .daily import daily_census

            daily_census(home=str(paths.home), endpoint=args.endpoint)
        elif args.command == "backfill":
            from .backfill import backfill

            backfill(start_date=args.start, end_date=args.end, import_dir=args.import_dir,
                     replace_censuses=args.replace_censuses, home=str(paths.home))
        elif args.command == "reclassify":
            from .backfill import reclassify

            reclassify(home=str(paths.home))
        else:
            _demo(paths, args)
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # the message is for the user; the traceback is in Prefect's logs
        if is_storage_problem(err) and not isinstance(err, StorageError):
            print(f"hubcensus {args.command}: the disk of HUBCENSUS_HOME is full or read-only "
                  f"({type(err).__name__}: {err}); what was stored before this run is unchanged",
                  file=sys.stderr)
        else:
            print(f"hubcensus {args.command}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1


def _fake_hub(args) -> int:
    from pipeline.simulated_hub import SimulatedHub, World

    world = World(seed=args.seed, models_at=args.models, anchor=args.date)
    hub = SimulatedHub(
        world,
        args.date,
        host=args.host,
        port=args.port,
        max_page_size=args.page_size,
        latency=args.latency,
        rate_limit=args.rate_limit,
        token=args.token,
    )
    print(f"simulated Hub for {args.date} ({args.models:,} models, seed {args.seed}) on {hub.url}", flush=True)
    print(f"  HF_ENDPOINT={hub.url} hubcensus run", flush=True)
    hub.serve_forever()
    return 0


def _listing(paths: Paths, args) -> int:
    import shutil

    import pyarrow.parquet as pq

    from pipeline.archive import day_listing

    if args.day not in paths.finished_census_days():
        print(f"hubcensus listing: no finished census of {args.day} in {paths.census}", file=sys.stderr)
        return 1
    out = Path(args.out).expanduser()
    with day_listing(paths, args.day) as listing:
        shutil.copyfile(listing, out)
    print(f"{out}: the listing of {args.day}, {pq.ParquetFile(out).metadata.num_rows:,} models")
    return 0


def _shares(paths: Paths, args) -> int:
    import pycountry

    from pipeline.warehouse import connect

    if not paths.warehouse.exists():
        print(f"hubcensus shares: no warehouse at {paths.warehouse}: run a census first", file=sys.stderr)
        return 1
    with connect(paths, read_only=True) as con:
        first, last = con.execute("SELECT min(day), max(day) FROM country_share").fetchone()
        if last is None:
            print("hubcensus shares: no shares yet: they need two complete censuses", file=sys.stderr)
            return 1
        day = args.day or last
        if not first <= day <= last:
            print(f"hubcensus shares: no shares for {day}: they run from {first} to {last}", file=sys.stderr)
            return 1
        rows = con.execute(
            "SELECT country, downloads, share, days_with_data FROM country_share WHERE day = ? AND window_days = ? "
            "AND attribution = ? AND cohort = ? AND excluding_spikes = ? ORDER BY downloads DESC, country",
            [day, args.window, args.attribution, args.cohort, args.excluding_spikes],
        ).fetchall()
    if not rows:
        print(f"hubcensus shares: no {args.cohort}-model downloads in the {args.window} days to {day}", file=sys.stderr)
        return 1
    view = "uploader (who published the repo)" if args.attribution == "uploader" else "origin (who made the base model)"
    cohort = "models less than 365 days old" if args.cohort == "new" else "all models"
    spikes = ", spike days left out" if args.excluding_spikes else ""
    print(f"Share of downloads by country: {view}, {cohort}, {args.window} days to {day} "
          f"({rows[0][3]} with data){spikes}")
    table = Table()
    for column, justify in (("country", "left"), ("downloads", "right"), ("share", "right")):
        table.add_column(column, justify=justify)
    for country, downloads, share, _ in rows[: args.top]:
        known = pycountry.countries.get(alpha_2=country)
        table.add_row(f"{country} {known.name}" if known else country, f"{downloads:,.0f}", f"{share:.1%}")
    rest = rows[args.top:]
    if rest:
        table.add_row(f"{len(rest)} others", f"{sum(r[1] for r in rest):,.0f}", f"{sum(r[2] for r in rest):.1%}")
    Console().print(table)
    known_share = sum(share for country, _, share, _ in rows if pycountry.countries.get(alpha_2=country))
    print(f"coverage: {known_share:.1%} of these downloads are credited to a known country")
    return 0


def _report(paths: Paths) -> int:
    from pipeline.report import build_report
    from pipeline.warehouse import connect

    if not paths.warehouse.exists():
        print(f"hubcensus report: no warehouse at {paths.warehouse}: run a census first", file=sys.stderr)
        return 1
    with connect(paths, read_only=True) as con:
        written = build_report(con, paths.report.parent)
    print(f"report: {written['html']} (opens offline); charts as PNG: "
          + ", ".join(str(path) for name, path in written.items() if name != "html"))
    return 0


def _orgs(paths: Paths, args) -> int:
    from pipeline.registry import OVERRIDES_NAME, load_registry
    from pipeline.warehouse import connect

    if args.orgs_command == "check":
        orgs, problems = load_registry(paths.home)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(orgs)} namespaces in the registry with {paths.home / OVERRIDES_NAME} applied; "
              f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if not paths.warehouse.exists():
        print(f"hubcensus orgs: no warehouse at {paths.warehouse}: run a census first", file=sys.stderr)
        return 1
    with connect(paths, read_only=True) as con:
        rows = con.execute(
            "SELECT namespace, models, downloads_30d, share_of_downloads, org_type FROM unclassified_namespaces "
            "ORDER BY downloads_30d DESC, namespace LIMIT ?",
            [args.top],
        ).fetchall()
    table = Table(title=f"Namespaces without a country (add them to {paths.home / OVERRIDES_NAME})")
    for column, justify in (("namespace", "left"), ("models", "right"), ("downloads (30 days)", "right"),
                            ("share of all downloads", "right"), ("registry type", "left")):
        table.add_column(column, justify=justify)
    for namespace, models, downloads, share, org_type in rows:
        table.add_row(namespace, f"{models:,}", f"{downloads or 0:,}", f"{share or 0:.2%}", org_type or "")
    Console().print(table)
    return 0


def _demo(paths: Paths, args) -> None:
    from pipeline.simulated_hub import SimulatedHub, World
    from pipeline.warehouse import connect

    from .daily import daily_census

    world = World(seed=args.seed, models_at=args.models, anchor=args.start)
    with SimulatedHub(world, args.start) as hub:
        print(f"simulated Hub on {hub.url}: {args.models:,} models, {args.days} days from {args.start}")
        for offset in range(args.days):
            hub.day = args.start + timedelta(days=offset)
            daily_census(home=str(paths.home), endpoint=hub.url)
    with connect(paths, read_only=True) as con:
        rows = con.execute(
            "SELECT snapshot_date, models, pages, complete FROM snapshots ORDER BY snapshot_date"
        ).fetchall()
        stats = con.execute("SELECT count(*), count(DISTINCT model_id) FROM model_stats").fetchone()
    print(f"\ndemo warehouse: {paths.warehouse}")
    for day, models, pages, complete in rows:
        print(f"  {day}: {models:,} models, {pages} pages, {'complete' if complete else 'INCOMPLETE'}")
    print(f"  model_stats: {stats[0]:,} rows over {stats[1]:,} models")
    duckdb_cli = Path(sys.executable).with_name("duckdb")
    print(f"\nquery it:  {duckdb_cli if duckdb_cli.exists() else 'duckdb'} -readonly {paths.warehouse} "
          "\"SELECT * FROM snapshots\"")


if __name__ == "__main__":
    sys.exit(main())
