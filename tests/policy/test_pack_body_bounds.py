"""Issue 18 (the pack's part): bodies read within bounds, once, in their RestApi's region.

Over gRPC as the CLI drives the pack: a billion-laughs body answers at once; a deep body still has
its INTERNET operation judged; an integration of the wrong shape is a finding, never a failed
`AnalyzeStack`; `$ref`s are followed or reported; a RestApi's own `region` decides where its
operations are; the import rules API Gateway applies are advisory findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pack_body
import pack_openapi
import pytest
import rules
import yaml

from tests.pack_client import Diagnostic, PolicyPackClient, Provider, Resource
from tests.policy.support import STAGE, engine_props, fake_id, urn
from tests.policy.test_pack_bodies import VPC_LINK_EXPRESSION, openapi_body, private, rest_api
from tools.pack_messages import UNKNOWN

pytestmark = pytest.mark.slow

PARSES = "rest-api-body-parses"
INTERNET_RULE = "private-integration-uses-vpc-link"
TARGETS = "vpc-link-targets-nlb"
ALB_WEST = (
    "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/web/1234567890abcdef"
)
PROVIDER_EAST = Provider(
    urn="urn:pulumi:dev::shop::pulumi:providers:aws::default",
    type="pulumi:providers:aws",
    name="default",
    properties={"region": "us-east-1"},
)


def of(found: Sequence[Diagnostic], rule: str, level: str | None = None) -> list[Diagnostic]:
    return [d for d in found if d.policy_name == rule and level in (None, d.enforcement_level)]


def internet(path: str) -> dict[str, Any]:
    return {
        "type": "http_proxy",
        "httpMethod": "GET",
        "uri": f"https://orders.internal.example.com{path}",
        "connectionType": "INTERNET",
    }


def stage_of(api: Resource) -> Resource:
    return Resource(
        urn=urn(STAGE, "stage"),
        type=STAGE,
        name="stage",
        properties={"restApi": fake_id(api.name), "stageName": "dev", "variables": {}},
        dependencies=(api.urn,),
        property_dependencies={"restApi": [api.urn]},
    )


# --- Bounds -------------------------------------------------------------------------------------


def billion_laughs() -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 9)]
    lines += [
        "openapi: 3.0.1",
        "paths:",
        "  /orders:",
        "    get:",
        "      x-amazon-apigateway-integration:",
        "        {type: http_proxy, httpMethod: GET, uri: 'http://o.example.com/',",
        "         connectionType: VPC_LINK, connectionId: *l8}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture
def quick(pack: PolicyPackClient) -> Iterator[PolicyPackClient]:
    """The pack with a short RPC deadline: an answer that does not come in 30 s is a failure."""
    before, pack.rpc_timeout = pack.rpc_timeout, 30.0
    yield pack
    pack.rpc_timeout = before


def test_a_billion_laughs_body_is_refused_at_once(quick: PolicyPackClient) -> None:
    api = rest_api(billion_laughs())
    found = quick.analyze(api)
    assert [(d.policy_name, d.enforcement_level) for d in found] == [(PARSES, "advisory")]
    assert "billion laughs" in found[0].detail
    stack = quick.analyze_stack([api, stage_of(api)])
    assert [d for d in stack if d.enforcement_level == "mandatory"] == []


@pytest.mark.parametrize("deep", ["yaml-500", "json-1000"])
def test_a_deep_body_still_has_its_internet_operation_judged(
    quick: PolicyPackClient, deep: str
) -> None:
    form, depth = deep.split("-")
    nested: Any = "x"
    for _ in range(int(depth)):
        nested = [nested]
    document = {
        "openapi": "3.0.1",
        "components": {"schemas": {"deep": {"example": nested}}},
        "paths": {
            "/orders": {"get": {"x-amazon-apigateway-integration": private("GET", "/orders")}},
            "/open": {"get": {"x-amazon-apigateway-integration": internet("/open")}},
        },
    }
    # Written by hand: PyYAML's and json's own writers recurse too deep for this document. The
    # YAML is flow style after a document marker, which no JSON reader takes.
    text = _json(document)
    if form == "yaml":
        text = "---\n" + text
    found = quick.analyze(rest_api(text))
    assert [d.detail.split(" is an HTTP")[0] for d in of(found, INTERNET_RULE, "mandatory")] == [
        "Operation 'GET /open' in the body of RestApi 'orders-api'"
    ]
    notes = of(found, PARSES, "advisory")
    assert len(notes) == 1
    assert f"nested deeper than {pack_body.MAX_DEPTH} levels" in notes[0].detail


def _json(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]" if len(value) != 1 else _deep(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_json(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _deep(value: Any) -> str:
    depth = 0
    while isinstance(value, list) and len(value) == 1:
        value, depth = value[0], depth + 1
    return "[" * depth + _json(value) + "]" * depth


def test_a_body_above_6_mb_is_refused_at_once(quick: PolicyPackClient) -> None:
    text = json.dumps({"openapi": "3.0.1", "info": {"description": "a" * (6 * 1024 * 1024)}})
    found = quick.analyze(rest_api(text))
    assert [(d.policy_name, d.enforcement_level) for d in found] == [(PARSES, "advisory")]
    assert "above API Gateway's import limit of 6,291,456 bytes (6 MB)" in found[0].detail


def test_each_body_is_parsed_once_per_analyze_and_per_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the server runs them: every resource rule on properties deserialized anew, then every
    stack rule. (In process: a count of parses cannot be read over gRPC.)"""
    from pulumi_policy import (  # noqa: PLC0415 (the SDK's own classes, as the server builds them)
        PolicyCustomTimeouts,
        PolicyResourceOptions,
        ResourceValidationArgs,
        ResourceValidationPolicy,
        StackValidationArgs,
        StackValidationPolicy,
    )

    from tests.policy.support import policy_resources  # noqa: PLC0415

    calls: list[int] = []
    real = pack_body.read

    def counted(text: str) -> pack_body.Document:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(pack_body, "read", counted)
    pack_openapi._CACHE.clear()  # a fresh pack
    body = openapi_body({"/": {"get": {"x-amazon-apigateway-integration": private("GET", "/")}}})
    api = rest_api(body)
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    for rule in rules.POLICIES:
        if isinstance(rule, ResourceValidationPolicy):
            args = ResourceValidationArgs(
                api.type, engine_props(api.properties), api.urn, api.name, options, None, {}, {}
            )
            rule.validate(args, lambda *_: None)
    assert calls == [len(body)]
    for rule in rules.POLICIES:
        if isinstance(rule, StackValidationPolicy):
            args_ = StackValidationArgs(policy_resources([api, stage_of(api)]), {}, {})
            rule.validate(args_, lambda *_: None)
    assert calls == [len(body)]


