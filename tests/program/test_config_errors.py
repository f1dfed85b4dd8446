"""Bad config fails before any resource is registered, with a message naming the key and the fix."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from stack_config import ConfigError
from tests.program.harness import MODES, PROJECT_DIR, evaluate, integrations
from tools import mockrun, stackfiles

ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders/0123456789abcdef"
NLB_EU = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
)
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"


def config_error(overrides: dict[str, Any], stack: str = "prod") -> str:
    """Run the stack with overrides; return the ConfigError's message. Nothing may be built."""
    run = mockrun.ProgramRun()
    with pytest.raises(ConfigError) as caught:
        evaluate(stack, overrides, into=run)
    assert run.resources == [], "resources were registered before the config was checked"
    return str(caught.value)


CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    # name: (overrides, key the message names, words of the fix)
    "link with neither targetArn nor id": (
        {"vpcLinks": {"blue": {"description": "x"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "exactly one of targetArn",
    ),
    "link with both targetArn and id": (
        {"vpcLinks": {"blue": {"targetArn": NLB, "id": "gim7c3"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "exactly one of targetArn",
    ),
    "ALB instead of NLB": (
        {"vpcLinks": {"blue": {"targetArn": ALB}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "Network Load Balancer",
    ),
    "not an ARN": (
        {"vpcLinks": {"blue": {"targetArn": "my-nlb"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "loadbalancer/net/<name>/<id>",
    ),
    "link in another region than aws:region": (
        {"vpcLinks": {"blue": {"targetArn": NLB_EU}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.targetArn:",
        "use an NLB in us-east-1, or change aws:region",
    ),
    "two links on one NLB": (
        {"vpcLinks": {"blue": {"targetArn": NLB}, "green": {"targetArn": NLB}}},
        "private-api:vpcLinks.green:",
        "point it at another NLB",
    ),
    "existing link id malformed": (
        {"vpcLinks": {"blue": {"id": "Not An Id!"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "aws apigateway get-vpc-links",
    ),
    "unknown link kind": (
        {"vpcLinks": {"blue": {"targetArn": NLB, "kind": "v3"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "use 'v1'",
    ),
    "active link not among the links": (
        {"activeVpcLink": "purple"},
        "private-api:activeVpcLink:",
        "not one of the VPC links (blue, green)",
    ),
    "canary link not among the links": (
        {"canary": {"vpcLink": "purple", "percent": 10}},
        "private-api:canary.vpcLink:",
        "not one of the VPC links",
    ),
    "canary on the active link": (
        {"canary": {"vpcLink": "blue", "percent": 10}},
        "private-api:canary.vpcLink:",
        "already the active link",
    ),
    "canary percent above 100": (
        {"canary": {"vpcLink": "green", "percent": 150}},
        "private-api:canary.percent:",
        "outside 0 to 100",
    ),
    "canary percent negative": (
        {"canary": {"vpcLink": "green", "percent": -1}},
        "private-api:canary.percent:",
        "outside 0 to 100",
    ),
    "canary without percent": (
        {"canary": {"vpcLink": "green"}},
        "private-api:canary:",
        "pulumi config set --path canary.percent",
    ),
    "route path without leading slash": (
        {"routes": [{"path": "orders", "method": "GET"}]},
        "private-api:routes[0]:",
        "must start with '/'",
    ),
    "route path with a character API Gateway rejects": (
        {"routes": [{"path": "/orders/*", "method": "GET"}]},
        "private-api:routes[0]:",
        "which API Gateway rejects",
    ),
    "greedy parameter not last": (
        {"routes": [{"path": "/{proxy+}/x", "method": "GET"}]},
        "private-api:routes[0]:",
        "it must be last",
    ),
    "two parameters at one level": (
        {"routes": [{"path": "/orders/{id}"}, {"path": "/orders/{orderId}/items"}]},
        "private-api:routes[1].path:",
        "one parameter per level",
    ),
    "duplicate route": (
        {"routes": [{"path": "/", "method": "GET"}, {"path": "/", "method": "get"}]},
        "private-api:routes[1]:",
        "defined twice",
    ),
    "unknown method": (
        {"routes": [{"path": "/", "method": "FETCH"}]},
        "private-api:routes[0]:",
        "is not one of ANY",
    ),
    "CUSTOM without authorizer": (
        {"routes": [{"path": "/", "method": "GET", "authorization": "CUSTOM"}]},
        "private-api:routes[0]:",
        "needs an authorizer",
    ),
    "COGNITO_USER_POOLS without authorizer": (
        {"routes": [{"path": "/", "method": "GET", "authorization": "COGNITO_USER_POOLS"}]},
        "private-api:routes[0]:",
        "needs an authorizer",
    ),
    "authorizer that does not exist": (
        {"routes": [{"path": "/", "authorization": "CUSTOM", "authorizer": "nope"}]},
        "private-api:routes[0].authorizer:",
        "not one of the authorizers",
    ),
    "timeout above 29000": (
        {"timeoutMs": 30000},
        "private-api:timeoutMs:",
        "set allowLongTimeout to true",
    ),
    "timeout below 50": ({"timeoutMs": 10}, "private-api:timeoutMs:", "minimum of 50 ms"),
    "long timeout on EDGE": (
        {"timeoutMs": 60000, "allowLongTimeout": True, "endpointType": "EDGE", "webAclArn": ""},
        "private-api:timeoutMs:",
        "use a REGIONAL endpoint",
    ),
    "stage name API Gateway rejects": (
        {"stageName": "prod stage"},
        "private-api:stageName:",
        "letters, digits",
    ),
    "stage variable name API Gateway rejects": (
        {"stageVariable": "vpc-link"},
        "private-api:stageVariable:",
        "letters, digits and '_'",
    ),
    "integration URI not http(s)": (
        {"integrationUri": "ftp://orders.internal"},
        "private-api:integrationUri:",
        "is not an http(s) URL",
    ),
    "integration URI without host": (
        {"integrationUri": "https://"},
        "private-api:integrationUri:",
        "is not an http(s) URL",
    ),
    "endpoint type unknown": (
        {"endpointType": "GLOBAL"},
        "private-api:endpointType:",
        "REGIONAL, EDGE, PRIVATE",
    ),
    "PRIVATE without endpoints": (
        {"endpointType": "PRIVATE", "webAclArn": ""},
        "private-api:vpcEndpointIds:",
        "execute-api VPC endpoint",
    ),
    "wrong type inside a link": (
        {"vpcLinks": {"blue": {"targetArn": 42}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.targetArn:",
        "must be a string",
    ),
    "misspelt link field": (
        {"vpcLinks": {"blue": {"targetArns": [NLB]}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.targetArns:",
        "did you mean 'targetArn'",
    ),
    "misspelt key": (
        {"activeVpcLnk": "green"},
        "private-api:activeVpcLnk:",
        "did you mean 'activeVpcLink'",
    ),
    "tag value not a string": (
        {"tags": {"cost-center": 42}},
        "private-api:tags.cost-center:",
        "quote it",
    ),
    "WAF on a PRIVATE API": (
        {"endpointType": "PRIVATE", "vpcEndpointIds": ["vpce-0123456789abcdef0"]},
        "private-api:webAclArn:",
        "PRIVATE",
    ),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("overrides", "key", "fix"), CASES.values(), ids=CASES.keys())
def test_bad_value_is_a_config_error_naming_the_key(
    overrides: dict[str, Any], key: str, fix: str, mode: str
) -> None:
    message = config_error({"apiDefinition": mode, **overrides})
    assert key in message
    assert fix in message


DEFINITION_CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "unknown apiDefinition": (
        {"apiDefinition": "swagger"},
        "private-api:apiDefinition:",
        "not one of openapi, resources",
    ),
    "routes and openApiFile": (
        {"openApiFile": "api/openapi.yaml"},
        "private-api:routes:",
        "remove openApiFile",
    ),
    "openApiFile in resources mode": (
        {"openApiFile": "api/openapi.yaml", "routes": [], "apiDefinition": "resources"},
        "private-api:openApiFile:",
        "pulumi config set apiDefinition openapi",
    ),
    "openApiFile that does not exist": (
        {"openApiFile": "api/missing.yaml", "routes": []},
        "private-api:openApiFile:",
        "cannot read",
    ),
    "retainRouteResources in openapi mode": (
        {"retainRouteResources": True},
        "private-api:retainRouteResources:",
        "resources mode only",
    ),
    "clearImportedRoutes in openapi mode": (
        {"clearImportedRoutes": True},
        "private-api:clearImportedRoutes:",
        "resources mode only",
    ),
    "both migration switches": (
        {"apiDefinition": "resources", "retainRouteResources": True, "clearImportedRoutes": True},
        "private-api:retainRouteResources:",
        "opposite moves",
    ),
}


@pytest.mark.parametrize(
    ("overrides", "key", "fix"), DEFINITION_CASES.values(), ids=DEFINITION_CASES.keys()
)
def test_bad_api_definition_is_a_config_error(
    overrides: dict[str, Any], key: str, fix: str
) -> None:
    message = config_error(overrides)
    assert key in message
    assert fix in message


def test_config_error_is_a_run_error() -> None:
    """Pulumi's Python host prints a RunError's message alone, without a traceback."""
    assert issubclass(ConfigError, pulumi.RunError)


def test_every_problem_is_reported_at_once() -> None:
    message = config_error({"activeVpcLink": "purple", "timeoutMs": 5, "stageVariable": "a-b"})
    assert "3 problems" in message
    for key in ("activeVpcLink", "timeoutMs", "stageVariable"):
        assert f"private-api:{key}:" in message


@pytest.mark.parametrize("mode", MODES)
def test_long_timeout_is_allowed_when_asked_for(mode: str) -> None:
    run = evaluate("prod", {"timeoutMs": 60000, "allowLongTimeout": True, "apiDefinition": mode})
    found = integrations(run)
    assert found
    assert {i["timeoutMilliseconds"] for i in found.values()} == {60000}


def test_empty_stage_name_uses_the_stack_name_and_says_so_when_invalid() -> None:
    config = stackfiles.load(PROJECT_DIR, "dev")
    run = mockrun.ProgramRun()
    with pytest.raises(ConfigError) as caught:
        mockrun.run_program(
            PROJECT_DIR, project="private-api", stack="dev.eu", config=config.values, into=run
        )
    assert "private-api:stageName:" in str(caught.value)
    assert "named after the stack 'dev.eu'" in str(caught.value)
    assert run.resources == []


RAW_TYPE_ERRORS = {
    "timeoutMs": ("soon", "must be a whole number"),
    "allowLongTimeout": ("yes", "must be true or false"),
    "vpcLinks": ("blue", "must be a map"),
    "routes": ('{"path": "/"}', "must be a list"),
}


@pytest.mark.parametrize(("key", "case"), RAW_TYPE_ERRORS.items(), ids=RAW_TYPE_ERRORS.keys())
def test_wrong_type_reaching_the_program_is_named(key: str, case: tuple[str, str]) -> None:
    """Types the CLI would have caught, checked again for programs run without the CLI's checks."""
    value, words = case
    config = stackfiles.load(PROJECT_DIR, "prod")
    values = {**config.values, f"private-api:{key}": value}
    run = mockrun.ProgramRun()
    with pytest.raises(ConfigError) as caught:
        mockrun.run_program(
            PROJECT_DIR, project="private-api", stack="prod", config=values, into=run
        )
    assert f"private-api:{key}:" in str(caught.value)
    assert words in str(caught.value)
    assert run.resources == []


def test_missing_required_key_is_named() -> None:
    config = stackfiles.load(PROJECT_DIR, "dev")
    values = {k: v for k, v in config.values.items() if k != "private-api:integrationUri"}
    with pytest.raises(ConfigError, match="private-api:integrationUri: is required"):
        mockrun.run_program(PROJECT_DIR, project="private-api", stack="dev", config=values)
