"""Secrets and untrusted values, through the real `hubcensus` command: the token never lands
in any output, and hostile model ids and namespaces from the Hub are stored verbatim without
reaching a path, a SQL string or the report's script unescaped."""

import os
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipeline.archive import write_listing
from pipeline.settings import Paths
from pipeline.simulated_hub import Fault, SimulatedHub
from pipeline.warehouse import connect

from .conftest import BIN, DAY

pytestmark = pytest.mark.slow
TOKEN = "hf_FAKEsecretTOKEN0123456789abcdefXYZ"
ESCAPE = Path("/tmp/hubcensus-escape-test")
HOSTILE = [  # (namespace, model id)
    ("xss", "xss/</script><script>alert(1)</script>"),
    ("O'Brien", "O'Brien/it's-a-model"),
    ('quo"te', 'quo"te/na"me'),
    ("..", "../../../../tmp/hubcensus-escape-test"),
    ("x'; DROP TABLE models; --", "x'; DROP TABLE models; --/m"),
    ("Robert'); DROP TABLE snapshots;--", "Robert'); DROP TABLE snapshots;--/bobby"),
    ("日本語", "日本語/モデル-🤗"),
    ("%s{0}", "%s{0}/$(touch /tmp/hubcensus-escape-test)"),
]


def hostile_items(day_number: int) -> list[dict]:
    """Good items with hostile names, downloaded a lot, so they top every chart; the last
    is a finetune of the first, so lineage carries them too."""
    items = [{"_id": f"hostile{k}", "id": model_id, "author": namespace, "createdAt": "2024-01-01T00:00:00.000Z",
              "downloads": 10**12, "downloadsAllTime": 10**9 + day_number * 10**12 * (k + 1), "likes": 1,
              "tags": ["transformers", f"license:{namespace}"], "pipeline_tag": "text-generation",
              "library_name": "transformers"} for k, (namespace, model_id) in enumerate(HOSTILE)]
    items[-1]["baseModels"] = {"relation": "finetune", "models": [{"_id": "hostile0", "id": HOSTILE[0][1]}]}
    return items


def hubcensus(*args, home, endpoint, token=TOKEN):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "HF_"))}
    env.update(HUBCENSUS_HOME=str(home), HF_ENDPOINT=endpoint, HF_TOKEN=token)
    return subprocess.run([BIN / "hubcensus", *args], env=env, capture_output=True, text=True, timeout=300)


def test_the_token_never_leaks_and_hostile_names_are_stored_verbatim(world, tmp_path):
    home = tmp_path / "home"
    outputs = []
    with SimulatedHub(world, DAY, max_page_size=500, token=TOKEN) as hub:
        for day_number in (0, 1):
            hub.day = DAY + timedelta(days=day_number)
            hub.inject(Fault(kind="items", page=4, items=hostile_items(day_number)))  # the last page
            outputs.append(run := hubcensus("run", home=home, endpoint=hub.url))
            assert run.returncode == 0, run.stdout + run.stderr
        for command in (["report"], ["shares"], ["orgs", "unclassified", "--top", "100"]):
            outputs.append(run := hubcensus(*command, home=home, endpoint=hub.url))
            assert run.returncode == 0, run.stdout + run.stderr
        hub.token = "hf_the_token_was_revoked"  # the error path: the Hub refuses our token
        outputs.append(refused := hubcensus("run", home=home, endpoint=hub.url))
    assert refused.returncode == 1 and "HTTP 401 (check HF_TOKEN)" in refused.stderr

    # The token: in no output of the command, and in no byte of any file it wrote
    # (Parquet, DuckDB, the report, Prefect's database and logs).
    for run in outputs:
        assert TOKEN not in run.stdout + run.stderr
    files = [path for path in home.rglob("*") if path.is_file()]
    assert any(path.name == "prefect.db" for path in files) and any(path.suffix == ".parquet" for path in files)
    for path in files:
        data = path.read_bytes()
        assert TOKEN.encode() not in data and b"FAKEsecretTOKEN" not in data, path

    # Hostile values: verbatim in every table, nothing written outside HUBCENSUS_HOME.
    assert not ESCAPE.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["home"]
    allowed = re.compile(r"(census/date=2026-01-0[12]/(quarantine\.parquet|snapshot\.json)|census/month=2026-01\.parquet|"
                         r"hubcensus\.duckdb|hubcensus\.duckdb\.lock|census\.lock|report/[a-z_]+\.(html|png)|prefect/.*|"
                         # the history tables' files: named by version, table and day (the empty file's,
                         # NULL), never by a model
                         r"history/[0-9a-f]{32}/[a-z_]+/[a-z_]+="
                         r"(\d{4}-\d\d-\d\d/rows-[0-9a-f-]{36}|__HIVE_DEFAULT_PARTITION__/empty)\.parquet)")
    assert [p for p in files if not allowed.fullmatch(p.relative_to(home).as_posix())] == []
    ids = [model_id for _, model_id in HOSTILE]
    write_listing(Paths.from_env(home), date(2026, 1, 2), tmp_path / "listing.parquet")
    assert set(ids) <= set(pl.read_parquet(tmp_path / "listing.parquet")["model_id"])  # and in the archive
    with connect(Paths.from_env(home), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM snapshots WHERE complete").fetchone() == (2,)
        stored = con.execute("SELECT model_id, namespace, license FROM models WHERE list_contains(?, model_id) "
                             "ORDER BY hub_object_id", [ids]).fetchall()
        assert stored == [(model_id, namespace, namespace) for namespace, model_id in HOSTILE]
        assert con.execute("SELECT count(DISTINCT model_id) FROM model_stats WHERE list_contains(?, model_id)",
                           [ids]).fetchone() == (len(ids),)
        assert con.execute("SELECT root_model_id FROM model_lineage WHERE model_id = ?", [ids[-1]]).fetchall() == [
            (ids[0],)]
        families = {f for (f,) in con.execute("SELECT DISTINCT segment FROM segment_share WHERE dimension = 'family'"
                                               ).fetchall()}
        assert set(ids[:-1]) <= families  # the finetune counts in its parent's family
        unclassified = {n for (n,) in con.execute("SELECT namespace FROM unclassified_namespaces").fetchall()}
        assert {namespace for namespace, _ in HOSTILE} <= unclassified
    report = (home / "report" / "index.html").read_text()
    assert "</script><script>alert(1)" not in report  # the hostile id cannot close the report's script
    assert "xss/\\u003c/script>\\u003cscript>alert(1)\\u003c/script>" in report  # but it is there, escaped
