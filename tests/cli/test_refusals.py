"""Projects and stack files the project's reader refuses, or accepts, against the real CLI.

The cases are test_stackfiles' own (project errors, missing keys, key syntax, wrong and right
types) plus duplicate keys, values Go's JSON encoder cannot write and legacy keys. Our reader
claims the CLI's wording, so its message must appear in the CLI's error output; where it does
not, the case is in WORDING with a reason.

`pulumi config` neither type-checks nor reports missing keys (it calls ApplyProjectConfig, which
is mergeConfig with validate=false, pkg/workspace/config.go); `pulumi preview` does both before it
starts the program (ValidateStackConfigAndApplyProjectConfig, pkg/cmd/pulumi/operations/
preview.go). So each case runs `pulumi preview`: this build has no Python language host, so a
preview that got past every check stops at loading it, and anything else is a refusal.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.cli.conftest import PulumiCli
from tests.stackcheck.test_stackfiles import PROJECT, PROJECT_ERRORS, RIGHT_TYPES, WRONG_TYPES
from tools import stackfiles, stackproject

pytestmark = pytest.mark.slow

#: What the CLI says when the checks passed and the program would start (the language host).
PAST_THE_CHECKS = "failed to load language plugin python"


class Case(NamedTuple):
    project: str  # Pulumi.yaml's config: section, under PROJECT
    stack: str  # Pulumi.test.yaml's config: section


CASES: dict[str, Case] = {
    **{f"project: {name}": Case(declared, "") for name, (declared, _) in PROJECT_ERRORS.items()},
    "missing one": Case("  a: {type: string}\n", ""),
    "missing three": Case("  c: {type: string}\n  a: {type: string}\n  b: {}\n", ""),
    "missing other namespace": Case("  d: {type: string}\n  p:b: {type: string}\n", ""),
    **{
        f"key {key}": Case("", f"  '{key}': v\n")
        for key in (
            "a:b:c",
            "aws",
            "a:b:c:d",
            "a:config:",
            ":x",
            "aws:config:region",
            ":config:x",
            "::",
            "a:conf:b",
        )
    },
    "duplicate key": Case("", "  p:a: 1\n  p:a: 2\n"),
    "duplicate nested key": Case("", "  p:a:\n    x: 1\n    x: 2\n"),
    "infinity": Case("", "  p:a: .inf\n"),
    "NaN": Case("", "  p:a: .NaN\n"),
    "infinity in a map": Case("", "  p:a:\n    v: .inf\n"),
    "NaN in a list": Case("", "  p:a:\n    - .nan\n"),
    "date default of a string": Case("  d: {type: string, default: 2024-01-02}\n", ""),
    "secret not encrypted": Case("  t: {type: string, secret: true}\n", "  p:t: plain\n"),
    **{
        f"wrong {value} for {declared}": Case(f"  k: {declared}\n", f"  p:k: {value}\n")
        for declared, value, _ in WRONG_TYPES
    },
    **{
        f"right {value} for {declared}": Case(f"  k: {declared}\n", f"  p:k: {value}\n")
        for declared, value in RIGHT_TYPES
    },
}

#: Cases where both refuse but our message is not in the CLI's: case to reason.
WORDING: dict[str, str] = {}
#: Cases where one reader refuses and the other does not: case to reason.
OUTCOME: dict[str, str] = {}


def write(root: Path, name: str, case: Case) -> Path:
    project = root / "".join(c if c.isalnum() else "-" for c in name)
    project.mkdir()
    (project / "Pulumi.yaml").write_text(PROJECT + case.project)
    (project / "Pulumi.test.yaml").write_text("config:\n" + (case.stack or "  {}\n"))
    return project


def ours(project: Path) -> str:
    """Our reader's refusal, or "" when it accepts."""
    try:
        stackfiles.load(project, "test")
    except stackproject.StackFileError as error:
        return str(error).removeprefix("Pulumi.yaml: ")
    return ""


@pytest.fixture(scope="module")
def outcomes(
    pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[str, str]]:
    """Case to (our refusal or "", the CLI's output, whitespace collapsed)."""
    root = tmp_path_factory.mktemp("refusals")
    init = root / "init"
    init.mkdir()
    (init / "Pulumi.yaml").write_text(PROJECT.removesuffix("config:\n"))
    pulumi_cli.init_stack("test", init)  # stack p/test: every case's directory uses it

    def run(name: str) -> tuple[str, str]:
        project = write(root, name, CASES[name])
        refusal = ours(project)  # first: a preview may rewrite the stack file (its secrets salt)
        done: subprocess.CompletedProcess[str] = pulumi_cli.run(
            "preview", "--stack", "test", cwd=project, check=False
        )
        assert done.returncode != 0  # no language host here: a preview never completes
        return refusal, " ".join((done.stderr + done.stdout).split())

    # One at a time: every case previews stack p/test, and a preview holds the stack's lock.
    return {name: run(name) for name in CASES}


@pytest.mark.parametrize("name", CASES)
def test_refusals_agree(outcomes: dict[str, tuple[str, str]], name: str) -> None:
    refusal, output = outcomes[name]
    cli_refuses = PAST_THE_CHECKS not in output
    if name in OUTCOME:
        assert bool(refusal) != cli_refuses, f"{name} now agrees: drop it from OUTCOME"
        return
    assert bool(refusal) == cli_refuses, (refusal, output)
    if refusal:
        assert "locked" not in output
        assert agrees(refusal, output) != (name in WORDING), (refusal, output)


#: How the CLI wraps a refusal; ours names the file (and key) instead.
CLI_WRAPPERS = re.compile(
    r"^(error: )?(validating stack config: |getting stack configuration: |invalid YAML file: "
    r"|could not unmarshal map: )*"
)


def agrees(refusal: str, output: str) -> bool:
    """Our message holds the CLI's last error (unwrapped), or the CLI's output holds ours."""
    ours = " ".join(refusal.split())
    last = output[output.rindex("error: ") :] if "error: " in output else output
    return CLI_WRAPPERS.sub("", last).strip() in ours or ours in output
