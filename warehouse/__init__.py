"""The warehouse's SQL, by layer: `core/` defines the tables (one file each, with its
COMMENT ONs), `load/` moves a census from Parquet into them."""

from pathlib import Path

SQL_DIR = Path(__file__).parent
# Table definitions, in the order they are created.
SCHEMA_FILES = ("core/snapshots.sql", "core/models.sql", "core/model_stats.sql", "core/quarantine.sql")


def sql(name: str) -> str:
    return (SQL_DIR / name).read_text()
