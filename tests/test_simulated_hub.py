"""The simulated Hub behaves as HUB_API.md says the real one does."""

import base64
import json
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit

import httpx2

from pipeline.simulated_hub import SimulatedHub, World
from pipeline.simulated_hub.world import CREATED_AT_PLACEHOLDER, COUNTER_START, INTERMEDIARIES

from .conftest import DAY

QUERY = "/api/models?sort=createdAt&expand=author&expand=downloadsAllTime&expand=baseModels&limit=100"


def get(hub, path):
    return httpx2.get(hub.url + path, timeout=10)


def test_link_header_is_absolute_and_repeats_every_parameter(hub):
    response = get(hub, QUERY)
    assert response.status_code == 200
    next_url = response.links["next"]["url"]
    parts = urlsplit(next_url)
    assert f"{parts.scheme}://{parts.netloc}" == hub.url and parts.path == "/api/models"
    query = parse_qsl(parts.query)
    assert [v for k, v in query if k == "expand"] == ["author", "downloadsAllTime", "baseModels"]
    assert ("sort", "createdAt") in query and ("limit", "100") in query
    cursor = dict(query)["cursor"]
    json.loads(base64.urlsafe_b64decode(cursor))  # opaque to clients, but well-formed base64
    assert len(response.json()) == 100


def test_items_hold_only_expanded_fields_plus_ids(hub):
    items = get(hub, QUERY).json()
    assert all(set(item) - {"simulatedNewField"} <= {"_id", "id", "author", "downloadsAllTime", "baseModels"}
               for item in items)
    assert all("_id" in item and "id" in item for item in items)
    merges = [i["baseModels"] for i in get(hub, QUERY.replace("100", "1000")).json() if "baseModels" in i]
    assert all(isinstance(b, dict) and b["relation"] in {"finetune", "adapter", "quantized", "merge"} for b in merges)


def test_default_fields_without_expand(hub):
    item = get(hub, "/api/models?sort=createdAt&limit=1").json()[0]
    assert set(item) - {"simulatedNewField"} <= {"_id", "id", "likes", "private", "downloads", "tags", "pipeline_tag",
                                                  "library_name", "createdAt", "modelId"}
    assert item["createdAt"].endswith("Z") and item["modelId"] == item["id"]


def test_bracketed_expand_is_accepted_and_unknown_expand_is_a_400(hub):
    assert get(hub, "/api/models?sort=createdAt&expand[]=author&limit=5").status_code == 200
    bad = get(hub, "/api/models?sort=createdAt&expand=author&expand=countryOfOrigin")
    assert bad.status_code == 400 and "countryOfOrigin" in bad.json()["error"]


def test_pages_hold_at_most_1000_items(world):
    with SimulatedHub(world, DAY) as hub:
        assert len(get(hub, "/api/models?sort=createdAt&limit=5000").json()) == 1000


def test_date_header_is_the_simulated_day(hub):
    hub.day = date(2025, 6, 30)
    response = get(hub, "/api/models?sort=createdAt&limit=1")
    assert parsedate_to_datetime(response.headers["Date"]).date() == date(2025, 6, 30)


def test_rate_limit_answers_429_with_ratelimit_headers(world):
    with SimulatedHub(world, DAY, rate_limit=(2, 300)) as hub:
        ok = [get(hub, "/api/models?sort=createdAt&limit=1") for _ in range(2)]
        refused = get(hub, "/api/models?sort=createdAt&limit=1")
    assert ok[0].headers["RateLimit"].startswith('"api";r=1;t=')
    assert refused.status_code == 429
    assert refused.headers["RateLimit"].startswith('"api";r=0;t=')
    assert refused.headers["RateLimit-Policy"] == '"fixed window";"api";q=2;w=300'
    assert int(refused.headers["Retry-After"]) > 0


def test_the_world_is_deterministic_and_evolves_by_day(world):
    again = World(seed=7, models_at=2000, anchor=DAY)
    first_ids = [world.static(i).model_id for i in world.listing(DAY)]
    assert first_ids == [again.static(i).model_id for i in again.listing(DAY)]
    assert first_ids != [World(seed=8, models_at=2000, anchor=DAY).static(i).model_id for i in range(len(first_ids))]
    later = DAY + timedelta(days=60)
    before, after = set(world.listing(DAY)), set(world.listing(later))
    assert after - before and before - after  # models created, and models deleted or hidden
    for i in list(before & after)[:200]:
        assert world.counted_all_time(i, later) >= world.counted_all_time(i, DAY)
        assert sum(world.true_downloads(i, DAY + timedelta(days=k)) for k in range(60)) == (
            world.counted_all_time(i, later) - world.counted_all_time(i, DAY))


def test_a_counter_reset_lowers_the_served_counter(world):
    i = next(i for i in world.listing(DAY) if world.static(i).counter_reset_day
             and world.counted_all_time(i, world.static(i).counter_reset_day - timedelta(days=1)) > 0)
    reset = world.static(i).counter_reset_day
    assert world.downloads_all_time(i, reset) < world.downloads_all_time(i, reset - timedelta(days=1))
    after = reset + timedelta(days=5)
    assert world.downloads_all_time(i, after) - world.downloads_all_time(i, reset) == (
        world.counted_all_time(i, after) - world.counted_all_time(i, reset))


def test_private_models_reappear(world):
    spells = [(i, spell) for i in range(2000) for k in range(0, 90, 30)
              if (spell := world.private_spell(i, DAY + timedelta(days=k))) and world.static(i).created.date() < spell[0]]
    i, (start, end) = spells[0]
    assert world.visible(i, start - timedelta(days=1))
    assert not world.visible(i, start)
    assert world.visible(i, end)


def test_the_world_has_labs_intermediaries_and_lineage(world):
    models = [world.static(i) for i in world.listing(DAY)]
    authors = {m.author for m in models}
    assert {"Qwen", "meta-llama", "deepseek-ai"} <= authors and set(INTERMEDIARIES) & authors
    relations = {m.relation for m in models if m.relation}
    assert relations == {"finetune", "adapter", "quantized", "merge"}
    assert any(len(m.parents) == 2 for m in models)  # merges of two parents
    chained = [m for m in models if m.parents and world.static(m.parents[0]).parents]
    assert chained  # derivatives of derivatives
    old = [m for m in models if m.created.year < 2022]
    assert old and all(world.item(m.index, DAY, ("createdAt",))["createdAt"] == CREATED_AT_PLACEHOLDER for m in old)


def test_counters_start_on_the_trackers_day(world):
    old = next(i for i in world.listing(DAY) if world.static(i).created.date() < COUNTER_START
               and world.static(i).peak_daily > 0)
    assert world.downloads_all_time(old, COUNTER_START) == 0
    assert world.downloads_all_time(old, DAY) > 0


def test_a_hub_sized_world_serves_pages_without_building_itself():
    world = World(seed=1, models_at=2_500_000, anchor=DAY)
    with SimulatedHub(world, DAY) as hub:
        items = get(hub, "/api/models?sort=createdAt&limit=1000&expand=baseModels").json()
    assert len(items) == 1000
    # Only the models served and the parents they looked up were computed: nothing per model is stored.
    assert world.static.cache_info().currsize < 10_000  # of 2.5M
