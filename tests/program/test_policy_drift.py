"""Issue 20 item 3: a PRIVATE API's resource policy must not show as changed on every refresh.

API Gateway stores a policy's `execute-api:` shorthand expanded to the API's ARN (a live repro in
go-to-k/cdk-real-drift#676: `execute-api:/*` reads back as `arn:aws:execute-api:<region>:
<account>:<id>/*`). The provider reads the stored policy back and keeps the configured one only
when the two are IAM-equivalent (terraform-provider-aws, internal/service/apigateway
rest_api_policy.go: `verify.SecondJSONUnlessEquivalent`, `verify.SuppressEquivalentPolicyDiffs`,
i.e. awspolicyequivalence, which knows nothing of that expansion). The drift workflow's
`pulumi preview --refresh --expect-no-changes` then fails on every run. This models the two
steps (AWS's expansion, the provider's equivalence) on the policy each mode sends; it is a model,
not a call to AWS.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.integration import private_api_policy
from tests.program.harness import MODES, REST_API, evaluate

POLICY = "aws:apigateway/restApiPolicy:RestApiPolicy"
PRIVATE = {"endpointType": "PRIVATE", "vpcEndpointIds": ["vpce-0123456789abcdef0"], "webAclArn": ""}
EXECUTION_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5"


def stored_by_api_gateway(policy: str) -> str:
    """The policy as GetRestApi returns it: every `execute-api:` shorthand expanded."""
    document = json.loads(policy)
    for statement in document["Statement"]:
        resources = statement["Resource"]
        listed = resources if isinstance(resources, list) else [resources]
        expanded = [
            EXECUTION_ARN + r.removeprefix("execute-api:") if r.startswith("execute-api:") else r
            for r in listed
        ]
        statement["Resource"] = expanded if isinstance(resources, list) else expanded[0]
    return json.dumps(document)


def equivalent(configured: str, stored: str) -> bool:
    """awspolicyequivalence, as far as these policies need: a one-item list is its item."""

    def normal(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: normal(v) for k, v in value.items()}
        if isinstance(value, list):
            items = sorted((normal(v) for v in value), key=json.dumps)
            return items[0] if len(items) == 1 else items
        return value

    return bool(normal(json.loads(configured)) == normal(json.loads(stored)))


def sent_policy(mode: str) -> str:
    run = evaluate("prod", {"apiDefinition": mode, **PRIVATE})
    if mode == "openapi":
        policy: str = run.one(REST_API).inputs["policy"]
        body = json.loads(run.one(REST_API).inputs["body"])
        assert json.loads(policy) == body["x-amazon-apigateway-policy"]
        return policy
    resource_policy: str = run.one(POLICY).inputs["policy"]
    return resource_policy


@pytest.mark.parametrize("mode", MODES)
def test_the_stored_policy_is_what_the_provider_was_given(mode: str) -> None:
    policy = sent_policy(mode)
    assert equivalent(policy, stored_by_api_gateway(policy))


def test_the_shorthand_would_show_a_change_on_every_refresh() -> None:
    """The model can fail: the policy this program sent before shows as drifted."""
    policy = json.loads(private_api_policy(["vpce-0123456789abcdef0"]))
    for statement in policy["Statement"]:
        statement["Resource"] = "execute-api:/*"
    shorthand = json.dumps(policy)
    assert not equivalent(shorthand, stored_by_api_gateway(shorthand))
