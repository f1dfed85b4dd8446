"""The migrate workflow (issue 21): on demand only, with the stack's deploy role, never beside a
deploy of the same stack, and the migration's JSON summary kept."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

from tools import generate

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def test_it_runs_only_on_demand() -> None:
    # PyYAML reads the key `on` as True.
    assert set(load("migrate.yml")[True]) == {"workflow_dispatch"}


def test_it_shares_the_deploy_concurrency_group_and_environment() -> None:
    job = load("migrate.yml")["jobs"]["migrate"]
    deploy = load("deploy-stack.yml")["jobs"]["up"]
    assert job["concurrency"]["group"] == "pulumi-up-${{ inputs.stack }}"
    assert job["concurrency"]["group"] == deploy["concurrency"]["group"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"] == "${{ inputs.environment }}"
    assert job["environment"] == "${{ needs.resolve.outputs.environment }}"


def test_it_runs_in_the_environment_deploy_yml_gives_each_stack(tmp_path: Path) -> None:
    """The resolve step's table (generated from stacks.yaml) answers what deploy.yml passes."""
    [step] = load("migrate.yml")["jobs"]["resolve"]["steps"]
    calls = load("deploy.yml")["jobs"]
    for stack in generate.load():
        output = tmp_path / f"{stack.name}.out"
        env = {"STACK": stack.name, "GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}
        subprocess.run(["bash", "-c", step["run"]], env=env, check=True)
        assert output.read_text() == f"environment={calls[stack.name]['with']['environment']}\n"
    refused = subprocess.run(
        ["bash", "-c", step["run"]],
        env={
            "STACK": "no such stack",
            "GITHUB_OUTPUT": str(tmp_path / "x"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "no stack 'no such stack' in stacks.yaml" in refused.stdout


def test_it_migrates_with_the_deploy_role_and_keeps_the_json_summary() -> None:
    steps = load("migrate.yml")["jobs"]["migrate"]["steps"]
    roles = [s["with"]["role-to-assume"] for s in steps if "configure-aws" in s.get("uses", "")]
    assert roles == ["${{ vars.AWS_DEPLOY_ROLE_ARN }}"]
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert 'python -m tools.migrate "${STACK}" --to "${TO}" --schedule "${SCHEDULE}" --json' in runs
    assert "GITHUB_STEP_SUMMARY" in runs


def test_make_migrate_runs_the_tool_and_needs_the_link() -> None:
    root = WORKFLOWS.parents[1]
    run = ["make", "-n", "migrate", "STACK=prod", "TO=green", "VENV=venv"]
    done = subprocess.run(run, cwd=root, capture_output=True, text=True, check=False)
    assert 'venv/bin/python -m tools.migrate "prod" --to "green"' in done.stdout
    done = subprocess.run(run[:-2], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "name the link: make migrate STACK=prod TO=<link>" in done.stderr
