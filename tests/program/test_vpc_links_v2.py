"""VPC links V2 (issue 12): the staging stack, its switches, and what the config refuses.

The integrations carry the active V2 link's load balancer as `integrationTarget`; the link id
stays in the stage variable. A switch between links that reach the same load balancer therefore
touches the stage alone; a switch to another load balancer changes every integration (or the
body) and replaces the deployment, and these tests hold the program to saying so. A canary to
another load balancer serves a deployment of its own while the stage keeps its deployment.
"""

from __future__ import annotations

from typing import Any

import pytest

from preflight import LOAD_BALANCER_TYPES
from tests.program.harness import MODES, REST_API, RunStack, evaluate, in_mode, integrations
from tests.program.test_config_errors import config_error
from tests.program.test_preflight import refused
from tests.program.test_switching import DEPLOYMENT, STAGE, changed_inputs, only_stage

V2_LINK = "aws:apigatewayv2/vpcLink:VpcLink"
V1_LINK = "aws:apigateway/vpcLink:VpcLink"
ALB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders-staging/"
    "3c4d5e6f7a8b9c0d"
)
NEXT_ALB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders-staging-next/"
    "4d5e6f7a8b9c0d1e"
)
NLB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-blue/"
    "0a1b2c3d4e5f6a7b"
)
SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
GROUPS = ["sg-0c3d4e5f60718293a"]


@pytest.fixture(params=MODES)
def run_stack(request: pytest.FixtureRequest) -> RunStack:
    return in_mode(request.param)


def v2(**fields: Any) -> dict[str, Any]:
    return {"kind": "v2", "targetArn": ALB, "subnetIds": SUBNETS, "securityGroupIds": GROUPS} | (
        fields
    )


def targets(run: Any) -> set[Any]:
    return {spec["integrationTarget"] for spec in integrations(run).values()}


def test_staging_creates_v2_links_and_reads_the_existing_one(run_stack: RunStack) -> None:
    run = run_stack("staging")
    links = {link.name.rsplit("-link-", 1)[1]: link for link in run.by_type(V2_LINK)}
    assert set(links) == {"blue", "green", "next"}
    assert not run.by_type(V1_LINK)
    assert [links[name].read for name in ("blue", "green", "next")] == [False, False, True]
    assert links["blue"].inputs["subnetIds"] == SUBNETS
    assert links["blue"].inputs["securityGroupIds"] == GROUPS
    assert run.outputs["vpcLinkIds"]["next"] == "v2next1"


def test_every_integration_targets_the_active_links_load_balancer(run_stack: RunStack) -> None:
    run = run_stack("staging")
    assert targets(run) == {ALB}
    assert {spec["connectionId"] for spec in integrations(run).values()} == {
        "${stageVariables.vpcLinkId}"
    }
    assert run.one(STAGE).inputs["variables"] == {"vpcLinkId": run.outputs["vpcLinkIds"]["blue"]}


def test_v1_stacks_set_no_integration_target(run_stack: RunStack) -> None:
    assert targets(run_stack("prod")) == {None}


def test_a_switch_between_links_to_the_same_load_balancer_touches_only_the_stage(
    run_stack: RunStack,
) -> None:
    """Replacing an immutable V2 link (new subnets) by moving to a second one: no redeploy."""
    blue = run_stack("staging")
    green = run_stack("staging", {"activeVpcLink": "green"})
    assert only_stage(blue, changed_inputs(blue, green)) == {"variables"}
    assert blue.one(DEPLOYMENT).inputs == green.one(DEPLOYMENT).inputs


def test_a_switch_to_another_load_balancer_changes_the_integrations_and_redeploys(
    run_stack: RunStack,
) -> None:
    blue = run_stack("staging")
    moved = run_stack("staging", {"activeVpcLink": "next"})
    assert targets(moved) == {NEXT_ALB}
    diff = changed_inputs(blue, moved)
    deployment = blue.one(DEPLOYMENT)
    assert "triggers" in diff[deployment.urn], "the deployment must be replaced"
    assert "variables" in diff[blue.one(STAGE).urn]
    api_parts = {urn for urn in diff if urn not in (deployment.urn, blue.one(STAGE).urn)}
    if "body" in blue.one(REST_API).inputs:
        assert api_parts == {blue.one(REST_API).urn}
        assert diff[blue.one(REST_API).urn] == {"body"}
    else:
        integration_urns = {i.urn for i in blue.by_type("aws:apigateway/integration:Integration")}
        assert api_parts == integration_urns
        assert all(diff[urn] == {"integrationTarget"} for urn in integration_urns)


