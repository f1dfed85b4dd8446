"""Stack rules, called as the pack's server calls them (`StackValidationArgs`, real proxy).

Stacks come from `private_api`, which is compliant with every rule, in the three shapes the engine
sends: a preview of new resources (ids unknown, relations only through property dependencies),
an update (ids known), and an update whose resources also carry their `id` output.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.pack_client import Resource
from tests.policy.support import (
    DELETE,
    DEPLOYMENT,
    INTEGRATION,
    METHOD,
    METHOD_SETTINGS,
    NLB_A,
    NLB_B,
    REST_API,
    STACK_RULES,
    STAGE,
    VPC_LINK,
    VPC_LINK_V2,
    WAF_ASSOCIATION,
    WEB_ACL,
    StackBuilder,
    check_stack,
    fake_id,
    find,
    names,
    private_api,
    with_props,
    without,
)
from tools.pack_messages import UNKNOWN

SHAPES = {
    "preview": {"preview": True},
    "update": {},
    "update-with-ids": {"with_ids": True},
}


@pytest.fixture(params=list(SHAPES.values()), ids=list(SHAPES))
def stack(request: pytest.FixtureRequest) -> list[Resource]:
    shape: dict[str, Any] = request.param
    return private_api(**shape)


def message_of(found: list[tuple[str | None, str]]) -> str:
    assert len(found) == 1, found
    return found[0][1]


@pytest.mark.parametrize("rule", STACK_RULES)
def test_the_compliant_api_passes_every_stack_rule(rule: str, stack: list[Resource]) -> None:
    assert check_stack(rule, stack) == []


def unrelatable(resources: list[Resource], type_: str, name: str) -> list[Resource]:
    """The resource's restApi unknown, with no dependency that says which API it is."""
    target = find(resources, type_, name)
    changed = Resource(
        urn=target.urn,
        type=target.type,
        name=target.name,
        properties={**target.properties, "restApi": UNKNOWN},
        property_dependencies={},
    )
    return [changed if r is target else r for r in resources]


# --- vpc-link-target-unique -----------------------------------------------------------------------

RULE_UNIQUE = "vpc-link-target-unique"


def test_two_links_to_two_nlbs_pass() -> None:
    assert check_stack(RULE_UNIQUE, private_api(links={"blue": NLB_A, "green": NLB_B})) == []


def test_second_link_to_the_same_nlb_is_a_violation() -> None:
    found = check_stack(RULE_UNIQUE, private_api(links={"blue": NLB_A, "green": NLB_A}))
    assert names(found) == ["link-green"]
    message = message_of(found)
    assert message.startswith(f"VPC link 'link-green' targets the Network Load Balancer {NLB_A}")
    assert "VPC link 'link-blue' of this stack already targets" in message
    assert "NLB is already associated with another VPC Endpoint Service" in message


def test_every_further_link_to_the_same_nlb_is_reported() -> None:
    links = {"a": NLB_A, "b": NLB_A, "c": NLB_B, "d": NLB_A}
    assert names(check_stack(RULE_UNIQUE, private_api(links=links, active="a"))) == [
        "link-b",
        "link-d",
    ]


def test_the_older_target_list_counts_too() -> None:
    b = StackBuilder()
    b.add(VPC_LINK, "old", {"targetArns": [NLB_A]})
    b.add(VPC_LINK, "new", {"targetArn": NLB_A})
    assert names(check_stack(RULE_UNIQUE, b.resources)) == ["new"]


def test_an_unknown_target_is_skipped_and_the_others_still_checked() -> None:
    b = StackBuilder()
    b.add(VPC_LINK, "pending", {"targetArn": UNKNOWN})
    b.add(VPC_LINK, "first", {"targetArn": NLB_A})
    b.add(VPC_LINK, "second", {"targetArn": NLB_A})
    assert names(check_stack(RULE_UNIQUE, b.resources)) == ["second"]


def test_v2_links_and_integration_targets_may_share_a_load_balancer() -> None:
    b = StackBuilder()
    b.add(VPC_LINK_V2, "v2", {"subnetIds": ["subnet-1"]})
    b.add(INTEGRATION, "one", {"type": "HTTP_PROXY", "integrationTarget": NLB_A})
    b.add(INTEGRATION, "two", {"type": "HTTP_PROXY", "integrationTarget": NLB_A})
    b.add(VPC_LINK, "link", {"targetArn": NLB_A})
    assert check_stack(RULE_UNIQUE, b.resources) == []


