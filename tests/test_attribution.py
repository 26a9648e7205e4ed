"""Uploader and origin attribution in the warehouse, against hand-made lineage and the
simulated Hub's ground truth."""

from collections import defaultdict
from datetime import date

import pytest

from pipeline import history
from pipeline.attribution import classify, coverage
from pipeline.census import run_census
from pipeline.registry import OVERRIDES_NAME, load_shipped
from pipeline.warehouse import connect, load_census

from .conftest import DAY

MODELS = [
    # model_id, base_relation, base_models, tags
    ("Qwen/Qwen3-8B", None, None, []),
    ("someone/qwen-ft", "finetune", ["Qwen/Qwen3-8B"], []),
    ("bartowski/qwen-ft-GGUF", "quantized", ["someone/qwen-ft"], []),
    ("meta-llama/Llama-3.1-8B", None, None, []),
    ("merger/cross-merge", "merge", ["someone/qwen-ft", "meta-llama/Llama-3.1-8B"], []),
    # lineage only in tags (no baseModels): both tag forms, one parent
    ("tagger/llama-lora", None, None, ["base_model:meta-llama/Llama-3.1-8B",
                                       "base_model:adapter:meta-llama/Llama-3.1-8B", "license:mit"]),
    # a parent no census has seen: its namespace still tells the origin
    ("unsloth/gone-GGUF", "quantized", ["mistralai/Deleted-Model"], []),
    ("loop/a", "finetune", ["loop/b"], []),
    ("loop/b", "finetune", ["loop/a"], []),
    ("self/ref", "finetune", ["self/ref"], []),
    ("nobody-knows/original", None, None, []),
]


def insert_models(con):
    for model_id, relation, parents, tags in MODELS:
        con.execute(
            "INSERT INTO models (model_id, namespace, created_at_placeholder, base_relation, base_models, tags, "
            "first_seen, last_seen) VALUES (?, split_part(?, '/', 1), false, ?, ?, ?, DATE '2026-01-01', "
            "DATE '2026-01-01')",
            [model_id, model_id, relation, parents, tags],
        )
    history.replace_days(con, "model_stats", date(2026, 1, 1), date(2026, 1, 1),
                         "SELECT DATE '2026-01-01' AS snapshot_date, model_id, 100 AS downloads_30d, "
                         "1000 AS downloads_all_time, 0 AS likes, 0.0 AS trending_score FROM models")


@pytest.fixture
def warehouse(paths):
    with connect(paths) as con:
        insert_models(con)
        yield con


def attribution(con):
    rows = con.execute(
        "SELECT model_id, origin_model_id, origin_country, origin_weight, uploader_country, uploader_category, "
        "relation FROM model_attribution ORDER BY model_id, origin_model_id"
    ).fetchall()
    out = defaultdict(list)
    for model_id, *rest in rows:
        out[model_id].append(tuple(rest))
    return out


def test_a_quantisation_of_a_finetune_of_qwen_is_chinese_by_origin_and_the_quantisers_by_upload(warehouse, paths):
    assert classify(warehouse, paths.home) == []
    got = attribution(warehouse)
    assert got["bartowski/qwen-ft-GGUF"] == [("Qwen/Qwen3-8B", "CN", 1.0, None, "intermediary", "quantized")]
    assert got["someone/qwen-ft"] == [("Qwen/Qwen3-8B", "CN", 1.0, None, "unknown", "finetune")]
    assert got["Qwen/Qwen3-8B"] == [("Qwen/Qwen3-8B", "CN", 1.0, "CN", "CN", None)]


def test_a_merge_across_countries_is_split_equally(warehouse, paths):
    classify(warehouse, paths.home)
    assert attribution(warehouse)["merger/cross-merge"] == [
        ("Qwen/Qwen3-8B", "CN", 0.5, None, "unknown", "merge"),
        ("meta-llama/Llama-3.1-8B", "US", 0.5, None, "unknown", "merge"),
    ]


def test_tags_stand_in_for_missing_base_models(warehouse, paths):
    classify(warehouse, paths.home)
    assert attribution(warehouse)["tagger/llama-lora"] == [("meta-llama/Llama-3.1-8B", "US", 1.0, None, "unknown",
                                                            "adapter")]


def test_missing_parents_cycles_and_self_references(warehouse, paths):
    classify(warehouse, paths.home)
    got = attribution(warehouse)
    assert got["unsloth/gone-GGUF"] == [("mistralai/Deleted-Model", "FR", 1.0, "US", "intermediary", "quantized")]
    assert got["loop/a"] == [("loop/b", None, 1.0, None, "unknown", "finetune")]  # the cycle is cut at loop/b -> loop/a
    assert got["loop/b"] == [("loop/b", None, 1.0, None, "unknown", "finetune")]
    assert got["self/ref"] == [("self/ref", None, 1.0, None, "unknown", "finetune")]
    assert warehouse.execute("SELECT count(*) FROM model_lineage WHERE cycle_cut").fetchone() == (2,)


