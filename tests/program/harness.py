"""Evaluate the real program with the real stack files, under Pulumi's mocks."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import mockrun, stackfiles

PROJECT_DIR = Path(__file__).resolve().parents[2]

RunStack = Callable[..., mockrun.ProgramRun]


def evaluate(
    stack: str,
    overrides: dict[str, Any] | None = None,
    *,
    preview: bool = False,
    into: mockrun.ProgramRun | None = None,
) -> mockrun.ProgramRun:
    """Load a shipped stack as the CLI would, apply `pulumi config set`-style overrides, run it."""
    config = stackfiles.load(PROJECT_DIR, stack, overrides)
    return mockrun.run_program(
        PROJECT_DIR,
        project=config.project,
        stack=stack,
        config=config.values,
        secret_keys=config.secret_keys,
        preview=preview,
        into=into,
    )


@functools.cache
def shipped(stack: str) -> mockrun.ProgramRun:
    """A shipped stack evaluated as its file stands, once per test process (each xdist worker).

    Many tests only read what a shipped stack registers; they share this one run. Read it, never
    change it. A test about evaluation itself (stability across runs, mocks it sets up, what a
    second run differs in) calls `evaluate`.
    """
    return evaluate(stack)


def shared_or_evaluated(
    stack: str, overrides: dict[str, Any] | None = None, **kwargs: Any
) -> mockrun.ProgramRun:
    """`evaluate`, answered from `shipped` when the stack is asked for as its file stands."""
    if overrides is None and not kwargs:
        return shipped(stack)
    return evaluate(stack, overrides, **kwargs)


REST_API = "aws:apigateway/restApi:RestApi"
METHOD = "aws:apigateway/method:Method"
INTEGRATION = "aws:apigateway/integration:Integration"
RESOURCE = "aws:apigateway/resource:Resource"
ANY_METHOD = "x-amazon-apigateway-any-method"
MODES = ("resources", "openapi")


def document(run: mockrun.ProgramRun) -> dict[str, Any]:
    """The OpenAPI document the RestApi imports (openapi mode)."""
    body = run.one(REST_API).inputs["body"]
    assert isinstance(body, str), "the RestApi has no body"
    loaded: dict[str, Any] = json.loads(body)
    return loaded


def integrations(run: mockrun.ProgramRun) -> dict[str, dict[str, Any]]:
    """'GET /path' to its private integration, read from whichever way the API was defined.

    Both modes are reduced to the same fields, in the Integration resource's spelling, so a test
    states a guarantee once and checks it in both.
    """
    found: dict[str, dict[str, Any]] = {}
    api = run.one(REST_API).inputs
    if "body" in api:
        for path, item in document(run).get("paths", {}).items():
            for key, operation in item.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                spec = operation.get("x-amazon-apigateway-integration", {})
                method = "ANY" if key == ANY_METHOD else key.upper()
                found[f"{method} {path}"] = {
                    "type": str(spec.get("type", "")).upper(),
                    "connectionType": spec.get("connectionType"),
                    "connectionId": spec.get("connectionId"),
                    "integrationHttpMethod": spec.get("httpMethod"),
                    "uri": spec.get("uri"),
                    "timeoutMilliseconds": spec.get("timeoutInMillis"),
                    "requestParameters": spec.get("requestParameters"),
                    "tlsConfig": spec.get("tlsConfig"),
                    "integrationTarget": spec.get("integrationTarget"),
                    "responseTransferMode": spec.get("responseTransferMode"),
                }
    for integration in run.by_type(INTEGRATION):
        method, path = integration.name.split("-integration-", 1)[1].split("-", 1)
        inputs = integration.inputs
        found[f"{method} {path}"] = {
            "type": inputs.get("type"),
            "connectionType": inputs.get("connectionType"),
            "connectionId": inputs.get("connectionId"),
            "integrationHttpMethod": inputs.get("integrationHttpMethod"),
            "uri": inputs.get("uri"),
            "timeoutMilliseconds": inputs.get("timeoutMilliseconds"),
            "requestParameters": inputs.get("requestParameters"),
            "tlsConfig": inputs.get("tlsConfig"),
            "integrationTarget": inputs.get("integrationTarget"),
            "responseTransferMode": inputs.get("responseTransferMode"),
        }
    return found


def in_mode(mode: str) -> RunStack:
    """`evaluate` with apiDefinition set, so a module's tests run in each mode."""

    def run(stack: str, overrides: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return evaluate(stack, {"apiDefinition": mode, **(overrides or {})}, **kwargs)

    return run
