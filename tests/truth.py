"""What a census of the simulated Hub must contain, straight from the world's ground truth."""

from datetime import date

import polars as pl

from pipeline.simulated_hub.world import PLACEHOLDER_CUTOFF, World


def census_truth(world: World, day: date) -> pl.DataFrame:
    rows = []
    for i in world.listing(day):
        m = world.static(i)
        rows.append(
            {
                "model_id": m.model_id,
                "namespace": m.author,
                "created_at": None if m.created < PLACEHOLDER_CUTOFF else m.created,
                "downloads_30d": world.downloads_30d(i, day),
                "downloads_all_time": world.downloads_all_time(i, day),
                "likes": world.likes(i, day),
                "trending_score": float(world.trending_score(i, day)),
                "pipeline_tag": m.pipeline_tag,
                "library_name": m.library_name,
                "license": m.license,
                "base_relation": m.relation if m.lists_base_models else None,
                "base_models": [world.static(p).model_id for p in m.parents] if m.lists_base_models and m.parents else None,
                "params_total": m.params_total,
            }
        )
    return pl.DataFrame(rows).sort("model_id")


def write_hub_stats(world: World, day: date, path) -> None:
    """The world's listing of `day` as a hub-stats `models.parquet`: typed timestamps,
    baseModels as a struct, safetensors as JSON text, gated as text."""
    import json
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.hub_client import EXPAND

    rows = []
    for i in world.listing(day):
        item = world.item(i, day, EXPAND)
        rows.append({
            "id": item["id"],
            "author": item["author"],
            "createdAt": datetime.fromisoformat(item["createdAt"]),
            "downloads": item["downloads"],
            "downloadsAllTime": item["downloadsAllTime"],
            "likes": item["likes"],
            "trendingScore": float(item["trendingScore"]),
            "tags": item["tags"],
            "pipeline_tag": item.get("pipeline_tag"),
            "library_name": item.get("library_name"),
            "gated": str(item["gated"]),
            "baseModels": item.get("baseModels"),
            "safetensors": json.dumps(item["safetensors"]) if "safetensors" in item else None,
        })
    pq.write_table(pa.Table.from_pylist(rows), path)
