"""The project's own callers of the CLI, against the real one: tools.smoke's canary look-up, and
scripts/demo.sh with the real CLI for every command that needs no cloud. A stand-in answers only
`install`, `up`, `destroy` (they need the AWS provider plugin, which cannot be had here) and
`stack output` (it needs a deployment)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import PROJECT_DIR, PulumiCli, enter_stack
from tests.local_api import serving
from tools import smoke, stackfiles

pytestmark = pytest.mark.slow

#: Records each call, stands in for the cloud commands, and runs the real CLI for the rest.
HYBRID = r"""#!/usr/bin/env bash
printf '%s|%s\n' "$PWD" "$*" >> "$PULUMI_CALLS"
case "$1" in
  install|up|destroy|preview) exit 0 ;;
esac
if [[ "$1 $2" == "stack output" ]]; then echo "$INVOKE_URL"; exit 0; fi
exec "$REAL_PULUMI" "$@"
"""


def test_smoke_reads_the_canary_percent_as_the_cli_gives_it(
    pulumi_cli: PulumiCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No canary: the CLI's "configuration key 'canary.percent' not found for stack" is 0 %."""
    project = enter_stack(pulumi_cli, tmp_path, monkeypatch, "smoke-dev", "dev")
    binary = str(pulumi_cli.binary)
    assert smoke.stack_canary_percent("smoke-dev", pulumi=binary) == 0.0
    set_percent = ("config", "set", "--path", "canary.percent", "10", "--stack", "smoke-dev")
    pulumi_cli.run(*set_percent, cwd=project)
    assert smoke.stack_canary_percent("smoke-dev", pulumi=binary) == 10.0


@pytest.fixture
def invoke_url() -> Iterator[str]:
    """A local server standing in for the deployed API, for the demo's smoke check."""
    with serving(b'{"ok": true}') as (url, _paths):
        yield url


def test_demo_up_and_destroy_with_the_real_cli(
    pulumi_cli: PulumiCli, tmp_path: Path, invoke_url: str
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("scripts", "tools", "examples", "policy"):
        shutil.copytree(
            PROJECT_DIR / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "venv")
        )
    for path in PROJECT_DIR.glob("Pulumi*.yaml"):
        shutil.copy(path, root / path.name)
    (root / "venv").symlink_to(PROJECT_DIR / "venv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "pulumi").write_text(HYBRID)
    (bin_dir / "pulumi").chmod(0o755)
    calls = tmp_path / "calls.log"
    env = {
        **pulumi_cli.env,
        "PATH": f"{bin_dir}:/usr/bin:/bin",  # no aws CLI: the credential check reads env
        "PULUMI_CALLS": str(calls),
        "REAL_PULUMI": str(pulumi_cli.binary),
        "INVOKE_URL": invoke_url,
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example",
        "AWS_REGION": "us-east-1",
    }
    dev_before = (root / "Pulumi.dev.yaml").read_text()

    def demo(action: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["scripts/demo.sh", action],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    done = demo("up")
    assert done.returncode == 0, done.stderr + done.stdout
    # The real CLI named the backend stack and wrote backendStack into the stack file.
    values = stackfiles.load(root, "dev").values
    assert values["private-api:backendStack"] == "organization/private-api-backend/demo"
    assert "The demo is up" in done.stdout

    done = demo("destroy")
    assert done.returncode == 0, done.stderr + done.stdout
    assert stackfiles.load(root, "dev").values["private-api:backendStack"] == ""
    after = (root / "Pulumi.dev.yaml").read_text()
    assert [line for line in after.splitlines() if not line.startswith("encryptionsalt")] == (
        dev_before.splitlines()
    ), "demo up then destroy leaves the stack file as it was (but the secrets salt)"
    listed = subprocess.run(
        [str(pulumi_cli.binary), "stack", "ls", "--all", "--json"],
        cwd=root,
        env=pulumi_cli.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert '"dev"' not in listed
    assert "private-api-backend/demo" not in listed
