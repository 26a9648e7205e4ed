"""Property-based tests of bad items: whatever the Hub sends, each item becomes a census row
or a quarantine row with its reason, and the census goes on.

Items are generated as good ones (optional fields missing, unknown new fields, huge and
unicode strings, dates in every ISO 8601 form with a zone) or as a good one spoilt once, in
a way whose quarantine reason is known: the generator, not the parser, is the oracle."""

import json
import re
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.census import run_census
from pipeline.hub_client import HubLister
from pipeline.records import MAX_ID_LENGTH, parse_page
from pipeline.settings import Paths
from pipeline.simulated_hub import Fault, SimulatedHub, World
from pipeline.warehouse import connect, load_census

INT64_MAX = 2**63 - 1
KNOWN = {"id", "_id", "author", "createdAt", "lastModified", "downloads", "downloadsAllTime", "likes",
         "trendingScore", "tags", "pipeline_tag", "library_name", "gated", "baseModels", "safetensors"}
NASTY = ["O'Brien", 'say "hi"', "../../etc", "..", "x; DROP TABLE models; --", "'; DELETE FROM snapshots; --",
         "日本語", "Ünïcödé", "emoji-🤗", "a\\b", "%s", "{0}", "$(rm -rf ~)", "tab\there", "new\nline", "\u202eevil"]
# Text UTF-8 can hold: anything but lone surrogates (category Cs), NUL included.
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=30) | st.sampled_from(NASTY)
names = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40).filter(lambda t: "/" not in t)
counters = st.integers(0, INT64_MAX)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
moments = st.datetimes(datetime(1990, 1, 1), datetime(2030, 1, 1), timezones=st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]))


def iso(moment: datetime, style: int) -> str:
    """The Hub's own form, or another ISO 8601 form with a zone."""
    utc = moment.astimezone(timezone.utc)
    return [utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
            moment.isoformat(), moment.isoformat(timespec="seconds"),
            moment.strftime("%Y%m%dT%H%M%S%z")][style]


@st.composite
def good_items(draw):
    """A valid item and what its row must hold."""
    model_id = f"{draw(names)}/{draw(names)}"[:MAX_ID_LENGTH]
    created = draw(moments)
    item = {"id": model_id, "downloadsAllTime": draw(counters)}
    optional = {
        "_id": draw(texts),
        "author": draw(names),
        "createdAt": iso(created, draw(st.integers(0, 3))),
        "downloads": draw(counters),
        "likes": draw(counters),
        "trendingScore": draw(st.integers(0, 10**6) | st.floats(-1e6, 1e6)),
        "tags": draw(st.lists(texts, max_size=5)),
        "pipeline_tag": draw(st.one_of(texts, texts, texts, st.just("x" * 100_000))),  # huge, but a string
        "library_name": draw(texts),
        "gated": draw(st.sampled_from([False, True, "auto", "manual"])),
        "baseModels": {"relation": draw(st.sampled_from(["finetune", "adapter", "quantized", "merge"])),
                       "models": [{"id": f"{draw(names)}/{draw(names)}"}]},
        "safetensors": {"parameters": {"BF16": draw(counters)}, "total": draw(counters)},
    }
    kept = draw(st.sets(st.sampled_from(sorted(optional))))  # fields the Hub stopped sending vanish
    item.update({key: optional[key] for key in kept})
    new_fields = draw(st.dictionaries(texts.filter(lambda key: key not in KNOWN), json_values, max_size=3))
    item.update(new_fields)  # fields the Hub started sending are ignored
    expected = {
        "model_id": model_id,
        "namespace": item.get("author") or model_id.split("/", 1)[0],
        "downloads_all_time": item["downloadsAllTime"],
        "likes": item.get("likes"),
        "tags": item.get("tags"),
        "created_at": created if "createdAt" in item else None,
    }
    return item, expected


def _pop(key):
    return lambda item: item.pop(key, None)


def _set(key, value):
    return lambda item: item.__setitem__(key, value)


