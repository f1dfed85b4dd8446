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
}

NO_REDEPLOY = {
    "link switched": {"activeVpcLink": "green"},
    "canary started": {"canary": {"vpcLink": "green", "percent": 5}},
    "tags changed": {"tags": {"environment": "prod", "team": "orders"}},
    "stage settings changed": {
        "tracingEnabled": False,
        "accessLogging": False,
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
