"""The package's front door (`package_adapter.to_args`) gives the component the very args the
program gives it, from what the provider host really hands over, and names bad inputs by path."""

import dataclasses
import enum
import typing
from collections.abc import Mapping
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.component import ComponentProvider

from components.args import PrivateRestApiArgs
from components.link_spec import VpcLinkSpec
from components.package_adapter import PackageInputError, schema_path, to_args
from components.package_args import PrivateRestApiInputs, VpcLink
from components.package_component import PrivateRestApi
from tests.package.support import STACKS, engine_inputs, shipped_args

NLB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/{}/0123456789abcdef"


@pytest.fixture(scope="module")
def host() -> ComponentProvider:
    """The provider the package's entry point serves, with its own input mapping."""
    return ComponentProvider([PrivateRestApi], "private-api")


def hosted(host: ComponentProvider, inputs: dict[str, Any]) -> Mapping[str, Any]:
    """What the host passes the component's constructor for the engine's inputs."""
    return host.map_inputs(inputs, host._component_defs["PrivateRestApi"])


def minimal(**extra: Any) -> dict[str, Any]:
    return {
        "vpcLinks": {"blue": {"targetArn": NLB.format("blue")}},
        "activeVpcLink": "blue",
        "integrationUri": "http://api.internal.example.com",
        "stageName": "prod",
        **extra,
    }


@pytest.mark.parametrize("stack", STACKS)
def test_every_shipped_stack_gives_the_programs_args(host: ComponentProvider, stack: str) -> None:
    args = shipped_args(stack)
    assert to_args(hosted(host, engine_inputs(args))) == args


def test_the_host_sends_integers_as_floats_and_they_are_integers_again(
    host: ComponentProvider,
) -> None:
    inputs = minimal(timeoutMs=1000.0, logRetentionDays=14.0)
    assert isinstance(hosted(host, inputs)["timeout_ms"], float)  # the fact the adapter answers
    args = to_args(hosted(host, inputs))
    assert (type(args.timeout_ms), args.timeout_ms) == (int, 1000)
    assert (type(args.log_retention_days), args.log_retention_days) == (int, 14)


def test_an_openapi_documents_whole_numbers_stay_whole(host: ComponentProvider) -> None:
    document = {
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    args = to_args(hosted(host, minimal(openapiDocument={**document, "x-n": 5.0, "x-f": 0.5})))
    assert args.openapi_document == {**document, "x-n": 5, "x-f": 0.5}
    assert type(args.openapi_document["x-n"]) is int


def test_a_fraction_where_an_integer_belongs_is_named_by_its_path(host: ComponentProvider) -> None:
    with pytest.raises(PackageInputError, match=r"timeoutMs: expected a whole number, got float"):
        to_args(hosted(host, minimal(timeoutMs=1000.5)))


def test_a_wrong_type_is_named_by_its_path_under_a_map_key(host: ComponentProvider) -> None:
    inputs = minimal(vpcLinks={"my_link": {"targetArn": 5.0}}, activeVpcLink="my_link")
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, inputs))
    assert raised.value.problems == [
        ("vpcLinks.my_link.targetArn", "expected a string, got float.")
    ]


def test_the_args_own_checks_are_named_by_schema_path(host: ComponentProvider) -> None:
    inputs = minimal(
        vpcLinks={"blue": {"targetArn": NLB.format("a")}, "green": {"targetArn": NLB.format("a")}},
        stageVariable="no-dashes",
    )
    with pytest.raises(PackageInputError) as raised:
        to_args(hosted(host, inputs))
    assert [where for where, _ in raised.value.problems] == [
        "vpcLinks.green.targetArn",
        "stageVariable",
    ]
    assert "Invalid PrivateRestApi inputs (2 problems):" in str(raised.value)


def test_a_specs_own_check_is_named_by_the_specs_path(host: ComponentProvider) -> None:
    inputs = minimal(routes=[{"path": "/"}, {"path": "/x", "method": "FETCH"}])
    with pytest.raises(PackageInputError, match=r"routes\[1\]: method 'FETCH' is not one of"):
        to_args(hosted(host, inputs))


def test_an_enum_value_outside_the_enum_is_refused_with_the_choices() -> None:
    with pytest.raises(PackageInputError, match=r"endpointType: 'LOCAL' is not one of REGIONAL"):
        to_args(minimal(endpoint_type="LOCAL", vpc_links={"blue": {"target_arn": NLB}}))


def test_schema_paths_keep_map_keys_as_written() -> None:
    assert schema_path("vpc_links.my_link.target_arn") == "vpcLinks.my_link.targetArn"
    assert schema_path("authorizers.a_b.result_ttl_seconds") == "authorizers.a_b.resultTtlSeconds"
    assert schema_path("routes[2].integration_http_method") == "routes[2].integrationHttpMethod"
    assert schema_path("tags.cost_center") == "tags.cost_center"


def test_the_package_has_every_field_of_the_args() -> None:
    assert [f.name for f in dataclasses.fields(PrivateRestApiInputs)] == [
        f.name for f in dataclasses.fields(PrivateRestApiArgs)
    ]
    link = {f.name for f in dataclasses.fields(VpcLinkSpec)} - {"vpc_link_id"} | {"id"}
    assert {f.name for f in dataclasses.fields(VpcLink)} == link


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    """The enum an annotation names (`E` or `E | None`), if any."""
    for candidate in (hint, *typing.get_args(hint)):
        if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
            return candidate
    return None


def test_the_package_enums_are_the_args_own() -> None:
    """One source for a choice's values: each enum input is typed with the args field's enum."""
    args_hints = typing.get_type_hints(PrivateRestApiArgs)
    enums = {
        name: found
        # `pulumi.Input[str]` names `T` and `Output` as forward references of pulumi.output.
        for name, hint in typing.get_type_hints(
            PrivateRestApiInputs, localns=vars(pulumi.output)
        ).items()
        if (found := _enum_of(hint)) is not None
    }
    assert sorted(enums) == [
        "api_definition",
        "endpoint_type",
        "ip_address_type",
        "logging_level",
        "response_transfer_mode",
    ]
    for name, enum_type in enums.items():
        assert _enum_of(args_hints[name]) is enum_type, name
