"""`hubcensus serve`: hubcensus as a local service. A Prefect server (with its UI), a process
work pool and worker, and the deployments of prefect.yaml; Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from pipeline.settings import Paths

REPOSITORY = Path(__file__).resolve().parents[1]  # where prefect.yaml lives
POOL = "hubcensus"


def service_environment(paths: Paths, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HUBCENSUS_HOME=str(paths.home),
        PREFECT_HOME=str(paths.home / "prefect"),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    return env


def serve(paths: Paths, port: int) -> int:
    if not (REPOSITORY / "prefect.yaml").exists():
        print(f"hubcensus serve: no prefect.yaml in {REPOSITORY}: run it from a clone of hubcensus", file=sys.stderr)
        return 1
    (paths.home / "prefect").mkdir(parents=True, exist_ok=True)
    env = service_environment(paths, port)
    prefect = [sys.executable, "-m", "prefect"]
    children: list[subprocess.Popen] = []

    def stop(*_):
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        children.append(subprocess.Popen([*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                         env=env))
        _wait_until_healthy(env["PREFECT_API_URL"], children[0])
        quiet = {"env": env, "check": True, "cwd": REPOSITORY, "stdout": subprocess.DEVNULL}
        subprocess.run([*prefect, "work-pool", "create", POOL, "--type", "process", "--overwrite"], **quiet)
        subprocess.run([*prefect, "--no-prompt", "deploy", "--all"], **quiet)
        children.append(subprocess.Popen([*prefect, "worker", "start", "--pool", POOL, "--type", "process"],
                                         env=env, cwd=REPOSITORY))
        print(f"hubcensus is served: Prefect UI at http://127.0.0.1:{port}, deployments daily-census, backfill and "
              f"reclassify on the {POOL!r} pool; data in {paths.home}. Ctrl-C stops it.", flush=True)
        while all(child.poll() is None for child in children):
            time.sleep(1)
        print("hubcensus serve: a service process stopped; stopping the rest", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        stop()


def _wait_until_healthy(api_url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {server.returncode}")
        try:
            if httpx2.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx2.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server did not answer at {api_url} within {timeout:.0f}s")