def test_every_model_has_one_attribution_weight(warehouse, paths):
    classify(warehouse, paths.home)
    assert warehouse.execute(
        "SELECT count(*), count(DISTINCT model_id), sum(origin_weight) FROM model_attribution"
    ).fetchone() == (len(MODELS) + 1, len(MODELS), len(MODELS))


def test_orgs_holds_the_whole_registry_with_overrides(warehouse, paths):
    (paths.home / OVERRIDES_NAME).write_text(
        "namespace,organisation,parent,country,org_type,source,confidence,note\n"
        "nobody-knows,Nobody Knows Ltd,Nobody Knows Ltd,NZ,industry,https://example.org,low,\n"
        "Qwen,,,XX,,,,\n"
    )
    problems = classify(warehouse, paths.home)
    assert problems == [f"{paths.home / OVERRIDES_NAME} line 3: country 'XX' is not an ISO 3166-1 alpha-2 code "
                        "(like CN, US, FR)"]
    assert warehouse.execute("SELECT count(*) FROM orgs").fetchone() == (len(load_shipped()) + 1,)
    assert attribution(warehouse)["nobody-knows/original"] == [("nobody-knows/original", "NZ", 1.0, "NZ", "NZ", None)]
    assert warehouse.execute("SELECT country, origin FROM orgs WHERE namespace = 'Qwen'").fetchone() == ("CN", "registry")


def test_coverage_is_the_share_of_downloads_with_a_known_country(warehouse, paths):
    classify(warehouse, paths.home)
    # Every model has 100 downloads. Known uploader countries: Qwen, meta-llama, unsloth (US),
    # bartowski? no (no country). Known origins: all but loop/a, loop/b, self/ref, nobody-knows.
    assert coverage(warehouse, date(2026, 1, 1)) == {
        "origin": pytest.approx(7 / 11),
        "uploader": pytest.approx(3 / 11),
    }


def test_origin_countries_equal_the_worlds_truth(world, hub, paths, lister):
    run_census(paths, hub.url, lister=lister)
    with connect(paths) as con:
        load_census(con, paths, DAY)
        classify(con, paths.home)
        rows = con.execute(
            "SELECT model_id, origin_model_id, origin_country, origin_weight, uploader_country, uploader_category "
            "FROM model_attribution"
        ).fetchall()
    by_model = defaultdict(list)
    for model_id, *rest in rows:
        by_model[model_id].append(rest)
    derivatives = 0
    for i in world.listing(DAY):
        m = world.static(i)
        got = by_model[m.model_id]
        assert {root for root, *_ in got} == {world.static(r).model_id for r in world.roots(i)}, m.model_id
        assert {country for _, country, *_ in got if country} == set(world.origin_countries(i)), m.model_id
        assert sum(weight for _, _, weight, *_ in got) == pytest.approx(1.0)
        if m.lab:
            assert got[0][3] == m.lab.country
        if m.author in ("unsloth", "bartowski", "mlx-community", "TheBloke", "lmstudio-community", "QuantFactory"):
            assert got[0][4] == "intermediary"
        derivatives += bool(m.parents)
    assert derivatives > 400


def test_unclassified_namespaces_rank_where_curation_matters(paths, capsys):
    with connect(paths) as con:
        insert_models(con)
        classify(con, paths.home)
        con.execute("INSERT INTO snapshots VALUES (DATE '2026-01-01', now(), now(), 'x', 11, 1, 0, 0, true, now())")
    with connect(paths, read_only=True) as con:
        rows = con.execute(
            "SELECT namespace, models, downloads_30d, share_of_downloads, org_type FROM unclassified_namespaces "
            "ORDER BY downloads_30d DESC, namespace"
        ).fetchall()
    # bartowski (an intermediary) and Qwen, meta-llama, unsloth (countries known) are not listed
    assert rows == [("loop", 2, 200, pytest.approx(2 / 11), None)] + [
        (namespace, 1, 100, pytest.approx(1 / 11), None)
        for namespace in ("merger", "nobody-knows", "self", "someone", "tagger")
    ]
    from flows.cli import main

    assert main(["orgs", "unclassified", "--top", "2", "--home", str(paths.home)]) == 0
    shown = capsys.readouterr().out
    assert "loop" in shown and "18.18%" in shown and "merger" in shown and "someone" not in shown
