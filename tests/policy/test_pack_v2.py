"""VPC links V2 over gRPC (issue 12): the pack as the CLI runs it, on the real program's stacks.

`vpc-link-version-matches-target` fails an integration with integrationTarget whose link (as the
stage variable names it) is V1, and one through a V2 link without it; `vpc-link-v1-is-legacy`
speaks on V1 links only; integrationTarget is judged in bodies and against the region.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tests.policy.support import for_pack
from tests.program.harness import evaluate, shipped

pytestmark = pytest.mark.slow

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
RULE = "vpc-link-version-matches-target"
INTEGRATION = "aws:apigateway/integration:Integration"
REST_API = "aws:apigateway/restApi:RestApi"
STAGE = "aws:apigateway/stage:Stage"
V1_LINK = "aws:apigateway/vpcLink:VpcLink"
NLB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-blue/"
    "0a1b2c3d4e5f6a7b"
)


def staging(mode: str, *, preview: bool = False, **overrides: Any) -> list[Resource]:
    return stack_resources("staging", preview=preview, apiDefinition=mode, **overrides)


def stack_resources(stack: str, *, preview: bool = False, **overrides: Any) -> list[Resource]:
    run = evaluate(stack, overrides, preview=preview)
    return [
        Resource(
            r.urn,
            r.type,
            r.name,
            # The stack analysis of an update sees each id (its `id` output); a preview does not.
            for_pack({**r.inputs, **({"id": r.id} if r.custom and not preview else {})}),
            r.parent,
            r.dependencies,
            r.property_dependencies,
        )
        for r in run.resources
    ]


def analyze_all(pack: PolicyPackClient, resources: Sequence[Resource]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for resource in resources:
        found += pack.analyze(resource)
    return found + pack.analyze_stack(resources)


def of(found: Sequence[Diagnostic], rule: str) -> list[Diagnostic]:
    return [d for d in found if d.policy_name == rule]


def edited(resources: list[Resource], type_: str, edit: Any) -> list[Resource]:
    return [
        replace(r, properties=edit(dict(r.properties))) if r.type == type_ else r for r in resources
    ]


@pytest.mark.parametrize("mode", ["resources", "openapi"])
@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_staging_passes_every_link_rule(pack: PolicyPackClient, mode: str, preview: bool) -> None:
    found = analyze_all(pack, staging(mode, preview=preview))
    assert [d for d in found if d.enforcement_level == "mandatory"] == []
    assert of(found, "vpc-link-v1-is-legacy") == []


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_a_v2_link_without_integration_target_fails_every_request(
    pack: PolicyPackClient, preview: bool
) -> None:
    stack = edited(
        staging("resources", preview=preview),
        INTEGRATION,
        lambda p: {k: v for k, v in p.items() if k != "integrationTarget"},
    )
    found = of(analyze_all(pack, stack), RULE)
    assert len(found) == 1
    assert found[0].enforcement_level == "mandatory"
    assert found[0].urn.endswith("::private-api-staging-stage")
    assert "a V2 link" in found[0].message
    assert "IntegrationTarget is required for VpcLinkV2" in found[0].message


def test_a_body_without_integration_target_is_judged_too(pack: PolicyPackClient) -> None:
    def strip(props: dict[str, Any]) -> dict[str, Any]:
        body = json.loads(props["body"])
        for item in body["paths"].values():
            for operation in item.values():
                operation["x-amazon-apigateway-integration"].pop("integrationTarget")
        return {**props, "body": json.dumps(body)}

    found = of(analyze_all(pack, edited(staging("openapi"), REST_API, strip)), RULE)
    assert len(found) == 1
    assert "operation 'GET /' of RestApi 'private-api-staging-api'" in found[0].message


def legacy_v1_link(stack: Sequence[Resource]) -> Resource:
    """A V1 link 'legacy' (id legacy1) on an NLB, in the same stack as `stack`."""
    return Resource(
        urn=stack[0].urn.rsplit("::", 1)[0] + f"::{V1_LINK}::legacy",
        type=V1_LINK,
        name="legacy",
        properties={"targetArn": NLB, "id": "legacy1"},
    )


def test_integration_target_with_a_v1_link_fails_every_request(pack: PolicyPackClient) -> None:
    """The stage variable names a V1 link while the integrations carry integrationTarget."""
    stack = staging("resources")
    v1 = legacy_v1_link(stack)
    stack = [*edited(stack, STAGE, lambda p: {**p, "variables": {"vpcLinkId": "legacy1"}}), v1]
    found = of(analyze_all(pack, stack), RULE)
    assert len(found) == 1
    assert "VPC link 'legacy', a V1 link" in found[0].message
    assert "variables['vpcLinkId']" in found[0].message


def test_a_canary_through_a_v1_link_is_caught(pack: PolicyPackClient) -> None:
    stack = staging("resources")
    v1 = legacy_v1_link(stack)
    canary = {"percentTraffic": 10, "stageVariableOverrides": {"vpcLinkId": "legacy1"}}
    stack = [*edited(stack, STAGE, lambda p: {**p, "canarySettings": canary}), v1]
    found = of(analyze_all(pack, stack), RULE)
    assert len(found) == 1
    assert "canarySettings.stageVariableOverrides['vpcLinkId']" in found[0].message


def test_an_integration_target_that_is_no_load_balancer_is_caught_in_bodies(
    pack: PolicyPackClient,
) -> None:
    def retarget(props: dict[str, Any]) -> dict[str, Any]:
        return {**props, "body": props["body"].replace(":loadbalancer/app/", ":targetgroup/")}

    found = of(
        analyze_all(pack, edited(staging("openapi"), REST_API, retarget)), "vpc-link-targets-nlb"
    )
    assert found
    assert "Operation 'GET /' in the body of RestApi 'private-api-staging-api'" in found[0].message


def test_an_integration_target_in_another_region_is_caught(pack: PolicyPackClient) -> None:
    def move(props: dict[str, Any]) -> dict[str, Any]:
        return {
            **props,
            "region": "us-east-1",
            "integrationTarget": props["integrationTarget"].replace("us-east-1", "eu-west-1"),
        }

    found = of(
        analyze_all(pack, edited(staging("resources"), INTEGRATION, move)), "vpc-link-targets-nlb"
    )
    assert len(found) == 2
    assert "is a load balancer in eu-west-1" in found[0].message


def test_v1_links_get_the_legacy_advisory_and_a_config_turns_it_off(
    pack: PolicyPackClient,
) -> None:
    run = shipped("prod")
    links = [
        Resource(r.urn, r.type, r.name, for_pack(r.inputs))
        for r in run.resources
        if r.type == V1_LINK
    ]
    found = [d for link in links for d in pack.analyze(link)]
    assert {(d.policy_name, d.enforcement_level) for d in found} == {
        ("vpc-link-v1-is-legacy", "advisory")
    }
    assert len(found) == 2
    assert "Migrating from a V1 link to V2" in found[0].message
    pack.configure({"vpc-link-v1-is-legacy": "disabled"})
    assert [d for link in links for d in pack.analyze(link)] == []


ALB = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/orders-prod/"
    "3c4d5e6f7a8b9c0d"
)


def prod_with_a_v2_canary(mode: str, *, preview: bool = False) -> list[Resource]:
    """prod (V1 links) in the migration's canary step: a V2 link 'alb' takes 10 %."""
    shipped = yaml.safe_load((PACK_DIR.parent / "Pulumi.prod.yaml").read_text())
    links = shipped["config"]["private-api:vpcLinks"]
    alb = {
        "kind": "v2",
        "targetArn": ALB,
        "subnetIds": ["subnet-0a1b2c3d4e5f60718"],
        "securityGroupIds": ["sg-0c3d4e5f60718293a"],
    }
    return stack_resources(
        "prod",
        preview=preview,
        apiDefinition=mode,
        vpcLinks={**links, "alb": alb},
        canary={"vpcLink": "alb", "percent": 10},
    )


