"""The DuckDB warehouse: documented tables, idempotent loads, newest metadata wins."""

from datetime import timedelta

import duckdb

from pipeline.census import run_census
from pipeline.simulated_hub import SimulatedHub
from pipeline.simulated_hub.world import PLACEHOLDER_CUTOFF
from pipeline.warehouse import connect, load_census

from .conftest import DAY, PAGE


def census_and_load(world, paths, lister, day):
    with SimulatedHub(world, day, max_page_size=PAGE) as hub:
        record = run_census(paths, hub.url, lister=lister)
    with connect(paths) as con:
        load_census(con, paths, day)
    return record


def test_every_table_and_column_is_documented(paths):
    with connect(paths) as con:
        tables = con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal "
            "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
        ).fetchall()
        columns = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND comment IS NULL").fetchall()
    assert {t for t, _ in tables} >= {"snapshots", "models", "model_stats", "quarantine", "orgs", "model_lineage",
                                      "model_attribution", "coverage", "unclassified_namespaces"}
    assert all(comment for _, comment in tables)
    assert columns == []


def test_a_table_that_became_a_view_is_replaced(paths):
    """A warehouse from before relative_adoption became a view holds it as a table: opening it
    drops the table (the next refresh recomputes its counters) and creates the view."""
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as old:
        old.execute("CREATE TABLE relative_adoption (snapshot_date DATE, model_id VARCHAR)")
    for _ in range(2):  # and a warehouse opened again keeps its view
        with connect(paths) as con:
            assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'relative_adoption'").fetchone() == (1,)
            assert con.execute("SELECT count(*) FROM relative_adoption").fetchone() == (0,)


def test_the_newest_census_owns_a_models_metadata(world, paths, lister):
    later = DAY + timedelta(days=40)
    census_and_load(world, paths, lister, later)
    census_and_load(world, paths, lister, DAY)  # an older day loaded afterwards, as a backfill does
    with connect(paths, read_only=True) as con:
        rows = con.execute("SELECT model_id, first_seen, last_seen, last_modified FROM models").fetchall()
        days = con.execute("SELECT snapshot_date, count(*) FROM model_stats GROUP BY 1 ORDER BY 1").fetchall()
    by_id = {model_id: (first, last) for model_id, first, last, _ in rows}
    in_both = [world.static(i).model_id for i in set(world.listing(DAY)) & set(world.listing(later))]
    assert all(by_id[m] == (DAY, later) for m in in_both)
    gone = [world.static(i).model_id for i in set(world.listing(DAY)) - set(world.listing(later))]
    assert gone and all(by_id[m] == (DAY, DAY) for m in gone)
    assert [d for d, _ in days] == [DAY, later]


def test_the_created_at_placeholder_means_unknown(world, paths, lister):
    census_and_load(world, paths, lister, DAY)
    old = {world.static(i).model_id for i in world.listing(DAY) if world.static(i).created < PLACEHOLDER_CUTOFF}
    with connect(paths, read_only=True) as con:
        flagged = {m for (m,) in con.execute(
            "SELECT model_id FROM models WHERE created_at_placeholder AND created_at IS NULL").fetchall()}
        unflagged_nulls = con.execute(
            "SELECT count(*) FROM models WHERE NOT created_at_placeholder AND created_at IS NULL").fetchone()[0]
    assert old and flagged == old and unflagged_nulls == 0
