"""Model lineage: every model's chain of base models, resolved to its root model(s).

A model's parents are its `baseModels` ids, or, when the Hub gives none, the ids in its
`base_model:X` / `base_model:RELATION:X` tags. Roots define families.

Rules, each tested:
- a model with no parents is its own root (weight 1);
- a parent the census never saw (deleted, private, never public) is a root: its id, and
  so its namespace, is all that is known of it;
- a model listing itself as a parent ignores that entry; an edge that closes a cycle is
  cut (models are resolved in `model_id` order, so the cut is deterministic);
- a model with several parents (a merge) splits its weight equally among them, so the
  weights of a model's roots always sum to 1;
- chains of any depth resolve without recursion, each model once (memoised), so a
  million-edge graph costs O(models + edges).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa


@dataclass(frozen=True)
class Resolved:
    roots: dict[str, float]  # root model id -> weight; weights sum to 1
    depth: int  # generations to the farthest root (0 for a root)
    cycle_cut: bool  # an edge of this model's chain was cut to break a cycle


def resolve(parents: Mapping[str, Sequence[str]]) -> dict[str, Resolved]:
    """Roots of every model that has parents. Models absent from `parents` are roots."""
    resolved: dict[str, Resolved] = {}
    for start in sorted(parents):
        if start in resolved:
            continue
        stack, on_stack = [start], {start}
        while stack:
            node = stack[-1]
            unresolved = next(
                (p for p in parents[node] if p in parents and p not in resolved and p not in on_stack), None
            )
            if unresolved is not None:
                stack.append(unresolved)
                on_stack.add(unresolved)
                continue
            stack.pop()
            on_stack.discard(node)
            resolved[node] = _combine(node, parents[node], resolved, on_stack)
    return resolved


def _combine(node: str, node_parents: Sequence[str], resolved: dict[str, Resolved], on_stack: set[str]) -> Resolved:
    distinct = list(dict.fromkeys(p for p in node_parents if p != node))
    usable = [p for p in distinct if p not in on_stack]  # a parent still on the stack closes a cycle
    cut = len(usable) < len(distinct)
    if not usable:
        return Resolved({node: 1.0}, 0, cut)
    share = 1.0 / len(usable)
    roots: dict[str, float] = {}
    depth = 0
    for parent in usable:
        known = resolved.get(parent)
        if known is None:  # no parents of its own, or never seen: a root
            roots[parent] = roots.get(parent, 0.0) + share
            depth = max(depth, 1)
            continue
        for root, weight in known.roots.items():
            roots[root] = roots.get(root, 0.0) + weight * share
        depth = max(depth, known.depth + 1)
        cut = cut or known.cycle_cut
    return Resolved(roots, depth, cut)


LINEAGE_SCHEMA = pa.schema(
    [
        pa.field("model_id", pa.string()),
        pa.field("root_model_id", pa.string()),
        pa.field("weight", pa.float64()),
        pa.field("depth", pa.int32()),
        pa.field("cycle_cut", pa.bool_()),
    ]
)


def lineage_table(resolved: Mapping[str, Resolved]) -> pa.Table:
    """One row per model and root, as `model_lineage` holds them."""
    columns: list[list] = [[] for _ in LINEAGE_SCHEMA]
    for model_id, result in resolved.items():
        for root, weight in result.roots.items():
            for column, value in zip(columns, (model_id, root, weight, result.depth, result.cycle_cut)):
                column.append(value)
    return pa.table(columns, schema=LINEAGE_SCHEMA)
