"""The share metrics over 35 simulated days with skipped days, counter resets, new, deleted
and reappearing models, against the simulated Hub's ground truth."""

import math
import shutil
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import pytest

from benchmarks.metrics import FIRST_DAY, MODELS_SQL, add_censuses
from pipeline import history
from pipeline.attribution import classify
from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.metrics import refresh_metrics
from pipeline.registry import load_shipped
from pipeline.settings import Paths
from pipeline.simulated_hub import SimulatedHub, World
from pipeline.simulated_hub.world import INTERMEDIARIES, PLACEHOLDER_CUTOFF, midnight
from pipeline.warehouse import connect, load_census, open_db

START = date(2026, 1, 1)
SKIPPED = {5, 12, 13, 20, 30, 31}  # no census on these days: their downloads are estimated
CENSUSES = [START + timedelta(days=k) for k in range(35) if k not in SKIPPED]
MOVED = []  # the censuses whose refresh moved every share table's kept sums by a day (marts/window_sums.sql)
KEPT_SUMS = ("country_window_sums", "segment_window_sums", "concentration_window_sums")
APPENDED = []  # the censuses whose refresh added its days to monthly_downloads (load/monthly_downloads.sql)
INCREMENTAL = {}  # tables as the daily refreshes left them, before any test rebuilds them


@pytest.fixture(scope="module")
def world():
    return World(seed=11, models_at=1500, anchor=START)


@pytest.fixture(scope="module")
def warehouse(world, tmp_path_factory):
    paths = Paths.from_env(tmp_path_factory.mktemp("metrics") / "home")
    with SimulatedHub(world, START, max_page_size=1000) as hub, connect(paths) as con:
        for day in CENSUSES:
            hub.day = day
            run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
            load_census(con, paths, day)
            classify(con, paths.home)
            kept_ends = kept_sums_ends(con)
            refresh_metrics(con, day)  # incremental: one interval a day
            if sums_moved(con, kept_ends):
                MOVED.append(day)
            if con.execute("SELECT getvariable('monthly_start') = getvariable('monthly_through') + 1").fetchone()[0]:
                APPENDED.append(day)
        INCREMENTAL["monthly_downloads"] = monthly_sums(con)
    with connect(paths) as con:
        yield con


def kept_sums_ends(con) -> list:
    return [con.execute(f"SELECT max(day) FROM {table}").fetchone()[0] for table in KEPT_SUMS]


def sums_moved(con, kept_ends) -> bool:
    """Whether the refresh just run moved every share table's kept sums (each load file's
    sums_move, from their ends before it)."""
    marts_from, few_ends = con.execute("SELECT getvariable('marts_from'), getvariable('few_window_ends')").fetchone()
    return few_ends and all(end == marts_from - timedelta(days=1) for end in kept_ends)


@cache
def listed(world) -> dict[str, int]:
    """Every model any census listed: model id -> world index."""
    return {world.static(i).model_id: i for day in CENSUSES for i in world.listing(day)}


def cohorts(m, day):
    """The cohorts a download of model `m` on `day` counts in."""
    is_new = m.created >= PLACEHOLDER_CUTOFF and day < (m.created + timedelta(days=365)).date()
    return ("all", "new") if is_new else ("all",)


@cache
def expected_daily(world):
    """daily_downloads by the README's rules, from the world's served counters."""
    rows = {}
    for previous, census in zip(CENSUSES, CENSUSES[1:]):
        listed_before = set(world.listing(previous))
        for i in world.listing(census):
            m = world.static(i)
            now = world.downloads_all_time(i, census)
            if i in listed_before:
                before = world.downloads_all_time(i, previous)
                delta, first, decreased, first_counted = max(now - before, 0), previous, before > now, False
            elif m.created >= midnight(previous):  # created since the previous census started
                delta, first, decreased, first_counted = now, max(previous, m.created.date()), False, True
            else:
                continue  # back from private or deleted: a baseline
            span = (census - first).days
            for k in range(span):
                downloads = delta // span + (1 if k < delta % span else 0)
                if downloads or decreased:
                    rows[(first + timedelta(days=k), m.model_id)] = (downloads, span > 1, decreased, first_counted)
    return {key: (*row, is_spike(rows, *key, world.static(listed(world)[key[1]]).created)) for key, row in rows.items()}


def is_spike(rows, day, model_id, created):
    """Model Pulse's rule: the day is > 0.6 of the 7 days ending on it, which total >= 1000,
    and all 7 were observed (in the history, after the model's creation)."""
    downloads, estimated, *_ = rows[(day, model_id)]
    week = sum(rows.get((day - timedelta(days=k), model_id), (0,))[0] for k in range(7))
    observed = day - timedelta(days=6) >= CENSUSES[0] and (
        created < PLACEHOLDER_CUTOFF or day - timedelta(days=6) >= created.date())
    return observed and not estimated and downloads > 0.6 * week and week >= 1000