LB_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]


def links_to_new_load_balancers(
    lb_type: str, targets: dict[str, str], *, preview: bool, lb_arns: bool = False
) -> list[Resource]:
    """Links whose targetArn is the `arn` output of a load balancer of the same program.

    `targets` maps each link to its load balancer (lb-a: NLB_A, lb-b: NLB_B).
    """
    b = StackBuilder(preview=preview)
    arns = {"lb-a": NLB_A, "lb-b": NLB_B}
    lbs = {}
    for lb_name in sorted(set(targets.values())):
        props: dict[str, Any] = {"loadBalancerType": "network", "internal": True}
        if lb_arns:
            props["arn"] = b.output(arns[lb_name])
        lbs[lb_name] = b.add(lb_type, lb_name, props)
    for link, lb_name in targets.items():
        b.add(
            VPC_LINK,
            link,
            {"name": link, "targetArn": b.output(arns[lb_name])},
            deps={"targetArn": lbs[lb_name]},
        )
    return b.resources


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("lb_type", LB_TYPES)
def test_two_links_to_one_load_balancer_of_the_program_are_a_violation(
    lb_type: str, preview: bool
) -> None:
    """At preview the ARNs are unknown; both targetArns come from the same load balancer."""
    stack = links_to_new_load_balancers(
        lb_type, {"first": "lb-a", "second": "lb-a", "third": "lb-b"}, preview=preview
    )
    found = check_stack(RULE_UNIQUE, stack)
    assert names(found) == ["second"]
    message = message_of(found)
    assert "VPC link 'first' of this stack already targets" in message
    shown = "'lb-a' of this stack (its ARN is not known yet)" if preview else NLB_A
    assert message.startswith(f"VPC link 'second' targets the Network Load Balancer {shown}, ")


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
def test_links_to_different_load_balancers_of_the_program_pass(preview: bool) -> None:
    stack = links_to_new_load_balancers(
        LB_TYPES[0], {"first": "lb-a", "second": "lb-b"}, preview=preview
    )
    assert check_stack(RULE_UNIQUE, stack) == []


def test_a_known_arn_and_an_unknown_one_of_the_same_load_balancer_match() -> None:
    """An existing link (ARN known) and a new one computed from the load balancer's `arn`."""
    b = StackBuilder()
    lb = b.add(LB_TYPES[0], "lb", {"loadBalancerType": "network", "arn": NLB_A})
    b.add(VPC_LINK, "old", {"targetArn": NLB_A})
    b.add(VPC_LINK, "new", {"targetArn": UNKNOWN}, deps={"targetArn": lb})
    found = check_stack(RULE_UNIQUE, b.resources)
    assert names(found) == ["new"]
    assert f"targets the Network Load Balancer {NLB_A}, which VPC link 'old'" in message_of(found)


def test_an_unknown_target_of_no_single_load_balancer_is_skipped() -> None:
    """Dependencies on two load balancers, or on something else, say nothing about the target."""
    b = StackBuilder(preview=True)
    lb_a = b.add(LB_TYPES[0], "lb-a", {"loadBalancerType": "network"})
    lb_b = b.add(LB_TYPES[1], "lb-b", {"loadBalancerType": "network"})
    other = b.add("aws:ssm/parameter:Parameter", "param", {"name": "/nlb/arn"})
    b.add(VPC_LINK, "first", {"targetArn": UNKNOWN}, deps={"targetArn": lb_a})
    both = b.add(VPC_LINK, "both", {"targetArn": UNKNOWN}, deps={"targetArn": lb_a})
    b.resources[-1] = Resource(
        both.urn,
        both.type,
        both.name,
        both.properties,
        property_dependencies={"targetArn": [lb_a.urn, lb_b.urn]},
    )
    b.add(VPC_LINK, "via-param", {"targetArn": UNKNOWN}, deps={"targetArn": other})
    b.add(VPC_LINK, "via-param-too", {"targetArn": UNKNOWN}, deps={"targetArn": other})
    b.add(VPC_LINK, "no-deps", {"targetArn": UNKNOWN})
    assert check_stack(RULE_UNIQUE, b.resources) == []


