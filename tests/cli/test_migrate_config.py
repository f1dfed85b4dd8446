"""tools.stack_cli against the real CLI (v3.276.0, a throwaway local backend): the config calls a
migration makes, and `pulumi config --json` read back as the migration reads it. The stand-in of
tests/migrate answers in the same shape; this keeps the two honest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import PulumiCli, enter_stack
from tools.stack_cli import Placement, Stack

pytestmark = pytest.mark.slow


def test_a_migrations_config_steps_read_back(
    pulumi_cli: PulumiCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = enter_stack(pulumi_cli, tmp_path, monkeypatch, "mig-prod", "prod")
    stack = Stack("mig-prod", str(pulumi_cli.binary))
    assert stack.config() == Placement("blue", ["blue", "green"], None, 0.0)
    stack.set_canary("green", 10)
    assert stack.config() == Placement("blue", ["blue", "green"], "green", 10.0)
    stack.set_canary("green", 50)
    stack.set_active("green")
    stack.remove_canary()
    assert stack.config() == Placement("green", ["blue", "green"], None, 0.0)
    assert "private-api:canary:" not in (project / "Pulumi.mig-prod.yaml").read_text()
