"""Construct with a PRIVATE API's VPC endpoint id given as an output of another resource, as the
engine sends it (unknown in a preview; known, with its resource's URN as a dependency, at `pulumi
up`): the RestApi's endpoint configuration and policy carry it, with the dependency, and once
known the policy is the text the same id gives as text; the deployment's trigger waits for it."""

import json
from typing import Any

import pytest
from pulumi.runtime import rpc

from components.integration import private_api_policy
from tests.package.test_construct_outputs import NLB, NLB_URN, construct, output_value, wire_inputs

REST_API = "aws:apigateway/restApi:RestApi"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
VPCE = "vpce-0123456789abcdef0"
TEXT_VPCE = "vpce-0fedcba9876543210"
VPCE_URN = "urn:pulumi:dev::team::aws:ec2/vpcEndpoint:VpcEndpoint::execute-api"


def private(*ids: Any, preview: bool, **extra: Any) -> Any:
    return construct(
        output_value(NLB, [NLB_URN]),
        preview=preview,
        endpointType="PRIVATE",
        vpcEndpointIds=list(ids),
        **extra,
    )


@pytest.mark.parametrize("mode", ["openapi", "resources"])
def test_a_known_endpoint_output_reaches_the_rest_api_with_its_dependency(mode: str) -> None:
    run = private(output_value(VPCE, [VPCE_URN]), TEXT_VPCE, preview=False, apiDefinition=mode)
    api = wire_inputs(run, REST_API)
    assert dict(api["endpointConfiguration"]) == {
        "types": "PRIVATE",
        "vpcEndpointIds": sorted([VPCE, TEXT_VPCE]),
    }
    rest_api = run.one(REST_API)
    assert rest_api.property_dependencies.get("endpointConfiguration") == (VPCE_URN,)
    assert VPCE_URN in rest_api.dependencies
    policy = (
        api["policy"]
        if mode == "openapi"
        else wire_inputs(run, "aws:apigateway/restApiPolicy:RestApiPolicy")["policy"]
    )
    # The same text as ids given as text: nothing for the provider or AWS to tell apart.
    assert policy == private_api_policy([TEXT_VPCE, VPCE])
    # The ids are not in the document (its text is settled before they are known).
    if mode == "openapi":
        body = json.loads(api["body"])
        assert "x-amazon-apigateway-policy" not in body
        assert "x-amazon-apigateway-endpoint-configuration" not in json.dumps(body)
    assert run.one(DEPLOYMENT).property_dependencies.get("triggers") == (VPCE_URN,)


def test_an_unknown_endpoint_output_leaves_ids_policy_and_trigger_unknown_at_preview() -> None:
    run = private(output_value(None, [VPCE_URN]), preview=True)
    api = wire_inputs(run, REST_API)
    assert api["endpointConfiguration"]["vpcEndpointIds"] == rpc.UNKNOWN
    assert api["endpointConfiguration"]["types"] == "PRIVATE"
    assert api["policy"] == rpc.UNKNOWN
    assert wire_inputs(run, DEPLOYMENT)["triggers"]["redeployment"] == rpc.UNKNOWN
    # The body itself is known: the pack judges its integrations at this preview.
    assert json.loads(api["body"])["paths"]
