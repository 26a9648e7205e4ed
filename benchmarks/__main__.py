"""Run the benchmark suite and print its figures (BENCHMARKS.md):

    python -m benchmarks --scale 1       # the issue's sizes: a 2.5M-model Hub
    python -m benchmarks --scale 0.002 --speedup 30 --days 20   # a quick run (CI runs it)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from .census import census_cpu, census_rate_limited
from .storage import storage

BENCHMARKS = ("census", "rate-limit", "storage", "metrics", "queries")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes (default 1)")
    parser.add_argument("--speedup", type=float, default=4.0,
                        help="rate-limit benchmark: divide the window and latency by this (default 4)")
    parser.add_argument("--days", type=int, default=365,
                        help="metrics and queries benchmarks: days of history (default 365)")
    parser.add_argument("--only", choices=BENCHMARKS, action="append",
                        help="run only these benchmarks (repeatable)")
    parser.add_argument("--work", type=Path,
                        help="folder for the benchmarks' data (default: a temporary one); the storage "
                             "benchmark's stays in DIR/storage until it finishes, so a rerun resumes it")
    args = parser.parse_args()
    if not 0 < args.scale <= 2:
        parser.error("--scale must be in (0, 2]")
    chosen = set(args.only or BENCHMARKS)
    results = {"scale": args.scale, "machine": _machine()}
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        work = Path(work)
        if "census" in chosen:
            results["census_cpu"] = _show("census CPU", census_cpu(args.scale, work / "cpu"))
        if "rate-limit" in chosen:
            results["census_rate_limited"] = _show(
                "census under the rate limit", census_rate_limited(args.scale, work / "rate", args.speedup))
        if "storage" in chosen:
            results["storage"] = _show("storage", storage(args.scale, (args.work or work) / "storage"))
        if "metrics" in chosen:
            results["metrics"] = _show("metrics and queries", _in_process("metrics", args, work))
        if "queries" in chosen:
            results["queries"] = _show("the month-by-month query", _in_process("queries", args, work))
            # the step timed again on the warehouse the run left, as BENCHMARKS.md 4.'s side-by-side runs do
            results["queries_another_day"] = _show("another added day",
                                                   _in_process("queries", args, work, ["--add-day", str(work / "queries")]))
    print(json.dumps(results))


def _in_process(benchmark: str, args: argparse.Namespace, work: Path, arguments: list[str] | None = None) -> dict:
    """A benchmark run in a process of its own (its peak memory is then its own), with its
    usual arguments (SCALE DAYS FOLDER) unless others are given."""
    arguments = arguments or [str(args.scale), str(args.days), str(work / benchmark)]
    done = subprocess.run([sys.executable, "-m", f"benchmarks.{benchmark}", *arguments],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.splitlines()[-1])


def _show(title: str, figures: dict) -> dict:
    print(f"== {title}", file=sys.stderr)
    for key, value in figures.items():
        print(f"  {key:36} {value:,.3f}" if isinstance(value, float) else f"  {key:36} {value:,}", file=sys.stderr)
    return figures


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
