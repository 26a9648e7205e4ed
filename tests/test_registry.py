"""The organisation registry and the user's overrides."""

import csv

import pytest

from pipeline.registry import (
    COLUMNS, OVERRIDES_NAME, ORG_TYPES, SHIPPED, RegistryProblem, apply_overrides, load_registry, load_shipped,
)

HEADER = ",".join(COLUMNS)


@pytest.fixture
def shipped(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(
        "# a comment line\n"
        f"{HEADER}\n"
        "Qwen,Qwen,Alibaba,CN,industry,https://qwen.ai,high,\n"
        "bartowski,bartowski,bartowski,,intermediary,https://huggingface.co/bartowski,high,quantiser\n"
        'bigscience,BigScience,Hugging Face,"FR;US",research_collective,https://bigscience.huggingface.co,high,\n'
    )
    return load_shipped(path)


def write(tmp_path, text):
    path = tmp_path / OVERRIDES_NAME
    path.write_text(text)
    return path


def test_the_shipped_registry_is_complete_and_sourced():
    orgs = load_shipped()
    assert len(orgs) >= 300
    assert all(org.source.count("http") >= 1 for org in orgs.values())
    assert {org.org_type for org in orgs.values()} == ORG_TYPES
    first_lines = SHIPPED.read_text().splitlines()[:5]
    assert any("Epoch AI" in line and "CC BY 4.0" in line for line in first_lines)


@pytest.mark.parametrize(
    ("namespace", "country", "parent"),
    [("Qwen", "CN", "Alibaba"), ("THUDM", "CN", "Zhipu AI"), ("zai-org", "CN", "Zhipu AI"),
     ("meta-llama", "US", "Meta"), ("facebook", "US", "Meta"), ("CohereForAI", "CA", "Cohere"),
     ("CohereLabs", "CA", "Cohere"), ("mistralai", "FR", "Mistral AI"), ("deepseek-ai", "CN", "DeepSeek"),
     ("tiiuae", "AE", None), ("swiss-ai", "CH", None)],
)
def test_known_namespaces(namespace, country, parent):
    org = load_shipped()[namespace.lower()]
    assert org.country == country
    assert parent is None or org.parent == parent


@pytest.mark.parametrize("namespace", ["unsloth", "bartowski", "TheBloke", "mlx-community", "lmstudio-community",
                                       "QuantFactory"])
def test_the_big_intermediaries(namespace):
    assert load_shipped()[namespace.lower()].org_type == "intermediary"


def test_an_override_changes_only_what_it_fills(shipped, tmp_path):
    path = write(tmp_path, f"{HEADER}\nqwen,,,US,,,low,analyst says so\nbartowski,,,CA,,,,\nbigscience,,,-,,,,\n")
    merged, problems = apply_overrides(shipped, path)
    assert problems == []
    assert (merged["qwen"].country, merged["qwen"].parent, merged["qwen"].confidence) == ("US", "Alibaba", "low")
    assert merged["qwen"].origin == "override" and merged["qwen"].note == "analyst says so"
    assert merged["bartowski"].country == "CA" and merged["bartowski"].org_type == "intermediary"
    assert merged["bigscience"].country == "" and merged["bigscience"].countries == []


def test_an_override_adds_a_namespace(shipped, tmp_path):
    path = write(tmp_path, f"{HEADER}\nacme-ai,Acme AI,Acme,NL,industry,https://acme.example,medium,\n")
    merged, problems = apply_overrides(shipped, path)
    assert problems == [] and merged["acme-ai"].country == "NL" and merged["acme-ai"].origin == "added"


def test_a_malformed_row_is_named_and_the_rest_applies(shipped, tmp_path):
    path = write(
        tmp_path,
        "# my corrections\n"
        f"{HEADER}\n"
        "Qwen,,,China,,,,\n"  # line 3: not an ISO code
        "new-lab,New Lab,New Lab,FR,industry,,,\n"  # line 4: a new namespace needs a source
        "x,y\n"  # line 5: too few fields
        "bad name!,,,,,,,\n"  # line 6
        "bartowski,,,,hobbyist,,,\n"  # line 7
        'bigscience,,,"FR;DE",,,,\n',  # line 8: fine
    )
    merged, problems = apply_overrides(shipped, path)
    assert problems == [
        f"{path} line 3: country 'China' is not an ISO 3166-1 alpha-2 code (like CN, US, FR)",
        f"{path} line 4: source is empty",
        f"{path} line 5: 2 fields, expected 8",
        f"{path} line 6: namespace 'bad name!' is not a Hub namespace",
        f"{path} line 7: org_type 'hobbyist' is not one of " + ", ".join(sorted(ORG_TYPES)),
    ]
    assert merged["qwen"].country == "CN" and "new-lab" not in merged
    assert merged["bigscience"].countries == ["FR", "DE"]


def test_a_file_with_the_wrong_header_is_reported_and_ignored(shipped, tmp_path):
    path = write(tmp_path, "namespace,country\nQwen,US\n")
    merged, problems = apply_overrides(shipped, path)
    assert problems == [f"{path} line 1: the header must be {HEADER}"]
    assert merged == shipped


def test_a_binary_file_is_reported(shipped, tmp_path):
    path = tmp_path / OVERRIDES_NAME
    path.write_bytes(b"\xff\xfe\x00garbage")
    merged, problems = apply_overrides(shipped, path)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: not a readable CSV file")
    assert merged == shipped


def test_load_registry_layers_the_homes_overrides(tmp_path):
    write(tmp_path, f"{HEADER}\nQwen,,,SG,,,,\n")
    orgs, problems = load_registry(tmp_path)
    assert problems == [] and next(o for o in orgs if o.namespace == "Qwen").country == "SG"


def test_the_shipped_file_is_plain_csv():
    rows = list(csv.reader(line for line in SHIPPED.read_text().splitlines() if not line.startswith("#")))
    assert rows[0] == list(COLUMNS) and all(len(row) == len(COLUMNS) for row in rows)


def test_a_duplicate_in_the_shipped_file_is_a_bug(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_text(f"{HEADER}\nQwen,Q,A,CN,industry,http://x,high,\nqwen,Q,A,CN,industry,http://x,high,\n")
    with pytest.raises(RegistryProblem, match="line 3: namespace qwen is listed twice"):
        load_shipped(path)


def test_orgs_check_reports_problems_and_fails(tmp_path, capsys):
    from flows.cli import main

    assert main(["orgs", "check", "--home", str(tmp_path)]) == 0
    write(tmp_path, f"{HEADER}\nQwen,,,CHN,,,,\n")
    assert main(["orgs", "check", "--home", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert f"{tmp_path / OVERRIDES_NAME} line 2: country 'CHN' is not an ISO 3166-1 alpha-2 code" in out.err
    assert "1 problem(s)" in out.out
