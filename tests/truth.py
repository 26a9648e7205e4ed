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
