"""A stand-in `pulumi` on PATH that keeps a stack's config and what `up` deployed, a fake clock,
and canary metrics scripted from the stand-in's deployed canary share."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tools.gates import Reading, Thresholds

STAND_IN = """#!{python}
# A stand-in for the pulumi CLI (tests/migrate): records calls, keeps the stack's config as
# `pulumi config --json` shows it, and copies it to deployed.json on `up` (the stage's state).
import json, os, sys
from pathlib import Path

state = Path(os.environ["MIGRATE_STATE"])
args = sys.argv[1:]
with open(state / "calls.log", "a") as log:
    log.write(" ".join(args) + "\\n")
config_path = state / "config.json"
config = json.loads(config_path.read_text())
if "--stack" in args:
    at = args.index("--stack")
    args = args[:at] + args[at + 2:]
if args[:2] == ["config", "--json"]:
    shown = {{}}
    for key, value in config.items():
        entry = {{"value": value if isinstance(value, str) else json.dumps(value), "secret": False}}
        if not isinstance(value, str):
            entry["objectValue"] = value
        shown[key] = entry
    print(json.dumps(shown))
elif args[:2] == ["config", "set"]:
    if args[2] == "--path":
        top, _, leaf = args[3].partition(".")
        value = args[4]
        try:
            value = json.loads(value) if leaf == "percent" else value
        except ValueError:
            pass
        config.setdefault("private-api:" + top, {{}})[leaf] = value
    else:
        config["private-api:" + args[2]] = args[3]
    config_path.write_text(json.dumps(config))
elif args[:4] == ["config", "set-all", "--path", "--plaintext"]:
    for pair in args[4::2]:
        path, _, value = pair.partition("=")
        top, _, leaf = path.partition(".")
        config.setdefault("private-api:" + top, {{}})[leaf] = (
            float(value) if leaf == "percent" else value
        )
    config_path.write_text(json.dumps(config))
elif args[:2] == ["config", "rm"]:
    config.pop("private-api:" + args[2], None)
    config_path.write_text(json.dumps(config))
elif args[:3] == ["stack", "output", "--json"]:
    print(json.dumps({{"canaryGates": {{"namespace": "PrivateApi/x", "alarms": {{}}}}}}))
elif args[:1] == ["up"]:
    ups = state / "ups"
    count = int(ups.read_text()) + 1 if ups.exists() else 1
    ups.write_text(str(count))
    if str(count) in os.environ.get("FAIL_UP", "").split(","):
        print("error: update failed", file=sys.stderr)
        sys.exit(255)
    (state / "deployed.json").write_text(json.dumps(config))
"""

START = {
    "aws:region": "us-east-1",
    "private-api:vpcLinks": {"blue": {"targetArn": "arn:b"}, "green": {"targetArn": "arn:g"}},
    "private-api:activeVpcLink": "blue",
}


@dataclass
class World:
    state: Path

    def config(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.state / "config.json").read_text())
        return loaded

    def deployed(self) -> dict[str, Any]:
        path = self.state / "deployed.json"
        loaded: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        return loaded

    def calls(self) -> list[str]:
        path = self.state / "calls.log"
        return path.read_text().splitlines() if path.exists() else []

    def ups(self) -> int:
        return sum(1 for c in self.calls() if c.startswith("up "))

    def placement(self) -> tuple[str, Any]:
        config = self.config()
        return config["private-api:activeVpcLink"], config.get("private-api:canary")


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "pulumi"
    stand_in.write_text(STAND_IN.format(python=sys.executable))
    stand_in.chmod(0o755)
    state = tmp_path / "state"
    state.mkdir()
    (state / "config.json").write_text(json.dumps(START))
    (state / "deployed.json").write_text(json.dumps(START))
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("MIGRATE_STATE", str(state))
    return World(state)


class FakeClock:
    """Time that moves only when the migration sleeps; `interrupt_at` raises Ctrl-C there."""

    def __init__(self, interrupt_at: float | None = None) -> None:
        self.time = 1_700_000_000.0
        self.slept = 0.0
        self.interrupt_at = interrupt_at

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        if self.interrupt_at is not None and self.slept + seconds >= self.interrupt_at:
            self.interrupt_at = None
            raise KeyboardInterrupt
        self.time += seconds
        self.slept += seconds


#: (deployed canary percent, evaluation number within the step) -> (requests, 5XX, p99 ms).
Script = Callable[[float, int], tuple[float, float, float | None]]


@dataclass
class FakeMetrics:
    """The canary's series as CloudWatch would give them, from what `up` last deployed."""

    world: World
    script: Script
    limits: Thresholds = field(default_factory=lambda: Thresholds(1.0, 2000.0, 100))
    readings: list[tuple[float, Reading]] = field(default_factory=list)
    _step: tuple[float, float] = (-1.0, 0.0)
    _count: int = 0
    _total: float = 0.0

    def thresholds(self, min_requests: int) -> Thresholds:
        return Thresholds(self.limits.rate_percent, self.limits.latency_ms, min_requests)

    def read(self, step_start: float, now: float) -> Reading:
        del now  # the script counts evaluations instead
        canary = self.world.deployed().get("private-api:canary") or {}
        percent = float(canary.get("percent", 0))
        if self._step != (percent, step_start):
            self._step, self._count, self._total = (percent, step_start), 0, 0.0
        self._count += 1
        requests, errors, p99 = self.script(percent, self._count)
        self._total += requests
        reading = Reading(self._total, requests or None, errors, p99 if requests else None)
        self.readings.append((percent, reading))
        return reading