def test_rolling_back_a_load_balancer_move_restores_every_input(run_stack: RunStack) -> None:
    blue = run_stack("staging")
    back = run_stack("staging", {"activeVpcLink": "blue"})
    assert changed_inputs(blue, back) == {}


def test_the_load_balancer_types_a_link_may_target() -> None:
    assert {
        "v1": frozenset({"network"}),
        "v2": frozenset({"application", "network"}),
    } == LOAD_BALANCER_TYPES


def test_a_v2_link_to_an_nlb_is_accepted_and_looked_up() -> None:
    run = evaluate("staging", {"vpcLinks": {"blue": v2(targetArn=NLB)}, "canary": {}})
    assert targets(run) == {NLB}


def test_a_v2_target_of_another_type_is_refused_by_the_lookup() -> None:
    message = refused(
        "staging",
        {"vpcLinks": {"blue": v2()}},
        load_balancers={ALB: {"loadBalancerType": "gateway"}},
    )
    assert "private-api:vpcLinks.blue.targetArn:" in message
    assert "needs one of type application, network" in message


V2_ERRORS: dict[str, tuple[dict[str, Any], str, str]] = {
    "no targetArn": (
        {"blue": {"kind": "v2", "subnetIds": SUBNETS, "securityGroupIds": GROUPS}},
        "private-api:vpcLinks.blue.targetArn:",
        "is required for a VPC link V2",
    ),
    "a target that is no load balancer": (
        {"blue": v2(targetArn="arn:aws:ec2:us-east-1:123456789012:instance/i-0123")},
        "private-api:vpcLinks.blue.targetArn:",
        "loadbalancer/app/",
    ),
    "a target in another partition's form": (
        {"blue": v2(targetArn=ALB.replace("arn:aws:", "arn:aws-cn:"))},
        "private-api:vpcLinks.blue.targetArn:",
        "partition",
    ),
    "no subnets": (
        {"blue": v2(subnetIds=[])},
        "private-api:vpcLinks.blue.subnetIds:",
        "subnetIds",
    ),
    "a malformed subnet": (
        {"blue": v2(subnetIds=[SUBNETS[0], "subnet-xyz"])},
        "private-api:vpcLinks.blue.subnetIds[1]:",
        "subnet-0123456789abcdef0",
    ),
    "no security groups": (
        {"blue": v2(securityGroupIds=[])},
        "private-api:vpcLinks.blue.securityGroupIds:",
        "securityGroupIds",
    ),
    "a malformed security group": (
        {"blue": v2(securityGroupIds=["sg-1"])},
        "private-api:vpcLinks.blue.securityGroupIds[0]:",
        "sg-0123456789abcdef0",
    ),
    "subnets beside an existing link's id": (
        {"blue": v2(id="v2link1")},
        "private-api:vpcLinks.blue:",
        "keeps the subnets",
    ),
    "a malformed existing id": (
        {"blue": {"kind": "v2", "id": "Not-An-Id", "targetArn": ALB}},
        "private-api:vpcLinks.blue.id:",
        "get-vpc-links",
    ),
    "a description on a V2 link": (
        {"blue": v2(description="x")},
        "private-api:vpcLinks.blue:",
        "no description",
    ),
    "subnets on a V1 link": (
        {"blue": {"targetArn": NLB, "subnetIds": SUBNETS}},
        "private-api:vpcLinks.blue:",
        "kind: v2",
    ),
    "an unknown kind": (
        {"blue": v2(kind="v3")},
        "private-api:vpcLinks.blue.kind:",
        "'v1' or 'v2'",
    ),
}