def test_the_older_target_list_of_a_new_load_balancer_counts_too() -> None:
    b = StackBuilder(preview=True)
    lb = b.add(LB_TYPES[0], "lb", {"loadBalancerType": "network"})
    b.add(VPC_LINK, "old", {"targetArns": [UNKNOWN]}, deps={"targetArns": lb})
    b.add(VPC_LINK, "new", {"targetArn": UNKNOWN}, deps={"targetArn": lb})
    assert names(check_stack(RULE_UNIQUE, b.resources)) == ["new"]


# --- stage-defines-vpc-link-variable --------------------------------------------------------------

RULE_STAGE = "stage-defines-vpc-link-variable"


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        (DELETE, "does not define the stage variable 'vpcLinkId', which"),
        ({}, "does not define the stage variable 'vpcLinkId'"),
        ({"other": "abc123"}, "does not define the stage variable 'vpcLinkId'"),
        ({"vpcLinkId": ""}, "sets the stage variable 'vpcLinkId' to an empty string"),
        ({"vpcLinkId": "  "}, "sets the stage variable 'vpcLinkId' to an empty string"),
        (
            {"vpcLinkId": "arn:aws:apigateway:us-east-1::/vpclinks/abc"},
            "(an ARN; use the link's id)",
        ),
        ({"vpcLinkId": "${stageVariables.vpcLinkId}"}, "which is not a VPC link id"),
        ({"vpcLinkId": "gim 7c3"}, "which is not a VPC link id"),
        ({"vpcLinkId": ["gim7c3"]}, "which is not a string"),
        ({"vpcLinkId": True}, "which is not a string"),
        ({"vpcLinkId": "blue"}, "which is the name of VPC link 'link-blue', not its id"),
    ],
)
def test_stage_without_a_usable_link_id_is_a_violation(
    stack: list[Resource], variables: Any, says: str
) -> None:
    found = check_stack(RULE_STAGE, with_props(stack, STAGE, "stage", variables=variables))
    assert names(found) == ["stage"]
    message = message_of(found)
    assert message.startswith("Stage 'stage' of REST API 'api' ")
    assert says in message
    assert "2 VPC_LINK integrations use as their connectionId (for example 'get-root')" in message
    assert "every request to this stage would fail" in message


def test_a_link_id_the_stack_does_not_manage_is_legitimate(stack: list[Resource]) -> None:
    """Links can be shared: a literal id of another stack's link is not provably wrong."""
    changed = with_props(stack, STAGE, "stage", variables={"vpcLinkId": "x7k2p9"})
    assert check_stack(RULE_STAGE, changed) == []


def test_the_id_of_another_kind_of_resource_is_a_violation() -> None:
    stack = private_api(with_ids=True)
    changed = with_props(stack, STAGE, "stage", variables={"vpcLinkId": fake_id("api")})
    assert f"which is the id of {REST_API} 'api', not of a VPC link" in message_of(
        check_stack(RULE_STAGE, changed)
    )


def test_the_id_of_a_stack_link_passes() -> None:
    stack = private_api(with_ids=True, links={"blue": NLB_A, "green": NLB_B})
    changed = with_props(stack, STAGE, "stage", variables={"vpcLinkId": fake_id("link-green")})
    assert check_stack(RULE_STAGE, changed) == []


def test_a_link_id_shared_by_another_kind_of_resource_is_still_a_link_id() -> None:
    """API Gateway ids are unique per kind only: a link's `id` output wins over a clash."""
    stack = private_api(with_ids=True)
    link_id = fake_id("link-blue")
    stack = with_props(stack, DEPLOYMENT, "deployment", keep_deps=True, id=link_id)
    deployment = find(stack, DEPLOYMENT, "deployment")
    stack = [deployment, *(r for r in stack if r is not deployment)]  # indexed first
    changed = with_props(stack, STAGE, "stage", variables={"vpcLinkId": link_id})
    assert check_stack(RULE_STAGE, changed) == []


def as_outputs(resources: list[Resource]) -> list[Resource]:
    """The stack as `AnalyzeStack` sees it after an update: outputs, computed fields included."""
    extra: dict[str, dict[str, Any]] = {
        VPC_LINK: {"arn": "arn:aws:apigateway:us-east-1::/vpclinks/x", "tags": {}},
        STAGE: {
            "arn": "arn:aws:apigateway:us-east-1::/restapis/a/stages/dev",
            "invokeUrl": "https://a.execute-api.us-east-1.amazonaws.com/dev",
            "executionArn": "arn:aws:execute-api:us-east-1:123456789012:a/dev",
            "canarySettings": None,
            "webAclArn": "",
            "documentationVersion": "",
        },
        INTEGRATION: {"cacheNamespace": "abc", "cacheKeyParameters": [], "passthroughBehavior": ""},
        REST_API: {"executionArn": "arn:aws:execute-api:us-east-1:123456789012:a", "policy": ""},
    }
    return [
        Resource(
            r.urn,
            r.type,
            r.name,
            {**extra.get(r.type, {}), **r.properties},
            r.parent,
            r.dependencies,
            r.property_dependencies,
        )
        for r in resources
    ]


