"""Turning the Hub's JSON items into typed census rows, and bad items into quarantine rows.

An item is quarantined (kept with its reason, never dropped) when it has no usable `id`
or `downloadsAllTime`, or when a known field has the wrong type, an impossible value, or
text that cannot be stored (a lone UTF-16 surrogate, which JSON's `\\udXXX` escapes allow).
Fields the Hub stops sending become nulls; fields it starts sending are ignored: schema
drift never fails a census.

A page is decoded in one pass by msgspec into `ListingItem`s, whose types and bounds say
what a good item is; only a page where some item breaks them is decoded again as plain JSON
and parsed item by item by `parse_item`, which says why (benchmark 1 in BENCHMARKS.md).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from typing import Annotated, Literal

import msgspec
import pyarrow as pa

CENSUS_SCHEMA = pa.schema(
    [
        pa.field("model_id", pa.string(), nullable=False),
        pa.field("namespace", pa.string()),
        pa.field("hub_object_id", pa.string()),
        pa.field("created_at", pa.timestamp("ms", tz="UTC")),
        pa.field("last_modified", pa.timestamp("ms", tz="UTC")),
        pa.field("downloads_30d", pa.int64()),
        pa.field("downloads_all_time", pa.int64(), nullable=False),
        pa.field("likes", pa.int64()),
        pa.field("trending_score", pa.float64()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("pipeline_tag", pa.string()),
        pa.field("library_name", pa.string()),
        pa.field("gated", pa.string()),
        pa.field("base_relation", pa.string()),
        pa.field("base_models", pa.list_(pa.string())),
        pa.field("params_total", pa.int64()),
        pa.field("params_by_dtype", pa.map_(pa.string(), pa.int64())),
    ]
)
QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("page", pa.int32(), nullable=False),
        pa.field("position", pa.int32(), nullable=False),
        pa.field("model_id", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("raw_item", pa.string(), nullable=False),
    ]
)
_COLUMNS = CENSUS_SCHEMA.names
_INT64_MAX = 2**63 - 1
MAX_ID_LENGTH = 256  # a Hub id is a namespace and a name of at most 96 characters


Count = Annotated[int, msgspec.Meta(ge=0, le=_INT64_MAX)]
Moment = Annotated[datetime, msgspec.Meta(tz=True)]


class ParentRef(msgspec.Struct):
    id: str


class BaseModels(msgspec.Struct):
    relation: str | None = None
    models: list[ParentRef] = []


class Safetensors(msgspec.Struct):
    parameters: dict[str, Count] = {}
    total: Count | None = None


class ListingItem(msgspec.Struct, rename={"hub_object_id": "_id", "created_at": "createdAt",
                                          "last_modified": "lastModified", "downloads_all_time": "downloadsAllTime",
                                          "trending_score": "trendingScore", "base": "baseModels"}):
    """A good listing item: what `parse_item` accepts, checked while decoding."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_ID_LENGTH)]
    downloads_all_time: Count
    hub_object_id: str | None = None
    author: str | None = None
    created_at: Moment | None = None
    last_modified: Moment | None = None
    downloads: Count | None = None
    likes: Count | None = None
    trending_score: float | None = None
    tags: list[str] | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    gated: bool | Literal["auto", "manual"] | None = None
    base: BaseModels | None = None
    safetensors: Safetensors | None = None


_PAGE_DECODER = msgspec.json.Decoder(list[ListingItem])


def decode_page(body: bytes) -> list:
    """A listing page's items: `ListingItem`s when every item is good, else plain JSON
    values for `parse_item` to sort out. ValueError when the body is not a JSON list."""
    try:
        typed = _PAGE_DECODER.decode(body)
    except msgspec.DecodeError:  # a bad item, or JSON msgspec refuses (NaN, lone surrogates)
        pass
    else:
        if not any(_near_the_end_of_time(item) for item in typed):
            return typed
    try:
        items = json.loads(body)
    except ValueError as err:
        raise ValueError(f"not JSON: {err}") from None
    if not isinstance(items, list):
        raise ValueError(f"expected a JSON list, got {type(items).__name__}")
    return items


def _near_the_end_of_time(item: ListingItem) -> bool:
    """A date in year 9999 may be past it in UTC: `parse_item` decides."""
    return any(moment is not None and moment.year == 9999 for moment in (item.created_at, item.last_modified))


class BadItem(ValueError):
    """An item that cannot become a census row; the message is the quarantine reason."""


def _storable(text: str) -> bool:
    """False for text with lone surrogates, which UTF-8 (so Arrow and DuckDB) cannot hold."""
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _utf8(value: str, key: str) -> str:
    if not _storable(value):
        raise BadItem(f"{key} is not valid UTF-8 text")
    return value


