"""The pack judges the integrations inside a RestApi's OpenAPI body, over gRPC as the CLI runs it.

Bodies are written as the programs that make them write them: this project's OpenAPI 3 JSON, and
the Swagger 2 document Pulumi's `aws-apigateway` component (`@pulumi/aws-apigateway`, and the
older `aws.apigateway.x.API`) builds, with `x-amazon-apigateway-any-method` and lower-case types.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tests.policy.support import STAGE, fake_id, urn
from tests.program.harness import shipped
from tools import mockrun
from tools.pack_messages import UNKNOWN

pytestmark = pytest.mark.slow

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
REST_API = "aws:apigateway/restApi:RestApi"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
VPC_LINK_EXPRESSION = "${stageVariables.vpcLinkId}"


def private(method: str, path: str, connection_id: str = VPC_LINK_EXPRESSION) -> dict[str, Any]:
    return {
        "type": "http_proxy",
        "httpMethod": method,
        "uri": f"https://orders.internal.example.com{path}",
        "connectionType": "VPC_LINK",
        "connectionId": connection_id,
        "passthroughBehavior": "when_no_match",
    }


def openapi_body(paths: dict[str, Any]) -> str:
    return json.dumps(
        {"openapi": "3.0.1", "info": {"title": "orders", "version": "1"}, "paths": paths}
    )


def rest_api(body: Any, name: str = "orders-api") -> Resource:
    return Resource(
        urn=urn(REST_API, name),
        type=REST_API,
        name=name,
        properties={"body": body, "putRestApiMode": "overwrite"},
    )


def mandatory(found: Sequence[Diagnostic]) -> list[tuple[str, str]]:
    return sorted((d.policy_name, d.detail) for d in found if d.enforcement_level == "mandatory")


def test_a_literal_link_id_and_an_internet_integration_are_caught_naming_both_operations(
    pack: PolicyPackClient,
) -> None:
    body = openapi_body(
        {
            "/orders": {"get": {"x-amazon-apigateway-integration": private("GET", "/orders")}},
            "/orders/{id}": {
                "get": {
                    "x-amazon-apigateway-integration": private("GET", "/orders/{id}", "gim7c3")
                },
                "delete": {
                    "x-amazon-apigateway-integration": {
                        "type": "http_proxy",
                        "httpMethod": "DELETE",
                        "uri": "https://orders.internal.example.com/orders/{id}",
                        "connectionType": "INTERNET",
                    }
                },
            },
        }
    )
    found = mandatory(pack.analyze(rest_api(body)))
    assert [name for name, _ in found] == [
        "private-integration-uses-vpc-link",
        "vpc-link-connection-id-uses-stage-variable",
    ]
    internet, literal = (detail for _, detail in found)
    assert internet.startswith(
        "Operation 'DELETE /orders/{id}' in the body of RestApi 'orders-api' is an HTTP "
        "integration that has connectionType 'INTERNET'"
    )
    assert literal.startswith(
        "Operation 'GET /orders/{id}' in the body of RestApi 'orders-api' sets connectionId to "
        "the literal 'gim7c3'"
    )
    # Both are reported on the RestApi, the resource that carries the body.
    assert {d.urn for d in pack.analyze(rest_api(body))} == {urn(REST_API, "orders-api")}


def aws_apigateway_swagger(connection_id: str) -> dict[str, Any]:
    """A body as Pulumi's aws-apigateway component writes one for an integration route through a
    VPC link (`target: {uri, connectionType, connectionId}`): two ANY operations, the path and
    its `{proxy+}` (pulumi/pulumi-aws-apigateway, provider/cmd/pulumi-resource-aws-apigateway/
    apigateway/api.ts, addIntegrationRouteToSwaggerSpec)."""
    integration = {
        "responses": {"default": {"statusCode": "200"}},
        "uri": "https://orders.internal.example.com/",
        "type": "http_proxy",
        "connectionType": "VPC_LINK",
        "connectionId": connection_id,
        "passthroughBehavior": "when_no_match",
        "httpMethod": "ANY",
    }
    return {
        "swagger": "2.0",
        "info": {"title": "orders", "version": "1.0"},
        "paths": {
            "/": {
                "x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": integration}
            },
            "/{proxy+}": {
                "x-amazon-apigateway-any-method": {
                    "parameters": [
                        {"name": "proxy", "in": "path", "required": True, "type": "string"}
                    ],
                    "x-amazon-apigateway-integration": {
                        "responses": {"default": {"statusCode": "200"}},
                        "uri": "https://orders.internal.example.com/{proxy}",
                        "requestParameters": {
                            "integration.request.path.proxy": "method.request.path.proxy"
                        },
                        "passthroughBehavior": "when_no_match",
                        "httpMethod": "ANY",
                        "connectionType": "VPC_LINK",
                        "connectionId": connection_id,
                        "type": "http_proxy",
                    },
                }
            },
        },
        "x-amazon-apigateway-binary-media-types": ["*/*"],
        "x-amazon-apigateway-gateway-responses": {},
    }


@pytest.mark.parametrize("encode", [json.dumps, yaml.safe_dump], ids=["json", "yaml"])
def test_a_swagger_2_body_of_the_aws_apigateway_component_is_judged(
    pack: PolicyPackClient, encode: Any
) -> None:
    bad = encode(aws_apigateway_swagger("a1b2c3"))
    found = mandatory(pack.analyze(rest_api(bad)))
    assert found == [
        (
            "vpc-link-connection-id-uses-stage-variable",
            f"Operation '{operation}' in the body of RestApi 'orders-api' sets connectionId to "
            f"the literal 'a1b2c3'; set it to '{VPC_LINK_EXPRESSION}' so the stage variable "
            "chooses the VPC link, and switch links by changing the stage variable.",
        )
        for operation in ("ANY /", "ANY /{proxy+}")
    ]
    good = encode(aws_apigateway_swagger(VPC_LINK_EXPRESSION))
    assert pack.analyze(rest_api(good)) == []


def test_an_unknown_body_is_skipped(pack: PolicyPackClient) -> None:
    assert pack.analyze(rest_api(UNKNOWN)) == []
    assert pack.analyze_stack([rest_api(UNKNOWN)]) == []


@pytest.mark.parametrize(
    "body",
    ["openapi: [3.0\n", "[1, 2]", '{"info": {}}', '{"openapi": "3.0.1", "paths": []}'],
    ids=["not yaml", "a list", "no version", "paths not a map"],
)
def test_a_body_that_does_not_parse_is_an_advisory_finding(
    pack: PolicyPackClient, body: str
) -> None:
    found = pack.analyze(rest_api(body))
    assert [(d.policy_name, d.enforcement_level) for d in found] == [
        ("rest-api-body-parses", "advisory")
    ]
    assert found[0].detail.startswith("RestApi 'orders-api' has a body that ")


def test_a_stage_without_the_variable_a_body_names_is_caught(pack: PolicyPackClient) -> None:
    api = rest_api(
        openapi_body({"/": {"get": {"x-amazon-apigateway-integration": private("GET", "/")}}})
    )
    api_id = fake_id("orders-api")
    stage = Resource(
        urn=urn(STAGE, "stage"),
        type=STAGE,
        name="stage",
        properties={"restApi": api_id, "stageName": "dev", "variables": {}},
        dependencies=(api.urn,),
        property_dependencies={"restApi": [api.urn]},
    )
    found = mandatory(pack.analyze_stack([api, stage]))
    assert [name for name, _ in found] == ["stage-defines-vpc-link-variable"]
    assert found[0][1].startswith(
        "Stage 'stage' of REST API 'orders-api' does not define the stage variable 'vpcLinkId', "
        "which integration 'GET /' uses as its connectionId"
    )


@pytest.mark.parametrize("stack", ["prod", "orders"])
def test_the_shipped_openapi_stacks_pass(pack: PolicyPackClient, stack: str) -> None:
    """The program's own bodies (generated, and api/openapi.yaml completed) pass the mandatory
    rules; the orders stack's MOCK /health is left alone."""
    run: mockrun.ProgramRun = shipped(stack)
    api = run.one(REST_API)
    resources = [
        Resource(urn=r.urn, type=r.type, name=r.name, properties=r.inputs) for r in run.resources
    ]
    assert "body" in api.inputs
    found = pack.analyze(resources[[r.urn for r in resources].index(api.urn)])
    assert mandatory(found) == []
    # Nor does API Gateway's import refuse anything in them (pack_import_rules).
    assert [d.detail for d in found if d.policy_name == "rest-api-body-parses"] == []


def test_a_body_timeout_above_the_limit_is_caught_naming_the_operation(
    pack: PolicyPackClient,
) -> None:
    """The timeout rule reads bodies too: in openapi mode a long timeout lives only there."""
    within = {**private("GET", "/orders"), "timeoutInMillis": 29000}
    beyond = {**private("GET", "/orders/{id}"), "timeoutInMillis": 29001}
    body = openapi_body(
        {
            "/orders": {"get": {"x-amazon-apigateway-integration": within}},
            "/orders/{id}": {"get": {"x-amazon-apigateway-integration": beyond}},
        }
    )
    found = [
        d
        for d in pack.analyze(rest_api(body))
        if d.policy_name == "integration-timeout-within-limit"
    ]
    assert [d.detail.split(" sets ")[0] for d in found] == [
        "Operation 'GET /orders/{id}' in the body of RestApi 'orders-api'"
    ]
    pack.configure({"integration-timeout-within-limit": {"maxTimeoutMs": 60000}})
    found = pack.analyze(rest_api(body))
    assert not [d for d in found if d.policy_name == "integration-timeout-within-limit"]
