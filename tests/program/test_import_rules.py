"""Issue 18: one validator of what API Gateway's import accepts, for `routes` and `openApiFile`.

A path refused through `routes` is refused through a file with the same rule and the same fix;
a document API Gateway would refuse (or that would end in CreateDeployment's "The REST API
doesn't contain any methods") fails before any resource, naming `openApiFile`, the file and the
JSON pointer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from components import PrivateRestApiArgs, VpcLinkSpec
from components.args import InvalidArgsError
from stack_config import ConfigError
from tests.program.harness import MODES, evaluate
from tools.mockrun import ProgramRun

NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
RESPONSES = {"default": {"description": "x"}}

#: Paths the import refuses (issue 18), each with the words of the rule that refuses it.
BAD_PATHS = {
    "a space": (["/a b"], "which API Gateway rejects"),
    "a tilde": (["/a~b"], "which API Gateway rejects"),
    "an accented letter": (["/caf\u00e9"], "which API Gateway rejects"),
    "percent-encoding": (["/a%20b"], "which API Gateway rejects"),
    "an asterisk": (["/a*b"], "which API Gateway rejects"),
    "a greedy part not last": (["/{proxy+}/x"], "it must be last"),
    "a repeated parameter": (["/{id}/x/{id}"], "twice; rename one"),
    "a parameter name with a hyphen": (["/{order-id}"], "whose name this program cannot map"),
    "siblings of two names": (["/a/{id}", "/a/{name}"], "only one is allowed"),
}


def config_error(overrides: dict[str, Any], stack: str = "dev") -> str:
    run = ProgramRun()
    with pytest.raises(ConfigError) as caught:
        evaluate(stack, overrides, into=run)
    assert run.resources == [], "a resource was registered before the refusal"
    message = str(caught.value)
    assert "Traceback" not in message
    return message


def write_document(tmp_path: Path, paths: dict[str, Any], **extra: Any) -> Path:
    doc = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": paths, **extra}
    path = tmp_path / "team.json"
    path.write_text(json.dumps(doc))
    return path


def operation_for(path: str) -> dict[str, Any]:
    names = sorted(set(re.findall(r"\{([^{}+]+)\+?\}", path)))
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in names
    ]
    return {"get": {"responses": RESPONSES, **({"parameters": parameters} if names else {})}}


def the_rule(message: str, key: str) -> str:
    """The sentence after `private-api:<key>: ` (and, for a file, after its name and pointer)."""
    line = next(line for line in message.splitlines() if f"private-api:{key}" in line)
    rest = line.split(f"private-api:{key}: ", 1)[1]
    return re.sub(r"^'[^']+' at /paths/.*?: (?=')", "", rest)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("paths", "words"), BAD_PATHS.values(), ids=BAD_PATHS.keys())
def test_a_path_gets_the_same_rule_and_fix_through_routes_and_through_a_file(
    tmp_path: Path, paths: list[str], words: str, mode: str
) -> None:
    bad = len(paths) - 1
    routes = [{"path": p, "method": "GET"} for p in paths]
    by_routes = config_error({"apiDefinition": mode, "routes": routes})
    assert f"private-api:routes[{bad}].path: " in by_routes
    file = write_document(tmp_path, {p: operation_for(p) for p in paths})
    by_file = config_error({"openApiFile": str(file)}, stack="orders")
    assert f"private-api:openApiFile: '{file}' at /paths/" in by_file
    assert words in the_rule(by_routes, f"routes[{bad}].path")
    assert the_rule(by_routes, f"routes[{bad}].path") == the_rule(by_file, "openApiFile")


NO_METHOD = {
    "no paths": {},
    "only trace": {"/": {"trace": {"responses": RESPONSES}}},
}


@pytest.mark.parametrize("paths", NO_METHOD.values(), ids=NO_METHOD.keys())
def test_a_document_without_an_importable_method_is_refused(
    tmp_path: Path, paths: dict[str, Any]
) -> None:
    message = config_error({"openApiFile": str(write_document(tmp_path, paths))}, "orders")
    assert "at /paths: has no method API Gateway imports" in message
    assert "The REST API doesn't contain any methods" in message


OWN_INTEGRATIONS = {
    "without type": (
        {"httpMethod": "GET", "uri": "https://x.example.com"},
        "/x-amazon-apigateway-integration/type: has no type; give one of http, http_proxy",
    ),
    "of an unknown type": (
        {"type": "lambda", "httpMethod": "GET", "uri": "https://x.example.com"},
        "has type 'lambda'; give one of",
    ),
    "without uri": ({"type": "http_proxy", "httpMethod": "GET"}, "/uri: is missing"),
    "a 60 s timeout": (
        {"type": "mock", "timeoutInMillis": 60000},
        "/timeoutInMillis: 60000 ms is above API Gateway's default maximum of 29000 ms",
    ),
}


@pytest.mark.parametrize(("integration", "words"), OWN_INTEGRATIONS.values(), ids=OWN_INTEGRATIONS)
def test_an_operations_own_integration_is_held_to_the_import_and_the_stack(
    tmp_path: Path, integration: dict[str, Any], words: str
) -> None:
    operation = {"responses": RESPONSES, "x-amazon-apigateway-integration": integration}
    file = write_document(tmp_path, {"/": {"get": operation}})
    message = config_error({"openApiFile": str(file)}, "orders")
    assert f"private-api:openApiFile: '{file}' at /paths/~1/get" in message
    assert words in message


def test_an_operations_long_timeout_passes_where_allow_long_timeout_is_set(tmp_path: Path) -> None:
    operation = {
        "responses": RESPONSES,
        "x-amazon-apigateway-integration": {"type": "mock", "timeoutInMillis": 60000},
    }
    file = write_document(tmp_path, {"/": {"get": operation}})
    evaluate("orders", {"openApiFile": str(file), "allowLongTimeout": True})


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "billion laughs": (
        b"openapi: '3.0.1'\n"
        + b"a: &a ["
        + b",".join([b"lol"] * 10)
        + b"]\n"
        + b"".join(
            bytes(f"{c}: &{c} [" + ",".join([f"*{p}"] * 10) + "]\n", "ascii")
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "expands to more than 2000000 nodes once its YAML aliases",
    ),
    "5000 deep": (b"openapi: '3.0.1'\nx: " + b"[" * 5000 + b"]" * 5000, "nests deeper than"),
    "300 deep": (b"openapi: '3.0.1'\nx: " + b"[" * 300 + b"]" * 300, "nests deeper than 200"),
    "a $ref to another file": (
        b"openapi: '3.0.1'\ninfo: {title: t, version: '1'}\npaths:\n  /:\n    get:\n"
        b"      responses: {default: {$ref: 'common.yaml#/r'}}\n",
        "at /paths/~1/get/responses/default/$ref: '$ref: common.yaml#/r' points outside",
    ),
    "a $ref to a missing component": (
        b"openapi: '3.0.1'\ninfo: {title: t, version: '1'}\npaths:\n  /:\n    get:\n"
        b"      responses: {default: {$ref: '#/components/responses/nope'}}\n",
        "points at nothing in the document",
    ),
    "a $ref loop": (
        b"openapi: '3.0.1'\ninfo: {title: t, version: '1'}\npaths:\n  /:\n    get:\n"
        b"      responses: {default: {$ref: '#/components/responses/a'}}\n"
        b"components:\n  responses:\n    a: {$ref: '#/components/responses/b'}\n"
        b"    b: {$ref: '#/components/responses/a'}\n",
        "chain more than 32 times (a loop?)",
    ),
    "empty": (b"", "is empty; give an OpenAPI 3.0 document"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", "is binary (it holds NUL bytes)"),
    "Latin-1": (
        "openapi: '3.0.1'\ninfo: {title: caf\u00e9, version: '1'}\n".encode("latin-1"),
        "is not UTF-8 text (byte 0xe9 at offset 34); save it as UTF-8",
    ),
    "openapi read as a number": (
        b"openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "has openapi: 3.0 at /openapi, which YAML reads as a number; quote it",
    ),
}


@pytest.mark.parametrize(("data", "words"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_refused_at_once_naming_it_and_the_fix(
    tmp_path: Path, data: bytes, words: str
) -> None:
    file = tmp_path / "team.yaml"
    file.write_bytes(data)
    message = config_error({"openApiFile": str(file)}, "orders")
    assert message.startswith(f"Invalid stack configuration: private-api:openApiFile: '{file}' ")
    assert words in message
    assert len(message) < 1000  # never the whole document


def test_the_component_refuses_a_bad_document_naming_the_field_and_the_pointer() -> None:
    """Without stack_config: the args check the team's document with the same rules."""
    document = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a b": {"get": {"responses": RESPONSES}}},
    }
    with pytest.raises(InvalidArgsError) as caught:
        PrivateRestApiArgs(
            vpc_links={"blue": VpcLinkSpec.for_network_load_balancer(NLB)},
            active_vpc_link="blue",
            integration_uri="https://orders.internal.example.com",
            stage_name="v1",
            openapi_document=document,
        )
    assert caught.value.problems == [
        (
            "openapi_document",
            "at /paths/~1a b: '/a b' has the path part 'a b', which API Gateway rejects (\"only "
            'allow a-zA-Z0-9._- and curly braces at the beginning and the end"); use letters, '
            "digits, '.', '_', ':', '-', or a parameter such as '{id}' or '{proxy+}' (no "
            "spaces, no percent-encoding).",
        )
    ]