def test_daily_downloads_follow_the_rules_exactly(world, warehouse):
    got = {(day, model_id): tuple(rest) for day, model_id, *rest in warehouse.execute(
        "SELECT day, model_id, downloads, estimated, counter_decreased, first_counted, spike FROM daily_downloads"
    ).fetchall()}
    expected = expected_daily(world)
    assert got == expected
    spikes = {model_id for (_, model_id), row in expected.items() if row[-1]}
    ci_targets = {world.static(i).model_id for i in world.listing(CENSUSES[-1]) if world.static(i).ci_target}
    assert len(spikes) >= 5 and len(spikes & ci_targets) / len(spikes) > 0.8  # the CI bursts are caught


def test_daily_downloads_equal_the_true_downloads(world, warehouse):
    got = defaultdict(int)
    flagged = set()
    for day, model_id, downloads, decreased in warehouse.execute(
        "SELECT day, model_id, downloads, counter_decreased FROM daily_downloads"
    ).fetchall():
        got[(day, model_id)] = downloads
        if decreased:
            flagged.add(model_id)
    index = {world.static(i).model_id: i for i in world.listing(CENSUSES[-1])}
    checked = {"exact days": 0, "gaps": 0}
    for previous, census in zip(CENSUSES, CENSUSES[1:]):
        days = [previous + timedelta(days=k) for k in range((census - previous).days)]
        both = set(world.listing(previous)) & set(world.listing(census))
        for i in both:
            model_id = world.static(i).model_id
            if model_id in flagged and index.get(model_id) is not None:
                reset = world.static(i).counter_reset_day
                if reset and previous < reset <= census:
                    assert all(got[(d, model_id)] == 0 for d in days)  # the reset interval books 0, flagged
                    continue
            truth = [world.true_downloads(i, d) for d in days]
            if len(days) == 1:
                assert got[(days[0], model_id)] == truth[0]
                checked["exact days"] += 1
            else:  # a gap: spread evenly, the total exact
                assert sum(got[(d, model_id)] for d in days) == sum(truth)
                assert max(got[(d, model_id)] for d in days) - min(got[(d, model_id)] for d in days) <= 1
                checked["gaps"] += 1
    assert checked["exact days"] > 30_000 and checked["gaps"] > 3000
    assert flagged  # the world's counter resets were met


def test_the_first_census_is_a_baseline_and_new_models_count_whole(world, warehouse):
    assert warehouse.execute("SELECT min(day) FROM daily_downloads").fetchone()[0] == CENSUSES[0]
    new = warehouse.execute(
        "SELECT model_id, sum(downloads) FROM daily_downloads WHERE first_counted GROUP BY 1"
    ).fetchall()
    assert len(new) > 20
    by_id = {world.static(i).model_id: i for i in world.listing(CENSUSES[-1])}
    for model_id, total in new:
        i = by_id.get(model_id)
        if i is not None:
            first_census = next(d for d in CENSUSES if world.visible(i, d))
            assert total <= world.counted_all_time(i, CENSUSES[-1])
            assert world.downloads_all_time(i, first_census) == sum(
                world.true_downloads(i, d) for d in _days(world.static(i).created.date(), first_census))


def _days(first, last):
    return [first + timedelta(days=k) for k in range((last - first).days)]


def test_models_back_from_private_restart_from_a_baseline(world, warehouse):
    returning = []  # (model, the census before it came back, the census it came back in)
    for previous, census in zip(CENSUSES, CENSUSES[1:]):
        for i in set(world.listing(census)) - set(world.listing(previous)):
            if world.static(i).created < midnight(previous):
                returning.append((world.static(i).model_id, previous, census))
    assert len(returning) >= 3
    for model_id, previous, census in returning:
        interval = warehouse.execute(
            "SELECT count(*) FROM daily_downloads WHERE model_id = ? AND day >= ? AND day < ?",
            [model_id, previous, census],
        ).fetchone()[0]
        assert interval == 0  # the counter it came back with is a baseline, not downloads


SHARE_TABLES = ("country_daily", "country_share", "segment_daily", "segment_share", "concentration_daily",
                "concentration", "family_derivative_share", "relative_adoption")


