"""The organisation registry: Hub namespace -> organisation, parent, country, type.

The shipped registry is `warehouse/seeds/orgs.csv`; a user's corrections go in
`$HUBCENSUS_HOME/orgs_overrides.csv`, same columns, layered on top at every run. An
override row changes only the fields it fills (`-` empties a field), or adds a namespace.
A malformed row is reported with its file and line and skipped; the rest applies.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pycountry

import warehouse

SHIPPED = warehouse.SQL_DIR / "seeds" / "orgs.csv"
OVERRIDES_NAME = "orgs_overrides.csv"
COLUMNS = ("namespace", "organisation", "parent", "country", "org_type", "source", "confidence", "note")
ORG_TYPES = frozenset(
    {"industry", "academia", "non-profit", "government", "research_collective", "community", "individual", "intermediary"}
)
CONFIDENCE = frozenset({"high", "medium", "low"})
CLEAR = "-"
# Hub namespaces: letters, digits, '-', '_', '.' (no '/', no spaces).
_NAMESPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ISO_CODES = frozenset(country.alpha_2 for country in pycountry.countries)


@dataclass(frozen=True)
class Org:
    namespace: str
    organisation: str
    parent: str
    country: str  # ISO 3166-1 alpha-2 codes joined with ';', or '' when unknown
    org_type: str
    source: str
    confidence: str
    note: str
    origin: str = "registry"  # 'registry', 'override' (a shipped row changed) or 'added'

    @property
    def countries(self) -> list[str]:
        return self.country.split(";") if self.country else []


class RegistryProblem(ValueError):
    """A row that could not be applied: the message names the file and line."""


def _check(values: dict[str, str], where: str, *, complete: bool) -> None:
    """Raise RegistryProblem naming `where` for the first bad value."""
    if not _NAMESPACE.match(values["namespace"]):
        raise RegistryProblem(f"{where}: namespace {values['namespace']!r} is not a Hub namespace")
    country = values["country"]
    if country and country != CLEAR:
        for code in country.split(";"):
            if code not in _ISO_CODES:
                raise RegistryProblem(f"{where}: country {code!r} is not an ISO 3166-1 alpha-2 code (like CN, US, FR)")
    if values["org_type"] and values["org_type"] not in ORG_TYPES:
        raise RegistryProblem(f"{where}: org_type {values['org_type']!r} is not one of {', '.join(sorted(ORG_TYPES))}")
    if values["confidence"] and values["confidence"] not in CONFIDENCE:
        raise RegistryProblem(f"{where}: confidence {values['confidence']!r} is not high, medium or low")
    if complete:
        for required in ("organisation", "parent", "org_type", "source"):
            if not values[required] or values[required] == CLEAR:
                raise RegistryProblem(f"{where}: {required} is empty")


def _rows(path: Path):
    """(line number, {column: value}) of a registry-format CSV; `#` lines are comments."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = ((n, line) for n, line in enumerate(handle, start=1) if not line.startswith("#") and line.strip())
        numbers: list[int] = []

        def numbered():
            for number, line in lines:
                numbers.append(number)
                yield line

        reader = csv.reader(numbered())
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != list(COLUMNS):
            raise RegistryProblem(f"{path} line {numbers[0] if numbers else 1}: the header must be {','.join(COLUMNS)}")
        for record in reader:
            where = f"{path} line {numbers[-1]}"
            if len(record) != len(COLUMNS):
                yield where, RegistryProblem(f"{where}: {len(record)} fields, expected {len(COLUMNS)}")
                continue
            yield where, dict(zip(COLUMNS, (value.strip() for value in record)))


def load_shipped(path: Path = SHIPPED) -> dict[str, Org]:
    """The shipped registry, keyed by lower-cased namespace. Any bad row is a bug: raise."""
    orgs: dict[str, Org] = {}
    for where, values in _rows(path):
        if isinstance(values, RegistryProblem):
            raise values
        _check(values, where, complete=True)
        key = values["namespace"].lower()
        if key in orgs:
            raise RegistryProblem(f"{where}: namespace {values['namespace']} is listed twice")
        orgs[key] = Org(**values)
    return orgs


def apply_overrides(orgs: dict[str, Org], path: Path) -> tuple[dict[str, Org], list[str]]:
    """The registry with the user's overrides applied, and the problems found in them."""
    if not path.exists():
        return orgs, []
    merged, problems = dict(orgs), []
    try:
        for where, values in _rows(path):
            try:
                if isinstance(values, RegistryProblem):
                    raise values
                key = values["namespace"].lower()
                shipped = merged.get(key)
                _check(values, where, complete=shipped is None)
                if shipped is None:
                    merged[key] = Org(**{k: "" if v == CLEAR else v for k, v in values.items()}, origin="added")
                    continue
                changes = {k: ("" if v == CLEAR else v) for k, v in values.items() if v and k != "namespace"}
                merged[key] = replace(shipped, **changes, origin="override")
            except RegistryProblem as problem:
                problems.append(str(problem))
    except RegistryProblem as problem:  # an unreadable header: nothing of the file applies
        problems.append(str(problem))
    except (UnicodeDecodeError, csv.Error) as err:
        problems.append(f"{path}: not a readable CSV file ({err}); the rows after the last good one were skipped")
    return merged, problems


def load_registry(home: Path) -> tuple[list[Org], list[str]]:
    """Shipped registry + `home`'s overrides: (orgs sorted by namespace, override problems)."""
    orgs, problems = apply_overrides(load_shipped(), home / OVERRIDES_NAME)
    return sorted(orgs.values(), key=lambda org: org.namespace.lower()), problems
