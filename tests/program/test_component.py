"""`PrivateRestApi` used directly, as another program would: typed args, no Pulumi config."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pulumi
import pytest

from components import (
    Authorization,
    AuthorizerSpec,
    AuthorizerType,
    PrivateRestApi,
    PrivateRestApiArgs,
    RouteSpec,
    VpcLinkSpec,
)
from components.args import ApiDefinition, EndpointType, InvalidArgsError
from tools.mockrun import ProgramRun, fake_id, run_function

NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"

BASE = PrivateRestApiArgs(
    vpc_links={"main": VpcLinkSpec.for_network_load_balancer(NLB)},
    active_vpc_link="main",
    integration_uri="https://orders.internal.example.com/api/",
    stage_name="test",
    # These tests read the per-call resources; tests/program/test_openapi.py reads the document.
    api_definition=ApiDefinition.RESOURCES,
)


def build(args: PrivateRestApiArgs) -> ProgramRun:
    def main() -> None:
        api = PrivateRestApi("orders", args)
        pulumi.export("vpcLinkIds", api.vpc_link_ids)
        pulumi.export("activeVpcLinkId", api.active_vpc_link_id)

    return run_function(main)


def of_type(run: ProgramRun, short: str) -> list[dict[str, Any]]:
    return [r.inputs for r in run.resources if r.type.endswith(f":{short}")]


def test_an_existing_link_is_read_not_created_and_used_like_a_new_one() -> None:
    args = replace(
        BASE,
        vpc_links={
            "main": VpcLinkSpec.for_network_load_balancer(NLB),
            "shared": VpcLinkSpec.from_vpc_link_id("gim7c3"),
        },
        active_vpc_link="shared",
    )
    run = build(args)
    links = [r for r in run.resources if r.type == "aws:apigateway/vpcLink:VpcLink"]
    assert [(r.name, r.read) for r in sorted(links, key=lambda r: r.name)] == [
        ("orders-link-main", False),
        ("orders-link-shared", True),
    ]
    assert run.outputs["vpcLinkIds"]["shared"] == "gim7c3"
    assert run.outputs["activeVpcLinkId"] == "gim7c3"
    assert of_type(run, "Stage")[0]["variables"] == {"vpcLinkId": "gim7c3"}


def test_nested_paths_create_each_resource_once_and_map_every_parameter() -> None:
    routes = [
        RouteSpec(path="/orders", method="GET"),
        RouteSpec(path="/orders", method="POST"),
        RouteSpec(path="/orders/{id}", method="GET"),
        RouteSpec(path="/orders/{id}/items/{itemId}", method="PUT"),
    ]
    run = build(replace(BASE, routes=routes))
    resources = {r.name: r.inputs for r in run.resources if r.type.endswith(":Resource")}
    assert sorted(resources) == [
        "orders-resource-/orders",
        "orders-resource-/orders/{id}",
        "orders-resource-/orders/{id}/items",
        "orders-resource-/orders/{id}/items/{itemId}",
    ]
    # Each part hangs under the resource of its parent path; the first under the API's root.
    assert resources["orders-resource-/orders"]["parentId"] == fake_id("orders-api/")
    assert resources["orders-resource-/orders/{id}"]["parentId"] == fake_id(
        "orders-resource-/orders"
    )
    assert resources["orders-resource-/orders/{id}/items/{itemId}"]["parentId"] == fake_id(
        "orders-resource-/orders/{id}/items"
    )
    put = next(i for i in of_type(run, "Integration") if i["httpMethod"] == "PUT")
    assert put["uri"] == "https://orders.internal.example.com/api/orders/{id}/items/{itemId}"
    assert put["requestParameters"] == {
        "integration.request.path.id": "method.request.path.id",
        "integration.request.path.itemId": "method.request.path.itemId",
    }
    method = next(m for m in of_type(run, "Method") if m["httpMethod"] == "PUT")
    assert method["requestParameters"] == {
        "method.request.path.id": True,
        "method.request.path.itemId": True,
    }
    assert len(of_type(run, "Integration")) == 4


def test_private_endpoint_gets_a_policy_limited_to_its_vpc_endpoints() -> None:
    args = replace(
        BASE, endpoint_type=EndpointType.PRIVATE, vpc_endpoint_ids=["vpce-0123456789abcdef0"]
    )
    api = of_type(build(args), "RestApi")[0]
    assert api["endpointConfiguration"] == {
        "types": "PRIVATE",
        "vpcEndpointIds": ["vpce-0123456789abcdef0"],
    }
    assert "policy" not in api  # RestApiPolicy holds it (tests/program/test_endpoint_types.py)
    policy = json.loads(str(of_type(build(args), "RestApiPolicy")[0]["policy"]))
    deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
    assert deny["Condition"] == {"StringNotEquals": {"aws:SourceVpce": ["vpce-0123456789abcdef0"]}}


def test_lambda_authorizer_is_created_with_its_invoke_permission() -> None:
    args = replace(
        BASE,
        authorizers={"token": AuthorizerSpec(type=AuthorizerType.TOKEN, function_arn=LAMBDA)},
        routes=[RouteSpec(path="/", authorization=Authorization.CUSTOM, authorizer="token")],
    )
    run = build(args)
    authorizer = next(r for r in run.resources if r.type.endswith(":Authorizer"))
    assert authorizer.inputs["authorizerUri"] == (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{LAMBDA}/invocations"
    )
    permission = of_type(run, "Permission")[0]
    assert permission["function"] == LAMBDA
    assert permission["principal"] == "apigateway.amazonaws.com"
    # Only this API's authorizer may invoke the function.
    assert permission["sourceArn"] == (
        f"arn:aws:execute-api:us-east-1:123456789012:{fake_id('orders-api')}"
        f"/authorizers/{fake_id('orders-authorizer-token')}"
    )
    method = of_type(run, "Method")[0]
    assert method["authorization"] == "CUSTOM"
    assert method["authorizerId"] == fake_id("orders-authorizer-token")


def test_cognito_route_carries_its_scopes() -> None:
    args = replace(
        BASE,
        authorizers={
            "users": AuthorizerSpec(type=AuthorizerType.COGNITO_USER_POOLS, provider_arns=[POOL])
        },
        routes=[
            RouteSpec(
                path="/",
                authorization=Authorization.COGNITO_USER_POOLS,
                authorizer="users",
                authorization_scopes=["orders/read"],
            ),
        ],
    )
    run = build(args)
    assert of_type(run, "Permission") == []
    assert of_type(run, "Method")[0]["authorizationScopes"] == ["orders/read"]


def test_the_stage_variable_name_is_configurable_end_to_end() -> None:
    run = build(replace(BASE, stage_variable="backendLink", access_logging=True))
    assert of_type(run, "Integration")[0]["connectionId"] == "${stageVariables.backendLink}"
    stage = of_type(run, "Stage")[0]
    assert set(stage["variables"]) == {"backendLink"}
    log_format = json.loads(stage["accessLogSettings"]["format"])
    assert log_format["isCanaryRequest"] == "$context.isCanaryRequest"


def test_the_access_log_format_uses_only_context_variables() -> None:
    """API Gateway documents only $context variables for access logs ("Variables for access
    logging for API Gateway"), and the format must hold $context.requestId or extendedRequestId
    ("Access logging for REST APIs")."""
    run = build(replace(BASE, access_logging=True))
    text = of_type(run, "Stage")[0]["accessLogSettings"]["format"]
    assert "\n" not in text  # one line per request
    fields = json.loads(text)
    assert all(value.startswith("$context.") for value in fields.values()), fields
    assert "$stageVariables" not in text
    assert {"requestId", "extendedRequestId", "isCanaryRequest", "stage"} <= set(fields)


def test_args_name_the_field_that_is_wrong() -> None:
    with pytest.raises(InvalidArgsError) as caught:
        replace(BASE, active_vpc_link="blue", stage_name="a b")
    fields = [where for where, _ in caught.value.problems]
    assert fields == ["active_vpc_link", "stage_name"]


def test_specs_check_themselves() -> None:
    with pytest.raises(ValueError, match="Network Load Balancer ARN"):
        VpcLinkSpec.for_network_load_balancer("arn:aws:ec2:us-east-1:123456789012:instance/i-1")
    with pytest.raises(ValueError, match="needs functionArn"):
        AuthorizerSpec(type=AuthorizerType.REQUEST)
    with pytest.raises(ValueError, match="greedy"):
        RouteSpec(path="/{proxy+}/more")