def _string(item: dict, key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return _utf8(value, key)
    raise BadItem(f"{key} is {type(value).__name__}, not a string")


def _count(item: dict, key: str, required: bool = False) -> int | None:
    value = item.get(key)
    if value is None:
        if required:
            raise BadItem(f"{key} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadItem(f"{key} is {type(value).__name__}, not an integer")
    if not 0 <= value <= _INT64_MAX:
        raise BadItem(f"{key} is {value}, outside 0..2^63-1")
    return value


def _timestamp(item: dict, key: str) -> datetime | None:
    value = _string(item, key)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadItem(f"{key} {value[:40]!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        raise BadItem(f"{key} {value[:40]!r} has no time zone")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past year 9999 in UTC
        raise BadItem(f"{key} {value[:40]!r} is out of range") from None


def _string_list(value, key: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadItem(f"{key} is not a list of strings")
    return [_utf8(v, key) for v in value]


def parse_item(item) -> dict:
    """One census row from one listing item, or `BadItem` with the reason."""
    if not isinstance(item, dict):
        raise BadItem(f"item is {type(item).__name__}, not an object")
    model_id = _string(item, "id")
    if not model_id:
        raise BadItem("id is missing")
    if len(model_id) > MAX_ID_LENGTH:
        raise BadItem(f"id is {len(model_id):,} characters long, more than a Hub id can be")
    namespace = _string(item, "author") or (model_id.split("/", 1)[0] if "/" in model_id else None)
    trending = item.get("trendingScore")
    if trending is not None:
        if isinstance(trending, bool) or not isinstance(trending, (int, float)):
            raise BadItem(f"trendingScore is {type(trending).__name__}, not a number")
        if not -sys.float_info.max <= trending <= sys.float_info.max:  # NaN, infinities, ints past any float
            raise BadItem("trendingScore is not a finite number")
        trending = float(trending)
    gated = item.get("gated")
    if gated is not None and not (isinstance(gated, bool) or gated in ("auto", "manual")):  # 0 == False
        raise BadItem(f"gated is {str(gated)[:40]!r}, not false, 'auto' or 'manual'")
    base = item.get("baseModels")
    relation, base_models = None, None
    if base is not None:
        if not isinstance(base, dict) or not isinstance(base.get("models", []), list):
            raise BadItem("baseModels is not an object with a models list")
        relation = base.get("relation")
        if relation is not None and not isinstance(relation, str):
            raise BadItem("baseModels.relation is not a string")
        relation = relation and _utf8(relation, "baseModels.relation")
        ids = [m.get("id") if isinstance(m, dict) else None for m in base.get("models", [])]
        base_models = _string_list(ids, "baseModels.models[].id")
    params_total, params_by_dtype = None, None
    safetensors = item.get("safetensors")
    if safetensors is not None:
        if not isinstance(safetensors, dict):
            raise BadItem("safetensors is not an object")
        params_total = _count(safetensors, "total")
        parameters = safetensors.get("parameters") or {}
        if not isinstance(parameters, dict):
            raise BadItem("safetensors.parameters is not an object")
        params_by_dtype = [(_utf8(k, "safetensors.parameters"), _count(parameters, k)) for k in parameters]
    return {
        "model_id": model_id,
        "namespace": namespace,
        "hub_object_id": _string(item, "_id"),
        "created_at": _timestamp(item, "createdAt"),
        "last_modified": _timestamp(item, "lastModified"),
        "downloads_30d": _count(item, "downloads"),
        "downloads_all_time": _count(item, "downloadsAllTime", required=True),
        "likes": _count(item, "likes"),
        "trending_score": trending,
        "tags": _string_list(item.get("tags"), "tags"),
        "pipeline_tag": _string(item, "pipeline_tag"),
        "library_name": _string(item, "library_name"),
        "gated": None if gated is None else str(gated).lower(),
        "base_relation": relation,
        "base_models": base_models,
        "params_total": params_total,
        "params_by_dtype": params_by_dtype,
    }


def parse_page(items: list, page: int) -> tuple[pa.Table, pa.Table]:
    """(census rows, quarantine rows) of one listing page (as `decode_page` gives it)."""
    if items and isinstance(items[0], ListingItem):
        return _typed_rows(items), QUARANTINE_SCHEMA.empty_table()
    columns: dict[str, list] = {name: [] for name in _COLUMNS}
    quarantine: dict[str, list] = {name: [] for name in QUARANTINE_SCHEMA.names}
    for position, item in enumerate(items):
        try:
            row = parse_item(item)
        except BadItem as err:
            model_id = item.get("id") if isinstance(item, dict) else None
            raw = json.dumps(item, ensure_ascii=False, default=repr)
            quarantine["page"].append(page)
            quarantine["position"].append(position)
            quarantine["model_id"].append(model_id if isinstance(model_id, str) and _storable(model_id) else None)
            quarantine["reason"].append(str(err))
            # Lone surrogates stay JSON escapes: the same JSON, in storable text.
            quarantine["raw_item"].append(raw if _storable(raw) else json.dumps(item, default=repr))
            continue
        for name in _COLUMNS:
            columns[name].append(row[name])
    return (
        pa.table(columns, schema=CENSUS_SCHEMA),
        pa.table(quarantine, schema=QUARANTINE_SCHEMA),
    )


def _typed_rows(items: list[ListingItem]) -> pa.Table:
    """The census rows of a page of good items: the same as `parse_item` gives, column by column."""
    bases = [item.base for item in items]
    safetensors = [item.safetensors for item in items]
    columns = {
        "model_id": [item.id for item in items],
        "namespace": [item.author or (item.id.split("/", 1)[0] if "/" in item.id else None) for item in items],
        "hub_object_id": [item.hub_object_id for item in items],
        "created_at": [item.created_at for item in items],
        "last_modified": [item.last_modified for item in items],
        "downloads_30d": [item.downloads for item in items],
        "downloads_all_time": [item.downloads_all_time for item in items],
        "likes": [item.likes for item in items],
        "trending_score": [item.trending_score for item in items],
        "tags": [item.tags for item in items],
        "pipeline_tag": [item.pipeline_tag for item in items],
        "library_name": [item.library_name for item in items],
        "gated": [None if item.gated is None else str(item.gated).lower() for item in items],
        "base_relation": [base and base.relation for base in bases],
        "base_models": [base and [parent.id for parent in base.models] for base in bases],
        "params_total": [st and st.total for st in safetensors],
        "params_by_dtype": [st and list(st.parameters.items()) for st in safetensors],
    }
    return pa.table(columns, schema=CENSUS_SCHEMA)
