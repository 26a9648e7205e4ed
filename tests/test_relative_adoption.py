"""The ATOM Project's Relative Adoption Metric, on hand-made counters."""

from datetime import date, timedelta

import pytest

from pipeline import history
from pipeline.metrics import refresh_metrics
from pipeline.warehouse import connect

RELEASE = date(2025, 7, 1)


@pytest.fixture
def warehouse(paths):
    with connect(paths) as con:
        def model(model_id, params, created=RELEASE, parents=None, library=None, task="text-generation"):
            con.execute(
                "INSERT INTO models (model_id, namespace, created_at, created_at_placeholder, params_total, base_models,"
                " library_name, pipeline_tag, first_seen, last_seen) VALUES (?, split_part(?, '/', 1), ?, false, ?, ?,"
                " ?, ?, ?, ?)",
                [model_id, model_id, created, params, parents, library, task, created, created],
            )

        # eleven 7B base models released the same day: at age t, model k has k*100*t downloads
        for k in range(1, 12):
            model(f"lab{k}/base-7B", 7e9)
        model("late/base-7B", 7e9, created=RELEASE + timedelta(days=1))  # a day younger
        model("q/base-7B-GGUF", 7e9, library="gguf")  # a re-upload
        model("e/embedder", 3e8, task="sentence-similarity")  # an embedding model
        model("old/base-7B", 7e9, created=date(2024, 6, 1))  # older than the counter
        model("ft/child", 7e9, parents=["lab1/base-7B"])  # a derivative
        model("huge/base", 4e11)  # alone in its size class
        for age in (1, 2, 3):
            day = RELEASE + timedelta(days=age)
            con.execute("INSERT INTO snapshots VALUES (?, ?, ?, 'x', 0, 1, 0, 0, true, now())", [day, day, day])
            # the k-th lab's models count k x 100 a day; the others 5 x 100
            history.replace_days(con, "model_stats", day, day, f"""
                SELECT DATE '{day}' AS snapshot_date, model_id, 0 AS downloads_30d,
                       CASE WHEN starts_with(model_id, 'lab') THEN split_part(model_id[4:], '/', 1)::INTEGER
                            ELSE 5 END * 100 * {age} AS downloads_all_time, 0 AS likes, 0.0 AS trending_score
                FROM models""")
        from pipeline.attribution import classify

        classify(con, paths.home)
        refresh_metrics(con)
        yield con


def test_relative_adoption_divides_by_the_tenth_model_of_the_class(warehouse):
    rows = warehouse.execute(
        "SELECT model_id, age_days, cumulative_downloads, baseline_downloads, relative_adoption, size_class, "
        "release_quarter FROM relative_adoption WHERE size_class = '1-10B' ORDER BY age_days, model_id"
    ).fetchall()
    by_age = {}
    for model_id, age, downloads, *_ in rows:
        by_age.setdefault(age, []).append(downloads)
    # ages 1-3 of the eleven, and ages 0-2 of late/base-7B (a day younger) in the same class
    assert {age: len(peers) for age, peers in by_age.items()} == {0: 1, 1: 12, 2: 12, 3: 11}
    for model_id, age, downloads, baseline, relative, size_class, quarter in rows:
        peers = sorted(by_age[age], reverse=True)
        expected = peers[9] if len(peers) >= 10 else None
        assert baseline == expected, (model_id, age)
        assert relative == (pytest.approx(downloads / expected) if expected else None)
        assert quarter == "2025-Q3"
    lab7_age3 = next(r for r in rows if r[0] == "lab7/base-7B" and r[1] == 3)
    assert lab7_age3[2:5] == (2100, 600, pytest.approx(3.5))  # 7x100x3 over lab2's 2x100x3


def test_only_base_models_with_a_known_whole_life_count(warehouse):
    models = {m for (m,) in warehouse.execute("SELECT DISTINCT model_id FROM relative_adoption").fetchall()}
    assert models == {f"lab{k}/base-7B" for k in range(1, 12)} | {"late/base-7B", "huge/base"}


def test_without_ten_peers_there_is_no_baseline(warehouse):
    rows = warehouse.execute(
        "SELECT age_days, baseline_downloads, relative_adoption FROM relative_adoption WHERE model_id = 'huge/base' "
        "ORDER BY age_days"
    ).fetchall()
    assert rows == [(1, None, None), (2, None, None), (3, None, None)]
