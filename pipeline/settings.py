"""Where hubcensus keeps its data, and which Hub it asks: resolved from the environment."""

from __future__ import annotations

import errno
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from huggingface_hub import constants

DEFAULT_HOME = Path("~/.hubcensus")


@dataclass(frozen=True)
class Paths:
    """The layout of `HUBCENSUS_HOME`: every file hubcensus writes lives below it."""

    home: Path

    @classmethod
    def from_env(cls, home: str | Path | None = None) -> Paths:
        chosen = home or os.environ.get("HUBCENSUS_HOME") or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def warehouse(self) -> Path:
        return self.home / "hubcensus.duckdb"

    @property
    def report(self) -> Path:
        """The HTML report, when one has been made."""
        return self.home / "report" / "index.html"

    @property
    def census(self) -> Path:
        """Finished censuses: census/date=YYYY-MM-DD/{quarantine.parquet,snapshot.json} (and models.parquet
        until archived), and the archive of listings, census/month=YYYY-MM.parquet."""
        return self.home / "census"

    @property
    def scratch(self) -> Path:
        """Temporary files of archiving, and listings rebuilt from the archive for a load."""
        return self.home / "census" / "_scratch"

    @property
    def in_progress(self) -> Path:
        """Crawls under way: one folder per Hub date, with durable pages and a checkpoint."""
        return self.home / "census" / "_in_progress"

    def check_writable(self) -> None:
        """Raise StorageError, naming the problem, unless files can be created in `home`."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.home):
                pass
        except OSError as err:
            raise StorageError(f"cannot write in HUBCENSUS_HOME {self.home}: {err.strerror or err}") from None

    def census_day(self, day: str) -> Path:
        return self.census / f"date={day}"

    def finished_census_days(self) -> list[date]:
        """Days with a finished census on disk (its snapshot.json written), oldest first."""
        return sorted(
            date.fromisoformat(folder.name.removeprefix("date="))
            for folder in self.census.glob("date=*")
            if (folder / "snapshot.json").exists()
        )


def hub_endpoint(endpoint: str | None = None) -> str:
    """The Hub to census: an explicit value, else `HF_ENDPOINT` (the client's own setting),
    read now rather than when huggingface_hub was imported."""
    chosen = endpoint or os.environ.get("HF_ENDPOINT") or constants.ENDPOINT
    return chosen.rstrip("/")


class StorageError(OSError):
    """HUBCENSUS_HOME cannot take a run's files: read-only, or full."""


_STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}
_STORAGE_MESSAGES = ("No space left on device", "Read-only file system", "Disk quota exceeded", "File too large",
                     "database or disk is full")


def is_storage_problem(err: BaseException) -> bool:
    """A full or read-only disk, whichever library reported it (DuckDB and Arrow raise their
    own types): retrying will not help until someone frees space."""
    if isinstance(err, StorageError) or (isinstance(err, OSError) and err.errno in _STORAGE_ERRNOS):
        return True
    return any(message in str(err) for message in _STORAGE_MESSAGES)
