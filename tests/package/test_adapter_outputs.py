"""Inputs as outputs: what the host hands the component for a value another resource computes
(an Output, known or not), passed through unread where the schema declares an input, refused by
path where it declares a plain value, and never read as text."""

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.component import ComponentProvider

from components.link_spec import VpcLinkKind
from components.package_adapter import PackageInputError, to_args
from components.package_component import PrivateRestApi

NLB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/{}/0123456789abcdef"
ALB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef"


@pytest.fixture(scope="module")
def host() -> ComponentProvider:
    return ComponentProvider([PrivateRestApi], "private-api")


@pytest.fixture(autouse=True)
def loop() -> Iterator[None]:
    """Outputs hold futures: a loop of their own, as the provider's server has one. The SDK
    tracks every Output's task until it completes (`SETTINGS.outputs`) and a program run waits
    for them all, so they are completed here; then the loop that was current is again."""
    policy = asyncio.get_event_loop_policy()
    previous = policy.get_event_loop()
    running = asyncio.new_event_loop()
    policy.set_event_loop(running)
    yield
    running.run_until_complete(asyncio.gather(*asyncio.all_tasks(running)))
    running.close()
    policy.set_event_loop(previous)


def output(value: str | None) -> pulumi.Output[str]:
    """An Output as the server makes one: known (with `value`) or unknown (`None`)."""
    known: asyncio.Future[bool] = asyncio.Future()
    known.set_result(value is not None)
    result: asyncio.Future[str | None] = asyncio.Future()
    result.set_result(value)
    secret: asyncio.Future[bool] = asyncio.Future()
    secret.set_result(False)
    return pulumi.Output(set(), result, known, secret)  # type: ignore[arg-type]


def hosted(host: ComponentProvider, inputs: dict[str, Any]) -> Mapping[str, Any]:
    return host.map_inputs(inputs, host._component_defs["PrivateRestApi"])


def inputs(links: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "vpcLinks": links,
        "activeVpcLink": "blue",
        "integrationUri": "http://api.internal.example.com",
        "stageName": "prod",
        **extra,
    }


@pytest.mark.parametrize("value", [None, NLB.format("orders")])
def test_an_output_target_with_kind_v1_reaches_the_spec_unread(
    host: ComponentProvider, value: str | None
) -> None:
    target = output(value)
    args = to_args(hosted(host, inputs({"blue": {"targetArn": target, "kind": "v1"}})))
    assert args.vpc_links["blue"].target_arn is target
    assert args.vpc_links["blue"].kind is VpcLinkKind.V1
    assert args.vpc_links["blue"].region is None


def test_an_output_target_without_kind_names_the_kind_by_its_path(host: ComponentProvider) -> None:
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, inputs({"blue": {"targetArn": output(ALB)}})))
    ((where, message),) = raised.value.problems
    assert where == "vpcLinks.blue.kind"
    assert "is required when targetArn is an output" in message


def test_an_output_target_of_a_v2_link_is_refused_by_its_path(host: ComponentProvider) -> None:
    link = {"targetArn": output(ALB), "kind": "v2", "subnetIds": ["subnet-0123456789abcdef0"]}
    link["securityGroupIds"] = ["sg-0123456789abcdef0"]
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, inputs({"blue": link})))
    ((where, message),) = raised.value.problems
    assert where == "vpcLinks.blue"
    assert "a VPC link V2's targetArn must be a plain string" in message


def test_a_plain_target_is_still_checked_as_text(host: ComponentProvider) -> None:
    with pytest.raises(PackageInputError, match=r"vpcLinks.blue: '.*' is an Application Load"):
        to_args(hosted(host, inputs({"blue": {"targetArn": ALB}})))


def test_an_output_link_id_and_web_acl_reach_the_args_unread(host: ComponentProvider) -> None:
    link_id, acl = output(None), output("not an ARN at all")
    args = to_args(
        hosted(
            host,
            inputs(
                {"blue": {"id": link_id}, "green": {"targetArn": NLB.format("g")}}, webAclArn=acl
            ),
        )
    )
    assert args.vpc_links["blue"].vpc_link_id is link_id
    assert args.web_acl_arn is acl


def test_a_web_acl_output_on_a_private_api_is_still_refused(host: ComponentProvider) -> None:
    extra = {"webAclArn": output(None), "endpointType": "PRIVATE"}
    extra["vpcEndpointIds"] = ["vpce-0123456789abcdef0"]
    with pytest.raises(PackageInputError, match=r"webAclArn: WAF cannot be associated"):
        to_args(hosted(host, inputs({"blue": {"targetArn": NLB.format("b")}}, **extra)))


@pytest.mark.parametrize(("field", "value"), [("stageName", "prod"), ("integrationUri", "x")])
def test_an_output_where_a_plain_value_belongs_is_named_by_its_path(
    host: ComponentProvider, field: str, value: str
) -> None:
    given = inputs({"blue": {"targetArn": NLB.format("b")}})
    given[field] = output(value)
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, given))
    ((where, message),) = raised.value.problems
    assert where == field
    assert "got an output of another resource (or a secret). This input is plain" in message


def private(ids: Any) -> dict[str, Any]:
    return inputs(
        {"blue": {"targetArn": NLB.format("b")}}, endpointType="PRIVATE", vpcEndpointIds=ids
    )


def test_endpoint_id_outputs_reach_the_args_unread_beside_text_ones(
    host: ComponentProvider,
) -> None:
    unknown, odd = output(None), output("not an endpoint id")
    args = to_args(hosted(host, private([unknown, "vpce-0123456789abcdef0", odd])))
    assert args.vpc_endpoint_ids == [unknown, "vpce-0123456789abcdef0", odd]


def test_a_text_endpoint_id_beside_an_output_is_still_checked(host: ComponentProvider) -> None:
    with pytest.raises(PackageInputError, match=r"vpcEndpointIds: 'vpc-123' is not a VPC endpoint"):
        to_args(hosted(host, private([output(None), "vpc-123"])))


def test_a_private_api_without_endpoint_ids_is_still_refused(host: ComponentProvider) -> None:
    with pytest.raises(PackageInputError, match=r"vpcEndpointIds: a PRIVATE API needs"):
        to_args(hosted(host, private([])))


def test_the_endpoint_list_as_one_output_is_refused_by_its_path(host: ComponentProvider) -> None:
    """The list is plain (its length decides PRIVATE's check): its items may be outputs."""
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, private(output(None))))
    ((where, message),) = raised.value.problems
    assert where == "vpcEndpointIds"
    assert message.startswith("expected a list, got an output of another resource")
