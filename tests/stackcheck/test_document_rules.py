"""Issue 18 through the stack check: what API Gateway's import refuses exits 2 before any plan.

Each case of tests/program/test_import_rules.py's that passed the check with PASS: the same path
through `routes` (both modes) and through a file names the same rule and fix; a bad file is
refused at once, in one line, naming `openApiFile` and the file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.program.harness import MODES
from tests.program.test_import_rules import (
    BAD_FILES,
    BAD_PATHS,
    NO_METHOD,
    OWN_INTEGRATIONS,
    RESPONSES,
    operation_for,
)
from tests.stackcheck.test_errors import check_fails


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("paths", "words"), BAD_PATHS.values(), ids=BAD_PATHS.keys())
def test_a_path_the_import_refuses_exits_2_with_one_rule_through_routes_and_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, paths: list[str], words: str, mode: str
) -> None:
    routes = json.dumps([{"path": p, "method": "GET"} for p in paths])
    by_routes = check_fails(
        capsys, "dev", "--set", f"apiDefinition={mode}", "--set", f"routes={routes}"
    )
    assert f"private-api:routes[{len(paths) - 1}].path: " in by_routes
    file = tmp_path / "team.json"
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}}
    file.write_text(json.dumps({**document, "paths": {p: operation_for(p) for p in paths}}))
    by_file = check_fails(capsys, "orders", "--set", f"openApiFile={file}")
    assert f"private-api:openApiFile: '{file}' at /paths/" in by_file
    assert words in by_routes
    by_routes_rule = by_routes.split(".path: ", 1)[1].strip()
    assert by_file.strip().endswith(by_routes_rule)


@pytest.mark.parametrize("paths", NO_METHOD.values(), ids=NO_METHOD.keys())
def test_a_document_without_a_method_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, paths: dict[str, object]
) -> None:
    file = tmp_path / "team.json"
    file.write_text(
        json.dumps({"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": paths})
    )
    err = check_fails(capsys, "orders", "--set", f"openApiFile={file}")
    assert "has no method API Gateway imports" in err


@pytest.mark.parametrize(("data", "words"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_exits_2_at_once_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: bytes, words: str
) -> None:
    file = tmp_path / "team.yaml"
    file.write_bytes(data)
    started = time.monotonic()
    err = check_fails(capsys, "orders", "--set", f"openApiFile={file}")
    # A bound, not a benchmark: the unbounded expansion never answered at all.
    assert time.monotonic() - started < 60
    assert f"private-api:openApiFile: '{file}' " in err
    assert words in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(("integration", "words"), OWN_INTEGRATIONS.values(), ids=OWN_INTEGRATIONS)
def test_an_operations_own_integration_the_import_or_the_stack_refuses_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, integration: dict[str, object], words: str
) -> None:
    operation = {"responses": RESPONSES, "x-amazon-apigateway-integration": integration}
    file = tmp_path / "team.json"
    document = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}}
    file.write_text(json.dumps({**document, "paths": {"/": {"get": operation}}}))
    err = check_fails(capsys, "orders", "--set", f"openApiFile={file}")
    assert f"private-api:openApiFile: '{file}' at /paths/~1/get" in err
    assert words in err
