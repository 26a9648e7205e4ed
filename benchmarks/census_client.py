"""One census client in its own process, so its CPU time and peak memory are its own.

    python -m benchmarks.census_client {hubcensus|peer} ENDPOINT FOLDER LIMIT

prints one JSON line: cpu_seconds and wall_seconds (after the imports), peak_rss_bytes (the whole process),
models. `hubcensus` is the project's
census (`run_census`: pages streamed to Parquet, then compacted); `peer` is the naive way,
`HfApi.list_models` -> `ModelInfo` objects -> a DataFrame -> Parquet, stopped after LIMIT
models (it holds them all, so a whole 2.5M Hub would not fit).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import polars as pl
from huggingface_hub import HfApi

from benchmarks import peak_rss_bytes
from pipeline.census import run_census
from pipeline.hub_client import EXPAND
from pipeline.settings import Paths


def hubcensus(endpoint: str, folder: Path, limit: int) -> int:
    return run_census(Paths(home=folder), endpoint).models


def peer(endpoint: str, folder: Path, limit: int) -> int:
    models = list(HfApi(endpoint=endpoint).list_models(sort="createdAt", expand=list(EXPAND), limit=limit))
    frame = pl.DataFrame(
        {
            "model_id": [m.id for m in models],
            "namespace": [m.author for m in models],
            "created_at": [m.created_at for m in models],
            "last_modified": [m.last_modified for m in models],
            "downloads_30d": [m.downloads for m in models],
            "downloads_all_time": [m.downloads_all_time for m in models],
            "likes": [m.likes for m in models],
            "trending_score": [float(m.trending_score) if m.trending_score is not None else None for m in models],
            "tags": [m.tags for m in models],
            "pipeline_tag": [m.pipeline_tag for m in models],
            "library_name": [m.library_name for m in models],
            "gated": [str(m.gated) for m in models],
            "base_models": [json.dumps(getattr(m, "base_models", None)) for m in models],
            "params_total": [m.safetensors.total if m.safetensors else None for m in models],
        }
    )
    frame.write_parquet(folder / "models.parquet", compression="zstd")
    return frame.height


def main() -> None:
    which, endpoint, folder, limit = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
    folder.mkdir(parents=True, exist_ok=True)
    before, started = _cpu_seconds(), time.monotonic()
    models = {"hubcensus": hubcensus, "peer": peer}[which](endpoint, folder, limit)
    print(json.dumps({"cpu_seconds": _cpu_seconds() - before, "wall_seconds": time.monotonic() - started,
                      "peak_rss_bytes": peak_rss_bytes(),
                      "models": models}))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
