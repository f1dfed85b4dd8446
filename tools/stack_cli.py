"""The stack as tools/migrate.py changes it: its config (the truth) and `pulumi up`.

Every step goes through the stack's config and `pulumi up`, rollbacks included, rather than a
direct UpdateStage followed by a config fix-up: a direct call is faster by one update's overhead,
but between the call and the fix-up the config would say one thing and the stage another, and a
`pulumi up` from anyone in that window (or after an interruption) would undo the rollback. With
the config written first, a later `pulumi up` only ever completes what the migration decided. The
cost, one stage-only update per rollback, is measured in benchmarks/migration.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAMESPACE = "private-api"
PROJECT_DIR = Path(__file__).resolve().parents[1]


class StackError(Exception):
    """A CLI call failed; the message names the command and what it said."""


@dataclass(frozen=True)
class Placement:
    """Where the stage's traffic goes according to the config."""

    active: str
    links: list[str]
    canary_link: str | None
    canary_percent: float


class Stack:
    def __init__(self, name: str, pulumi: str = "pulumi", *, policy_config: str | None = None):
        executable = shutil.which(pulumi)
        if executable is None:
            raise StackError("the pulumi CLI is not on PATH; install it or add it to PATH")
        self.name = name
        self.pulumi = executable
        self.policy_config = policy_config
        #: Every update this run made, for the summary and the benchmark.
        self.updates = 0

    def _run(self, *args: str, timeout: float = 120) -> str:
        command = [self.pulumi, *args, "--stack", self.name]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise StackError(f"pulumi {' '.join(args)} failed: {error}") from None
        if done.returncode != 0:
            detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
            last = detail[-1] if detail else f"exit status {done.returncode}"
            raise StackError(f"pulumi {' '.join(args)} failed: {last}")
        return done.stdout

    def config(self) -> Placement:
        """`pulumi config --json`: each key's `value`, and `objectValue` for structured ones."""
        raw: dict[str, Any] = json.loads(self._run("config", "--json") or "{}")

        def value(key: str) -> Any:
            entry = raw.get(f"{NAMESPACE}:{key}") or {}
            if "objectValue" in entry:
                return entry["objectValue"]
            text = entry.get("value")
            try:
                return json.loads(text) if isinstance(text, str) else text
            except ValueError:
                return text

        canary = value("canary") or {}
        links = value("vpcLinks") or {}
        return Placement(
            active=str(value("activeVpcLink") or ""),
            links=sorted(links) if isinstance(links, dict) else [],
            canary_link=(
                str(canary["vpcLink"]) if isinstance(canary, dict) and "vpcLink" in canary else None
            ),
            canary_percent=float(canary.get("percent", 0)) if isinstance(canary, dict) else 0.0,
        )

    def set_canary(self, link: str, percent: float) -> None:
        """Both fields in one `config set-all` call: never a canary with a link and no share,
        which the program would refuse (checked with the real CLI, tests/cli)."""
        self._run(
            "config",
            "set-all",
            "--path",
            "--plaintext",
            f"canary.vpcLink={link}",
            "--plaintext",
            f"canary.percent={percent:g}",
        )

    def remove_canary(self) -> None:
        self._run("config", "rm", "canary")

    def set_active(self, link: str) -> None:
        self._run("config", "set", "activeVpcLink", link)

    def outputs(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self._run("stack", "output", "--json") or "{}")
        return found

    def up(self) -> None:
        """Apply the config: a canary or link change touches the stage (and a canary's own
        deployment where its link needs other integrations), with the policy pack as `make up`."""
        self.updates += 1
        policy = ["--policy-pack", "policy"] if self.policy_config else []
        if self.policy_config:
            policy += ["--policy-pack-config", self.policy_config]
        self._run("up", "--yes", "--skip-preview", *policy, timeout=1800)