@pytest.mark.parametrize("case", V2_ERRORS.values(), ids=V2_ERRORS.keys())
def test_a_bad_v2_link_is_refused_naming_its_key(case: tuple[dict[str, Any], str, str]) -> None:
    links, key, words = case
    message = config_error({"vpcLinks": links, "activeVpcLink": "blue"}, stack="staging")
    assert key in message
    assert words in message


def test_a_v2_load_balancer_in_another_region_than_the_stack_is_refused() -> None:
    eu = ALB.replace("us-east-1", "eu-west-1")
    message = config_error(
        {"vpcLinks": {"blue": v2(targetArn=eu)}, "activeVpcLink": "blue"}, stack="staging"
    )
    assert "private-api:vpcLinks.blue.targetArn: the load balancer is in eu-west-1" in message


def deployments(run: Any) -> dict[str, Any]:
    return {d.name: d for d in run.by_type(DEPLOYMENT)}


def test_a_canary_to_another_load_balancer_gets_a_deployment_of_its_own(
    run_stack: RunStack,
) -> None:
    """AWS's canary release: the canary serves a new deployment (the API with next's ALB), the
    stage keeps the deployment it serves (frozen), and only the stage's canary changes."""
    before = run_stack("staging")
    after = run_stack("staging", {"canary": {"vpcLink": "next", "percent": 10}})
    assert targets(after) == {NEXT_ALB}
    made = deployments(after)
    assert set(made) == {"private-api-staging-deployment", "private-api-staging-canary-deployment"}
    stage = after.one(STAGE).inputs
    assert stage["deployment"] == made["private-api-staging-deployment"].id
    canary = made["private-api-staging-canary-deployment"]
    assert stage["canarySettings"]["deploymentId"] == canary.id
    assert stage["canarySettings"]["stageVariableOverrides"] == {
        "vpcLinkId": after.outputs["vpcLinkIds"]["next"]
    }
    assert stage["variables"] == before.one(STAGE).inputs["variables"]
    diff = changed_inputs(before, after)
    assert diff[before.one(STAGE).urn] == {"canarySettings"}
    kept = made["private-api-staging-deployment"]
    # Its trigger follows the API, but the change is ignored while the canary runs: the engine
    # keeps the deployment (tools/preview.py shows it unchanged).
    assert set(diff.get(kept.urn, set())) <= set(kept.ignore_changes) == {"triggers"}


def test_a_canary_across_link_versions_gets_a_deployment_of_its_own() -> None:
    """A V1 canary beside a V2 stage: the canary's deployment carries no integrationTarget."""
    run = evaluate(
        "staging",
        {
            "vpcLinks": {"blue": v2(), "old": {"targetArn": NLB}},
            "activeVpcLink": "blue",
            "canary": {"vpcLink": "old", "percent": 10},
        },
    )
    assert targets(run) == {None}
    assert "private-api-staging-canary-deployment" in deployments(run)


def test_ending_a_load_balancer_canary_restores_every_input(run_stack: RunStack) -> None:
    """The rollback: remove the canary, and the API, the stage and the links are as before."""
    before = run_stack("staging")
    back = run_stack("staging", {"canary": {}})
    assert changed_inputs(before, back) == {}
    assert set(deployments(back)) == {"private-api-staging-deployment"}


def test_a_canary_between_links_to_the_same_load_balancer_touches_only_the_stage(
    run_stack: RunStack,
) -> None:
    before = run_stack("staging")
    after = run_stack("staging", {"canary": {"vpcLink": "green", "percent": 10}})
    assert only_stage(before, changed_inputs(before, after)) == {"canarySettings"}
    assert set(deployments(after)) == {"private-api-staging-deployment"}  # one, shared


def test_v2_links_may_share_a_load_balancer_but_v1_links_may_not() -> None:
    evaluate("staging")  # blue and green share the ALB
    message = config_error(
        {"vpcLinks": {"a": {"targetArn": NLB}, "b": {"targetArn": NLB}}, "activeVpcLink": "a"}
    )
    assert "private-api:vpcLinks.b.targetArn:" in message
