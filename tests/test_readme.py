"""The README says what the code does."""

from pathlib import Path

from pipeline.reference import table_reference

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_the_table_reference_is_the_warehouses_own():
    assert table_reference() in README, "regenerate it: python -m pipeline.reference"


def test_ci_runs_the_readmes_test_command():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    command = next(line.split('"', 1)[1].rsplit('"', 1)[0] for line in ci.splitlines() if line.startswith("test_command="))
    assert command in README.splitlines()