@pytest.mark.parametrize("rule", STACK_RULES)
def test_outputs_with_computed_fields_pass_every_stack_rule(rule: str) -> None:
    stack = as_outputs(private_api(with_ids=True, links={"blue": NLB_A, "green": NLB_B}))
    stack.append(
        Resource(
            urn=find(stack, INTEGRATION, "get-root").urn + "-mock",
            type=INTEGRATION,
            name="mock",
            properties={
                "type": "MOCK",
                "connectionType": "INTERNET",
                "connectionId": "",
                "id": "m",
            },
        )
    )
    assert check_stack(rule, stack) == []


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        (fake_id("deployment"), f"is the id of {DEPLOYMENT} 'deployment', not of a VPC link"),
        ("green", "which is the name of VPC link 'link-green', not its id"),
        ("arn:aws:apigateway:us-east-1::/vpclinks/x", "(an ARN; use the link's id)"),
    ],
)
def test_outputs_still_catch_what_is_not_a_link_id(variable: str, says: str) -> None:
    stack = as_outputs(private_api(with_ids=True, links={"blue": NLB_A, "green": NLB_B}))
    changed = with_props(stack, STAGE, "stage", variables={"vpcLinkId": variable})
    assert says in message_of(check_stack(RULE_STAGE, changed))


@pytest.mark.parametrize(
    ("overrides", "says"),
    [
        ({"vpcLinkId": ""}, "stageVariableOverrides sets the stage variable 'vpcLinkId' to an"),
        ({"vpcLinkId": "arn:aws:apigateway:us-east-1::/vpclinks/x"}, "not a VPC link id"),
    ],
)
def test_canary_override_is_checked(stack: list[Resource], overrides: Any, says: str) -> None:
    canary = {"percentTraffic": 10, "stageVariableOverrides": overrides}
    message = message_of(
        check_stack(RULE_STAGE, with_props(stack, STAGE, "stage", canarySettings=canary))
    )
    assert message.startswith("Stage 'stage' has a canary whose ")
    assert says in message
    assert "every canary request would fail" in message


@pytest.mark.parametrize(
    "overrides", [{}, {"vpcLinkId": "x7k2p9"}, {"vpcLinkId": UNKNOWN}, {"other": ""}, UNKNOWN]
)
def test_canary_without_a_bad_override_passes(stack: list[Resource], overrides: Any) -> None:
    canary = {"percentTraffic": 10, "stageVariableOverrides": overrides}
    assert check_stack(RULE_STAGE, with_props(stack, STAGE, "stage", canarySettings=canary)) == []


@pytest.mark.parametrize("variables", [UNKNOWN, {"vpcLinkId": UNKNOWN}])
def test_unknown_variables_are_not_a_violation(stack: list[Resource], variables: Any) -> None:
    changed = with_props(stack, STAGE, "stage", keep_deps=True, variables=variables)
    assert check_stack(RULE_STAGE, changed) == []


def test_an_unrelatable_stage_is_skipped_and_the_others_still_checked() -> None:
    stack = with_props(private_api(preview=True), STAGE, "stage", variables=DELETE)
    second = find(stack, STAGE, "stage")
    other = Resource(
        urn=second.urn + "-2",
        type=STAGE,
        name="stage-2",
        properties={**second.properties, "stageName": "two"},
        property_dependencies=second.property_dependencies,
    )
    stack = [*unrelatable(stack, STAGE, "stage"), other]
    assert names(check_stack(RULE_STAGE, stack)) == ["stage-2"]


def test_relations_by_known_ids_alone_work() -> None:
    """Without property dependencies (another tool's resources), known ids still relate them."""
    stack = [
        Resource(r.urn, r.type, r.name, r.properties)
        for r in with_props(private_api(with_ids=True), STAGE, "stage", variables=DELETE)
    ]
    assert names(check_stack(RULE_STAGE, stack)) == ["stage"]


