"""Check a stack without cloud credentials: the real program under mocks, then the policy pack.

    python -m tools.stackcheck <stack> [--policy-pack-config FILE] [--json | --format FORMAT]
                               [--set KEY=VALUE ...] [--compare KEY=VALUE ...]
    python -m tools.stackcheck [<stack>] --base REF [--stack-policy-pack-config STACK=FILE ...]

Loads `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the CLI does (`tools.stackfiles`), evaluates
`__main__.py` with the real `pulumi_aws` classes (`tools.mockrun`), starts the policy pack as the
CLI starts it and, like the engine, sends each resource's inputs to `Analyze` as it is registered
and every resource's final outputs (its state, `id` included) to `AnalyzeStack`. With `--compare`,
plans the change as the engine would (`tools.preview`): create, update, replace or delete per
resource, replaced resources given new ids so that what refers to them changes too. With
`--base REF`, plans what the working tree changes against the git ref REF, every stack of either
side by default (`tools.prplan`); `--format markdown` writes it for a pull request's job summary.

The program is evaluated as in an update, not as in a first preview: the mocks give every resource
an id, so outputs are known. That is deliberate: the stage-variable rule then compares the stage's
variables with the real ids of the stack's links, and checks what a deployed stack would hold. A
first `pulumi preview` of a new stack sees those ids as unknown, and the rules skip what they
cannot know yet.

The pack runs in its own process while the program is evaluated (the two use two cores): it is
started when the first resource is registered (at once when a policy pack config is given, so a
bad config is reported before anything else), and `Analyze` calls are sent as resources register.

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad config (stack, project or
policy pack config), an unknown stack, a program error, a policy pack that failed, or output
that could not be written (a closed pipe, a full disk): one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tools import pack_config, preview, report, route_notes
from tools.evaluation import (
    Evaluation,
    config_warnings,
    evaluate,
    evaluate_change,
    load_config,
    parse_assignment,
)
from tools.pack_session import (
    CheckError,
    PackSession,
    config_message,
    pack_env,
)
from tools.report import document_json, plan_json, render_table
from tools.stackfiles import StackConfig
from tools.warn_once import warnings_once

PROJECT_DIR = Path(__file__).resolve().parents[1]
PACK_DIR = PROJECT_DIR / "policy"
EXIT_OK, EXIT_VIOLATION, EXIT_ERROR = 0, 1, 2


def check(
    project_dir: Path,
    stack: str,
    overrides: dict[str, Any],
    *,
    compare_with: dict[str, Any] | None = None,
    policy_config: Path | None = None,
) -> tuple[Evaluation, preview.Plan | None]:
    """Evaluate the stack (and, with `compare_with`, plan the change) and check it with the pack.

    With `compare_with`, the pack checks the stack after the change. Raises CheckError for
    anything that makes the answer exit 2.
    """
    if policy_config is not None:
        check_policy_config_file(policy_config)
    config = load_config(project_dir, stack, overrides)
    if compare_with is not None:
        changed = load_config(project_dir, stack, {**overrides, **compare_with})
        return check_change(
            project_dir,
            stack,
            changed,
            policy_config,
            before=lambda: evaluate(project_dir, stack, overrides, config=config),
        )
    with PackSession(pack_env(config), policy_config, pack_dir=PACK_DIR) as session:
        if policy_config is not None:
            session.start()
        evaluation = evaluate(
            project_dir, stack, overrides, config=config, on_register=session.analyze
        )
        evaluation.violations = session.finish(evaluation.run.resources)
    return _checked(evaluation, session, config), None


def check_change(
    project_dir: Path,
    stack: str,
    config: StackConfig,
    policy_config: Path | None,
    *,
    before: Evaluation | Callable[[], Evaluation],
) -> tuple[Evaluation, preview.Plan]:
    """The stack as `config` makes it, planned from `before` (or what it evaluates) and checked
    by the pack: `--compare`, and the head of each stack with `--base` (tools/prplan.py).

    The pack starts first, on the other core, while the program runs.
    """
    with PackSession(pack_env(config), policy_config, pack_dir=PACK_DIR) as session:
        session.start()
        previous = before() if callable(before) else before
        evaluation, change = evaluate_change(project_dir, stack, previous, config)
        # What `pulumi up` would leave undone or cannot do.
        change.notes = [
            *route_notes.removal_notes(previous, evaluation),
            *route_notes.endpoint_notes(previous, evaluation),
            *route_notes.canary_notes(previous, evaluation),
            *route_notes.transfer_mode_notes(previous, evaluation),
        ]
        for resource in evaluation.run.resources:
            session.analyze(resource)
        evaluation.violations = session.finish(evaluation.run.resources)
    return _checked(evaluation, session, config), change


def _checked(evaluation: Evaluation, session: PackSession, config: StackConfig) -> Evaluation:
    evaluation.timings.update(session.timings)
    evaluation.pack_peak_kib = session.pack.peak_memory_kib if session.pack else None
    evaluation.warnings = config_warnings(config)
    return evaluation


def check_policy_config_file(policy_config: Path) -> None:
    """The file exists and its JSON, shape and enforcement levels are right (CheckError if not);
    the rules' own settings are checked once the pack is up."""
    if not policy_config.is_file():
        raise CheckError(f"no policy pack config file at {policy_config}")
    try:
        pack_config.load_policy_config(policy_config)
    except pack_config.PolicyConfigError as error:
        raise CheckError(config_message(policy_config, error)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.stackcheck",
        description="Check a stack through the program and the policy pack, without credentials.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "The program runs as in an update under mocks: every resource gets an id, so rules\n"
            "that compare ids (the stage variable's VPC link) check real values; a first\n"
            "`pulumi preview` would see unknown ids. Secrets (secure:) cannot be decrypted here:\n"
            "the program sees '[secret]'; pass a stand-in with --set KEY=VALUE.\n"
            "--base REF evaluates REF's own program and stack files (exported with git archive)\n"
            "and the working tree's, and plans between them; the pack checks the working tree.\n"
            "Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad config,\n"
            "an unknown stack, a program error, a policy pack failure, a --base git does not\n"
            "know, or output that cannot be written (a closed pipe, a full disk)."
        ),
    )
    parser.add_argument(
        "stack",
        nargs="?",
        help="stack name: the X of Pulumi.X.yaml (with --base, optional: every stack)",
    )
    parser.add_argument(
        "--policy-pack-config", type=Path, help="policy pack config file, as for the CLI"
    )
    parser.add_argument(
        "--stack-policy-pack-config",
        dest="stack_policy_configs",
        action="append",
        default=[],
        metavar="STACK=FILE",
        help="the policy pack config of one stack, over --policy-pack-config; repeatable",
    )
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument(
        "--json", action="store_true", help="print a JSON document (the same as --format json)"
    )
    formats.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        help="text (the default), json, or GitHub-flavoured markdown for a job summary",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help=(
            "plan what the working tree changes against the git ref REF (its program and stack "
            "files): every stack of either side unless a stack is named"
        ),
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
        action="extend",
        metavar="KEY=VALUE",
        help=(
            "plan the change these values make, as `pulumi preview --diff` shows it; "
            "repeatable, all applied together"
        ),
    )
    return parser


