"""The shipped Pulumi.yaml and stack files in the real CLI, and the `pulumi config` edits the
README, docs/operations.md and scripts/demo.sh tell users to run, made by the real CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import stack_config
from tests.cli.conftest import PROJECT_DIR, SHIPPED_STACKS, PulumiCli, project_copy
from tools import stackfiles

pytestmark = pytest.mark.slow

NEW_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/mine/0123456789abcdef"
)
GREEN_ARN = (
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-green/"
    "8c9d0e1f2a3b4c5d"
)


def cli_values(config: dict[str, Any]) -> dict[str, str]:
    return {key: entry["value"] for key, entry in config.items()}


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def shipped_text(stack: str) -> str:
    return (PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text()


@pytest.fixture(scope="module")
def project(pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with every shipped stack file, each stack initialised."""
    root = project_copy(tmp_path_factory.mktemp("shipped"), "project")
    for name in SHIPPED_STACKS:
        stack = name.removeprefix("Pulumi.").removesuffix(".yaml")
        pulumi_cli.init_stack(stack, root, shipped_text(stack))
    return root


def test_shipped_stacks_are_all_covered() -> None:
    assert len(SHIPPED_STACKS) >= 4


@pytest.mark.parametrize("name", SHIPPED_STACKS)
def test_shipped_stack_reads_the_same_in_the_cli(
    pulumi_cli: PulumiCli, project: Path, name: str
) -> None:
    """Pulumi.yaml loads in the CLI, and every key (project defaults included) agrees."""
    stack = name.removeprefix("Pulumi.").removesuffix(".yaml")
    cli = pulumi_cli.config_json(stack, project)
    ours = stackfiles.load(project, stack)
    assert cli_values(cli) == ours.values
    assert sorted(k for k, v in cli.items() if v["secret"]) == list(ours.secret_keys)
    stack_config.parse(ours.values, stack=stack)  # what the program would build from it


def edit(pulumi_cli: PulumiCli, project: Path, stack: str, *commands: str) -> dict[str, Any]:
    """Run each `pulumi config ...` command (split on spaces) on STACK, then read it back."""
    for command in commands:
        pulumi_cli.run(*command.split(), "--stack", stack, cwd=project)
    return pulumi_cli.config_json(stack, project)


def check_edit(project: Path, stack: str, cli: dict[str, Any], before: str) -> dict[str, Any]:
    """Both readers agree after the CLI's edit, and the program accepts it; returns the values."""
    after = (project / f"Pulumi.{stack}.yaml").read_text()
    ours = stackfiles.load(project, stack)
    assert cli_values(cli) == ours.values
    stack_config.parse(ours.values, stack=stack)
    assert comments(after) == comments(before), "the CLI's edit dropped or moved comments"
    return {k: json.loads(v) if v.startswith(("[", "{")) else v for k, v in ours.values.items()}


def test_readme_dev_edits(pulumi_cli: PulumiCli, tmp_path: Path) -> None:
    """README 'Start': set the NLB ARN by path; demo.sh: set then remove backendStack."""
    project = project_copy(tmp_path, "dev")
    before = shipped_text("dev")
    stack = "readme-dev"  # the session's backend has `dev` already (the shipped copy)
    pulumi_cli.init_stack(stack, project, before)
    cli = edit(
        pulumi_cli,
        project,
        stack,
        f"config set --path vpcLinks.main.targetArn {NEW_ARN}",
        "config set backendStack organization/private-api-backend/demo",
    )
    values = check_edit(project, stack, cli, before)
    assert values["private-api:vpcLinks"]["main"] == {
        "targetArn": NEW_ARN,
        "description": "Development link to the test NLB",
    }
    assert values["private-api:backendStack"] == "organization/private-api-backend/demo"
    assert values["private-api:tags"] == {"environment": "dev", "managed-by": "pulumi"}

    cli = edit(pulumi_cli, project, stack, "config rm backendStack")
    values = check_edit(project, stack, cli, before)
    assert values["private-api:backendStack"] == ""  # the project default again


def test_operations_link_switch_on_prod(pulumi_cli: PulumiCli, tmp_path: Path) -> None:
    """docs/operations.md 'Switching links' steps 1, 3, 4 and 5, in order, on a copy of prod."""
    project = project_copy(tmp_path, "prod")
    before = shipped_text("prod")
    stack = "ops-prod"
    pulumi_cli.init_stack(stack, project, before)
    cli = edit(
        pulumi_cli,
        project,
        stack,
        f"config set --path vpcLinks.green.targetArn {GREEN_ARN}",
        "config set --path canary.vpcLink green",
        "config set --path canary.percent 10",
    )
    values = check_edit(project, stack, cli, before)
    assert values["private-api:canary"] == {"vpcLink": "green", "percent": 10}
    args = stack_config.parse(stackfiles.load(project, stack).values, stack="prod")
    assert args.canary is not None
    assert (args.canary.vpc_link, args.canary.percent) == ("green", 10)

    cli = edit(
        pulumi_cli,
        project,
        stack,
        "config rm canary",
        "config set activeVpcLink green",
        "config rm --path vpcLinks.blue",
    )
    values = check_edit(project, stack, cli, before)
    assert values["private-api:canary"] == {}
    assert values["private-api:activeVpcLink"] == "green"
    assert sorted(values["private-api:vpcLinks"]) == ["green"]
    assert values["private-api:routes"] == json.loads(
        stackfiles.load(PROJECT_DIR, "prod").values["private-api:routes"]
    )


def test_readme_mode_move_on_dev(pulumi_cli: PulumiCli, tmp_path: Path) -> None:
    """README 'Moving between modes', resources to openapi: steps 1 and 2 as the CLI writes them."""
    project = project_copy(tmp_path, "dev")
    before = shipped_text("dev")
    stack = "modes-dev"
    pulumi_cli.init_stack(stack, project, before)
    cli = edit(pulumi_cli, project, stack, "config set retainRouteResources true")
    values = check_edit(project, stack, cli, before)
    assert values["private-api:retainRouteResources"] == "true"
    args = stack_config.parse(stackfiles.load(project, stack).values, stack="dev")
    assert args.retain_route_resources is True
    text = (project / f"Pulumi.{stack}.yaml").read_text()
    assert re.search(r"^  private-api:retainRouteResources: \S+$", text, re.M), text

    cli = edit(
        pulumi_cli,
        project,
        stack,
        "config rm retainRouteResources",
        "config set apiDefinition openapi",
    )
    values = check_edit(project, stack, cli, before)
    assert values["private-api:retainRouteResources"] == "false"  # the default again
    args = stack_config.parse(stackfiles.load(project, stack).values, stack="dev")
    assert args.api_definition == "openapi"