# --- Values of the wrong type, $refs ----------------------------------------------------------


@pytest.mark.parametrize(
    "integration",
    [
        [private("GET", "/")],
        {**private("GET", "/"), "type": ["http_proxy"]},
        {**private("GET", "/"), "type": {"http": "proxy"}},
    ],
    ids=["a list", "type a list", "type a map"],
)
def test_an_integration_of_the_wrong_shape_is_a_finding_not_a_failure(
    pack: PolicyPackClient, integration: Any
) -> None:
    api = rest_api(openapi_body({"/": {"get": {"x-amazon-apigateway-integration": integration}}}))
    pack.analyze_stack([api, stage_of(api)])  # no gRPC UNKNOWN "unhashable type"
    notes = of(pack.analyze(api), PARSES, "advisory")
    assert notes, "the wrong shape is reported"
    assert any("a list" in d.detail or "a map" in d.detail for d in notes)


def test_local_refs_are_followed_and_other_refs_reported(pack: PolicyPackClient) -> None:
    document = {
        "openapi": "3.0.1",
        "paths": {
            "/a": {"$ref": "#/components/x-paths/open"},
            "/b": {"get": {"x-amazon-apigateway-integration": {"$ref": "#/components/x~1i/lit"}}},
            "/c": {"$ref": "other.yaml#/paths/~1c"},
        },
        "components": {
            "x-paths": {"open": {"get": {"x-amazon-apigateway-integration": internet("/a")}}},
            "x/i": {"lit": private("GET", "/b", "gim7c3")},
        },
    }
    found = pack.analyze(rest_api(json.dumps(document)))
    mandatory = sorted(
        (d.policy_name, d.detail.split(" in the body")[0])
        for d in found
        if d.enforcement_level == "mandatory"
    )
    assert mandatory == [
        (INTERNET_RULE, "Operation 'GET /a'"),
        ("vpc-link-connection-id-uses-stage-variable", "Operation 'GET /b'"),
    ]
    notes = [d.detail for d in of(found, PARSES)]
    assert len(notes) == 1
    assert "'/c' as a $ref to 'other.yaml#/paths/~1c'" in notes[0]


