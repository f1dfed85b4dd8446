"""The deployment is replaced when, and only when, what it snapshots changes.

API Gateway serves a deployment's frozen copy of the routes and integrations: a route change without
a new deployment is never served ("stale deployment"), and a new deployment on every run is churn.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.program.harness import MODES, RunStack, in_mode


@pytest.fixture(params=MODES)
def run_stack(request: pytest.FixtureRequest) -> RunStack:
    """Every test of this module, once per apiDefinition: the guarantees hold in both."""
    return in_mode(request.param)


DEPLOYMENT = "aws:apigateway/deployment:Deployment"
PROD_ROUTES = [
    {"path": "/", "method": "GET", "authorization": "AWS_IAM"},
    {"path": "/{proxy+}", "method": "ANY", "authorization": "AWS_IAM"},
]

REDEPLOYS = {
    "route added": {"routes": [*PROD_ROUTES, {"path": "/health", "method": "GET"}]},
    "route removed": {"routes": PROD_ROUTES[:1]},
    "method changed": {"routes": [PROD_ROUTES[0], {**PROD_ROUTES[1], "method": "POST"}]},
    "authorization changed": {
        "routes": [{**PROD_ROUTES[0], "authorization": "NONE"}, PROD_ROUTES[1]]
    },
    "backend method changed": {
        "routes": [{**PROD_ROUTES[0], "integrationHttpMethod": "POST"}, PROD_ROUTES[1]]
    },
    "integration uri changed": {"integrationUri": "https://orders-v2.internal.example.com"},
    "timeout changed": {"timeoutMs": 10000},
    "stage variable renamed": {"stageVariable": "backendLink"},
    # RestApi settings AWS applies only with a deployment ("Updates to REST APIs that require
    # redeployment": RestApi, restapi:update), digested by openapi.redeploy_settings.
    "endpoint type changed": {"endpointType": "EDGE"},
    "ip address type set": {"ipAddressType": "dualstack"},
}

NO_REDEPLOY = {
    "link switched": {"activeVpcLink": "green"},
    "canary started": {"canary": {"vpcLink": "green", "percent": 5}},
    "tags changed": {"tags": {"environment": "prod", "team": "orders"}},
    "stage settings changed": {
        "tracingEnabled": False,
        "accessLogging": False,
        "observability": {},  # it reads the access logs
        "loggingLevel": "INFO",
        "metricsEnabled": False,
        "clientCertificate": False,
        "webAclArn": "",
    },
    "link added": {
        "vpcLinks": {
            "blue": {"id": "abc123"},
            "green": {"id": "def456"},
            "purple": {
                "targetArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/"
                "net/orders-purple/0123456789abcdef"
            },
        }
    },
}


def trigger(run_stack: RunStack, overrides: dict[str, Any]) -> dict[str, str]:
    triggers: dict[str, str] = run_stack("prod", overrides).one(DEPLOYMENT).inputs["triggers"]
    return triggers


@pytest.mark.parametrize("overrides", REDEPLOYS.values(), ids=REDEPLOYS.keys())
def test_api_changes_redeploy(run_stack: RunStack, overrides: dict[str, Any]) -> None:
    assert trigger(run_stack, overrides) != trigger(run_stack, {})


@pytest.mark.parametrize("overrides", NO_REDEPLOY.values(), ids=NO_REDEPLOY.keys())
def test_other_changes_do_not_redeploy(run_stack: RunStack, overrides: dict[str, Any]) -> None:
    assert trigger(run_stack, overrides) == trigger(run_stack, {})


def test_trigger_is_stable_across_runs(run_stack: RunStack) -> None:
    assert trigger(run_stack, {}) == trigger(run_stack, {})


CANARY = {"canary": {"vpcLink": "green", "percent": 10}}


@pytest.mark.parametrize("overrides", REDEPLOYS.values(), ids=REDEPLOYS.keys())
def test_during_a_canary_the_deployment_is_kept(
    run_stack: RunStack, overrides: dict[str, Any]
) -> None:
    """A stage with a canary cannot move to another non-canary deployment (AWS developer guide,
    "Set up an API Gateway canary release deployment"): the trigger is frozen, as the engine
    keeps an `ignore_changes` input's old value."""
    from tools import preview  # noqa: PLC0415

    before = run_stack("prod", CANARY)
    after = run_stack("prod", {**CANARY, **overrides})
    deployment = after.one(DEPLOYMENT)
    assert deployment.ignore_changes == ("triggers",)
    assert deployment.inputs["triggers"] != before.one(DEPLOYMENT).inputs["triggers"]
    steps = {s.type: s.op for s in preview.plan(before, after).steps}
    assert steps[DEPLOYMENT] == "same"


def test_the_first_update_after_the_canary_deploys_what_changed(run_stack: RunStack) -> None:
    """The state kept the trigger from before the change (the canary's run, frozen): once
    `canary` is removed, the engine compares the new trigger with that one and replaces."""
    from tools import preview  # noqa: PLC0415

    kept = run_stack("prod", CANARY)  # what the state holds through the canary
    ended = run_stack("prod", REDEPLOYS["route added"])
    steps = {s.type: s.op for s in preview.plan(kept, ended).steps}
    assert steps[DEPLOYMENT] == "replace"


def test_a_deployment_without_a_canary_is_not_frozen(run_stack: RunStack) -> None:
    assert run_stack("prod").one(DEPLOYMENT).ignore_changes == ()
