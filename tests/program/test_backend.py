"""examples/backend, the disposable NLB to try the project on, and the main program reading it.

Both programs run under mocks: the backend registers what the walkthrough assumes (a VPC with
private subnets, an internal NLB, its listener and target group, a service behind it) and exports
the NLB; the main program's dev stack, with `backendStack`, reads that export through a
StackReference and links to that NLB.
"""

from __future__ import annotations

import ipaddress
import json

import jsonschema
import pytest

from tests.program.harness import PROJECT_DIR, evaluate
from tools import goyaml, mockcloud, mockrun, stackfiles

BACKEND_DIR = PROJECT_DIR / "examples" / "backend"
SCHEMA = PROJECT_DIR.parent / "shared" / "schemas" / "pulumi-project.schema.json"
BACKEND_STACK = "organization/private-api-backend/demo"


def run_backend(overrides: dict[str, str] | None = None) -> mockrun.ProgramRun:
    config = stackfiles.load(BACKEND_DIR, "demo", overrides)
    return mockrun.run_program(
        BACKEND_DIR,
        project=config.project,
        stack="demo",
        config={"aws:region": "us-east-1", **config.values},
    )


@pytest.fixture(scope="module")
def backend() -> mockrun.ProgramRun:
    return run_backend()


@pytest.mark.skipif(not SCHEMA.is_file(), reason="the engine's project schema is in ../shared")
def test_the_backend_project_follows_the_engines_schema() -> None:
    project = goyaml.load_yaml((BACKEND_DIR / "Pulumi.yaml").read_text())
    jsonschema.validate(project, json.loads(SCHEMA.read_text()))
    assert project["runtime"]["options"] == {"toolchain": "pip", "virtualenv": "venv"}
    assert (BACKEND_DIR / "requirements.txt").is_file()


def test_the_backend_registers_what_the_walkthrough_assumes(backend: mockrun.ProgramRun) -> None:
    vpc = backend.one("aws:ec2/vpc:Vpc")
    subnets = backend.by_type("aws:ec2/subnet:Subnet")
    assert len(subnets) == 2
    assert len({s.inputs["availabilityZone"] for s in subnets}) == 2, "an NLB needs two zones"
    # The instance's subnet is in a zone that offers its type (tools/mockcloud.py: not zone a).
    instance = backend.one("aws:ec2/instance:Instance")
    [home] = [s for s in subnets if s.urn in instance.dependencies]
    assert home.inputs["availabilityZone"].endswith("b")
    network = ipaddress.IPv4Network(vpc.inputs["cidrBlock"])
    for subnet in subnets:
        assert ipaddress.IPv4Network(subnet.inputs["cidrBlock"]).subnet_of(network)
        assert subnet.inputs["mapPublicIpOnLaunch"] is False
    assert not backend.by_type("aws:ec2/internetGateway:InternetGateway"), "private subnets only"
    assert not backend.by_type("aws:ec2/natGateway:NatGateway")

    nlb = backend.one("aws:lb/loadBalancer:LoadBalancer")
    assert nlb.inputs["loadBalancerType"] == "network"
    assert nlb.inputs["internal"] is True
    assert len(nlb.inputs["subnets"]) == 2

    listener = backend.one("aws:lb/listener:Listener")
    group = backend.one("aws:lb/targetGroup:TargetGroup")
    assert listener.inputs["loadBalancerArn"] == nlb.state["arn"]
    assert listener.inputs["port"] == 80
    assert listener.inputs["protocol"] == "TCP"
    [action] = listener.inputs["defaultActions"]
    assert action == {"type": "forward", "targetGroupArn": group.state["arn"]}
    assert group.inputs["port"] == 80
    assert group.inputs["healthCheck"]["path"] == "/"

    service = backend.one("aws:ec2/instance:Instance")
    attachment = backend.one("aws:lb/targetGroupAttachment:TargetGroupAttachment")
    assert attachment.inputs["targetId"] == service.id
    assert attachment.inputs["targetGroupArn"] == group.state["arn"]
    assert service.inputs["associatePublicIpAddress"] is False
    assert service.inputs["ami"].startswith("resolve:ssm:/aws/service/ami-amazon-linux-latest/")
    assert "python3 -m http.server 80" in service.inputs["userData"]
    assert service.inputs["metadataOptions"]["httpTokens"] == "required"


def test_the_backend_exports_its_nlb(backend: mockrun.ProgramRun) -> None:
    nlb = backend.one("aws:lb/loadBalancer:LoadBalancer")
    assert backend.outputs["loadBalancerArn"] == nlb.state["arn"]
    assert backend.outputs["loadBalancerDnsName"] == nlb.state["dnsName"]
    assert backend.outputs["integrationUri"] == f"http://{nlb.state['dnsName']}"


def test_the_programs_defaults_are_the_declared_ones(backend: mockrun.ProgramRun) -> None:
    """The CLI passes Pulumi.yaml's defaults; the program's fallbacks must be the same values."""
    bare = mockrun.run_program(
        BACKEND_DIR, project="private-api-backend", stack="demo", config={"aws:region": "us-east-1"}
    )
    assert {r.urn: r.inputs for r in bare.resources} == {r.urn: r.inputs for r in backend.resources}


def test_dev_against_the_backend_links_to_its_nlb(backend: mockrun.ProgramRun) -> None:
    arn = backend.outputs["loadBalancerArn"]
    with mockcloud.scenario(stacks={BACKEND_STACK: dict(backend.outputs)}) as world:
        run = evaluate("dev", {"backendStack": BACKEND_STACK})
    assert run.one("pulumi:pulumi:StackReference").inputs["name"] == BACKEND_STACK
    assert run.one("aws:apigateway/vpcLink:VpcLink").inputs["targetArn"] == arn
    assert world.calls.count("aws:lb/getLoadBalancer:getLoadBalancer") == 1
    assert run.outputs["invokeUrl"].startswith("https://")


def test_backend_directory_is_only_the_program() -> None:
    """What the CLI needs and nothing else: no stray state or venv committed."""
    names = {p.name for p in BACKEND_DIR.iterdir()} - {"venv", "__pycache__"}
    assert names == {"Pulumi.yaml", "Pulumi.demo.yaml", "requirements.txt", "__main__.py"}
