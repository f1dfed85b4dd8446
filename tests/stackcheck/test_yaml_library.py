"""Why the stack-file reader is not a YAML 1.2 library: ruamel.yaml's differences, measured.

Issue 19 asked for a kept YAML 1.2 library where its core schema matches yaml.v3, with a short
table of what remains. Run over every scalar case the stack-file tests hold (the ones tests/cli
checks against CLI v3.276.0), ruamel.yaml 0.19 in YAML 1.2 mode differs on the cases below, and
each needs the code the reader has anyway (Go's integer syntax, date layouts, float64 range,
the JSON round trip): it would add a dependency and save no line. If ruamel changes, this fails
and the choice is worth making again. (docs/cli.md, "Why not a YAML 1.2 library".)
"""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest

from tests.cli.test_stackfile_cases import GENERATED
from tests.stackcheck.test_stackfiles import RESOLVED
from tools import goyaml

ruamel_yaml = pytest.importorskip("ruamel.yaml")

#: Where ruamel.yaml (YAML 1.2, safe) and yaml.v3 (our reader, checked against the CLI) differ.
DIFFERENCES = {
    # yaml.v3 reads a leading 0 as octal (Go's ParseInt base 0); YAML 1.2 core reads decimal.
    "octal 0": {"010", "012", "030", "08"},
    # Beyond int64 inside the CLI's JSON round trip, or float64's range: Go's limits.
    "Go's number range": {
        "18446744073709551616",
        "12345678901234567890123",
        "-9223372036854775809",
        "1e400",
        "0.1e400",
    },
    # time.Parse layouts: one-digit months, no zone after T, a bad date is a string, not an error.
    "dates": {
        "2024-1-2",
        "2024-01-02T10:00:00",
        "2024-13-01",
        "2023-02-29",
        "2024-02-30",
        "2001-12-14 21:59:43.10 -5",
    },
    # YAML 1.2 allows a tab inside a plain scalar; ruamel's scanner refuses it, as yaml.v3 does not.
    "tab in a plain scalar": {"b\tc"},
}


def _read(read: Any, text: str) -> str:
    """The value as comparable text: a time as UTC instant to the microsecond, NaN equal to NaN."""
    try:
        value = read(f"k: {text}\n")["k"]
    except Exception as error:  # noqa: BLE001 (a refusal is a result to compare)
        return type(error).__name__
    if isinstance(value, goyaml.GoTime):
        match = re.fullmatch(r"([^.]+?)(?:(\.\d{1,6})\d*)?(Z|[+-]\d\d:\d\d)", value)
        assert match is not None, value
        head, fraction, zone = match.groups()
        value = dt.datetime.fromisoformat(head + (fraction or "") + zone.replace("Z", "+00:00"))
    if isinstance(value, dt.datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    elif isinstance(value, dt.date):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return repr(value)


def test_ruamel_yaml_12_differs_from_yaml_v3_where_the_table_says() -> None:
    library = ruamel_yaml.YAML(typ="safe")
    library.version = (1, 2)
    cases = {c[0] if isinstance(c, tuple) else c for c in RESOLVED} | set(GENERATED) | {"b\tc"}
    found = {
        text
        for text in cases
        if _read(goyaml.load_yaml, text) != _read(lambda t: library.load(StringIO(t)), text)
    }
    assert found == set().union(*DIFFERENCES.values())
