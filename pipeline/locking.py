"""Exclusive locks on files under HUBCENSUS_HOME, for the warehouse's one writer and the one
crawl at a time.

They are `flock` locks: the kernel releases them when their holder ends, however it ends
(SIGKILL, a crash, a power cut), so a run never waits on a dead one. A lock kept in a
server (Prefect's global concurrency limits) outlives a killed holder: the next run would
wait for it forever.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


@contextmanager
def exclusive(path: Path, what: str) -> Iterator[None]:
    """Hold the lock file `path`, waiting (and saying so) while another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:  # "a": created if missing, never truncated
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another run is writing %s: waiting for it to finish", what)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