class RowsWithin(list):
    """A table's rows, equal to other rows where their floats agree to 1e-12, relatively or,
    near 0 (a Gini coefficient of equal units), absolutely, as pytest.approx(rel=1e-12) does: a
    parallel sum's order moves their last bits (a pytest.approx per value was a third of the
    slowest test's time)."""

    def __eq__(self, other):
        return len(self) == len(other) and all(map(_rows_within, self, other))

    def __ne__(self, other):
        return not self == other

    __hash__ = None


def _rows_within(row, other) -> bool:
    return len(row) == len(other) and all(
        math.isclose(v, w, rel_tol=1e-12, abs_tol=1e-12) if isinstance(v, float) and isinstance(w, float) else v == w
        for v, w in zip(row, other))


def rows_to_compare(con, table) -> RowsWithin:
    return RowsWithin(con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall())


def test_a_full_rebuild_equals_the_incremental_result(warehouse):
    """The daily refreshes summed each day's windows directly, or moved the kept model sums; a
    rebuild runs window functions over the whole history (marts/window_sums.sql): the same
    tables."""
    # every daily refresh moved them but the first two (no downloads, then no kept sums yet),
    # across the skipped days too
    assert MOVED == CENSUSES[2:]
    before = {t: warehouse.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("daily_downloads", *SHARE_TABLES)}
    refresh_metrics(warehouse)
    assert before["daily_downloads"] == warehouse.execute("SELECT * FROM daily_downloads ORDER BY ALL").fetchall()
    for table in SHARE_TABLES:
        assert before[table] == rows_to_compare(warehouse, table), table


def test_the_figures_do_not_depend_on_the_sessions_time_zone(warehouse):
    """A DuckDB session takes the machine's time zone, in which a TIMESTAMPTZ's cast to DATE
    falls: every day here is a UTC day (core/models.sql's utc_day), so a rebuild in a
    session at UTC+14, where most creation times fall on the next day, gives the same
    tables, and the views read the same there."""
    views = ("cohort_downloads", "derivative_repos")
    before = {t: warehouse.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("daily_downloads", *views)}
    shares = {t: rows_to_compare(warehouse, t) for t in SHARE_TABLES}
    with scratch_copy(warehouse) as con:
        con.execute("SET TimeZone = 'Pacific/Kiritimati'")
        assert con.execute("SELECT count(*) FILTER (WHERE created_at::DATE <> utc_day(created_at)) FROM models"
                           ).fetchone()[0] > 100  # the zone moves them
        refresh_metrics(con)
        for table in ("daily_downloads", *views):
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == before[table], table
        for table in SHARE_TABLES:
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == shares[table], table


MONTHLY_FROM_DAILY = """
SELECT date_trunc('month', day)::DATE, model_id, sum(downloads), sum(downloads) FILTER (WHERE spike)
FROM daily_downloads WHERE downloads > 0 GROUP BY ALL ORDER BY ALL
"""


def monthly_sums(con):
    return con.execute("SELECT month, model_id, downloads, nullif(spike_downloads, 0) FROM monthly_downloads ORDER BY ALL").fetchall()


@contextmanager
def scratch_copy(con):
    """A write session on a copy of the warehouse and its history, for the block: its
    changes are thrown away."""
    db = Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0])
    con.execute("CHECKPOINT")
    with tempfile.TemporaryDirectory(dir=db.parent) as scratch:
        copy = Path(scratch) / db.name
        shutil.copyfile(db, copy)
        shutil.copytree(history.history_root(db), history.history_root(copy))
        history.start_version(copy)
        with open_db(copy) as scratch_con:
            yield scratch_con


def test_monthly_downloads_sum_the_daily_downloads(warehouse):
    """Each daily refresh added its days to the month's sums, across the month's end and a gap
    over it (no census on January 31 and February 1): the daily downloads summed by month."""
    assert APPENDED == CENSUSES[2:]  # the first census has no downloads, the second starts the sums
    expected = warehouse.execute(MONTHLY_FROM_DAILY).fetchall()
    assert {month for month, *_ in expected} == {date(2026, 1, 1), date(2026, 2, 1)}
    assert any(spikes for *_, spikes in expected)
    assert INCREMENTAL["monthly_downloads"] == expected
    newest = warehouse.execute("SELECT max(day) FROM daily_downloads").fetchone()[0]
    assert warehouse.execute("SELECT DISTINCT month, through_day FROM monthly_downloads ORDER BY 1").fetchall() == [
        (date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), newest)]