def main(argv: Sequence[str] | None = None, *, project_dir: Path = PROJECT_DIR) -> int:
    """Check a stack of the program in `project_dir` (this project's) with this project's pack."""
    with warnings_once():  # a comparison evaluates the program more than once
        return _main(argv, project_dir)


def _main(argv: Sequence[str] | None, project_dir: Path) -> int:
    from tools import prplan  # noqa: PLC0415 (prplan imports this module: import it once here)

    args = build_parser().parse_args(argv)
    if args.base is not None:
        return prplan.main(args, project_dir)
    try:
        if args.stack is None:
            raise CheckError("name a stack (or give --base REF to plan every stack)")
        overrides = dict(parse_assignment(text) for text in args.sets)
        changes = None
        if args.compare:
            changes = dict(parse_assignment(text) for text in args.compare)
        configs = policy_configs(args)
        evaluation, change = check(
            project_dir,
            args.stack,
            overrides,
            compare_with=changes,
            policy_config=configs.get(args.stack, configs[""]),
        )
    except CheckError as error:
        return _fail(f"error: {error}")
    if output_format(args) == "json":
        document = document_json(evaluation)
        if change is not None:
            document.update(plan_json(change))
        text = report.dump_json(document)
    elif output_format(args) == "markdown":
        text = report.render_markdown([report.single(evaluation, change)], None)
    else:
        text = render_table(evaluation, change)
    if evaluation.warnings:
        _fail("\n".join(f"warning: {w}" for w in evaluation.warnings))  # stderr; status below
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except OSError as error:  # a closed pipe (`| head`), a full disk
        return _output_failed(error)
    return EXIT_VIOLATION if evaluation.mandatory else EXIT_OK


def output_format(args: argparse.Namespace) -> str:
    """ "text", "json" or "markdown": `--json` is `--format json`."""
    chosen: str = "json" if args.json else args.format or "text"
    return chosen


def policy_configs(args: argparse.Namespace) -> dict[str, Path | None]:
    """Stack -> its policy pack config; the key "" is every other stack's (--policy-pack-config)."""
    configs: dict[str, Path | None] = {"": args.policy_pack_config}
    for text in args.stack_policy_configs:
        stack, sep, path = text.partition("=")
        if not sep or not stack or not path:
            raise CheckError(
                f"--stack-policy-pack-config '{text}' is not STACK=FILE "
                "(for example prod=policy/config/strict.json)"
            )
        configs[stack] = Path(path)
    return configs


def _fail(message: str) -> int:
    """Print to stderr (if it can still be written); return exit status 2, for errors."""
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except OSError:
        pass  # nowhere left to say it; the status says it
    return EXIT_ERROR


def _output_failed(error: OSError) -> int:
    """The answer could not be written: one line, exit 2, and nothing more at interpreter exit.

    What is still buffered would fail again when Python flushes stdout on exit (and print a
    traceback-like "Exception ignored" message), so stdout is pointed at /dev/null first.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    reason = error.strerror or type(error).__name__
    return _fail(f"error: cannot write the stack check's output: {reason}")


def run(argv: Sequence[str] | None = None) -> int:
    """The command: `main`, with Ctrl-C and output errors ending quietly (no traceback)."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        return _fail("error: interrupted")
    except OSError as error:  # stdout or stderr failing outside main's own writes
        return _output_failed(error)
    except Exception as error:  # noqa: BLE001 (a bug of the check itself: still exit 2, not 1)
        return _fail(f"error: the stack check itself failed: {type(error).__name__}: {error}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    # Run the module as `tools.stackcheck`, not `__main__`, so that tools.prplan (which imports it)
    # and this command share one CheckError, one parser and one set of helpers.
    from tools import stackcheck  # noqa: PLW0406 (see above)

    sys.exit(stackcheck.run())
