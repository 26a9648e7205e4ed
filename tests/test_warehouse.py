"""The DuckDB warehouse: documented tables, idempotent loads, newest metadata wins."""

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import history
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


def test_an_older_warehouse_moves_its_history_tables_out_of_the_file(paths):
    """A warehouse from before the history tables left the file holds them as tables:
    opening it moves their rows into the history's files, and the views read them back."""
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as old:
        old.execute("CREATE TABLE model_stats (snapshot_date DATE NOT NULL, model_id VARCHAR NOT NULL, "
                    "downloads_30d BIGINT, downloads_all_time BIGINT NOT NULL, likes BIGINT, trending_score DOUBLE)")
        old.execute("INSERT INTO model_stats VALUES (DATE '2026-01-01', 'a/x', 5, 50, 1, 0.5), "
                    "(DATE '2026-01-02', 'a/x', 6, 60, 1, 0.5), (DATE '2026-01-02', 'b/y', NULL, 7, NULL, NULL)")
        old.execute("CREATE TABLE daily_downloads (day DATE NOT NULL, model_id VARCHAR NOT NULL, downloads BIGINT NOT NULL, "
                    "estimated BOOLEAN NOT NULL, counter_decreased BOOLEAN NOT NULL, first_counted BOOLEAN NOT NULL, "
                    "spike BOOLEAN NOT NULL)")
        old.execute("INSERT INTO daily_downloads VALUES (DATE '2026-01-01', 'a/x', 10, false, false, false, false)")
        # from before segment_daily had derivative_downloads
        old.execute("CREATE TABLE segment_daily (day DATE NOT NULL, dimension VARCHAR NOT NULL, cohort VARCHAR NOT NULL, "
                    "excluding_spikes BOOLEAN NOT NULL, segment VARCHAR NOT NULL, downloads DOUBLE NOT NULL)")
        old.execute("INSERT INTO segment_daily VALUES (DATE '2026-01-01', 'size', 'all', false, '1-10B', 2.5)")
    with connect(paths) as con:
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN "
                           "('model_stats', 'daily_downloads', 'segment_daily')").fetchone() == (0,)
    with connect(paths, read_only=True) as con:
        assert con.execute("SELECT * FROM model_stats ORDER BY ALL").fetchall() == [
            (date(2026, 1, 1), "a/x", 5, 50, 1, 0.5), (date(2026, 1, 2), "a/x", 6, 60, 1, 0.5),
            (date(2026, 1, 2), "b/y", None, 7, None, None)]
        assert con.execute("SELECT * FROM daily_downloads").fetchall() == [
            (date(2026, 1, 1), "a/x", 10, False, False, False, False)]
        assert con.execute("SELECT * FROM segment_daily").fetchall() == [
            (date(2026, 1, 1), "size", "all", False, "1-10B", 2.5, 0.0)]
    days = sorted(p.name for p in next((paths.home / "history").iterdir()).joinpath("model_stats").iterdir())
    assert days == ["snapshot_date=2026-01-01", "snapshot_date=2026-01-02",
                    "snapshot_date=__HIVE_DEFAULT_PARTITION__"]


def test_replaced_history_versions_stay_a_day(paths):
    """Each write session publishes a version of the history's files; the versions it
    replaced stay a day, for readers of an older warehouse file, then go."""
    def folders():
        return {folder.name for folder in (paths.home / "history").iterdir()}

    for _ in range(3):
        with connect(paths):
            pass
    with duckdb.connect(str(paths.warehouse)) as con:
        versions = con.execute("SELECT version, superseded_at IS NULL FROM history_versions").fetchall()
        con.execute("UPDATE history_versions SET superseded_at = superseded_at - INTERVAL 2 DAY")  # two days on
    assert len(versions) == 3 and folders() == {version for version, _ in versions}
    published = next(version for version, current in versions if current)
    with connect(paths):
        pass
    with connect(paths, read_only=True) as con:
        newest = con.execute("SELECT version FROM history_versions WHERE superseded_at IS NULL").fetchone()[0]
    assert folders() == {published, newest}