# --- Region -------------------------------------------------------------------------------------


def targeted(region: Any) -> Resource:
    """A RestApi in `region` (its own input) whose body sends a V2 integration to an ALB in
    us-west-2; its provider is in us-east-1."""
    integration = {**private("GET", "/"), "integrationTarget": ALB_WEST}
    api = rest_api(openapi_body({"/": {"get": {"x-amazon-apigateway-integration": integration}}}))
    return replace(api, properties={**api.properties, "region": region}, provider=PROVIDER_EAST)


def test_a_body_is_judged_in_its_rest_apis_own_region(pack: PolicyPackClient) -> None:
    assert of(pack.analyze(targeted("us-west-2")), TARGETS) == []
    wrong = of(pack.analyze(targeted("eu-west-1")), TARGETS, "mandatory")
    assert len(wrong) == 1
    assert "created in eu-west-1 (its region input)" in wrong[0].detail


def test_an_unknown_region_defers(pack: PolicyPackClient) -> None:
    found = of(pack.analyze(targeted(UNKNOWN)), TARGETS)
    assert [d.enforcement_level for d in found] == ["advisory"]
    assert "can't run policy" in found[0].message
    link = Resource(
        urn=urn("aws:apigateway/vpcLink:VpcLink", "link"),
        type="aws:apigateway/vpcLink:VpcLink",
        name="link",
        properties={"targetArn": ALB_WEST.replace("app/web", "net/nlb"), "region": UNKNOWN},
        provider=PROVIDER_EAST,
    )
    assert of(pack.analyze(link), TARGETS, "mandatory") == []


# --- Import rules -------------------------------------------------------------------------------


def test_what_api_gateways_import_refuses_is_an_advisory_finding(pack: PolicyPackClient) -> None:
    fine = {"x-amazon-apigateway-integration": private("GET", "/")}
    document = {
        "openapi": "3.0.1",
        "paths": {
            "/a b": {"get": fine},
            "/{proxy+}/x": {"get": fine},
            "/o/{id}": {"get": fine},
            "/o/{key}": {"get": fine},
            "/r/{id}/s/{id}": {"get": fine},
            "/t": {"get": {"x-amazon-apigateway-integration": {"type": "http_proxy"}}},
            "/u": {
                "get": {
                    "x-amazon-apigateway-integration": {**private("GET", "/"), "type": "lambda"}
                }
            },
            "/v": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        **private("GET", "/"),
                        "timeoutInMillis": "soon",
                        "connectionType": "PRIVATE",
                    }
                }
            },
        },
    }
    notes = [d for d in pack.analyze(rest_api(json.dumps(document))) if d.policy_name == PARSES]
    assert {d.enforcement_level for d in notes} == {"advisory"}
    said = "\n".join(d.detail for d in notes)
    for expected in (
        "whose part 'a b' API Gateway refuses",
        "whose greedy variable '{proxy+}' is not its last part",
        "more than one variable child ({id}, {key})",
        "repeats the path parameter 'id'",
        "(HTTP_PROXY) no httpMethod",
        "the type 'lambda', not one of",
        "a timeoutInMillis that is a string, not a number",
        "the connectionType 'PRIVATE', not INTERNET or VPC_LINK",
    ):
        assert expected in said
    empty = pack.analyze(rest_api(json.dumps({"openapi": "3.0.1", "paths": {"/": {}}})))
    assert ["doesn't contain any methods" in d.detail for d in empty] == [True]


def test_a_well_formed_body_has_no_findings(pack: PolicyPackClient) -> None:
    body = openapi_body(
        {"/o/{id}": {"get": {"x-amazon-apigateway-integration": private("GET", "/o/{id}")}}}
    )
    assert pack.analyze(rest_api(body)) == []
    assert pack.analyze(rest_api(yaml.safe_dump(json.loads(body)))) == []
    assert VPC_LINK_EXPRESSION in body


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    yield
    pack_openapi._CACHE.clear()  # in-process tests share the module
