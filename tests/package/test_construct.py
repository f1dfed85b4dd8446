"""Construct over gRPC: the package's provider registers, for each shipped stack's inputs, the
very resources the program registers for that stack (URNs, inputs, parents, state)."""

import importlib
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from tests.package.monitor import engine
from tests.package.provider import started
from tests.package.support import PROJECT_DIR, STACKS, engine_inputs, shipped_args
from tests.program.harness import shipped
from tools import stackfiles
from tools.mockrun import STACK_TYPE, ProgramRun

COMPONENT = "private-api:index:PrivateRestApi"
#: google.protobuf ships no type stubs here (as tools/mockrun.py loads it).
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")


def under_component(run: ProgramRun) -> list[tuple[Any, ...]]:
    """The component and its descendants, as the engine would know them."""
    component = run.one(COMPONENT).urn
    return sorted(
        (r.urn, r.type, r.parent, r.custom, r.read, r.inputs, r.state)
        for r in run.resources
        if r.urn == component or COMPONENT in r.urn.split("::")[2]
    )


@pytest.mark.parametrize("stack", STACKS)
def test_construct_registers_what_the_program_registers(stack: str) -> None:
    config = stackfiles.load(PROJECT_DIR, stack)
    program = shipped(stack)
    component = program.one(COMPONENT)
    region = config.values.get("aws:region", "us-east-1")
    inputs = struct_pb2.Struct()
    inputs.update(engine_inputs(shipped_args(stack)))
    with (
        engine(region=region, project=config.project, stack=stack) as fake,
        started(fake.address) as provider,
    ):
        provider.Construct(
            provider_pb2.ConstructRequest(
                project=config.project,
                stack=stack,
                config={k: v for k, v in config.values.items() if isinstance(v, str)},
                dryRun=False,
                monitorEndpoint=fake.address,
                type=COMPONENT,
                name=component.name,
                parent=f"urn:pulumi:{stack}::{config.project}::{STACK_TYPE}::"
                f"{config.project}-{stack}",
                inputs=inputs,
            ),
            timeout=120,
        )
    assert under_component(fake.run) == under_component(program), fake.log


def test_a_bad_input_fails_construct_naming_its_path_before_any_resource() -> None:
    inputs = struct_pb2.Struct()
    inputs.update(
        {
            "vpcLinks": {"blue": {"targetArn": 5.0}},
            "activeVpcLink": "blue",
            "integrationUri": "http://api.internal.example.com",
            "stageName": "prod",
        }
    )
    with (
        engine(region="eu-west-1", project="private-api", stack="dev") as fake,
        started(fake.address) as provider,
        pytest.raises(grpc.RpcError) as raised,
    ):
        provider.Construct(
            provider_pb2.ConstructRequest(
                project="private-api",
                stack="dev",
                monitorEndpoint=fake.address,
                type=COMPONENT,
                name="api",
                inputs=inputs,
            ),
            timeout=120,
        )
    assert "vpcLinks.blue.targetArn: expected a string, got float." in str(raised.value)
    assert fake.run.resources == []
