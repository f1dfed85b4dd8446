"""Check a stack without cloud credentials: the real program under mocks, then the policy pack.

    python -m tools.stackcheck <stack> [--policy-pack-config FILE] [--json]
                               [--set KEY=VALUE ...] [--compare KEY=VALUE ...]

Loads `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the CLI does, evaluates `__main__.py` with the
real `pulumi_aws` classes, starts the policy pack as the CLI starts it and sends every resource to
`Analyze` and the whole stack to `AnalyzeStack`. With `--compare`, evaluates the stack twice and
says which resources the change adds, removes or changes, and which of their inputs.

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad config, an unknown stack, or
a program error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from tools import mockrun, policy_client, stackfiles

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXIT_OK, EXIT_VIOLATION, EXIT_ERROR = 0, 1, 2


class CheckError(Exception):
    """Bad config, an unknown stack or a failing program: reported as a message, exit 2."""


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement_level: str
    urn: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "enforcementLevel": self.enforcement_level,
            "urn": self.urn,
            "message": self.message,
        }


@dataclass
class Evaluation:
    """One evaluation of a stack: its config, what the program registered, what the pack said."""

    stack: str
    config: stackfiles.StackConfig
    run: mockrun.ProgramRun
    violations: list[Violation] = field(default_factory=list)
    #: Seconds spent per phase of the policy check: start, analyze (all resources), analyze_stack.
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` with VALUE read as YAML, as `pulumi config set` would store it."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise CheckError(f"'{text}' is not KEY=VALUE (for example activeVpcLink=green)")
    try:
        return key, yaml.safe_load(value) if value else ""
    except yaml.YAMLError as error:
        raise CheckError(f"the value of {key} is not valid YAML: {error}") from None


def evaluate(project_dir: Path, stack: str, overrides: dict[str, Any]) -> Evaluation:
    """Load the stack as the CLI would and run the real program under mocks."""
    try:
        config = stackfiles.load(project_dir, stack, overrides)
    except stackfiles.StackFileError as error:
        raise CheckError(str(error)) from None
    try:
        run = mockrun.run_program(
            project_dir,
            project=config.project,
            stack=stack,
            config=config.values,
            secret_keys=config.secret_keys,
        )
    except pulumi.RunError as error:  # a config error: Pulumi prints these as plain messages
        raise CheckError(str(error)) from None
    except Exception as error:  # noqa: BLE001 (any program failure is reported, not raised)
        raise CheckError(f"the program failed: {type(error).__name__}: {error}") from None
    return Evaluation(stack=stack, config=config, run=run)


def check_policies(evaluation: Evaluation, policy_config: Path | None) -> None:
    """Send every resource to the pack as the engine would, and record its diagnostics."""
    env = {
        "PULUMI_PROJECT": evaluation.config.project,
        "PULUMI_STACK": evaluation.stack,
        "PULUMI_CONFIG": json.dumps(evaluation.config.values),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(evaluation.config.secret_keys)),
        "PULUMI_DRY_RUN": "true",
    }
    resources = [_to_policy_resource(r, policy_client) for r in evaluation.run.resources]
    managed = [p for p, r in zip(resources, evaluation.run.resources, strict=True) if not r.read]
    clock = time.perf_counter()
    with policy_client.PolicyPackClient.start(PROJECT_DIR / "policy", env=env) as pack:
        if policy_config is not None:
            pack.configure_from_file(policy_config)
        evaluation.timings["start"] = time.perf_counter() - clock
        clock = time.perf_counter()
        diagnostics = []
        for resource in managed:
            diagnostics += pack.analyze(resource)
        evaluation.timings["analyze"] = time.perf_counter() - clock
        clock = time.perf_counter()
        diagnostics += pack.analyze_stack(resources)
        evaluation.timings["analyze_stack"] = time.perf_counter() - clock
    evaluation.violations = [
        Violation(d.policy_name, d.enforcement_level, d.urn, d.message) for d in diagnostics
    ]


def _to_policy_resource(recorded: mockrun.RecordedResource, policy_client: Any) -> Any:
    def convert(value: Any) -> Any:
        if value is mockrun.UNKNOWN:
            return policy_client.UNKNOWN
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return value

    return policy_client.Resource(
        urn=recorded.urn,
        type=recorded.type,
        name=recorded.name,
        properties=convert(recorded.inputs),
        parent=recorded.parent,
        dependencies=recorded.dependencies,
        property_dependencies=recorded.property_dependencies,
    )


def compare(before: Evaluation, after: Evaluation) -> dict[str, Any]:
    """What the change does: resources added, removed, and changed with the inputs that differ."""
    old = {r.urn: r.inputs for r in before.run.resources}
    new = {r.urn: r.inputs for r in after.run.resources}
    changed = []
    for urn in sorted(old.keys() & new.keys()):
        keys = sorted(
            k
            for k in old[urn].keys() | new[urn].keys()
            if _json(old[urn].get(k)) != _json(new[urn].get(k))
        )
        if keys:
            changed.append({"urn": urn, "keys": keys})
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": changed,
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _resource_json(resource: mockrun.RecordedResource) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "inputs": json.loads(_json(resource.inputs)),
    }


def render_table(evaluation: Evaluation, diff: dict[str, Any] | None) -> str:
    lines = [f"Stack {evaluation.stack}: {len(evaluation.run.resources)} resources"]
    width = max((len(r.type) for r in evaluation.run.resources), default=0)
    for resource in evaluation.run.resources:
        note = "  (read, not managed)" if resource.read else ""
        lines.append(f"  {resource.type:<{width}}  {resource.name}{note}")
    if diff is not None:
        lines.append("")
        lines.append("Change:")
        for urn in diff["added"]:
            lines.append(f"  + {urn}")
        for urn in diff["removed"]:
            lines.append(f"  - {urn}")
        for item in diff["changed"]:
            lines.append(f"  ~ {item['urn']}: {', '.join(item['keys'])}")
        if not any(diff.values()):
            lines.append("  no resource changes")
    lines.append("")
    if not evaluation.violations:
        lines.append("Policy pack: no violations.")
    else:
        lines.append(f"Policy pack: {len(evaluation.violations)} violations")
        by_policy: dict[tuple[str, str], list[Violation]] = {}
        for violation in evaluation.violations:
            by_policy.setdefault((violation.policy, violation.enforcement_level), []).append(
                violation
            )
        for (policy, level), found in sorted(
            by_policy.items(), key=lambda item: (item[0][1] != "mandatory", item[0][0])
        ):
            lines.append(f"  [{level}] {policy} ({len(found)})")
            for violation in found:
                message = " ".join(violation.message.split())
                lines.append(f"    {violation.urn or '(stack)'}")
                lines.append(f"      {message}")
    verdict = "FAIL" if evaluation.mandatory else "PASS"
    lines.append(f"{verdict}: {len(evaluation.mandatory)} mandatory violations")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.stackcheck",
        description="Check a stack through the program and the policy pack, without credentials.",
    )
    parser.add_argument("stack", help="stack name: the X of Pulumi.X.yaml")
    parser.add_argument(
        "--policy-pack-config", type=Path, help="policy pack config file, as for the CLI"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON document instead of a table"
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value (VALUE is YAML; KEY is bare or namespaced); repeatable",
    )
    parser.add_argument(
        "--compare",
        nargs="+",
        metavar="KEY=VALUE",
        help="evaluate the stack again with these values and report what changes",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, project_dir: Path = PROJECT_DIR) -> int:
    """Check a stack of the program in `project_dir` (this project's) with this project's pack."""
    args = build_parser().parse_args(argv)
    try:
        if args.policy_pack_config is not None and not args.policy_pack_config.is_file():
            raise CheckError(f"no policy pack config file at {args.policy_pack_config}")
        overrides = dict(parse_assignment(text) for text in args.sets)
        evaluation = evaluate(project_dir, args.stack, overrides)
        diff = None
        if args.compare:
            changes = dict(parse_assignment(text) for text in args.compare)
            after = evaluate(project_dir, args.stack, {**overrides, **changes})
            diff = compare(evaluation, after)
            evaluation = after
        check_policies(evaluation, args.policy_pack_config)
    except CheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        document: dict[str, Any] = {
            "stack": evaluation.stack,
            "resources": [_resource_json(r) for r in evaluation.run.resources],
            "violations": [v.as_json() for v in evaluation.violations],
        }
        if diff is not None:
            document.update(diff)
        print(json.dumps(document, indent=2))
    else:
        print(render_table(evaluation, diff))
    return EXIT_VIOLATION if evaluation.mandatory else EXIT_OK


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
