"""Parsing listing items: typed rows, or a quarantine reason."""

import json
from datetime import date

import pytest

from pipeline.hub_client import EXPAND
from pipeline.records import BadItem, ListingItem, decode_page, parse_item, parse_page
from pipeline.simulated_hub import World

GOOD = {
    "_id": "621ffdc036468d709f17434d",
    "id": "openai-community/gpt2",
    "author": "openai-community",
    "downloads": 14347531,
    "downloadsAllTime": 900000000,
    "likes": 2865,
    "trendingScore": 12.5,
    "tags": ["transformers", "license:mit"],
    "createdAt": "2022-03-02T23:29:04.000Z",
    "gated": "manual",
    "baseModels": {"relation": "merge", "models": [{"_id": "a", "id": "x/a"}, {"_id": "b", "id": "y/b"}]},
    "safetensors": {"parameters": {"BF16": 10, "F32": 2}, "total": 12},
    "childrenModelCount": {"adapter": 716},
    "someFieldFromTheFuture": [1, 2],
}


def test_a_full_item_parses_and_unknown_fields_are_ignored():
    row = parse_item(GOOD)
    assert row["model_id"] == "openai-community/gpt2" and row["namespace"] == "openai-community"
    assert row["downloads_all_time"] == 900000000 and row["downloads_30d"] == 14347531
    assert row["trending_score"] == 12.5 and row["gated"] == "manual"
    assert row["base_relation"] == "merge" and row["base_models"] == ["x/a", "y/b"]
    assert row["params_total"] == 12 and row["params_by_dtype"] == [("BF16", 10), ("F32", 2)]
    assert row["created_at"].isoformat() == "2022-03-02T23:29:04+00:00"


def test_missing_optional_fields_become_nulls():
    row = parse_item({"id": "a/b", "downloadsAllTime": 0})
    assert row["namespace"] == "a" and row["pipeline_tag"] is None and row["likes"] is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": None}, "id is missing"),
        ({"downloadsAllTime": None}, "downloadsAllTime is missing"),
        ({"downloadsAllTime": -3}, "downloadsAllTime is -3, outside 0..2^63-1"),
        ({"likes": 1.5}, "likes is float, not an integer"),
        ({"likes": True}, "likes is bool, not an integer"),
        ({"createdAt": "2022-03-02 23:29:04"}, "createdAt '2022-03-02 23:29:04' has no time zone"),
        ({"tags": "transformers"}, "tags is not a list of strings"),
        ({"gated": "sometimes"}, "gated is 'sometimes', not false, 'auto' or 'manual'"),
        ({"baseModels": ["x/a"]}, "baseModels is not an object with a models list"),
    ],
)
def test_bad_fields_name_the_reason(change, reason):
    with pytest.raises(BadItem, match="^" + reason.replace("^", r"\^").replace("(", r"\(") + "$"):
        parse_item({**GOOD, **change})
    # a page holding such an item is not taken by the typed decoder: the item is quarantined with its reason
    rows, bad = parse_page(decode_page(json.dumps([GOOD, {**GOOD, **change}]).encode()), page=1)
    assert rows.num_rows == 1 and bad["reason"].to_pylist() == [reason]


def test_the_typed_decoder_gives_exactly_the_rows_parse_item_gives():
    world, day = World(seed=3, models_at=3000), date(2026, 1, 1)
    items = [world.item(i, day, EXPAND) for i in world.listing(day)] + [GOOD, {"id": "a/b", "downloadsAllTime": 0}]
    body = json.dumps(items).encode()
    typed = decode_page(body)
    assert all(isinstance(item, ListingItem) for item in typed)
    fast, none_bad = parse_page(typed, page=1)
    slow, _ = parse_page(json.loads(body), page=1)
    assert none_bad.num_rows == 0 and fast.num_rows == len(items)
    assert fast.equals(slow)


@pytest.mark.parametrize("body", [b'[{"id": "a/b", "downloadsAllTime": 1}', b'{"error": "x"}', b"<html>"])
def test_a_body_that_is_not_a_json_list_is_refused(body):
    with pytest.raises(ValueError):
        decode_page(body)


def test_a_page_splits_into_rows_and_quarantine():
    rows, bad = parse_page([GOOD, "not an item", {**GOOD, "id": "a/b", "likes": "x"}], page=7)
    assert rows.num_rows == 1
    assert bad.to_pylist() == [
        {"page": 7, "position": 1, "model_id": None, "reason": "item is str, not an object", "raw_item": '"not an item"'},
        {"page": 7, "position": 2, "model_id": "a/b", "reason": "likes is str, not an integer",
         "raw_item": bad["raw_item"][1].as_py()},
    ]