def test_relations_by_depends_on_alone_work() -> None:
    stack = with_props(private_api(preview=True), STAGE, "stage", variables=DELETE)
    stack = [
        Resource(r.urn, r.type, r.name, r.properties, dependencies=r.dependencies) for r in stack
    ]
    assert names(check_stack(RULE_STAGE, stack)) == ["stage"]


def test_every_variable_the_integrations_use_is_required(stack: list[Resource]) -> None:
    changed = with_props(
        stack, INTEGRATION, "get-orders", connectionId="${stageVariables.ordersLink}"
    )
    message = message_of(check_stack(RULE_STAGE, changed))
    assert "the stage variable 'ordersLink', which integration 'get-orders' uses" in message


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "AWS_PROXY", "connectionType": DELETE, "connectionId": DELETE},
        {"type": "MOCK", "connectionType": DELETE, "connectionId": DELETE},
        {"connectionId": "gim7c3"},
        {"connectionType": "INTERNET"},
        {"connectionType": UNKNOWN},
    ],
)
def test_integrations_without_a_stage_variable_link_need_no_variable(
    stack: list[Resource], changes: dict[str, Any]
) -> None:
    for name in ("get-root", "get-orders"):
        stack = with_props(stack, INTEGRATION, name, **changes)
    assert check_stack(RULE_STAGE, with_props(stack, STAGE, "stage", variables=DELETE)) == []


def test_a_stage_of_another_api_needs_nothing(stack: list[Resource]) -> None:
    b = StackBuilder()
    other_api = b.add(REST_API, "other-api", {"name": "other"})
    b.add(
        STAGE,
        "other-stage",
        {"restApi": b.id_of("other-api"), "stageName": "dev"},
        deps={"restApi": other_api},
    )
    assert check_stack(RULE_STAGE, stack + b.resources) == []


# --- deployment-redeploys-on-change ---------------------------------------------------------------

RULE_DEPLOY = "deployment-redeploys-on-change"


@pytest.mark.parametrize("triggers", [DELETE, {}])
def test_deployment_without_triggers_is_a_violation(stack: list[Resource], triggers: Any) -> None:
    found = check_stack(RULE_DEPLOY, with_props(stack, DEPLOYMENT, "deployment", triggers=triggers))
    assert names(found) == ["deployment"]
    assert message_of(found).startswith(
        "Deployment 'deployment' of REST API 'api' has no triggers, so changes to its 2 "
        "integrations (for example 'get-root') are never deployed"
    )


def test_unknown_triggers_pass(stack: list[Resource]) -> None:
    changed = with_props(stack, DEPLOYMENT, "deployment", triggers=UNKNOWN)
    assert check_stack(RULE_DEPLOY, changed) == []


def test_deployment_of_an_unknown_api_is_skipped(stack: list[Resource]) -> None:
    changed = unrelatable(
        with_props(stack, DEPLOYMENT, "deployment", triggers=DELETE), DEPLOYMENT, "deployment"
    )
    assert check_stack(RULE_DEPLOY, changed) == []


def test_deployment_of_an_api_without_integrations_needs_no_triggers() -> None:
    b = StackBuilder()
    api = b.add(REST_API, "api", {"name": "empty"})
    b.add(DEPLOYMENT, "deployment", {"restApi": b.id_of("api")}, deps={"restApi": api})
    assert check_stack(RULE_DEPLOY, b.resources) == []


# --- method-requires-authorization ----------------------------------------------------------------

RULE_AUTH = "method-requires-authorization"


@pytest.mark.parametrize(
    ("method", "route"), [("get-root", "GET /"), ("get-orders", "GET /orders")]
)
def test_open_method_is_a_violation_naming_its_route(
    stack: list[Resource], method: str, route: str
) -> None:
    found = check_stack(RULE_AUTH, with_props(stack, METHOD, method, authorization="NONE"))
    assert names(found) == [method]
    assert message_of(found).startswith(
        f"Method '{method}' ({route}) has authorization NONE, so anyone who can reach the API "
        "can call it"
    )


def test_public_paths_allow_open_methods(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD, "get-orders", authorization="NONE")
    assert check_stack(RULE_AUTH, changed, config={"publicPaths": ["/orders/"]}) == []
    assert names(check_stack(RULE_AUTH, changed, config={"publicPaths": ["/health"]})) == [
        "get-orders"
    ]


