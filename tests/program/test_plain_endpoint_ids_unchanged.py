"""A PRIVATE API given its VPC endpoint ids as text registers exactly what it registered before
the ids could be outputs (issue 22): the same body, policy, endpoint configuration and redeploy
trigger, so no existing stack sees a diff or a new deployment.

`snapshots/private_plain_ids.json` was recorded from commit d27efa1 (before Output ids) by
`recorded()` below; it is never rewritten by a test. Two ids, given unsorted, in each mode.
"""

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from components import PrivateRestApi, PrivateRestApiArgs, VpcLinkSpec
from components.args import EndpointType
from components.definition_spec import ApiDefinition
from tools.mockrun import run_function

SNAPSHOT = Path(__file__).parent / "snapshots" / "private_plain_ids.json"
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
BASE = PrivateRestApiArgs(
    vpc_links={"main": VpcLinkSpec.for_network_load_balancer(NLB)},
    active_vpc_link="main",
    integration_uri="https://orders.internal.example.com",
    stage_name="test",
    endpoint_type=EndpointType.PRIVATE,
    vpc_endpoint_ids=["vpce-0fedcba9876543210", "vpce-0123456789abcdef0"],
)
CASES = {
    "openapi": BASE,
    "resources": replace(BASE, api_definition=ApiDefinition.RESOURCES),
    "resources-clearing": replace(
        BASE, api_definition=ApiDefinition.RESOURCES, clear_imported_routes=True
    ),
}


def recorded(args: PrivateRestApiArgs) -> dict[str, Any]:
    """Every resource's inputs and dependencies by URN, as the engine would receive them."""
    run = run_function(lambda: PrivateRestApi("orders", args))
    return {
        resource.urn: {
            "inputs": resource.inputs,
            "dependencies": sorted(resource.dependencies),
            "propertyDependencies": {
                key: sorted(urns) for key, urns in sorted(resource.property_dependencies.items())
            },
        }
        for resource in run.resources
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_ids_register_what_they_did_before_outputs(case: str) -> None:
    expected = json.loads(SNAPSHOT.read_text())[case]
    # Through JSON, as the snapshot went: tuples become lists, nothing else changes.
    assert json.loads(json.dumps(recorded(CASES[case]), sort_keys=True)) == expected
