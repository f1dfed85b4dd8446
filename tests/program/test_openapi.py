"""apiDefinition openapi: the API as one OpenAPI 3.0 document, the RestApi's body.

The document is read back from the RestApi's inputs (what the provider sends to PutRestApi) and
checked operation by operation, validated with openapi-spec-validator, and compared across runs.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from typing import Any

import pytest
from openapi_spec_validator import OpenAPIV30SpecValidator
from pulumi.runtime import mocks

from components import (
    Authorization,
    AuthorizerSpec,
    AuthorizerType,
    PrivateRestApi,
    PrivateRestApiArgs,
    RouteSpec,
    VpcLinkSpec,
)
from components.args import EndpointType
from stack_config import ConfigError
from tests.program.harness import (
    INTEGRATION,
    METHOD,
    MODES,
    PROJECT_DIR,
    REST_API,
    RunStack,
    document,
    evaluate,
)
from tools.mockrun import ProgramRun, run_function

DEPLOYMENT = "aws:apigateway/deployment:Deployment"
STAGE = "aws:apigateway/stage:Stage"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"
VPCE = "vpce-0123456789abcdef0"
PROD_ROUTES = [
    {"path": "/", "method": "GET", "authorization": "AWS_IAM"},
    {"path": "/{proxy+}", "method": "ANY", "authorization": "AWS_IAM"},
]


def validate_openapi_30(doc: dict[str, Any]) -> list[str]:
    """openapi-spec-validator's findings; `{proxy+}` read as API Gateway reads it (`{proxy}`)."""
    view = {**doc, "paths": {re.sub(r"\+\}", "}", k): v for k, v in doc["paths"].items()}}
    return [error.message for error in OpenAPIV30SpecValidator(view).iter_errors()]


def test_prod_document_operation_by_operation(run_stack: RunStack) -> None:
    doc = document(run_stack("prod"))
    assert doc["openapi"] == "3.0.1"
    assert validate_openapi_30(doc) == []
    get_root = doc["paths"]["/"]["get"]
    assert get_root["security"] == [{"sigv4": []}]
    assert "parameters" not in get_root
    assert get_root["x-amazon-apigateway-integration"] == {
        "type": "http_proxy",
        "httpMethod": "GET",
        "uri": "https://orders.internal.example.com/",
        "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.vpcLinkId}",
        "timeoutInMillis": 29000,
        "passthroughBehavior": "when_no_match",
        "tlsConfig": {"insecureSkipVerification": False},
    }
    any_proxy = doc["paths"]["/{proxy+}"]
    assert set(any_proxy) == {"x-amazon-apigateway-any-method"}
    integration = any_proxy["x-amazon-apigateway-any-method"]["x-amazon-apigateway-integration"]
    assert integration["httpMethod"] == "ANY"
    assert integration["uri"] == "https://orders.internal.example.com/{proxy}"
    assert integration["requestParameters"] == {
        "integration.request.path.proxy": "method.request.path.proxy"
    }
    assert doc["components"]["securitySchemes"] == {
        "sigv4": {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "awsSigv4",
        }
    }
    assert doc["x-amazon-apigateway-request-validator"] == "validate-request-parameters"
    assert doc["x-amazon-apigateway-request-validators"] == {
        "validate-request-parameters": {
            "validateRequestParameters": True,
            "validateRequestBody": False,
        }
    }
    # A REGIONAL API: no endpoint or policy extension for the import to reset.
    assert "x-amazon-apigateway-endpoint-configuration" not in doc
    assert "x-amazon-apigateway-policy" not in doc


def test_the_body_is_canonical_json(run_stack: RunStack) -> None:
    """One text per document, so the trigger and the provider's diff see real changes only."""
    body = run_stack("prod").one(REST_API).inputs["body"]
    assert body == json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))


def test_removing_a_route_changes_the_body_and_the_trigger_and_leaves_nothing_behind(
    run_stack: RunStack,
) -> None:
    both = run_stack("prod")
    one = run_stack("prod", {"routes": PROD_ROUTES[:1]})
    assert set(document(one)["paths"]) == {"/"}
    assert one.one(REST_API).inputs["body"] != both.one(REST_API).inputs["body"]
    assert one.one(DEPLOYMENT).inputs["triggers"] != both.one(DEPLOYMENT).inputs["triggers"]
    # Nothing of the removed route is a resource of its own: the same URNs in both runs, so the
    # update is the RestApi's PutRestApi, the new deployment and the stage, nothing deleted later.
    assert sorted(r.urn for r in one.resources) == sorted(r.urn for r in both.resources)
    # The deployment is taken after the RestApi update that removed the route.
    assert one.one(REST_API).urn in one.one(DEPLOYMENT).dependencies