def test_monthly_downloads_follow_a_replaced_census_and_a_shorter_history(warehouse):
    """A January census replaced with other counters: January and February summed again from
    their recomputed days. January's censuses then dropped as incomplete: its sums go too."""
    with scratch_copy(warehouse) as warehouse:
        warehouse.execute("CREATE TEMP TABLE replaced AS SELECT * REPLACE (CASE WHEN downloads_all_time > 0 "
                          "THEN downloads_all_time + 5000 ELSE downloads_all_time END AS downloads_all_time) "
                          "FROM model_stats WHERE snapshot_date = ?", [CENSUSES[15]])
        history.replace_days(warehouse, "model_stats", CENSUSES[15], CENSUSES[15], "FROM replaced")
        refresh_metrics(warehouse, CENSUSES[15])
        assert warehouse.execute("SELECT getvariable('monthly_start')").fetchone()[0] == date(2026, 1, 1)
        expected = warehouse.execute(MONTHLY_FROM_DAILY).fetchall()
        assert expected != INCREMENTAL["monthly_downloads"]
        assert monthly_sums(warehouse) == expected

        warehouse.execute("UPDATE snapshots SET complete = false WHERE snapshot_date < DATE '2026-02-01'")
        refresh_metrics(warehouse)
        expected = warehouse.execute(MONTHLY_FROM_DAILY).fetchall()
        assert {month for month, *_ in expected} == {date(2026, 2, 1)}
        assert monthly_sums(warehouse) == expected


def test_a_change_of_credits_recomputes_the_history_it_touches(warehouse):
    """A daily refresh after an old model changes country and licence, and a base model its
    size: equal to a full rebuild, though only the newest census was added."""
    with scratch_copy(warehouse) as warehouse:
        resized = warehouse.execute("SELECT model_id FROM relative_adoption WHERE size_class <> '>=200B' "
                                    "ORDER BY ALL LIMIT 1").fetchone()[0]
        warehouse.execute("UPDATE models SET params_total = 4e11 WHERE model_id = ?", [resized])
        moved = move_an_old_models_country(warehouse)
        warehouse.execute("UPDATE models SET license = 'relicensed' WHERE model_id = ?", [moved])
        refresh_metrics(warehouse, CENSUSES[-1])
        daily = {t: warehouse.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in SHARE_TABLES}
        assert ("NZ",) in warehouse.execute(
            "SELECT DISTINCT country FROM country_share WHERE day < ?", [CENSUSES[-2]]).fetchall()
        assert warehouse.execute("SELECT count(*) FROM segment_daily WHERE segment = 'relicensed' AND day = ?",
                                 [CENSUSES[1]]).fetchone()[0] > 0
        assert warehouse.execute("SELECT DISTINCT size_class FROM relative_adoption WHERE model_id = ?",
                                 [resized]).fetchall() == [(">=200B",)]  # its whole history moved class
        refresh_metrics(warehouse)
        for table in SHARE_TABLES:
            assert daily[table] == rows_to_compare(warehouse, table), table


class RefreshStopped(Exception):
    pass