# (how to spoil a good item, the quarantine reason it must get, as a regex)
spoilers = st.one_of(
    st.sampled_from([_pop("id"), _set("id", None), _set("id", "")]).map(lambda f: (f, r"id is missing")),
    st.sampled_from([1, 2.5, True, ["a/b"], {"a": "b"}]).map(
        lambda v: (_set("id", v), r"id is (int|float|bool|list|dict), not a string")),
    st.integers(MAX_ID_LENGTH + 1, 100_000).map(
        lambda n: (_set("id", "a/" + "b" * n), r"id is [\d,]+ characters long, more than a Hub id can be")),
    st.sampled_from(["id", "author", "pipeline_tag", "library_name"]).map(
        lambda key: (_set(key, "org/\udc80bad"), rf"{key} is not valid UTF-8 text")),
    st.sampled_from([_pop("downloadsAllTime"), _set("downloadsAllTime", None)]).map(
        lambda f: (f, "downloadsAllTime is missing")),
    st.tuples(st.sampled_from(["downloads", "downloadsAllTime", "likes"]),
              st.integers(-(2**80), -1) | st.integers(INT64_MAX + 1, 2**80)).map(
        lambda kv: (_set(*kv), rf"{kv[0]} is {kv[1]}, outside 0\.\.2\^63-1")),
    st.tuples(st.sampled_from(["downloads", "downloadsAllTime", "likes"]),
              st.sampled_from(["12", 1.5, False, [3], {"n": 3}])).map(
        lambda kv: (_set(*kv), rf"{kv[0]} is (str|float|bool|list|dict), not an integer")),
    st.tuples(st.sampled_from(["createdAt", "lastModified"]),
              st.sampled_from(["03/02/2022 23:29", "yesterday", "", "2022-13-45T00:00:00Z"])).map(
        lambda kv: (_set(*kv), rf"{kv[0]} '.*' is not an ISO 8601 date")),
    st.sampled_from(["createdAt", "lastModified"]).map(
        lambda key: (_set(key, "2022-03-02T23:29:04"), rf"{key} '2022-03-02T23:29:04' has no time zone")),
    st.sampled_from(["createdAt", "lastModified"]).map(
        lambda key: (_set(key, 1646263744), rf"{key} is int, not a string")),
    st.sampled_from(["transformers", [1, 2], [None], {"a": 1}]).map(
        lambda v: (_set("tags", v), "tags is not a list of strings")),
    st.sampled_from(["sometimes", 0, 1, []]).map(lambda v: (_set("gated", v), "gated is .*, not false, 'auto' or 'manual'")),
    st.sampled_from(["high", 10**400]).map(lambda v: (_set("trendingScore", v), "trendingScore is (str, not a|not a finite) number")),
)


@st.composite
def bad_items(draw):
    """An item spoilt once, and the reason it must be quarantined with."""
    if draw(st.integers(0, 9)) == 0:  # not an object at all
        item = draw(st.sampled_from([[1, 2], "a/b", 42, None, 1.5]))
        return item, r"item is (list|str|int|NoneType|float), not an object"
    item, _ = draw(good_items())
    spoil, reason = draw(spoilers)
    spoil(item)
    return item, reason


mixed_pages = st.lists(good_items().map(lambda pair: ("good", *pair)) | bad_items().map(lambda pair: ("bad", *pair)),
                       min_size=1, max_size=25)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mixed_pages)
def test_every_item_becomes_a_row_or_a_quarantined_reason(page):
    rows, bad = parse_page([item for _, item, _ in page], page=3)  # never raises
    assert rows.num_rows + bad.num_rows == len(page)
    quarantined = {row["position"]: row for row in bad.to_pylist()}
    parsed = iter(rows.to_pylist())
    for position, (kind, item, expected) in enumerate(page):
        if kind == "bad":
            row = quarantined[position]
            assert row["page"] == 3 and re.fullmatch(expected, row["reason"]), row["reason"]
            assert json.loads(row["raw_item"]) == json.loads(json.dumps(item))  # the item as served
        else:
            assert position not in quarantined, quarantined.get(position)
            row = next(parsed)
            for key, value in expected.items():
                if key == "created_at" and value is not None:  # stored to the millisecond, or the second given
                    assert timedelta(0) <= value - row[key] < timedelta(milliseconds=1) or row[key] == value.replace(
                        microsecond=0), (row[key], value)
                else:
                    assert row[key] == value, key


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mixed_pages)
def test_a_census_quarantines_each_bad_item_and_goes_on(page):
    """Through the Hub's HTTP, the real client, the census and the warehouse's quarantine table."""
    day = CENSUS_DAY
    with tempfile.TemporaryDirectory() as home, SimulatedHub(CENSUS_WORLD, day, max_page_size=100) as hub:
        paths = Paths.from_env(Path(home))
        hub.inject(Fault(kind="items", page=2, items=[item for _, item, _ in page]))
        record = run_census(paths, hub.url, lister=HubLister(base_wait=0.01))
        with connect(paths) as con:
            load_census(con, paths, day)
        with connect(paths, read_only=True) as con:
            quarantine = con.execute("SELECT page, position, reason FROM quarantine ORDER BY position").fetchall()
            stored = {m for (m,) in con.execute("SELECT model_id FROM model_stats").fetchall()}
    assert record.complete and not hub.faults
    bad = [(position, reason) for position, (kind, _, reason) in enumerate(page) if kind == "bad"]
    assert [(page, position) for page, position, _ in quarantine] == [(2, position) for position, _ in bad]
    for (_, _, reason), (_, expected) in zip(quarantine, bad):
        assert re.fullmatch(expected, reason), reason
    good = {expected["model_id"] for kind, _, expected in page if kind == "good"}
    assert stored == OTHER_PAGES | good  # every good item, and every model of the pages around it


CENSUS_DAY = date(2026, 1, 1)
CENSUS_WORLD = World(seed=11, models_at=300, anchor=CENSUS_DAY)
# The listing walks creation order downwards, 100 a page: page 2 is the injected one.
_LISTED = sorted(CENSUS_WORLD.listing(CENSUS_DAY), reverse=True)
OTHER_PAGES = {CENSUS_WORLD.static(i).model_id for i in _LISTED[:100] + _LISTED[200:]}
