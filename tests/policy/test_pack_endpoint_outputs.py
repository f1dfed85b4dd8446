"""The pack over gRPC on a PRIVATE API whose VPC endpoint is a resource of the same program, as
a preview of new resources sends it: the endpoint ids, the RestApi's policy and the deployment's
trigger are unknown, the body is known. The pack judges it as it judges the same API with the
id as text (the body and integrations are the same; no rule reads the policy), and no unknown
turns into a mandatory finding."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi_aws as aws
import pytest

from components import PrivateRestApi, PrivateRestApiArgs, VpcLinkSpec
from components.args import EndpointType
from components.definition_spec import ApiDefinition
from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tests.policy.support import pack_resource
from tools.mockrun import run_function
from tools.pack_messages import UNKNOWN

pytestmark = pytest.mark.slow

NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
VPCE = "vpce-0123456789abcdef0"
REST_API = "aws:apigateway/restApi:RestApi"


def previewed(as_output: bool, mode: ApiDefinition) -> list[Resource]:
    def program() -> None:
        endpoint = aws.ec2.VpcEndpoint(
            "execute-api",
            vpc_id="vpc-0123456789abcdef0",
            service_name="com.amazonaws.us-east-1.execute-api",
            vpc_endpoint_type="Interface",
        )
        PrivateRestApi(
            "orders",
            PrivateRestApiArgs(
                vpc_links={"main": VpcLinkSpec.for_network_load_balancer(NLB)},
                active_vpc_link="main",
                integration_uri="https://orders.internal.example.com",
                stage_name="test",
                endpoint_type=EndpointType.PRIVATE,
                vpc_endpoint_ids=[endpoint.id if as_output else VPCE],
                api_definition=mode,
            ),
        )

    run = run_function(program, preview=True)
    return [pack_resource(r) for r in run.resources]


def judged(pack: PolicyPackClient, resources: Sequence[Resource]) -> set[tuple[str, str, str]]:
    found: list[Diagnostic] = [d for r in resources for d in pack.analyze(r)]
    found.extend(pack.analyze_stack(resources))
    return {(d.policy_name, d.enforcement_level, d.message) for d in found}


@pytest.mark.parametrize("mode", list(ApiDefinition))
def test_an_unknown_endpoint_id_is_judged_as_a_text_one(
    pack: PolicyPackClient, mode: ApiDefinition
) -> None:
    with_output = previewed(True, mode)
    (api,) = [r for r in with_output if r.type == REST_API]
    assert api.properties["endpointConfiguration"]["vpcEndpointIds"] is UNKNOWN
    assert judged(pack, with_output) == judged(pack, previewed(False, mode))