GROUP_STRUCT = "STRUCT(attribution VARCHAR, cohort VARCHAR, excluding_spikes BOOLEAN)"
UPLOADER_ALL = "{'attribution': 'uploader', 'cohort': 'all', 'excluding_spikes': false}"
WIDE_SUMS = "downloads_7d HUGEINT NOT NULL, downloads_30d HUGEINT NOT NULL, downloads_365d HUGEINT NOT NULL"
# layout: (table, its columns after day, a row)
OLDER_KEPT_SUMS = {
    "a row per window, DECIMAL": (
        "country_window_sums",
        f"window_days INTEGER NOT NULL, grp {GROUP_STRUCT} NOT NULL, unit VARCHAR NOT NULL, downloads DECIMAL(38, 18) NOT NULL",
        f"7, {UPLOADER_ALL}, 'CN', 15"),
    "a row per window, HUGEINT": (
        "country_window_sums",
        f"window_days INTEGER NOT NULL, grp {GROUP_STRUCT} NOT NULL, unit VARCHAR NOT NULL, downloads HUGEINT NOT NULL",
        f"7, {UPLOADER_ALL}, 'CN', 15"),
    "groups as structs": (
        "country_window_sums", f"grp {GROUP_STRUCT} NOT NULL, unit VARCHAR NOT NULL, {WIDE_SUMS}",
        f"{UPLOADER_ALL}, 'CN', 15, 15, 15"),
    "concentration's units by name": (
        "concentration_window_sums", f"grp UTINYINT NOT NULL, unit VARCHAR NOT NULL, {WIDE_SUMS}",
        "0, 'org/model', 15, 15, 15"),
    "segment's beside family_window_sums": (
        "segment_window_sums", f"grp UTINYINT NOT NULL, unit VARCHAR NOT NULL, {WIDE_SUMS}",
        "0, 'org/model', 15, 15, 15"),
}
NOW_KEPT_SUMS = {
    "segment_window_sums": ["day DATE", "grp UTINYINT", "unit VARCHAR", "downloads_7d HUGEINT",
                            "downloads_30d HUGEINT", "downloads_365d HUGEINT"],
    "country_window_sums": ["day DATE", "grp UTINYINT", "unit VARCHAR", "downloads_7d HUGEINT",
                            "downloads_30d HUGEINT", "downloads_365d HUGEINT"],
    "concentration_window_sums": ["day DATE", "grp UTINYINT", "unit UBIGINT", "downloads_7d HUGEINT",
                                  "downloads_30d HUGEINT", "downloads_365d HUGEINT"],
}


@pytest.mark.parametrize("layout", OLDER_KEPT_SUMS)
def test_kept_sums_of_an_older_layout_are_summed_again(paths, layout):
    """A warehouse from before the kept window sums had their layout (a row per unit, groups
    by a small integer, concentration's units by hash) holds them a row per window (in
    DECIMAL(38, 18) before they were fixed-point integers), with groups as structs, with
    concentration's units by name, or segment's without the derivatives' part, then kept in
    family_window_sums: opening it drops them (and family_window_sums), and the next refresh
    sums them from the year of rows (marts/window_sums.sql)."""
    table, columns, row = OLDER_KEPT_SUMS[layout]
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.warehouse)) as old:
        old.execute(f"CREATE TABLE {table} (day DATE NOT NULL, {columns})")
        old.execute(f"INSERT INTO {table} VALUES (DATE '2026-01-01', {row})")
        old.execute(f"CREATE TABLE family_window_sums (day DATE NOT NULL, grp UTINYINT NOT NULL, "
                    f"unit VARCHAR NOT NULL, {WIDE_SUMS})")
    with connect(paths) as con:
        assert con.execute("SELECT list(column_name || ' ' || data_type ORDER BY column_index) FROM duckdb_columns() "
                           "WHERE table_name = ?", [table]).fetchone()[0] == NOW_KEPT_SUMS[table]
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'family_window_sums'").fetchone() == (0,)


