"""Construct with a link's target given as an output of another resource, as the engine sends it
(an output value: unknown in a preview, known with its resource's URN as a dependency at `pulumi
up`): the VPC link the component registers takes it as its `targetArn`, with the dependency."""

import importlib
from typing import Any

import pytest
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from tests.package.monitor import engine
from tests.package.provider import started
from tools.mockrun import ProgramRun

COMPONENT = "private-api:index:PrivateRestApi"
VPC_LINK = "aws:apigateway/vpcLink:VpcLink"
NLB_URN = "urn:pulumi:dev::team::aws:lb/loadBalancer:LoadBalancer::orders"
NLB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0123456789abcdef"
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")


def output_value(value: str | None, dependencies: list[str]) -> dict[str, Any]:
    """An output value as the engine serializes one to a provider that accepts outputs
    (pulumi/runtime/rpc.py, `_special_output_value_sig`): without `value` when unknown."""
    sent: dict[str, Any] = {rpc._special_sig_key: rpc._special_output_value_sig}
    if value is not None:
        sent["value"] = value
    sent["dependencies"] = dependencies
    return sent


def construct(target: dict[str, Any], *, preview: bool, **extra: Any) -> ProgramRun:
    inputs = struct_pb2.Struct()
    inputs.update(
        {
            "vpcLinks": {"blue": {"targetArn": target, "kind": "v1"}},
            "activeVpcLink": "blue",
            "integrationUri": "http://orders.internal.example.com",
            "stageName": "prod",
            **extra,
        }
    )
    with (
        engine(region="eu-west-1", project="team", stack="dev") as fake,
        started(fake.address) as provider,
    ):
        provider.Construct(
            provider_pb2.ConstructRequest(
                project="team",
                stack="dev",
                dryRun=preview,
                monitorEndpoint=fake.address,
                type=COMPONENT,
                name="api",
                inputs=inputs,
            ),
            timeout=120,
        )
    return fake.run


def wire_inputs(run: ProgramRun, type_: str) -> dict[str, Any]:
    """The inputs as the monitor received them (an unknown is the engine's sentinel there; the
    mocks drop it from `inputs`)."""
    struct = struct_pb2.Struct()
    struct.ParseFromString(run.one(type_).wire["inputs"])
    return dict(struct)


@pytest.mark.parametrize(
    ("value", "preview", "sent"),
    [(None, True, rpc.UNKNOWN), (NLB, False, NLB)],
    ids=["unknown-at-preview", "known-with-dependency"],
)
def test_the_links_target_input_carries_the_output_and_its_dependency(
    value: str | None, preview: bool, sent: str
) -> None:
    run = construct(output_value(value, [NLB_URN]), preview=preview)
    link = run.one(VPC_LINK)
    assert wire_inputs(run, VPC_LINK)["targetArn"] == sent
    assert link.property_dependencies.get("targetArn") == (NLB_URN,)
    assert NLB_URN in link.dependencies
    # The rest of the API was registered too: the stage names the link through its variable.
    assert run.by_type("aws:apigateway/stage:Stage")


def test_a_web_acl_output_reaches_the_association_with_its_dependency() -> None:
    acl_urn = "urn:pulumi:dev::team::aws:wafv2/webAcl:WebAcl::edge"
    acl = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/edge/0123-4567"
    run = construct(
        output_value(NLB, [NLB_URN]), preview=False, webAclArn=output_value(acl, [acl_urn])
    )
    association = "aws:wafv2/webAclAssociation:WebAclAssociation"
    assert wire_inputs(run, association)["webAclArn"] == acl
    assert run.one(association).property_dependencies.get("webAclArn") == (acl_urn,)


@pytest.mark.parametrize(
    ("value", "preview", "read_id"),
    [(None, True, rpc.UNKNOWN), ("gim7c3", False, "gim7c3")],
    ids=["unknown-at-preview", "known"],
)
def test_an_existing_links_id_output_is_the_id_read(
    value: str | None, preview: bool, read_id: str
) -> None:
    """The read waits for the id. It records no dependency on the id's resource: the SDK
    serializes a read's id with a dependency list of its own that it drops (pulumi/runtime/
    resource.py, `read_resource`)."""
    link_urn = "urn:pulumi:dev::team::aws:apigateway/vpcLink:VpcLink::shared"
    run = construct(
        output_value(NLB, [NLB_URN]),
        preview=preview,
        vpcLinks={"blue": {"id": output_value(value, [link_urn])}},
    )
    (read,) = [r for r in run.by_type(VPC_LINK) if r.read]
    assert read.id == read_id
