"""Bad config fails before any resource is registered, with a message naming the key and the fix."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from components.quotas import resource_policy_warning
from stack_config import ConfigError
from tests.program.harness import MODES, PROJECT_DIR, evaluate, integrations
from tools import mockrun, stackfiles

ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders/0123456789abcdef"
NLB_EU = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
)
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:authorize"
ACL = "arn:aws:wafv2:{region}:123456789012:{scope}/webacl/orders-api/a1b2c3d4-5678-90ab-cdef"
URI = "https://orders.internal.example.com"


def token_authorizer(**fields: Any) -> dict[str, Any]:
    """Overrides adding one TOKEN authorizer `tok`, with these fields over a valid one."""
    return {"authorizers": {"tok": {"type": "TOKEN", "functionArn": LAMBDA, **fields}}}


def tags(count: int, key_length: int = 8, value_length: int = 4) -> dict[str, Any]:
    return {
        "tags": {
            f"{index:0{key_length}d}"[-key_length:]: "v" * value_length for index in range(count)
        }
    }


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
        "private-api:vpcLinks.blue.targetArn:",
        "Network Load Balancer",
    ),
    "not an ARN": (
        {"vpcLinks": {"blue": {"targetArn": "my-nlb"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.targetArn:",
        "loadbalancer/net/<name>/<id>",
    ),
    "link in another region than aws:region": (
        {"vpcLinks": {"blue": {"targetArn": NLB_EU}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.targetArn:",
        "use an NLB in us-east-1, or change aws:region",
    ),
    "two links on one NLB": (
        {"vpcLinks": {"blue": {"targetArn": NLB}, "green": {"targetArn": NLB}}},
        "private-api:vpcLinks.green.targetArn:",
        "point it at another NLB",
    ),
    "existing link id malformed": (
        {"vpcLinks": {"blue": {"id": "Not An Id!"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.id:",
        "aws apigateway get-vpc-links",
    ),
    "unknown link kind": (
        {"vpcLinks": {"blue": {"targetArn": NLB, "kind": "v3"}}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue.kind:",
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
        "private-api:routes[0].path:",
        "must start with '/'",
    ),
    "route path with a character API Gateway rejects": (
        {"routes": [{"path": "/orders/*", "method": "GET"}]},
        "private-api:routes[0].path:",
        "which API Gateway rejects",
    ),
    "greedy parameter not last": (
        {"routes": [{"path": "/{proxy+}/x", "method": "GET"}]},
        "private-api:routes[0].path:",
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
    "unknown authorization": (
        {"routes": [{"path": "/", "authorization": "IAM"}]},
        "private-api:routes[0].authorization:",
        "'IAM' is not one of NONE, AWS_IAM, CUSTOM, COGNITO_USER_POOLS",
    ),
    "unknown method": (
        {"routes": [{"path": "/", "method": "FETCH"}]},
        "private-api:routes[0].method:",
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
    # --- Messages that name the real cause ---------------------------------------------------
    "canary percent of the wrong type": (
        {"canary": {"vpcLink": "green", "percent": "10"}},
        "private-api:canary.percent:",
        'must be a number, not "10"',
    ),
    "route path of the wrong type": (
        {"routes": [{"path": 123}]},
        "private-api:routes[0].path:",
        "must be a string, not 123",
    ),
    "stage variable name of 65 characters": (
        {"stageVariable": "v" * 65},
        "private-api:stageVariable:",
        "at most 64 characters",
    ),
    "link written as JSON text": (
        {"vpcLinks": {"blue": '{"targetArn": "' + NLB + '"}'}, "activeVpcLink": "blue"},
        "private-api:vpcLinks.blue:",
        "without --path stores: set each field with `pulumi config set --path "
        "'vpcLinks.blue.<field>'",
    ),
    "endpoint type misspelt in lowercase": (
        {"endpointType": "privat"},
        "private-api:endpointType:",
        "'privat' is not one of REGIONAL, EDGE, PRIVATE",
    ),
    # --- Limits at their edges ---------------------------------------------------------------
    "timeout 49 ms": ({"timeoutMs": 49}, "private-api:timeoutMs:", "minimum of 50 ms"),
    "timeout 29001 ms without allowLongTimeout": (
        {"timeoutMs": 29001},
        "private-api:timeoutMs:",
        "set allowLongTimeout to true",
    ),
    "timeout 300001 ms even with allowLongTimeout": (
        {"timeoutMs": 300001, "allowLongTimeout": True},
        "private-api:timeoutMs:",
        "above 300000 ms, the most API Gateway allows",
    ),
    "log retention 2 days": (
        {"logRetentionDays": 2},
        "private-api:logRetentionDays:",
        "not a retention CloudWatch Logs offers; use 1 or 3",
    ),
    "log retention 3654 days": (
        {"logRetentionDays": 3654},
        "private-api:logRetentionDays:",
        "use 3653",
    ),
    "log retention negative": (
        {"logRetentionDays": -1},
        "private-api:logRetentionDays:",
        "0 to keep the logs forever",
    ),
    "web ACL of CloudFront (global) scope": (
        {"webAclArn": ACL.format(region="us-east-1", scope="global")},
        "private-api:webAclArn:",
        "CloudFront (global scope) web ACL",
    ),
    "web ACL in another region than the stack": (
        {"webAclArn": ACL.format(region="eu-west-1", scope="regional")},
        "private-api:webAclArn:",
        "REGIONAL web ACL of the stage's region: use one in us-east-1",
    ),
    "ARN whose partition and region disagree": (
        {"vpcLinks": {"blue": {"targetArn": NLB.replace("arn:aws:", "arn:aws-cn:")}}},
        "private-api:vpcLinks.blue.targetArn:",
        "names the partition 'aws-cn' but the region 'us-east-1', which is in 'aws'",
    ),
    "ARN of a region the provider does not know": (
        {"vpcLinks": {"blue": {"targetArn": NLB.replace("us-east-1", "us-east-9")}}},
        "private-api:vpcLinks.blue.targetArn:",
        "not an AWS region the provider knows",
    ),
    "51 tags": (tags(51), "private-api:tags:", "more than the 50"),
    "50 tags and a provider default tag": (
        {**tags(50), "aws:defaultTags": {"tags": {"team": "orders"}}},
        "private-api:tags:",
        "with the provider's 1 default tags (aws:defaultTags), each resource gets 51 tags",
    ),
    "tag key of 129 characters": (
        tags(1, key_length=129),
        "private-api:tags.",
        "tag keys are 1 to 128 characters",
    ),
    "tag value of 257 characters": (
        tags(1, value_length=257),
        "private-api:tags.",
        "tag values are up to 256",
    ),
    # CloudWatch Logs' TagValue/TagKey pattern (botocore `logs`): an access-logging stack tags its
    # log group, so `pulumi up` would fail there; checked for every stack (components/
    # tag_characters.py).
    # The mock answers any stack name; the CLI's StackReference would not (stack_config.py).
    "backendStack with a space": (
        {"backendStack": "acme/private-api-backend/demo stack"},
        "private-api:backendStack:",
        "has ' ', so it names no stack",
    ),
    "backendStack of four parts": (
        {"backendStack": "acme/team/private-api-backend/demo"},
        "private-api:backendStack:",
        "has 4 parts, so it names no stack",
    ),
    "backendStack ending in a slash": (
        {"backendStack": "acme/private-api-backend/"},
        "private-api:backendStack:",
        "has an empty part (a leading, trailing or doubled '/')",
    ),
    "tag value with an ampersand": (
        {"tags": {"team": "orders & payments"}},
        "private-api:tags.team:",
        "the tag value has '&', which CloudWatch Logs and API Gateway refuse",
    ),
    "tag key with a hash and a comma": (
        {"tags": {"cost#center,eu": "42"}},
        "private-api:tags.cost#center,eu:",
        "the tag key has '#', ',', which CloudWatch Logs and API Gateway refuse",
    ),
    "provider default tag with a character logs refuse": (
        {"aws:defaultTags": {"tags": {"owner": "ops!"}}},
        "private-api:tags:",
        "the provider's default tag 'owner' (aws:defaultTags): the tag value has '!'",
    ),
    "integration URI with a space": (
        {"integrationUri": URI + "/v1 beta"},
        "private-api:integrationUri:",
        "' ' at position 39 must be percent-encoded (as %20)",
    ),
    "integration URI with a non-ASCII host": (
        {"integrationUri": "https://bücher.example.com"},
        "private-api:integrationUri:",
        "its ASCII (punycode) form 'xn--bcher-kva.example.com'",
    ),
    "integration URI with port 0": (
        {"integrationUri": URI + ":0"},
        "private-api:integrationUri:",
        "port 0",
    ),
    "integration URI with port 65536": (
        {"integrationUri": URI + ":65536"},
        "private-api:integrationUri:",
        "invalid port; use 1 to 65535",
    ),
    "integration URI with a host that is not a DNS name": (
        {"integrationUri": "https://orders_internal.example.com"},
        "private-api:integrationUri:",
        "not a DNS name",
    ),
    "integration URI with credentials": (
        {"integrationUri": "https://svc:hunter2@orders.internal.example.com"},
        "private-api:integrationUri:",
        "'https://[credentials removed]@orders.internal.example.com' carries credentials",
    ),
    "TOKEN authorizer reading a query string": (
        token_authorizer(identitySource="method.request.querystring.token"),
        "private-api:authorizers.tok.identitySource:",
        "not a header mapping expression",
    ),
    "TOKEN authorizer reading two headers": (
        token_authorizer(identitySource="method.request.header.A,method.request.header.B"),
        "private-api:authorizers.tok.identitySource:",
        "use 'method.request.header.<Name>'",
    ),
    "authorizer Lambda ARN whose partition and region disagree": (
        token_authorizer(functionArn=LAMBDA.replace("arn:aws:", "arn:aws-us-gov:")),
        "private-api:authorizers.tok.functionArn:",
        "which is in 'aws'",
    ),
    "authorizer cache of 3601 s": (
        token_authorizer(resultTtlSeconds=3601),
        "private-api:authorizers.tok.resultTtlSeconds:",
        "outside 0 to 3600",
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


ALB_V2 = {
    "kind": "v2",
    "targetArn": ALB,
    "subnetIds": ["subnet-0a1b2c3d4e5f60718"],
    "securityGroupIds": ["sg-0c3d4e5f60718293a"],
}


@pytest.mark.parametrize(
    ("link", "where", "words"),
    [
        (
            {**ALB_V2, "subnetIds": "subnet-0a1b2c3d4e5f60718"},
            "vpcLinks.blue.subnetIds",
            'must be a list of strings, not "subnet-0a1b2c3d4e5f60718"',
        ),
        ({**ALB_V2, "kind": 2}, "vpcLinks.blue.kind", "must be a string, not 2"),
    ],
    ids=["subnetIds as a string", "kind as a number"],
)
def test_a_link_value_of_the_wrong_type_is_its_only_problem(
    link: dict[str, Any], where: str, words: str
) -> None:
    """The stand-in for a wrong-typed value (no subnets, kind v1) must not be judged too."""
    message = config_error({"vpcLinks": {"blue": link}, "activeVpcLink": "blue"})
    assert message == f"Invalid stack configuration: private-api:{where}: {words}."


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


# --- One message per cause; every cause at once ------------------------------------------------

SINGLE_CAUSE = {
    "canary percent of the wrong type": {"canary": {"vpcLink": "green", "percent": "10"}},
    "route path of the wrong type": {"routes": [{"path": 123}]},
    "link target of the wrong type": {"vpcLinks": {"blue": {"targetArn": 42}}},
    "authorizer type of the wrong type": {"authorizers": {"a": {"type": 1, "functionArn": LAMBDA}}},
}


@pytest.mark.parametrize("overrides", SINGLE_CAUSE.values(), ids=SINGLE_CAUSE.keys())
def test_a_wrong_typed_value_is_reported_alone(overrides: dict[str, Any]) -> None:
    """No second, false line ("needs both vpcLink and percent", "has no path")."""
    message = config_error(overrides)
    assert message.startswith("Invalid stack configuration: private-api:"), message
    assert "problems" not in message


def test_type_errors_found_while_loading_do_not_stop_the_other_checks() -> None:
    """Every mistake at once, and no false ones from the stand-in of the wrong value."""
    config = stackfiles.load(PROJECT_DIR, "prod")
    values = {
        **config.values,
        "private-api:vpcLinks": "blue",
        "private-api:timeoutMs": "soon",
        "private-api:stageVariable": "a-b",
        "private-api:logRetentionDays": "2",
    }
    with pytest.raises(ConfigError) as caught:
        mockrun.run_program(PROJECT_DIR, project="private-api", stack="prod", config=values)
    message = str(caught.value)
    assert "4 problems" in message, message
    for key in ("vpcLinks", "timeoutMs", "stageVariable", "logRetentionDays"):
        assert f"private-api:{key}:" in message
    assert "activeVpcLink" not in message  # its link is unknown, not missing


def test_a_json_string_where_a_map_belongs_reaching_the_program_gets_the_hint() -> None:
    config = stackfiles.load(PROJECT_DIR, "prod")
    text = json.dumps(json.dumps({"blue": {"targetArn": NLB}}))
    values = {**config.values, "private-api:vpcLinks": text}
    with pytest.raises(ConfigError, match=r"private-api:vpcLinks: .*without --path"):
        mockrun.run_program(PROJECT_DIR, project="private-api", stack="prod", config=values)


# --- The last value accepted at every edge ------------------------------------------------------

ACCEPTED = {
    "timeout 50 ms": {"timeoutMs": 50},
    "timeout 29000 ms": {"timeoutMs": 29000},
    "timeout 300000 ms with allowLongTimeout": {"timeoutMs": 300000, "allowLongTimeout": True},
    "log retention 0 (never expire)": {"logRetentionDays": 0},
    "log retention 1 day": {"logRetentionDays": 1},
    "log retention 3653 days": {"logRetentionDays": 3653},
    "50 tags": tags(50),
    "49 tags and a provider default tag": {
        **tags(49),
        "aws:defaultTags": {"tags": {"team": "orders"}},
    },
    "tag key of 128 characters": tags(1, key_length=128),
    "tag value of 256 characters": tags(1, value_length=256),
    "tags of every character class logs allow": {
        "tags": {"Équipe coût": "Zahlungen 2026_a.b:c/d=e+f-g@h", "注文": "١٢٣"}
    },
    "stage variable name of 64 characters": {"stageVariable": "v" * 64},
    "integration URI with port 65535": {"integrationUri": URI + ":65535"},
    "integration URI with port 1": {"integrationUri": URI + ":1"},
    "integration URI percent-encoded": {"integrationUri": URI + "/v1%20beta"},
    "integration URI with an IP address": {"integrationUri": "http://10.0.0.1:8080"},
    "endpoint type in lowercase": {"endpointType": "regional"},
    "logging level in lowercase": {"loggingLevel": "error"},
    "link kind in uppercase": {"vpcLinks": {"blue": {"targetArn": NLB, "kind": "V1"}}},
    "TOKEN authorizer on a custom header": token_authorizer(
        identitySource="method.request.header.X-Api-Token", resultTtlSeconds=3600
    ),
    "REQUEST authorizer on several sources": {
        "authorizers": {
            "req": {
                "type": "REQUEST",
                "functionArn": LAMBDA,
                "identitySource": "method.request.header.A, method.request.querystring.b,"
                "stageVariables.c,context.d",
            }
        }
    },
}


@pytest.mark.parametrize("overrides", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_the_last_value_accepted_at_each_edge_builds(overrides: dict[str, Any]) -> None:
    run = evaluate("prod", overrides)
    assert run.by_type("aws:apigateway/stage:Stage")


def test_enums_in_another_case_reach_aws_in_its_spelling() -> None:
    run = evaluate("prod", {"endpointType": "regional", "loggingLevel": "info"})
    api = run.by_type("aws:apigateway/restApi:RestApi")[0]
    assert api.inputs["endpointConfiguration"]["types"] == "REGIONAL"
    settings = run.by_type("aws:apigateway/methodSettings:MethodSettings")[0]
    assert settings.inputs["settings"]["loggingLevel"] == "INFO"


def test_a_region_of_every_partition_is_accepted() -> None:
    """eusc-de-east-1 (aws-eusc) is in pulumi-aws 7.51's region list: its ARNs are valid."""
    arn = NLB.replace("arn:aws:", "arn:aws-eusc:").replace("us-east-1", "eusc-de-east-1")
    acl = ACL.format(region="eusc-de-east-1", scope="regional").replace("arn:aws:", "arn:aws-eusc:")
    run = evaluate(
        "prod",
        {
            "aws:region": "eusc-de-east-1",
            "vpcLinks": {"blue": {"targetArn": arn}},
            "activeVpcLink": "blue",
            "webAclArn": acl,
        },
    )
    assert run.by_type("aws:apigateway/vpcLink:VpcLink")[0].inputs["targetArn"] == arn