def test_concentration_sums_hashed_by_another_duckdb_are_summed_again(paths):
    """concentration_window_sums keys its units by DuckDB's hash(): opened by a DuckDB whose
    hash differs from the one that wrote them (or with no record of it), the kept sums are
    dropped, and the next refresh sums them again; under the same hash they stay."""
    def kept_rows():
        with connect(paths) as con:
            return con.execute("SELECT count(*) FROM concentration_window_sums").fetchone()[0]

    with connect(paths) as con:
        con.execute("INSERT INTO concentration_window_sums VALUES (DATE '2026-01-01', 0, hash('org/model'), 15, 15, 15)")
    assert kept_rows() == 0  # no record of the hash they were written with
    with connect(paths) as con:
        con.execute("INSERT INTO concentration_window_sums VALUES (DATE '2026-01-01', 0, hash('org/model'), 15, 15, 15)")
        con.execute("INSERT INTO concentration_units_hash VALUES (units_hash_probe())")
    assert kept_rows() == 1
    with connect(paths) as con:
        con.execute("UPDATE concentration_units_hash SET probe = probe + 1")  # as another DuckDB's hash
    assert kept_rows() == 0


DAYS_AND_EMPTY = ["day=2026-01-01", "day=2026-01-02", "day=2026-01-03", "day=__HIVE_DEFAULT_PARTITION__"]


def test_a_history_tables_first_file_holds_rows(paths):
    """A history table's view reads its files in name order, and DuckDB estimates a scan's
    rows from the first in some plans: the empty file each table starts with is in the NULL
    partition, after the days, so a year of daily rows is not taken for a few (a join then
    built its hash table on them, and spilled; pipeline/history.py). A warehouse that kept
    it first, as a year-1 day, has it moved when opened (a copy left beside the moved one
    goes); the rows read are the same. Rows without a day, which would land in that
    partition out of every day's reach, fail the write session."""
    def published():
        with connect(paths, read_only=True) as con:
            folder = history.version_folder(con) / "daily_downloads"
            first = con.execute(f"SELECT file FROM glob('{folder}/*/*.parquet') LIMIT 1").fetchone()[0]
            days = con.execute("SELECT day, count(*) FROM daily_downloads GROUP BY day ORDER BY day").fetchall()
        return folder, sorted(p.name for p in folder.iterdir()), Path(first).parent.name, days

    with connect(paths) as con:
        history.replace_days(con, "daily_downloads", date(2026, 1, 1), None, """
            SELECT DATE '2026-01-01' + (i % 3)::INTEGER AS day, 'org/model-' || i AS model_id, 1 AS downloads,
                   false AS estimated, false AS counter_decreased, false AS first_counted, false AS spike
            FROM range(3000) t(i)""")
    folder, names, first, days = published()
    assert names == DAYS_AND_EMPTY and first == "day=2026-01-01"
    assert days == [(date(2026, 1, 1), 1000), (date(2026, 1, 2), 1000), (date(2026, 1, 3), 1000)]
    (folder / "day=__HIVE_DEFAULT_PARTITION__").rename(folder / "day=0001-01-01")  # as earlier warehouses kept it
    assert published()[2] == "day=0001-01-01"
    # and in country_daily, beside the NULL partition's (a half-moved copy): the year-1 one goes
    country_daily = folder.parent / "country_daily"
    (country_daily / "day=0001-01-01").mkdir()
    shutil.copy(country_daily / "day=__HIVE_DEFAULT_PARTITION__" / "empty.parquet", country_daily / "day=0001-01-01")
    with connect(paths) as con:  # a session replacing a day skips the empty partition
        history.replace_days(con, "daily_downloads", date(2026, 1, 3), None,
                             "SELECT * REPLACE (DATE '2026-01-03' AS day) FROM daily_downloads WHERE day = DATE '2026-01-02'")
    assert published()[1:] == (DAYS_AND_EMPTY, "day=2026-01-01", days)
    assert sorted(p.name for p in (published()[0].parent / "country_daily").iterdir()) == [
        "day=__HIVE_DEFAULT_PARTITION__"]
    with pytest.raises(ValueError, match="rows without a day"), connect(paths) as con:  # none is ever lost
        history.replace_days(con, "daily_downloads", date(2026, 1, 4), None,
                             "SELECT * REPLACE (NULL::DATE AS day) FROM daily_downloads WHERE day = DATE '2026-01-01'")
    assert published()[1:] == (DAYS_AND_EMPTY, "day=2026-01-01", days)
