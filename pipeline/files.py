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
    fsync(temporary)
    os.replace(temporary, path)


def fsync(path: Path) -> None:
    """Put a file, or a folder's entries, on disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