@pytest.mark.parametrize("mode", ["resources", "openapi"])
def test_a_v2_canary_with_a_deployment_of_its_own_passes_beside_a_v1_stage(
    pack: PolicyPackClient, mode: str
) -> None:
    """The integrations carry the ALB (they are the canary's deployment); the stage keeps its
    older deployment, through the V1 link: AWS's canary release, judged by the canary's link."""
    stack = prod_with_a_v2_canary(mode)
    [stage] = [r for r in stack if r.type == STAGE]
    assert stage.properties["canarySettings"]["deploymentId"] != stage.properties["deployment"]
    assert of(analyze_all(pack, stack), RULE) == []


def test_at_preview_a_canary_deployment_being_made_beside_a_kept_one_passes(
    pack: PolicyPackClient,
) -> None:
    """The canary step's preview: the stage's deployment exists (a known id), the canary's is
    being made (unknown)."""
    stack = prod_with_a_v2_canary("resources", preview=True)
    stack = edited(stack, STAGE, lambda p: {**p, "deployment": "kept1"})
    assert of(analyze_all(pack, stack), RULE) == []


def test_a_new_stage_made_with_a_v2_canary_beside_a_v1_stage_is_caught(
    pack: PolicyPackClient,
) -> None:
    """A new stack: both deployments are made now, from the canary's integrations, so the
    stage's own would carry integrationTarget through the V1 link. The pack says so."""
    found = of(analyze_all(pack, prod_with_a_v2_canary("resources", preview=True)), RULE)
    assert len(found) == 1
    assert "variables['vpcLinkId']" in found[0].message
    assert "a V1 link" in found[0].message


def test_a_canary_sharing_the_stage_deployment_is_judged_on_both_links(
    pack: PolicyPackClient,
) -> None:
    stack = prod_with_a_v2_canary("resources")
    stack = edited(
        stack,
        STAGE,
        lambda p: {**p, "canarySettings": {**p["canarySettings"], "deploymentId": p["deployment"]}},
    )
    found = of(analyze_all(pack, stack), RULE)
    assert len(found) == 1
    assert "variables['vpcLinkId']" in found[0].message