def test_cors_preflight_may_be_open(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD, "get-orders", authorization="NONE", httpMethod="OPTIONS")
    assert check_stack(RULE_AUTH, changed) == []


def test_the_full_path_output_is_used_when_present() -> None:
    stack = with_props(
        private_api(with_ids=True),
        "aws:apigateway/resource:Resource",
        "res-orders",
        keep_deps=True,
        path="/v1/orders",
    )
    changed = with_props(stack, METHOD, "get-orders", authorization="NONE")
    assert "(GET /v1/orders)" in message_of(check_stack(RULE_AUTH, changed))


def test_paths_resolve_by_known_ids_alone() -> None:
    stack = [
        Resource(r.urn, r.type, r.name, r.properties)
        for r in with_props(private_api(with_ids=True), METHOD, "get-orders", authorization="NONE")
    ]
    assert "(GET /orders)" in message_of(check_stack(RULE_AUTH, stack))


def test_unknown_authorization_or_path_is_never_a_guess(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD, "get-orders", authorization=UNKNOWN)
    assert check_stack(RULE_AUTH, changed) == []
    # An open method whose path is unknown: allowlisted paths might include it, so skip it ...
    lost = with_props(stack, METHOD, "get-orders", authorization="NONE", resourceId=UNKNOWN)
    assert check_stack(RULE_AUTH, lost, config={"publicPaths": ["/orders"]}) == []
    # ... but with no allowlist it is open whatever its path.
    assert message_of(check_stack(RULE_AUTH, lost)).startswith(
        "Method 'get-orders' (GET) has authorization NONE"
    )


# --- stage-has-execution-logging ------------------------------------------------------------------

RULE_LOGS = "stage-has-execution-logging"


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"loggingLevel": "OFF", "metricsEnabled": True}, "sets loggingLevel to 'OFF'"),
        ({"metricsEnabled": True}, "sets loggingLevel to nothing"),
        ({"loggingLevel": "INFO"}, "does not enable metrics"),
    ],
)
def test_stage_without_logging_settings_is_a_violation(
    stack: list[Resource], settings: dict[str, Any], says: str
) -> None:
    found = check_stack(
        RULE_LOGS, with_props(stack, METHOD_SETTINGS, "settings", settings=settings)
    )
    assert names(found) == ["stage"]
    message = message_of(found)
    assert message.startswith("Stage 'stage' has no execution logging: MethodSettings 'settings' ")
    assert says in message


def test_metrics_are_optional_when_configured(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD_SETTINGS, "settings", settings={"loggingLevel": "INFO"})
    assert check_stack(RULE_LOGS, changed, config={"requireMetrics": False}) == []


def test_stage_without_method_settings_is_a_violation(stack: list[Resource]) -> None:
    found = check_stack(RULE_LOGS, without(stack, METHOD_SETTINGS))
    assert "no MethodSettings of this stack applies to it" in message_of(found)


def test_method_settings_of_another_stage_do_not_count(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD_SETTINGS, "settings", stageName="other")
    assert names(check_stack(RULE_LOGS, changed)) == ["stage"]


@pytest.mark.parametrize(
    "changes",
    [{"settings": UNKNOWN}, {"settings": {"loggingLevel": UNKNOWN, "metricsEnabled": True}}],
)
def test_unknown_settings_are_not_a_violation(
    stack: list[Resource], changes: dict[str, Any]
) -> None:
    changed = with_props(stack, METHOD_SETTINGS, "settings", **changes)
    assert check_stack(RULE_LOGS, changed) == []


def test_settings_of_an_unknown_stage_might_be_this_ones(stack: list[Resource]) -> None:
    changed = with_props(stack, METHOD_SETTINGS, "settings", stageName=UNKNOWN, restApi=UNKNOWN)
    assert check_stack(RULE_LOGS, changed) == []


# --- stage-cache-encrypted ------------------------------------------------------------------------

RULE_CACHE = "stage-cache-encrypted"
LOGGING = {"loggingLevel": "ERROR", "metricsEnabled": True}


def test_caching_without_encryption_is_a_violation(stack: list[Resource]) -> None:
    changed = with_props(
        stack, METHOD_SETTINGS, "settings", settings={**LOGGING, "cachingEnabled": True}
    )
    found = check_stack(RULE_CACHE, changed)
    assert names(found) == ["settings"]
    assert message_of(found).startswith(
        "MethodSettings 'settings' enables caching without encrypting the cache"
    )


