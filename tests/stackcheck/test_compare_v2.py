"""`--compare` on the staging stack's VPC links V2, as docs/switching-links.md's runbook quotes it.

Between links to one load balancer only the stage variable moves; to another load balancer the
integrations' integrationTarget changes (the body in openapi mode), the deployment is replaced and
the stage moves to it: a redeploy, which the tool must show rather than hide.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.stackcheck.conftest import compare_json, steps

NEXT_ALB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders-staging-next/"
    "4d5e6f7a8b9c0d1e"
)


def names(urns: list[str]) -> set[str]:
    return {urn.rsplit("::", 1)[1] for urn in urns}


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    return compare_json(capsys, "staging", *args)


def test_a_switch_to_a_link_on_the_same_alb_changes_only_the_stage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = plan(capsys, "--compare", "activeVpcLink=green")
    assert steps(document) == {"private-api-staging-stage": ("update", ["variables"])}


def test_a_move_to_another_alb_updates_the_body_and_replaces_the_deployment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = plan(capsys, "--compare", "activeVpcLink=next")
    assert steps(document) == {
        "private-api-staging-api": ("update", ["body"]),
        "private-api-staging-deployment": ("replace", ["triggers"]),
        "private-api-staging-stage": ("update", ["deployment", "variables"]),
    }
    body = document["changed"][0]["diff"]["body"]
    assert NEXT_ALB not in body["old"]
    assert NEXT_ALB in body["new"]


def test_in_resources_mode_the_move_updates_each_integrations_target(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = plan(capsys, "--set", "apiDefinition=resources", "--compare", "activeVpcLink=next")
    assert steps(document) == {
        "private-api-staging-integration-GET-/": ("update", ["integrationTarget"]),
        "private-api-staging-integration-ANY-/{proxy+}": ("update", ["integrationTarget"]),
        "private-api-staging-deployment": ("replace", ["triggers"]),
        "private-api-staging-stage": ("update", ["deployment", "variables"]),
    }
    for change in document["changed"][:2]:
        assert change["diff"]["integrationTarget"]["new"] == NEXT_ALB


ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders/0a1b2c3d4e5f6a7c"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/"
PROD_WITH_ALB = (
    f"vpcLinks={{blue: {{targetArn: {NLB}orders-blue/0a1b2c3d4e5f6a7b, description: 'Orders "
    f"service, blue NLB'}}, green: {{targetArn: {NLB}orders-green/8c9d0e1f2a3b4c5d, description: "
    f"'Orders service, green NLB'}}, alb: {{kind: v2, targetArn: {ALB}, subnetIds: "
    "[subnet-0a1b2c3d4e5f60718], securityGroupIds: [sg-0c3d4e5f60718293a]}}"
)


def prod_plan(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    return compare_json(capsys, "prod", "--policy-pack-config", "policy/config/prod.json", *args)


def test_runbook_step_1_adding_the_v2_link_only_creates_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = prod_plan(capsys, "--compare", PROD_WITH_ALB)
    assert names(document["added"]) == {"private-api-prod-link-alb"}
    assert document["changed"] == []
    assert document["removed"] == []


def test_runbook_step_3_the_switch_to_v2_redeploys(capsys: pytest.CaptureFixture[str]) -> None:
    document = prod_plan(capsys, "--set", PROD_WITH_ALB, "--compare", "activeVpcLink=alb")
    assert steps(document) == {
        "private-api-prod-api": ("update", ["body"]),
        "private-api-prod-deployment": ("replace", ["triggers"]),
        "private-api-prod-stage": ("update", ["deployment", "variables"]),
    }
    assert ALB in document["changed"][0]["diff"]["body"]["new"]


CANARY_NEXT = "canary={vpcLink: next, percent: 10}"


@pytest.mark.parametrize("mode", ["openapi", "resources"])
def test_a_canary_to_another_alb_adds_its_deployment_and_keeps_the_stages(
    capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    document = plan(capsys, "--set", f"apiDefinition={mode}", "--compare", CANARY_NEXT)
    assert names(document["added"]) == {"private-api-staging-canary-deployment"}
    found = steps(document)
    assert found.pop("private-api-staging-stage") == ("update", ["canarySettings"])
    assert "private-api-staging-deployment" not in found  # the stage's deployment is kept
    if mode == "openapi":
        assert found == {"private-api-staging-api": ("update", ["body"])}
    else:
        assert len(found) == 2
        assert all(step == ("update", ["integrationTarget"]) for step in found.values())
    assert [v for v in document["violations"] if v["enforcementLevel"] == "mandatory"] == []
    [note] = document["notes"]
    assert "deployment of its own (private-api-staging-canary-deployment)" in note
    assert "deploy without `canary` first" in note


def test_ending_that_canary_deletes_its_deployment_and_says_what_the_plan_cannot_show(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = plan(capsys, "--set", CANARY_NEXT, "--compare", "canary={}")
    assert names(document["removed"]) == {"private-api-staging-canary-deployment"}
    [note] = document["notes"]
    assert "replaces the stage's deployment" in note


def test_runbook_step_2_a_v2_canary_beside_the_v1_stage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document = prod_plan(
        capsys, "--set", PROD_WITH_ALB, "--compare", "canary={vpcLink: alb, percent: 10}"
    )
    assert names(document["added"]) == {"private-api-prod-canary-deployment"}
    assert steps(document) == {
        "private-api-prod-api": ("update", ["body"]),
        "private-api-prod-stage": ("update", ["canarySettings"]),
    }
    assert ALB in document["changed"][0]["diff"]["body"]["new"]
    assert [v for v in document["violations"] if v["enforcementLevel"] == "mandatory"] == []
