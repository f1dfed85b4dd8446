"""Moving between endpoint types leaves no policy behind.

`policy` on RestApi is optional and computed (terraform-provider-aws rest_api.go): unset, it keeps
its old value, so a PRIVATE API moved to REGIONAL kept its deny-unless-VPC-endpoint policy. The
plans below are the emulation of the engine's (tools/preview.py) between two configs.
"""

from __future__ import annotations

import json
from typing import Any

from tests.program.harness import evaluate
from tools import preview

REST_API = "aws:apigateway/restApi:RestApi"
POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
PRIVATE = {"endpointType": "PRIVATE", "vpcEndpointIds": ["vpce-0123456789abcdef0"], "webAclArn": ""}
REGIONAL = {"endpointType": "REGIONAL", "webAclArn": ""}


def run(mode: str, overrides: dict[str, Any]) -> Any:
    return evaluate("prod", {"apiDefinition": mode, **overrides})


def test_resources_mode_holds_the_policy_in_a_rest_api_policy() -> None:
    private = run("resources", PRIVATE)
    api = private.one(REST_API)
    assert "policy" not in api.inputs
    policy = private.one(POLICY)
    assert policy.inputs["restApiId"] == api.state["id"]
    deny = [s for s in json.loads(policy.inputs["policy"])["Statement"] if s["Effect"] == "Deny"]
    assert deny[0]["Condition"]["StringNotEquals"]["aws:SourceVpce"] == PRIVATE["vpcEndpointIds"]
    # The deployment waits for the policy: it takes effect with a deployment.
    assert policy.urn in private.one(DEPLOYMENT).dependencies


def test_leaving_private_in_resources_mode_deletes_the_policy_and_redeploys() -> None:
    steps = {
        (s.type, s.op)
        for s in preview.plan(run("resources", PRIVATE), run("resources", REGIONAL)).steps
    }
    assert (POLICY, "delete") in steps  # RestApiPolicy's Delete sets the policy to ""
    assert (DEPLOYMENT, "replace") in steps
    assert not run("resources", REGIONAL).by_type(POLICY)


def test_openapi_mode_holds_the_policy_in_the_body_and_the_rest_api_alike() -> None:
    api = run("openapi", PRIVATE).one(REST_API).inputs
    body = json.loads(api["body"])
    assert json.loads(api["policy"]) == body["x-amazon-apigateway-policy"]
    assert not run("openapi", PRIVATE).by_type(POLICY)


def test_leaving_private_in_openapi_mode_sets_the_policy_to_nothing() -> None:
    after = run("openapi", REGIONAL)
    api = after.one(REST_API).inputs
    assert api["policy"] == ""  # explicit: unset would plan the old, PRIVATE policy
    assert "x-amazon-apigateway-policy" not in json.loads(api["body"])
    step = next(s for s in preview.plan(run("openapi", PRIVATE), after).steps if s.type == REST_API)
    assert "policy" in step.keys
    assert step.diff["policy"]["new"] == ""


def test_a_regional_stack_sees_no_policy_change() -> None:
    steps = preview.plan(run("openapi", REGIONAL), run("openapi", REGIONAL)).steps
    assert {s.op for s in steps} == {"same"}