def test_cache_cluster_without_encrypting_settings_is_a_violation(stack: list[Resource]) -> None:
    changed = with_props(stack, STAGE, "stage", keep_deps=True, cacheClusterEnabled=True)
    found = check_stack(RULE_CACHE, changed)
    assert names(found) == ["stage"]
    assert message_of(found).startswith("Stage 'stage' enables a cache cluster")


@pytest.mark.parametrize("encrypted", [True, UNKNOWN])
def test_encrypted_or_unknown_cache_passes(stack: list[Resource], encrypted: Any) -> None:
    settings = {**LOGGING, "cachingEnabled": True, "cacheDataEncrypted": encrypted}
    changed = with_props(stack, STAGE, "stage", keep_deps=True, cacheClusterEnabled=True)
    changed = with_props(changed, METHOD_SETTINGS, "settings", keep_deps=True, settings=settings)
    assert check_stack(RULE_CACHE, changed) == []


# --- stage-has-waf-web-acl ------------------------------------------------------------------------

RULE_WAF = "stage-has-waf-web-acl"


@pytest.mark.parametrize(
    ("endpoint", "says"),
    [
        ({"types": "REGIONAL"}, "of REGIONAL REST API 'api'"),
        ({"types": ["REGIONAL"]}, "of REGIONAL REST API 'api'"),
        ({"types": "EDGE"}, "of EDGE REST API 'api'"),
        (DELETE, "of EDGE REST API 'api'"),
    ],
)
def test_public_stage_without_web_acl_is_a_violation(
    stack: list[Resource], endpoint: Any, says: str
) -> None:
    changed = with_props(
        without(stack, WAF_ASSOCIATION), REST_API, "api", endpointConfiguration=endpoint
    )
    found = check_stack(RULE_WAF, changed)
    assert names(found) == ["stage"]
    assert message_of(found).startswith(f"Stage 'stage' {says} has no WAF web ACL")


def test_private_api_needs_no_web_acl(stack: list[Resource]) -> None:
    changed = with_props(
        without(stack, WAF_ASSOCIATION), REST_API, "api", endpointConfiguration={"types": "PRIVATE"}
    )
    assert check_stack(RULE_WAF, changed) == []


def test_association_with_another_stage_does_not_count() -> None:
    stack = private_api()
    other = "arn:aws:apigateway:us-east-1::/restapis/zzz/stages/prod"
    changed = with_props(stack, WAF_ASSOCIATION, "waf", resourceArn=other)
    assert names(check_stack(RULE_WAF, changed)) == ["stage"]


def test_association_by_the_stage_arn_alone_counts() -> None:
    stack = private_api()
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{fake_id('api')}/stages/dev"
    assert check_stack(RULE_WAF, with_props(stack, WAF_ASSOCIATION, "waf", resourceArn=arn)) == []


def test_waf_classic_association_counts(stack: list[Resource]) -> None:
    classic = [
        Resource(
            r.urn,
            "aws:wafregional/webAclAssociation:WebAclAssociation",
            r.name,
            r.properties,
            property_dependencies=r.property_dependencies,
        )
        if r.type == WAF_ASSOCIATION
        else r
        for r in stack
    ]
    assert check_stack(RULE_WAF, classic) == []


def test_stage_web_acl_output_counts(stack: list[Resource]) -> None:
    changed = with_props(
        without(stack, WAF_ASSOCIATION), STAGE, "stage", keep_deps=True, webAclArn=WEB_ACL
    )
    assert check_stack(RULE_WAF, changed) == []


@pytest.mark.parametrize(
    "case", ["unknown-endpoint", "unrelatable-association", "unrelatable-stage"]
)
def test_unknowns_are_not_a_violation(stack: list[Resource], case: str) -> None:
    if case == "unknown-endpoint":
        changed = with_props(
            without(stack, WAF_ASSOCIATION),
            REST_API,
            "api",
            endpointConfiguration={"types": UNKNOWN},
        )
    elif case == "unrelatable-association":
        changed = with_props(stack, WAF_ASSOCIATION, "waf", resourceArn=UNKNOWN)
    else:
        changed = unrelatable(without(stack, WAF_ASSOCIATION), STAGE, "stage")
    assert check_stack(RULE_WAF, changed) == []