def test_resources_mode_defers_the_removal_to_the_end_of_the_update(run_stack: RunStack) -> None:
    """The lag the README's runbook finishes: the removed route's method and integration are
    resources that leave the program, which Pulumi deletes after the new deployment."""
    both = run_stack("prod", {"apiDefinition": "resources"})
    one = run_stack("prod", {"apiDefinition": "resources", "routes": PROD_ROUTES[:1]})
    gone = {r.urn for r in both.resources} - {r.urn for r in one.resources}
    assert {urn.split("::")[-1] for urn in gone} == {
        "private-api-prod-resource-/{proxy+}",
        "private-api-prod-method-ANY-/{proxy+}",
        "private-api-prod-integration-ANY-/{proxy+}",
    }


BASE = PrivateRestApiArgs(
    vpc_links={"main": VpcLinkSpec.for_network_load_balancer(NLB)},
    active_vpc_link="main",
    integration_uri="https://orders.internal.example.com",
    stage_name="test",
)


def build(args: PrivateRestApiArgs) -> ProgramRun:
    return run_function(lambda: PrivateRestApi("orders", args))


def test_private_api_keeps_its_endpoints_and_policy_through_every_import() -> None:
    """Overwrite resets what the body leaves out; the body carries both, so nothing is reset."""
    run = build(replace(BASE, endpoint_type=EndpointType.PRIVATE, vpc_endpoint_ids=[VPCE]))
    api = run.one(REST_API).inputs
    doc = json.loads(api["body"])
    # OpenAPI 3.0's place: the Server object's extensions ("x-amazon-apigateway-endpoint-
    # configuration object": the root is Swagger 2.0's), not the document's root.
    assert "x-amazon-apigateway-endpoint-configuration" not in doc
    assert [s["x-amazon-apigateway-endpoint-configuration"] for s in doc["servers"]] == [
        {"vpcEndpointIds": [VPCE]}
    ]
    assert doc["x-amazon-apigateway-policy"] == json.loads(api["policy"])
    # The provider compares its own arguments with what the import left: the same values.
    assert api["endpointConfiguration"] == {"types": "PRIVATE", "vpcEndpointIds": [VPCE]}
    assert validate_openapi_30(doc) == []


def test_a_policy_change_redeploys() -> None:
    first = build(replace(BASE, endpoint_type=EndpointType.PRIVATE, vpc_endpoint_ids=[VPCE]))
    other = build(
        replace(
            BASE,
            endpoint_type=EndpointType.PRIVATE,
            vpc_endpoint_ids=[VPCE, "vpce-0fedcba9876543210"],
        )
    )
    assert first.one(DEPLOYMENT).inputs["triggers"] != other.one(DEPLOYMENT).inputs["triggers"]


def test_authorizers_become_security_schemes() -> None:
    args = replace(
        BASE,
        authorizers={
            "token": AuthorizerSpec(type=AuthorizerType.TOKEN, function_arn=LAMBDA),
            "users": AuthorizerSpec(type=AuthorizerType.COGNITO_USER_POOLS, provider_arns=[POOL]),
        },
        routes=[
            RouteSpec(
                path="/orders", method="GET", authorization=Authorization.CUSTOM, authorizer="token"
            ),
            RouteSpec(
                path="/orders/{id}",
                method="GET",
                authorization=Authorization.COGNITO_USER_POOLS,
                authorizer="users",
                authorization_scopes=["orders/read"],
            ),
            RouteSpec(path="/health", method="GET"),
        ],
    )
    run = build(args)
    doc = document(run)
    assert validate_openapi_30(doc) == []
    paths = doc["paths"]
    assert paths["/orders"]["get"]["security"] == [{"token": []}]
    assert paths["/orders/{id}"]["get"]["security"] == [{"users": ["orders/read"]}]
    assert "security" not in paths["/health"]["get"]  # authorization NONE
    assert paths["/orders/{id}"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    ]
    assert paths["/orders/{id}"]["get"]["x-amazon-apigateway-integration"]["requestParameters"] == {
        "integration.request.path.id": "method.request.path.id"
    }
    schemes = doc["components"]["securitySchemes"]
    assert schemes["token"] == {
        "type": "apiKey",
        "name": "Authorization",
        "in": "header",
        "x-amazon-apigateway-authtype": "custom",
        "x-amazon-apigateway-authorizer": {
            "type": "token",
            "authorizerUri": (
                f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}"
                "/invocations"
            ),
            "authorizerResultTtlInSeconds": 300,
            "identitySource": "method.request.header.Authorization",
        },
    }
    assert schemes["users"]["x-amazon-apigateway-authtype"] == "cognito_user_pools"
    assert schemes["users"]["x-amazon-apigateway-authorizer"]["providerARNs"] == [POOL]
    # No Authorizer resources: the import creates them. The function may be invoked by this
    # API's authorizers, whose ids exist only after the import.
    assert run.by_type("aws:apigateway/authorizer:Authorizer") == []
    permission = run.one("aws:lambda/permission:Permission").inputs
    assert permission["sourceArn"].endswith("/authorizers/*")


