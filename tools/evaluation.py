"""One evaluation of a stack: its config as the CLI gives it, the program run under mocks.

`evaluate` runs the real program once (tools/mockrun.py); `evaluate_change` runs it again after a
change until the engine's plan settles. Failures are `CheckError`s, one line each.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml

from tools import goyaml, mockrun, preview, stackfiles, stackproject
from tools.pack_session import CheckError, Violation

PROVIDER_CONFIG = Path(__file__).with_name("provider_config.json")


@dataclass
class Evaluation:
    """One evaluation of a stack: its config, what the program registered, what the pack said."""

    stack: str
    config: stackfiles.StackConfig
    run: mockrun.ProgramRun
    violations: list[Violation] = field(default_factory=list)
    #: Seconds: program evaluation ("program"); pack start-up to configured ("start"); waiting
    #: for the last `Analyze` replies once the program is done ("analyze"); "analyze_stack".
    timings: dict[str, float] = field(default_factory=dict)
    #: Peak resident memory of the pack process, KiB (Linux), once it has been closed.
    pack_peak_kib: int | None = None
    #: Config keys nothing reads (typos of another namespace), each a sentence.
    warnings: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` with VALUE read as YAML, as if written `KEY: VALUE` in the stack file."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise CheckError(f"'{text}' is not KEY=VALUE (for example activeVpcLink=green)")
    try:
        return key, goyaml.parse_value(value) if value else ""
    except yaml.YAMLError as error:
        raise CheckError(f"the value of {key} is not valid YAML: {error}") from None


def load_config(project_dir: Path, stack: str, overrides: dict[str, Any]) -> stackfiles.StackConfig:
    try:
        return stackfiles.load(project_dir, stack, overrides)
    except stackproject.StackFileError as error:
        raise CheckError(str(error)) from None


def evaluate(
    project_dir: Path,
    stack: str,
    overrides: dict[str, Any],
    *,
    config: stackfiles.StackConfig | None = None,
    on_register: Callable[[mockrun.RecordedResource], None] | None = None,
    replaced: dict[str, int] | None = None,
) -> Evaluation:
    """Load the stack as the CLI would (unless `config` is given); run the program under mocks.

    `replaced` (URN -> generation) gives those resources new ids, as after a replacement.
    """
    if config is None:
        config = load_config(project_dir, stack, overrides)
    clock = time.perf_counter()
    try:
        run = mockrun.run_program(
            project_dir,
            project=config.project,
            stack=stack,
            config=config.values,
            secret_keys=config.secret_keys,
            on_register=on_register,
            replaced=replaced,
        )
    except pulumi.RunError as error:  # a config error: Pulumi prints these as plain messages
        raise CheckError(str(error) + _secret_note(config)) from None
    except Exception as error:  # noqa: BLE001 (any program failure is reported, not raised)
        message = f"the program failed: {type(error).__name__}: {error}"
        raise CheckError(message + _secret_note(config)) from None
    evaluation = Evaluation(stack=stack, config=config, run=run)
    evaluation.timings["program"] = time.perf_counter() - clock
    return evaluation


def _secret_note(config: stackfiles.StackConfig) -> str:
    """Why a program may fail on a secret here: it saw the placeholder, not the plaintext."""
    if not config.secret_keys:
        return ""
    keys = ", ".join(config.secret_keys)
    example = config.secret_keys[0]
    return (
        f"\nnote: {keys} {'is' if len(config.secret_keys) == 1 else 'are'} encrypted (secure:) "
        f"in Pulumi.{config.stack}.yaml; the stack check cannot decrypt secrets, so the program "
        f"saw '{stackfiles.SECRET_PLACEHOLDER}' instead. If the error is about "
        f"{'it' if len(config.secret_keys) == 1 else 'one of them'}, pass a stand-in value: "
        f"--set {example}=VALUE"
    )


def config_warnings(config: stackfiles.StackConfig) -> list[str]:
    """Keys of another namespace that no provider reads: probably a typo, named with the fix.

    The program itself refuses unknown keys of its own namespace; the CLI passes every other
    key on, so `aws:regon` or `privat-api:timeoutMs` would be read by nothing, silently.
    """
    data = json.loads(PROVIDER_CONFIG.read_text(encoding="utf-8"))
    known: dict[str, list[str]] = data["namespaces"]
    unchecked = {config.project, *data["unchecked"]}
    own = sorted(k for k in config.values if k.startswith(config.project + ":"))
    every = own + [f"{ns}:{name}" for ns, names in known.items() for name in names]
    warnings = []
    for key in sorted(config.values):
        namespace, _, name = key.partition(":")
        if namespace in unchecked or (namespace in known and name in known[namespace]):
            continue
        if namespace in known:
            close = difflib.get_close_matches(name, known[namespace], n=1)
            what = f"{key} is not a setting of the {namespace} provider"
            meant = f"{namespace}:{close[0]}" if close else None
        else:
            close = difflib.get_close_matches(key, every, n=1)
            what = f"{key}: no provider of this project reads the namespace '{namespace}'"
            meant = close[0] if close else None
        hint = f"; did you mean {meant}?" if meant else "."
        warnings.append(
            f"{what}{hint} Nothing reads it; fix or remove it in Pulumi.{config.stack}.yaml."
        )
    return warnings


def evaluate_change(
    project_dir: Path, stack: str, before: Evaluation, config: stackfiles.StackConfig
) -> tuple[Evaluation, preview.Plan]:
    """Evaluate the stack after the change and plan it as the engine would.

    A replaced resource is a new cloud resource with a new id, which can change (and replace)
    what refers to it: the program is evaluated again with every replaced resource given a new
    id, until no new replacement appears (at most once per resource).
    """
    replaced: dict[str, int] = {}
    for _ in range(len(before.run.resources) + 2):
        after = evaluate(project_dir, stack, {}, config=config, replaced=replaced)
        change = preview.plan(before.run, after.run)
        new = change.replaced - replaced.keys()
        if not new:
            return after, change
        replaced.update(dict.fromkeys(new, 1))
    raise CheckError("planning the change did not settle: replacements kept causing replacements")