class StopsAfter(dict):
    """refresh_metrics' `seconds`, which stops the refresh once `file` has run: a session
    that dies between two of its files."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def __setitem__(self, name, value):
        super().__setitem__(name, value)
        if name == self.file:
            raise RefreshStopped(name)


def move_an_old_models_country(con) -> str:
    """The organisation of a model downloaded on the second census moves to another country:
    the next refresh recomputes its history from there. Returns the model."""
    model_id, namespace = con.execute(
        "SELECT model_id, uploader_namespace FROM daily_downloads JOIN model_attribution USING (model_id) "
        "WHERE day = ? AND downloads > 0 AND uploader_category = uploader_country ORDER BY ALL LIMIT 1",
        [CENSUSES[1]]).fetchone()
    con.execute("UPDATE orgs SET country = 'NZ' WHERE lower(namespace) = lower(?)", [namespace])
    return model_id


REFRESHED = ("daily_downloads", "monthly_downloads", *SHARE_TABLES, *KEPT_SUMS, "credited_models")


@pytest.fixture(scope="module")
def refreshed_after_a_move(warehouse):
    with scratch_copy(warehouse) as con:
        move_an_old_models_country(con)
        refresh_metrics(con, CENSUSES[-1])
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() for table in REFRESHED}


# after the credits (only temporary tables), the daily tables (history replaced), the first
# share table (its kept sums moved, the others not) and relative_adoption (all but the
# fingerprints): the suite's time allows four of the refresh's files
@pytest.mark.parametrize("stopped_after", ["load/refresh_credits.sql", "load/concentration_daily.sql",
                                           "load/country_share.sql", "load/relative_adoption.sql"])
def test_a_refresh_stopped_part_way_and_run_again_recomputes_the_same(warehouse, refreshed_after_a_move,
                                                                       stopped_after):
    """Each metric file is a transaction of its own (pipeline/metrics.py). A refresh after a
    change of credits, stopped after any of its files and run again in a new session (as
    Prefect retries the task), leaves the tables of a refresh never stopped."""
    with scratch_copy(warehouse) as con:
        move_an_old_models_country(con)
        with pytest.raises(RefreshStopped):
            refresh_metrics(con, CENSUSES[-1], seconds=StopsAfter(stopped_after))
        retry = con.cursor()  # a new session on the file: no temporary tables, no variables
        refresh_metrics(retry, CENSUSES[-1])
        assert retry.execute("SELECT getvariable('marts_from')").fetchone()[0] <= CENSUSES[1]
        for table in REFRESHED:
            assert rows_to_compare(retry, table) == refreshed_after_a_move[table], table


def test_a_refresh_that_ends_no_window_keeps_the_kept_sums(warehouse):
    """A census cut short after the newest one books no downloads: the refresh ends no window,
    and the kept sums, which end before anything it recomputed, stay for the next day to move."""
    with scratch_copy(warehouse) as warehouse:
        kept = {t: warehouse.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in KEPT_SUMS}
        cut_short = CENSUSES[-1] + timedelta(days=1)
        warehouse.execute("INSERT INTO snapshots VALUES (?, ?, ?, 'x', 0, 1, 0, 0, false, now())",
                          [cut_short, cut_short, cut_short])
        refresh_metrics(warehouse, cut_short)
        assert warehouse.execute("SELECT getvariable('last_window_end') < getvariable('marts_from')").fetchone()[0]
        for table in KEPT_SUMS:
            assert kept[table] and warehouse.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == kept[table]


def test_kept_sums_dropped_are_summed_again_from_the_year(warehouse):
    """A warehouse whose kept sums were dropped (an older layout, another DuckDB's hash) sums
    the year behind the refresh's window ends directly, stores them once for the share
    tables and the kept sums (marts/window_sums.sql): the same tables as the moving refreshes
    left, units with nothing in the last 7 or 30 days kept at 0."""
    kept = {t: warehouse.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in KEPT_SUMS}
    shares = {t: rows_to_compare(warehouse, t) for t in SHARE_TABLES}
    with scratch_copy(warehouse) as con:
        for table in KEPT_SUMS:
            con.execute(f"DELETE FROM {table}")
        refresh_metrics(con, CENSUSES[-1])
        assert con.execute("SELECT getvariable('few_window_ends') AND NOT getvariable('sums_move')").fetchone()[0]
        for table in KEPT_SUMS:
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == kept[table], table
        assert con.execute("SELECT count(*) FROM concentration_window_sums WHERE downloads_7d = 0").fetchone()[0] > 0
        for table in SHARE_TABLES:
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == shares[table], table


def truth_buckets(world, i):
    """(uploader bucket, {origin bucket: weight}) from the world's own knowledge."""
    m = world.static(i)
    uploader = m.lab.country if m.lab else "intermediary" if m.author in INTERMEDIARIES else "unknown"
    origin = defaultdict(float)
    for root, weight in world.root_weights(i).items():
        lab = world.static(root).lab
        origin[lab.country if lab else "unknown"] += weight
    return uploader, origin


def expected_country_daily(world):
    by_id = listed(world)
    out = defaultdict(float)
    for (day, model_id), (downloads, *_, spike) in expected_daily(world).items():
        if not downloads:
            continue
        i = by_id[model_id]
        m = world.static(i)
        uploader, origin = truth_buckets(world, i)
        for cohort in cohorts(m, day):
            for excluding_spikes in (False,) if spike else (False, True):
                out[(day, "uploader", cohort, excluding_spikes, uploader)] += downloads
                for country, weight in origin.items():
                    out[(day, "origin", cohort, excluding_spikes, country)] += downloads * weight
    return out


def test_country_daily_equals_the_truth(world, warehouse):
    got = {tuple(key): downloads for *key, downloads in warehouse.execute(
        "SELECT day, attribution, cohort, excluding_spikes, country, downloads FROM country_daily").fetchall()}
    expected = expected_country_daily(world)
    assert got.keys() == expected.keys()
    for key, downloads in expected.items():
        assert got[key] == pytest.approx(downloads, rel=1e-12), key


def test_country_share_windows_equal_the_truth(world, warehouse):
    daily = expected_country_daily(world)
    days = sorted({key[0] for key in daily})
    rows = warehouse.execute(
        "SELECT day, window_days, attribution, cohort, excluding_spikes, country, downloads, share, days_with_data "
        "FROM country_share"
    ).fetchall()
    got = {tuple(key): rest for *key, dl, s, n in rows for rest in [(dl, s, n)]}
    for day in days:
        for window in (1, 7, 30, 365):
            inside = [d for d in days if day - timedelta(days=window) < d <= day]
            totals = defaultdict(lambda: defaultdict(float))
            for (d, *group, country), downloads in daily.items():
                if d in inside:
                    totals[tuple(group)][country] += downloads
            for group, by_country in totals.items():
                grand = sum(by_country.values())
                for country, downloads in by_country.items():
                    dl, share, covered = got.pop((day, window, *group, country))
                    assert dl == pytest.approx(downloads, rel=1e-12)
                    assert share == pytest.approx(downloads / grand, rel=1e-12)
                    assert covered == len(inside)
    assert got == {}  # nothing beyond the truth


def test_shares_sum_to_one_with_an_unknown_bucket(warehouse):
    sums = warehouse.execute(
        "SELECT min(total), max(total) FROM (SELECT sum(share) AS total FROM country_share GROUP BY day, window_days, "
        "attribution, cohort, excluding_spikes)"
    ).fetchone()
    assert sums == (pytest.approx(1.0), pytest.approx(1.0))
    buckets = {c for (c,) in warehouse.execute("SELECT DISTINCT country FROM country_share").fetchall()}
    assert {"unknown", "intermediary", "CN", "US"} <= buckets


def size_bucket(params):
    if params is None:
        return "unknown"
    for limit, name in ((1e9, "<1B"), (1e10, "1-10B"), (5e10, "10-50B"), (2e11, "50-200B")):
        if params < limit:
            return name
    return ">=200B"


def expected_segment_daily(world):
    registry = load_shipped()
    by_id = listed(world)
    out = defaultdict(float)
    for (day, model_id), (downloads, *_, spike) in expected_daily(world).items():
        if not downloads:
            continue
        m = world.static(by_id[model_id])
        for root, weight in world.root_weights(m.index).items():
            r = world.static(root)
            org = registry[r.author.lower()] if r.lab else None
            segments = {
                "family": r.model_id,
                "origin_organisation": org.organisation if org else "unknown",
                "origin_parent": org.parent if org else "unknown",
                "size": size_bucket(m.params_total or r.params_total),
                "task": m.pipeline_tag or "unknown",
                "license": m.license or "unknown",
            }
            for cohort in cohorts(m, day):
                for excluding_spikes in (False,) if spike else (False, True):
                    for dimension, segment in segments.items():
                        out[(day, dimension, cohort, excluding_spikes, segment)] += downloads * weight
    return out


def test_segment_daily_equals_the_truth(world, warehouse):
    got = {tuple(key): downloads for *key, downloads in warehouse.execute(
        "SELECT day, dimension, cohort, excluding_spikes, segment, downloads FROM segment_daily").fetchall()}
    expected = expected_segment_daily(world)
    assert got.keys() == expected.keys()
    for key, downloads in expected.items():
        assert got[key] == pytest.approx(downloads, rel=1e-12), key
    parents = {segment for (_, dimension, _, _, segment) in expected if dimension == "origin_parent"}
    assert {"Alibaba", "Meta", "Google", "DeepSeek"} <= parents


def test_segment_share_keeps_the_top_100_and_sums_the_rest(world, warehouse):
    daily = expected_segment_daily(world)
    days = sorted({key[0] for key in daily})
    rows = warehouse.execute(
        "SELECT day, window_days, dimension, cohort, excluding_spikes, segment, downloads, share, rank "
        "FROM segment_share").fetchall()
    got = {tuple(key): rest for *key, dl, s, r in rows for rest in [(dl, s, r)]}
    checked_other = 0
    for day in days[::6] + days[-1:]:
        for window in (1, 7, 30, 365):
            totals = defaultdict(lambda: defaultdict(float))
            for (d, *group, segment), downloads in daily.items():
                if day - timedelta(days=window) < d <= day:
                    totals[tuple(group)][segment] += downloads
            for group, by_segment in totals.items():
                grand = sum(by_segment.values())
                ranked = sorted(by_segment.items(), key=lambda item: (-item[1], item[0]))
                for rank, (segment, downloads) in enumerate(ranked[:100], start=1):
                    assert got[(day, window, *group, segment)] == (
                        pytest.approx(downloads, rel=1e-12), pytest.approx(downloads / grand, rel=1e-12), rank)
                if len(ranked) > 100:
                    rest = sum(downloads for _, downloads in ranked[100:])
                    assert got[(day, window, *group, "(other)")][:2] == (
                        pytest.approx(rest, rel=1e-12), pytest.approx(rest / grand, rel=1e-12))
                    checked_other += 1
    assert checked_other > 10


def concentration_of(values):
    values = sorted(v for v in values if v > 0)
    n, total = len(values), sum(values)
    shares = [v / total for v in values]
    gini = 2 * sum((k + 1) * v for k, v in enumerate(values)) / (n * total) - (n + 1) / n
    return n, sum(s * s for s in shares), gini, sum(sorted(shares, reverse=True)[:10])


def test_concentration_equals_the_truth(world, warehouse):
    registry = load_shipped()
    by_id = listed(world)
    unit_daily = defaultdict(float)
    for (day, model_id), (downloads, *_, spike) in expected_daily(world).items():
        if not downloads:
            continue
        m = world.static(by_id[model_id])
        uploader_org = registry.get(m.author.lower())
        credits = [("model", model_id, 1.0),
                   ("uploader_organisation", uploader_org.parent if uploader_org else m.author, 1.0)]
        if m.lab:
            credits.append(("uploader_country", m.lab.country, 1.0))
        for root, weight in world.root_weights(m.index).items():
            r = world.static(root)
            credits.append(("origin_organisation", registry[r.author.lower()].parent if r.lab else r.author, weight))
            if r.lab:
                credits.append(("origin_country", r.lab.country, weight))
        for cohort in cohorts(m, day):
            for excluding_spikes in (False,) if spike else (False, True):
                for level, unit, weight in credits:
                    unit_daily[(day, level, cohort, excluding_spikes, unit)] += downloads * weight
    got = {tuple(key): rest for *key, u, h, g, t in warehouse.execute(
        "SELECT day, window_days, level, cohort, excluding_spikes, units, hhi, gini, top10_share FROM concentration"
    ).fetchall() for rest in [(u, h, g, t)]}
    days = sorted({key[0] for key in unit_daily})
    checked = 0
    for day in days[::5] + days[-1:]:
        for window in (1, 7, 30, 365):
            groups = defaultdict(lambda: defaultdict(float))
            for (d, *group, unit), downloads in unit_daily.items():
                if day - timedelta(days=window) < d <= day:
                    groups[tuple(group)][unit] += downloads
            for group, by_unit in groups.items():
                units, hhi, gini, top10 = concentration_of(by_unit.values())
                assert got[(day, window, *group)] == (units, pytest.approx(hhi, rel=1e-9),
                                                      pytest.approx(gini, rel=1e-9, abs=1e-12),
                                                      pytest.approx(top10, rel=1e-9)), (day, window, group)
                checked += 1
    assert checked > 500


def test_derivative_repos_equal_the_truth(world, warehouse):
    expected = defaultdict(float)
    seen = {i for day in CENSUSES for i in world.listing(day)}
    for i in seen:
        m = world.static(i)
        if not m.parents or m.created < PLACEHOLDER_CUTOFF:
            continue
        for root, weight in world.root_weights(i).items():
            lab = world.static(root).lab
            expected[(m.created.date(), world.static(root).model_id, lab.country if lab else "unknown",
                      m.relation)] += weight
    got = {tuple(key): repos for *key, repos in warehouse.execute(
        "SELECT day, family, origin_country, relation, repos FROM derivative_repos").fetchall()}
    assert got.keys() == expected.keys()
    assert all(got[key] == pytest.approx(value) for key, value in expected.items())
    assert {relation for *_, relation in expected} == {"finetune", "adapter", "quantized", "merge"}


def test_family_derivative_share_equals_the_truth(world, warehouse):
    by_id = listed(world)
    family_daily = defaultdict(lambda: [0.0, 0.0])
    for (day, model_id), (downloads, *_, spike) in expected_daily(world).items():
        if not downloads:
            continue
        i = by_id[model_id]
        for root, weight in world.root_weights(i).items():
            for excluding_spikes in (False,) if spike else (False, True):
                entry = family_daily[(day, excluding_spikes, world.static(root).model_id)]
                entry[0] += downloads * weight
                entry[1] += downloads * weight if root != i else 0
    got = {tuple(key): rest for *key, dl, ddl, share, rank in warehouse.execute(
        "SELECT day, window_days, excluding_spikes, family, downloads, derivative_downloads, derivative_share, rank "
        "FROM family_derivative_share").fetchall() for rest in [(dl, ddl, share, rank)]}
    days = sorted({key[0] for key in family_daily})
    with_derivatives = 0
    for day in days[::7] + days[-1:]:
        for window in (1, 7, 30, 365):
            for excluding_spikes in (False, True):
                totals = defaultdict(lambda: [0.0, 0.0])
                for (d, spikes, family), (downloads, derivative) in family_daily.items():
                    if spikes == excluding_spikes and day - timedelta(days=window) < d <= day:
                        totals[family][0] += downloads
                        totals[family][1] += derivative
                ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))[:100]
                for rank, (family, (downloads, derivative)) in enumerate(ranked, start=1):
                    assert got.pop((day, window, excluding_spikes, family)) == (
                        pytest.approx(downloads, rel=1e-12), pytest.approx(derivative, rel=1e-12, abs=1e-9),
                        pytest.approx(derivative / downloads, rel=1e-9, abs=1e-12), rank)
                    with_derivatives += derivative > 0
    assert with_derivatives > 100


