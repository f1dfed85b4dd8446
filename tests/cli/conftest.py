"""The real Pulumi CLI (scripts/pulumi-cli.sh builds it) against a throwaway local backend.

One backend per session: HOME, PULUMI_HOME and the local file backend (`pulumi login file://...`,
what `--local` is) all live in a temporary directory; secrets use the passphrase provider with a
fixed PULUMI_CONFIG_PASSPHRASE. Without the CLI these tests skip, except under CI=true, where a
missing CLI fails them: CI builds it first (.ci/run), so a skip there would hide that nothing was
compared."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHIPPED_STACKS = sorted(p.name for p in PROJECT_DIR.glob("Pulumi.*.yaml"))
PASSPHRASE = "differential-tests"  # a throwaway backend's passphrase, nothing else


def cli_path() -> Path | None:
    """PULUMI_CLI if set, else where scripts/pulumi-cli.sh caches the pinned build (if built)."""
    given = os.environ.get("PULUMI_CLI")
    if given:
        path = Path(given)
    else:
        where = [str(PROJECT_DIR / "scripts" / "pulumi-cli.sh"), "--path"]
        path = Path(
            subprocess.run(where, capture_output=True, text=True, check=True).stdout.strip()
        )
    return path if path.is_file() and os.access(path, os.X_OK) else None


@dataclass(frozen=True)
class PulumiCli:
    """The CLI with the session's environment: every call is a real subprocess (~0.5 s)."""

    binary: Path
    env: dict[str, str]

    def run(self, *args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.binary), *args, "--non-interactive"],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            pytest.fail(f"pulumi {' '.join(args)} failed in {cwd}:\n{done.stderr}{done.stdout}")
        return done

    def config_json(self, stack: str, cwd: Path, *extra: str) -> dict[str, Any]:
        """`pulumi config --json --stack STACK`: key to {value, secret[, objectValue]}."""
        out = self.run("config", "--json", "--stack", stack, *extra, cwd=cwd).stdout
        loaded: dict[str, Any] = json.loads(out)
        return loaded

    def init_stack(self, stack: str, cwd: Path, text: str | None = None) -> None:
        """`pulumi stack init` (passphrase secrets), then the stack file's text if given.

        Init writes the stack file itself (its encryptionsalt); the text given replaces it, with
        that salt appended, so the file is exactly the text under test plus the salt.
        """
        stack_file = cwd / f"Pulumi.{stack}.yaml"
        stack_file.unlink(missing_ok=True)
        self.run("stack", "init", stack, "--secrets-provider", "passphrase", cwd=cwd)
        if text is not None:
            salt = [line for line in stack_file.read_text().splitlines() if line.startswith("encr")]
            stack_file.write_text(text + "".join(f"{line}\n" for line in salt))


@pytest.fixture(scope="session")
def pulumi_cli(tmp_path_factory: pytest.TempPathFactory) -> PulumiCli:
    binary = cli_path()
    if binary is None:
        reason = "no Pulumi CLI: run `make pulumi-cli` (or set PULUMI_CLI) to run these tests"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI builds it in .ci/run, so it must be there", pytrace=False)
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("pulumi-home")
    env = {
        # The language hosts scripts/pulumi-cli.sh builds beside the CLI come first (gen-sdk).
        "PATH": os.pathsep.join([str(binary.parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        "HOME": str(home),
        "PULUMI_HOME": str(home / ".pulumi-home"),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK": "true",
        "NO_COLOR": "1",
    }
    cli = PulumiCli(binary=binary, env=env)
    # `pulumi login --local` is the file backend at file://~, but the CLI resolves ~ from the
    # account (user.Current() in pkg/backend/diy/backend.go), not $HOME: that would be the real
    # ~/.pulumi. The same file backend in the session's directory instead.
    backend = home / "backend"
    backend.mkdir()
    cli.run("login", backend.as_uri(), cwd=home)
    return cli


def project_copy(
    root: Path, name: str, project_text: str | None = None, stacks: tuple[str, ...] = ()
) -> Path:
    """A directory with the shipped Pulumi.yaml (or the text given) and shipped stack files."""
    project = root / name
    project.mkdir()
    text = project_text or (PROJECT_DIR / "Pulumi.yaml").read_text()
    (project / "Pulumi.yaml").write_text(text)
    for stack_file in stacks:
        shutil.copy(PROJECT_DIR / stack_file, project / stack_file)
    return project


def enter_stack(
    cli: PulumiCli, root: Path, monkeypatch: pytest.MonkeyPatch, stack: str, shipped: str
) -> Path:
    """A project copy holding `stack` made from the shipped `Pulumi.<shipped>.yaml`, entered the
    way a tool under test calls the CLI: that directory and the CLI's environment."""
    project = project_copy(root, "project")
    cli.init_stack(stack, project, (PROJECT_DIR / f"Pulumi.{shipped}.yaml").read_text())
    monkeypatch.chdir(project)
    for name, value in cli.env.items():
        monkeypatch.setenv(name, value)
    return project