# --- the quota of resources per API ------------------------------------------------------------


def many_routes(count: int) -> tuple[RouteSpec, ...]:
    return tuple(RouteSpec(path=f"/r{index}") for index in range(count))


@pytest.mark.parametrize("mode", MODES)
def test_more_than_300_resources_warns_naming_the_quota(
    mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        build(replace(BASE, api_definition=mode, routes=many_routes(300)))  # type: ignore[arg-type]
    assert "Resources per API" in caplog.text  # 300 paths and the root: 301
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        build(replace(BASE, api_definition=mode, routes=many_routes(299)))  # type: ignore[arg-type]
    assert "Resources per API" not in caplog.text  # exactly 300


# --- moving between modes ----------------------------------------------------------------------


def retained(overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """Resource name to the retainOnDelete option the engine receives."""
    seen: dict[str, bool] = {}
    register: Any = mocks.MockMonitor.RegisterResource

    def spy(self: Any, request: Any) -> Any:
        seen[request.name] = bool(request.retainOnDelete)
        return register(self, request)

    monkeypatch.setattr(mocks.MockMonitor, "RegisterResource", spy)
    evaluate("dev", overrides)
    return seen


def test_retaining_route_resources_marks_exactly_the_per_route_resources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = retained({"retainRouteResources": True}, monkeypatch)
    kept = {name for name, on in seen.items() if on}
    assert kept == {
        "private-api-dev-request-validator",
        "private-api-dev-method-GET-/",
        "private-api-dev-integration-GET-/",
    }
    assert not any(retained({}, monkeypatch).values())


def test_clearing_imported_routes_imports_an_empty_document_first(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        run = evaluate("dev", {"clearImportedRoutes": True})
    assert "Remove it once the update" in caplog.text
    api = run.one(REST_API)
    assert api.inputs["putRestApiMode"] == "overwrite"
    assert document(run)["paths"] == {}
    # No validator either: the RequestValidator resource creates the one the methods use.
    assert not any(key.startswith("x-amazon-apigateway-request-valid") for key in document(run))
    # The per-route resources depend on the RestApi, so they are created after the import.
    for resource in run.by_type(METHOD) + run.by_type(INTEGRATION):
        assert api.urn in resource.dependencies


def test_dev_has_no_body_unless_clearing(run_stack: RunStack) -> None:
    """An existing resources-mode stack must never get a body by surprise: overwrite would delete
    every method its Method resources manage."""
    api = run_stack("dev").one(REST_API).inputs
    assert "body" not in api
    assert "putRestApiMode" not in api


def test_component_default_is_openapi() -> None:
    run = build(BASE)
    assert "body" in run.one(REST_API).inputs
    assert run.by_type(METHOD) == []


# --- openApiFile: the team's own document ------------------------------------------------------

ORDERS_URI = "https://orders.team.internal.example.com"
PRIVATE_OPERATIONS = {
    ("get", "/"): "/",
    ("get", "/orders"): "/orders",
    ("post", "/orders"): "/orders",
    ("get", "/orders/{orderId}"): "/orders/{orderId}",
    ("put", "/orders/{orderId}"): "/orders/{orderId}",
    ("delete", "/orders/{orderId}"): "/orders/{orderId}",
    ("get", "/orders/{orderId}/items"): "/orders/{orderId}/items",
    ("get", "/orders/{orderId}/items/{itemId}"): "/orders/{orderId}/items/{itemId}",
    ("patch", "/orders/{orderId}/items/{itemId}"): "/orders/{orderId}/items/{itemId}",
    ("get", "/customers/{customerId}/orders"): "/customers/{customerId}/orders",
    ("x-amazon-apigateway-any-method", "/files/{proxy+}"): "/files/{proxy}",
}


def test_orders_stack_document_operation_by_operation() -> None:
    run = evaluate("orders")
    doc = document(run)
    assert validate_openapi_30(doc) == []
    assert run.by_type(METHOD) == run.by_type(INTEGRATION) == []
    seen = set()
    for path, item in doc["paths"].items():
        for key, operation in item.items():
            if key == "parameters":
                continue
            seen.add((key, path))
            integration = operation["x-amazon-apigateway-integration"]
            if (key, path) not in PRIVATE_OPERATIONS:
                continue
            backend = PRIVATE_OPERATIONS[(key, path)]
            names = re.findall(r"\{([^}+]+)\+?\}", path)
            expected: dict[str, Any] = {
                "type": "http_proxy",
                "httpMethod": "ANY" if key.startswith("x-") else key.upper(),
                "uri": ORDERS_URI + backend,
                "connectionType": "VPC_LINK",
                "connectionId": "${stageVariables.vpcLinkId}",
                "timeoutInMillis": 29000,
                "passthroughBehavior": "when_no_match",
                "tlsConfig": {"insecureSkipVerification": False},
            }
            if names:
                expected["requestParameters"] = {
                    f"integration.request.path.{n}": f"method.request.path.{n}" for n in names
                }
            assert integration == expected, (key, path)
    assert seen == {*PRIVATE_OPERATIONS, ("get", "/health")}  # a dozen operations
    # The operation with its own integration keeps it, unchanged.
    health = doc["paths"]["/health"]["get"]
    assert health["x-amazon-apigateway-integration"]["type"] == "mock"
    assert health["security"] == []
    # The document's own security, untouched.
    assert doc["security"] == [{"sigv4": []}]
    assert set(doc["components"]["securitySchemes"]) == {"sigv4", "customers"}
    assert doc["paths"]["/customers/{customerId}/orders"]["get"]["security"] == [
        {"customers": ["orders/read"]}
    ]


def test_editing_the_file_redeploys_and_a_switch_does_not(tmp_path: Any) -> None:
    source = (PROJECT_DIR / "api" / "openapi.yaml").read_text()
    edited = tmp_path / "openapi.yaml"
    edited.write_text(
        source.replace("  /orders/{orderId}/items:\n", "  /orders/{orderId}/lines:\n")
    )
    base = evaluate("orders")
    other = evaluate("orders", {"openApiFile": str(edited)})
    assert "/orders/{orderId}/lines" in document(other)["paths"]
    assert other.one(DEPLOYMENT).inputs["triggers"] != base.one(DEPLOYMENT).inputs["triggers"]
    switched = evaluate(
        "orders",
        {
            "vpcLinks": {"shared": {"id": "0rd3r5"}, "next": {"id": "n3xt01"}},
            "activeVpcLink": "next",
        },
    )
    assert switched.one(DEPLOYMENT).inputs == base.one(DEPLOYMENT).inputs
    assert switched.one(REST_API).inputs == base.one(REST_API).inputs


BAD_DOCUMENTS = {
    "an operation without responses": (
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /orders:\n    get: {}\n",
        "at /paths/~1orders/get: 'responses' is a required property",
    ),
    "an undeclared path parameter": (
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths:\n  /orders/{id}:\n"
        "    get: {responses: {default: {description: x}}}\n",
        "at /paths/~1orders~1{id}: Path parameter 'id' for 'get' operation",
    ),
    "not YAML": ("openapi: [3.0.1\n", "is not YAML or JSON at line"),
    "Swagger 2": (
        '{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}',
        "is Swagger 2.0 (/swagger). API Gateway imports Swagger 2.0 too, but this program "
        "completes and checks OpenAPI 3.0 documents only",
    ),
    "a list": ("- 1\n", "holds list, not an OpenAPI document"),
}


@pytest.mark.parametrize(("text", "problem"), BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS.keys())
def test_a_bad_document_fails_before_any_resource_naming_file_pointer_and_problem(
    tmp_path: Any, text: str, problem: str
) -> None:
    path = tmp_path / "team.yaml"
    path.write_text(text)
    run = ProgramRun()
    with pytest.raises(ConfigError) as caught:
        evaluate("orders", {"openApiFile": str(path)}, into=run)
    assert run.resources == []
    message = str(caught.value)
    assert f"private-api:openApiFile: '{path}'" in message
    assert problem in message


def test_a_body_above_api_gateways_limit_is_refused_before_any_resource(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from components import import_rules  # noqa: PLC0415 (the module whose limit is lowered)

    monkeypatch.setattr(import_rules, "MAX_BODY_BYTES", 100)
    run = ProgramRun()
    with pytest.raises(ConfigError, match=r"private-api:routes: the OpenAPI document is \d+ bytes"):
        evaluate("prod", into=run)
    assert run.resources == []
    with pytest.raises(Exception, match="byte limit"):
        build(BASE)


def test_a_document_using_sigv4_without_defining_it_gets_the_scheme(tmp_path: Any) -> None:
    path = tmp_path / "team.json"
    path.write_text(
        json.dumps(
            {
                "openapi": "3.0.1",
                "info": {"title": "t", "version": "1"},
                "security": [{"sigv4": []}],
                "paths": {"/": {"get": {"responses": {"default": {"description": "x"}}}}},
            }
        )
    )
    doc = document(evaluate("orders", {"openApiFile": str(path)}))
    assert doc["components"]["securitySchemes"]["sigv4"]["x-amazon-apigateway-authtype"] == (
        "awsSigv4"
    )
    assert validate_openapi_30(doc) == []