def test_a_colon_passes_through_routes_and_a_file_as_it_did(tmp_path: Path) -> None:
    """`/events:batch` (Google's custom-method style) is accepted by CreateResource; the program
    took it in routes before, and takes it in a file now."""
    evaluate("dev", {"routes": [{"path": "/events:batch", "method": "POST"}]})
    file = write_document(tmp_path, {"/events:batch": operation_for("/events:batch")})
    evaluate("orders", {"openApiFile": str(file)})


def test_a_path_item_given_as_a_local_ref_gets_its_own_private_integration(tmp_path: Path) -> None:
    """A `$ref` path item is written out and completed for its own path (the target's path would
    send its requests to the wrong backend URL)."""
    from tests.program.harness import integrations  # noqa: PLC0415

    paths = {
        "/orders": operation_for("/orders"),
        "/orders-v1": {"$ref": "#/paths/~1orders"},
    }
    found = integrations(evaluate("orders", {"openApiFile": str(write_document(tmp_path, paths))}))
    assert found["GET /orders-v1"]["uri"] == "https://orders.team.internal.example.com/orders-v1"
    assert found["GET /orders"]["uri"] == "https://orders.team.internal.example.com/orders"


def test_an_operations_timeout_is_not_judged_against_a_stand_in_transfer_mode(
    tmp_path: Path,
) -> None:
    """A wrong responseTransferMode is reported once, not again through the file's timeout."""
    operation = {
        "responses": RESPONSES,
        "x-amazon-apigateway-integration": {"type": "mock", "timeoutInMillis": 60000},
    }
    file = write_document(tmp_path, {"/": {"get": operation}})
    message = config_error(
        {"openApiFile": str(file), "responseTransferMode": "chunked"}, stack="orders"
    )
    assert "private-api:responseTransferMode:" in message
    assert "private-api:openApiFile:" not in message
