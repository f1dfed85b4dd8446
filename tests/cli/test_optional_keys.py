"""How the real CLI treats a key without a default, which is how config_keys.py declares an
OPTIONAL key: left out of `Pulumi.yaml`'s typed block, never declared without a default."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from config_keys import KEYS, OPTIONAL, Key
from tests.cli.conftest import PROJECT_DIR, PulumiCli, project_copy
from tests.cli.test_refusals import PAST_THE_CHECKS
from tools import key_tables

pytestmark = pytest.mark.slow

DRILL = Key("drillSeconds", "integer", default=OPTIONAL, field=None, meaning="m", doc="d")


def preview(pulumi_cli: PulumiCli, root: Path, stack: str, project_text: str) -> str:
    """`pulumi preview` of the shipped dev stack's file as STACK (the backend is the session's,
    so each test has its own stack) under PROJECT_TEXT: the CLI's output."""
    project = project_copy(root, stack, project_text)
    pulumi_cli.init_stack(stack, project, (PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    done: subprocess.CompletedProcess[str] = pulumi_cli.run(
        "preview", "--stack", stack, cwd=project, check=False
    )
    return " ".join((done.stderr + done.stdout).split())


def test_an_optional_key_as_generated_is_not_required(
    pulumi_cli: PulumiCli, tmp_path: Path
) -> None:
    text = key_tables.pulumi_yaml(
        (PROJECT_DIR / "Pulumi.yaml").read_text(), {**KEYS, DRILL.name: DRILL}
    )
    assert PAST_THE_CHECKS in preview(pulumi_cli, tmp_path, "optional-generated", text)


@pytest.mark.parametrize(
    ("stack", "declaration"),
    [("type-only", "{type: integer}"), ("default-null", "{type: integer, default: null}")],
)
def test_a_declared_key_without_a_default_is_required(
    pulumi_cli: PulumiCli, tmp_path: Path, stack: str, declaration: str
) -> None:
    text = (PROJECT_DIR / "Pulumi.yaml").read_text() + f"  drillSeconds: {declaration}\n"
    output = preview(pulumi_cli, tmp_path, stack, text)
    assert f"Stack '{stack}' is missing configuration value 'drillSeconds'" in output