# --- Quotas that need an increase: a warning naming the quota, and the stack builds -----------


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def warn(message: str, *_args: object, **_kwargs: object) -> None:
        seen.append(message)

    monkeypatch.setattr(pulumi.log, "warn", warn)
    return seen


def authorizers(count: int) -> dict[str, Any]:
    return {
        "authorizers": {f"a{i}": {"type": "TOKEN", "functionArn": LAMBDA} for i in range(count)}
    }


def nlb(index: int) -> str:
    return NLB.replace("/orders/", f"/orders-{index}/")


def links(count: int) -> dict[str, Any]:
    return {
        "vpcLinks": {f"l{i}": {"targetArn": nlb(i)} for i in range(count)},
        "activeVpcLink": "l0",
    }


def subnets(count: int) -> list[str]:
    return [f"subnet-{i:017x}" for i in range(count)]


def links_v2(count: int, subnet_count: int = 2) -> dict[str, Any]:
    """`count` new V2 links on one ALB (V2 links may share a load balancer)."""
    link = {
        "kind": "v2",
        "targetArn": ALB,
        "subnetIds": subnets(subnet_count),
        "securityGroupIds": ["sg-0c3d4e5f60718293a"],
    }
    return {"vpcLinks": {f"l{i}": link for i in range(count)}, "activeVpcLink": "l0"}


