"""`canary-uses-stack-vpc-link` (issue 21): a canary names a link the stack defines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pack_client import Resource
from tests.policy.support import (
    NLB_A,
    NLB_B,
    STAGE,
    VPC_LINK,
    check_stack,
    private_api,
    with_props,
)
from tools.pack_messages import UNKNOWN

RULE = "canary-uses-stack-vpc-link"


def stack() -> list[Resource]:
    return private_api(with_ids=True, links={"blue": NLB_A, "green": NLB_B})


def link_ids(resources: list[Resource]) -> list[str]:
    return [str(r.properties["id"]) for r in resources if r.type == VPC_LINK]


def canary(resources: list[Resource], value: Any) -> list[Resource]:
    settings = {"percentTraffic": 10, "stageVariableOverrides": {"vpcLinkId": value}}
    return with_props(resources, STAGE, "stage", canarySettings=settings)


def test_a_canary_through_a_link_of_the_stack_passes() -> None:
    resources = stack()
    for link_id in link_ids(resources):
        assert check_stack(RULE, canary(resources, link_id)) == []


def test_a_canary_through_a_link_the_stack_does_not_define_is_named() -> None:
    found = check_stack(RULE, canary(stack(), "x7k2p9"))
    assert len(found) == 1
    message = found[0][1]
    assert message.startswith("Stage 'stage' has a canary whose stageVariableOverrides")
    assert "'x7k2p9', which is not the id of a VPC link this stack defines" in message
    assert "externalLinkIds" in message


def test_a_link_owned_elsewhere_is_allowed_by_config() -> None:
    config = {"externalLinkIds": ["x7k2p9"]}
    assert check_stack(RULE, canary(stack(), "x7k2p9"), config=config) == []


@pytest.mark.parametrize("value", [UNKNOWN, "", "arn:aws:apigateway:us-east-1::/vpclinks/x", 7])
def test_what_is_unknown_or_not_an_id_is_left_to_the_other_rules(value: Any) -> None:
    assert check_stack(RULE, canary(stack(), value)) == []
