"""Classifying models: the registry into `orgs`, lineage into `model_lineage`, and the
coverage of each attribution. `model_attribution` (a view) does the rest in SQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

import warehouse

from .lineage import lineage_table, resolve
from .registry import load_registry


def classify(con: duckdb.DuckDBPyConnection, home: Path) -> list[str]:
    """Rebuild `orgs` (registry + overrides) and `model_lineage` from `models`, in one
    transaction. Returns the problems found in the overrides file (rows skipped)."""
    orgs, problems = load_registry(home)
    registry = pa.Table.from_pylist(
        [{**vars(org), "countries": org.countries} for org in orgs],
    )
    edges = con.execute(warehouse.sql("load/lineage_edges.sql")).to_arrow_table()
    parents = dict(zip(edges["model_id"].to_pylist(), edges["parents"].to_pylist()))
    lineage = lineage_table(resolve(parents))
    con.register("registry_rows", registry)
    con.register("lineage_rows", lineage)
    con.begin()
    try:
        con.execute("DELETE FROM orgs")
        con.execute(
            """INSERT INTO orgs SELECT namespace, organisation, parent, nullif(country, ''), countries, org_type,
                      source, nullif(confidence, ''), nullif(note, ''), origin FROM registry_rows"""
        )
        con.execute("DELETE FROM model_lineage")
        con.execute("INSERT INTO model_lineage SELECT * FROM lineage_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.unregister("registry_rows")
        con.unregister("lineage_rows")
    return problems


def coverage(con: duckdb.DuckDBPyConnection, snapshot_date: date) -> dict[str, float]:
    """{attribution: share of the day's downloads with a known country}."""
    rows = con.execute(
        "SELECT attribution, share_known FROM coverage WHERE snapshot_date = ? ORDER BY attribution", [snapshot_date]
    ).fetchall()
    return dict(rows)