QUOTAS = {
    "authorizers per API": (authorizers(10), authorizers(11), "'Authorizers per API' (10"),
    "VPC links per region": (links(20), links(21), "'VPC links per account per Region' (20"),
    "VPC links V2 per region": (
        links_v2(10),
        links_v2(11),
        "'VPC links per account per Region' of VPC links V2 (10",
    ),
    "subnets per VPC link V2": (
        links_v2(1, subnet_count=10),
        links_v2(1, subnet_count=11),
        "'Subnets per VPC link' (10",
    ),
}
# Resources per API (300) is warned by the component, which alone counts an openApiFile's paths:
# tests/program/test_openapi.py tries it at its edge in both modes.


@pytest.mark.parametrize(("at", "beyond", "quota"), QUOTAS.values(), ids=QUOTAS.keys())
def test_a_quota_exceeded_is_a_warning_naming_it(
    warnings: list[str], at: dict[str, Any], beyond: dict[str, Any], quota: str
) -> None:
    evaluate("prod", at)
    assert not [w for w in warnings if quota in w]
    evaluate("prod", beyond)
    assert [w for w in warnings if quota in w and w.startswith("private-api:")]


def test_resource_policy_length_is_warned_beyond_the_quota() -> None:
    assert resource_policy_warning("x" * 8192) is None
    warning = resource_policy_warning("x" * 8193)
    assert warning is not None
    assert "'Length, in characters, of API Gateway resource policy' (8192" in warning


def test_a_private_api_with_too_many_endpoints_warns(warnings: list[str]) -> None:
    endpoints = [f"vpce-{i:017x}" for i in range(400)]
    evaluate("prod", {"endpointType": "PRIVATE", "vpcEndpointIds": endpoints, "webAclArn": ""})
    assert any(w.startswith("private-api:vpcEndpointIds:") for w in warnings)


def test_credentials_in_the_integration_uri_never_reach_the_message() -> None:
    message = config_error({"integrationUri": "https://svc:hunter2@orders.internal.example.com"})
    assert "hunter2" not in message
    assert "svc:" not in message
