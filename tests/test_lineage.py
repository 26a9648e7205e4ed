"""Resolving lineage chains to their roots."""

import pytest

from pipeline.lineage import Resolved, lineage_table, resolve


def test_a_quantisation_of_a_finetune_resolves_to_the_base_model():
    result = resolve({"bartowski/ft-GGUF": ["someone/ft"], "someone/ft": ["Qwen/Qwen3-8B"]})
    assert result["bartowski/ft-GGUF"] == Resolved({"Qwen/Qwen3-8B": 1.0}, depth=2, cycle_cut=False)
    assert result["someone/ft"] == Resolved({"Qwen/Qwen3-8B": 1.0}, depth=1, cycle_cut=False)
    assert "Qwen/Qwen3-8B" not in result  # no parents: its own root, no row


def test_a_merge_splits_equally_among_its_roots():
    result = resolve({
        "x/merge": ["a/ft", "meta-llama/Llama-3.1-8B"],
        "a/ft": ["Qwen/Qwen3-8B"],
        "y/merge-of-merge": ["x/merge", "mistralai/Mistral-7B"],
    })
    assert result["x/merge"].roots == {"Qwen/Qwen3-8B": 0.5, "meta-llama/Llama-3.1-8B": 0.5}
    assert result["y/merge-of-merge"].roots == {
        "Qwen/Qwen3-8B": 0.25, "meta-llama/Llama-3.1-8B": 0.25, "mistralai/Mistral-7B": 0.5}
    assert result["y/merge-of-merge"].depth == 3


def test_the_same_root_twice_is_one_root():
    assert resolve({"m": ["a", "b"], "a": ["r"], "b": ["r"]})["m"].roots == {"r": 1.0}


def test_a_missing_parent_is_a_root():
    assert resolve({"q/model-GGUF": ["deleted-org/private-model"]})["q/model-GGUF"].roots == {
        "deleted-org/private-model": 1.0}


def test_a_self_reference_is_ignored():
    result = resolve({"a/self": ["a/self"], "b/ft": ["b/ft", "Qwen/Q"]})
    assert result["a/self"] == Resolved({"a/self": 1.0}, 0, False)
    assert result["b/ft"] == Resolved({"Qwen/Q": 1.0}, 1, False)


def test_a_cycle_is_cut_deterministically():
    parents = {"c/one": ["c/two"], "c/two": ["c/three"], "c/three": ["c/one"], "d/child": ["c/two"]}
    result = resolve(parents)
    assert all(r.cycle_cut for r in result.values())
    # Resolved in id order: c/one is entered first, so the edge back to it (c/three -> c/one) is cut.
    assert result["c/three"].roots == {"c/three": 1.0}
    assert result["c/one"].roots == result["c/two"].roots == result["d/child"].roots == {"c/three": 1.0}
    assert resolve(dict(reversed(list(parents.items())))) == result


def test_a_merge_with_one_parent_in_a_cycle_keeps_the_other():
    result = resolve({"m/merge": ["m/loop", "Qwen/Q"], "m/loop": ["m/merge"]})
    assert result["m/merge"].roots == {"Qwen/Q": 1.0} and result["m/merge"].cycle_cut


def test_a_very_deep_chain_resolves_without_recursion():
    depth = 200_000
    parents = {f"u/m{k}": [f"u/m{k - 1}"] for k in range(1, depth + 1)}
    result = resolve(parents)
    assert result[f"u/m{depth}"] == Resolved({"u/m0": 1.0}, depth, False)


@pytest.mark.parametrize("graph", [{}, {"a": ["b"]}])
def test_the_table_has_a_row_per_model_and_root(graph):
    table = lineage_table(resolve(graph))
    assert table.num_rows == len(graph)
    assert table.column_names == ["model_id", "root_model_id", "weight", "depth", "cycle_cut"]