def test_relative_adoption_equals_the_truth(world, warehouse):
    base = {}
    for day in CENSUSES:
        for i in world.listing(day):
            m = world.static(i)
            if (not m.parents and m.params_total and m.library_name not in ("gguf", "mlx")
                    and m.pipeline_tag not in ("sentence-similarity", "feature-extraction")
                    and m.created >= midnight(date(2025, 2, 27))):
                base[i] = (size_bucket(m.params_total), f"{m.created.year}-Q{(m.created.month - 1) // 3 + 1}")
    observed = [(day, i, *base[i], (day - world.static(i).created.date()).days, world.downloads_all_time(i, day))
                for day in CENSUSES for i in world.listing(day) if i in base]
    peers = defaultdict(list)
    for _, _, size, quarter, age, downloads in observed:
        peers[(size, quarter, age)].append(downloads)
    expected = set()
    for day, i, size, quarter, age, downloads in observed:
        ranked = sorted(peers[(size, quarter, age)], reverse=True)
        baseline = ranked[9] if len(ranked) >= 10 else None
        expected.add((day, world.static(i).model_id, size, quarter, age, downloads, baseline,
                      downloads / baseline if baseline else None))
    got = set(warehouse.execute("SELECT * FROM relative_adoption").fetchall())
    assert len(expected) > 100 and got == expected


