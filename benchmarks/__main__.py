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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the issue's sizes (default 1)")
    parser.add_argument("--speedup", type=float, default=4.0,
                        help="rate-limit benchmark: divide the window and latency by this (default 4)")
    parser.add_argument("--days", type=int, default=365, help="metrics benchmark: days of history (default 365)")
    parser.add_argument("--only", choices=("census", "rate-limit", "storage", "metrics"), action="append",
                        help="run only these benchmarks (repeatable)")
    parser.add_argument("--work", type=Path, help="folder for the benchmarks' data (default: a temporary one)")
    args = parser.parse_args()
    if not 0 < args.scale <= 2:
        parser.error("--scale must be in (0, 2]")
    chosen = set(args.only or ("census", "rate-limit", "storage", "metrics"))
    results = {"scale": args.scale, "machine": _machine()}
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        work = Path(work)
        if "census" in chosen:
            results["census_cpu"] = _show("census CPU", census_cpu(args.scale, work / "cpu"))
        if "rate-limit" in chosen:
            results["census_rate_limited"] = _show(
                "census under the rate limit", census_rate_limited(args.scale, work / "rate", args.speedup))
        if "storage" in chosen:
            results["storage"] = _show("storage", storage(args.scale, work / "storage"))
        if "metrics" in chosen:
            done = subprocess.run([sys.executable, "-m", "benchmarks.metrics", str(args.scale), str(args.days),
                                   str(work / "metrics")],
                                  check=True, capture_output=True, text=True)
            results["metrics"] = _show("metrics and queries", json.loads(done.stdout.splitlines()[-1]))
    print(json.dumps(results))


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
