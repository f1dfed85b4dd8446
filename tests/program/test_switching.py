"""Switching links and moving canaries: the program is evaluated twice, and every resource's inputs
are compared. Only the stage may differ, and only in the field the change is about."""

from __future__ import annotations

from typing import Any

import pytest

from tests.program.harness import MODES, RunStack, in_mode
from tools.mockrun import ProgramRun


@pytest.fixture(params=MODES)
def run_stack(request: pytest.FixtureRequest) -> RunStack:
    """Every test of this module, once per apiDefinition: the guarantees hold in both."""
    return in_mode(request.param)


STAGE = "aws:apigateway/stage:Stage"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"


def changed_inputs(before: ProgramRun, after: ProgramRun) -> dict[str, set[str]]:
    """URN to the input keys that differ; added and removed resources count as changed."""
    old = {r.urn: r.inputs for r in before.resources}
    new = {r.urn: r.inputs for r in after.resources}
    diff: dict[str, set[str]] = {}
    for urn in old.keys() | new.keys():
        a: dict[str, Any] = old.get(urn, {"<absent>": True})
        b: dict[str, Any] = new.get(urn, {"<absent>": True})
        keys = {k for k in a.keys() | b.keys() if repr(a.get(k)) != repr(b.get(k))}
        if keys:
            diff[urn] = keys
    return diff


def only_stage(run: ProgramRun, diff: dict[str, set[str]]) -> set[str]:
    stage = run.one(STAGE).urn
    assert set(diff) == {stage}, f"more than the stage changed: {sorted(diff)}"
    return diff[stage]


def test_switching_the_active_link_changes_only_the_stage_variable(run_stack: RunStack) -> None:
    blue = run_stack("prod")
    green = run_stack("prod", {"activeVpcLink": "green"})
    assert only_stage(blue, changed_inputs(blue, green)) == {"variables"}
    ids = blue.outputs["vpcLinkIds"]
    assert green.one(STAGE).inputs["variables"] == {"vpcLinkId": ids["green"]}
    assert green.outputs["activeVpcLinkId"] == ids["green"]


def test_switching_in_a_first_preview_changes_nothing_outside_the_stage(
    run_stack: RunStack,
) -> None:
    """Before the first `up` every id is unknown; still, only the stage may depend on the switch."""
    blue = run_stack("prod", preview=True)
    green = run_stack("prod", {"activeVpcLink": "green"}, preview=True)
    assert set(changed_inputs(blue, green)) <= {blue.one(STAGE).urn}


def test_the_deployment_is_not_replaced_by_a_switch(run_stack: RunStack) -> None:
    blue = run_stack("prod")
    green = run_stack("prod", {"activeVpcLink": "green"})
    assert blue.one(DEPLOYMENT).inputs == green.one(DEPLOYMENT).inputs


CANARY_STEPS = [
    ({}, {"vpcLink": "green", "percent": 10}),  # start
    ({"vpcLink": "green", "percent": 10}, {"vpcLink": "green", "percent": 50}),  # widen
    ({"vpcLink": "green", "percent": 50}, {}),  # end
]


@pytest.mark.parametrize(("before", "after"), CANARY_STEPS, ids=["start", "widen", "end"])
def test_canary_changes_touch_only_the_stage_canary(
    run_stack: RunStack, before: dict[str, Any], after: dict[str, Any]
) -> None:
    first = run_stack("prod", {"canary": before})
    second = run_stack("prod", {"canary": after})
    assert only_stage(first, changed_inputs(first, second)) == {"canarySettings"}


def test_canary_sends_its_share_through_the_other_link(run_stack: RunStack) -> None:
    run = run_stack("prod", {"canary": {"vpcLink": "green", "percent": 10}})
    stage = run.one(STAGE).inputs
    ids = run.outputs["vpcLinkIds"]
    assert stage["variables"] == {"vpcLinkId": ids["blue"]}
    canary = stage["canarySettings"]
    assert canary["percentTraffic"] == 10
    assert canary["stageVariableOverrides"] == {"vpcLinkId": ids["green"]}
    assert canary["deploymentId"] == stage["deployment"]  # same API, other link
    assert canary["useStageCache"] is False


def test_switch_and_rollback_is_a_round_trip(run_stack: RunStack) -> None:
    blue = run_stack("prod")
    back = run_stack("prod", {"activeVpcLink": "blue"})
    assert changed_inputs(blue, back) == {}
