"""Files written whole or not at all: a reader (or a run after a crash) finds the previous
content or the new, never a part."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    fsync_and_replace(temporary, path)


def fsync_and_replace(temporary: Path, path: Path) -> None:
    """Put the finished `temporary` in `path`'s place, on disk before the rename."""
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, path)