def test_counters_kept_in_a_table_are_counted_again(warehouse):
    """A warehouse from before adoption_counters became a view over model_stats holds them
    as a table: opening it drops that table and the baselines counted from it, and the next
    daily refresh counts every group again from the censuses: the same relative_adoption."""
    expected = warehouse.execute("SELECT * FROM relative_adoption ORDER BY ALL").fetchall()
    with scratch_copy(warehouse) as older:
        older.execute("CREATE TABLE counters AS FROM adoption_counters")
        older.execute("DROP VIEW adoption_counters")
        older.execute("ALTER TABLE counters RENAME TO adoption_counters")
        with scratch_copy(older) as con:  # opened again, as the next session opens it
            assert con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = 'adoption_counters'"
                               ).fetchone() == (1,)
            assert con.execute("SELECT (SELECT count(*) FROM adoption_models) + (SELECT count(*) FROM adoption_baselines)"
                               ).fetchone() == (0,)
            refresh_metrics(con, CENSUSES[-1])
            assert len(expected) > 100
            assert con.execute("SELECT * FROM relative_adoption ORDER BY ALL").fetchall() == expected


def test_moved_sums_equal_a_rebuild_when_days_leave_the_year(tmp_path):
    """The 35-day history above never drops a day out of a 365-day window. Here a 400-day
    synthetic one does (the metrics benchmark's generator, 100 models): two days added as
    daily refreshes, moving the kept sums, then a rebuild that sums them again."""
    paths = Paths(home=tmp_path)
    last = FIRST_DAY + timedelta(days=400)
    with connect(paths) as con:
        classify(con, tmp_path)  # the shipped registry, which the generator draws namespaces from
        con.execute("SET VARIABLE models = 100")
        con.execute("SET VARIABLE first_day = ?", [FIRST_DAY])
        con.execute(MODELS_SQL)
        add_censuses(con, FIRST_DAY, 400)
        classify(con, tmp_path)
        refresh_metrics(con)
        for day in (last, last + timedelta(days=1)):
            add_censuses(con, day, 1)
            kept_ends = kept_sums_ends(con)
            refresh_metrics(con, day)
            assert sums_moved(con, kept_ends)
        moved = {table: rows_to_compare(con, table) for table in SHARE_TABLES}
        assert con.execute("SELECT count(*) FROM concentration_window_sums "
                           "WHERE group_label(concentration_levels(), grp) = 'model'").fetchone()[0] > 100
        for table in KEPT_SUMS:  # with fractional units leaving windows: every window's sums are kept
            assert con.execute(f"SELECT count(*) FROM {table} WHERE downloads_7d > 0").fetchone()[0] > 0, table
        refresh_metrics(con)
        for table in SHARE_TABLES:
            assert con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall() == moved[table], table
