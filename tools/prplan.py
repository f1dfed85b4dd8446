"""What a pull request does to every stack: the stacks as at a git ref (its base) against the tree.

    python -m tools.stackcheck [STACK] --base REF [--format text|json|markdown]

The base is read from git without touching the working tree or the repository's admin files: the
commit's tree at the project's path is exported (`git archive`) into a temporary directory, and
its own `Pulumi.yaml`, stack files and program are evaluated there, under the same mocks as the
head. The plan between the two is the engine's (`tools.preview`, via `evaluation.evaluate_change`:
replaced resources get new ids, so what refers to them changes too); the policy pack then checks
the head, as a preview of the pull request would. A stack that has no stack file at the base plans
as all creates; one the pull request removes plans as all deletes, and is not checked.

Both programs run in this one process, one after the other. mockrun imports the program's own
modules (`stack_config`, `components`, `preflight`) from the directory it runs; the names a
program directory provides are taken out of `sys.modules` for its run and put back afterwards
(`program_modules`), so the base run imports the base's modules and the head's stay the head's.
That costs 30 to 49 ms a side; a subprocess per side would import Python, pulumi and pulumi_aws
again, about 1 s a side on a quiet machine (BENCHMARKS.md, "`--base`: one process for both sides").
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tools import evaluation, mockrun, pack_session, preview, stackcheck, stackfiles
from tools.report import (
    Base,
    StackPlan,
    dump_json,
    render_json,
    render_markdown,
    render_text,
)

CheckError = pack_session.CheckError


# --- the base, from git -----------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise CheckError("--base needs git, and git is not installed") from None


def resolve(project_dir: Path, ref: str) -> tuple[Base, Path]:
    """The commit `ref` names and the repository's top directory; CheckError if there is none."""
    top = _git(project_dir, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise CheckError(f"--base needs a git repository, and {project_dir} is not in one")
    if not ref or ref.startswith("-"):
        raise CheckError(f"'{ref}' is not a git ref")
    if any(c.isspace() or ord(c) < 0x20 or c == "\x7f" for c in ref):
        # git-check-ref-format: no ref holds a space or a control character, so no fetch helps.
        raise CheckError(
            f"'{ref}' has a space or a control character, which no git ref can hold; name a "
            "branch, tag or commit (for example origin/main), quoted as one argument"
        )
    found = _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        kind = _git(project_dir, "cat-file", "-t", ref)
        if kind.returncode == 0 and kind.stdout.strip() in {"blob", "tree"}:
            # It exists, so fetching changes nothing: a file's or directory's object, no commit.
            raise CheckError(
                f"'{ref}' names a {kind.stdout.strip()} (a file's or directory's content), not a "
                "commit; --base takes a branch, tag or commit, such as origin/main or HEAD~1"
            )
        raise CheckError(
            f"no commit '{ref}' in the git repository at {top.stdout.strip()}: "
            f"fetch it first (git fetch origin {ref}) or name another --base"
        )
    return Base(ref, found.stdout.strip()), Path(top.stdout.strip())


@contextmanager
def exported(project_dir: Path, base: Base, top: Path) -> Iterator[Path]:
    """The project directory as it is at the base commit, in a temporary directory (removed after).

    `git archive` reads the commit's tree from the object store: the working tree, the index and
    the repository's worktree list stay as they are (a `git worktree add` would register one).
    """
    prefix = project_dir.resolve().relative_to(top.resolve()).as_posix()
    tree = base.commit if prefix == "." else f"{base.commit}:{prefix}"
    temp = Path(tempfile.mkdtemp(prefix="stackcheck-base-"))
    try:
        with subprocess.Popen(
            ["git", "archive", "--format=tar", tree],
            cwd=top,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as archive:
            assert archive.stdout is not None
            try:
                with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
                    tar.extractall(temp, filter="tar")  # a repository may hold absolute symlinks
            except tarfile.ReadError:
                pass  # git said why, below
            error = archive.stderr.read().decode(errors="replace") if archive.stderr else ""
        if archive.returncode != 0:
            # The project's directory did not exist at the base: an empty project, no stacks.
            if "not a valid object name" in error or "not a tree object" in error:
                yield temp
                return
            raise CheckError(f"git archive {tree} failed: {error.strip()}")
        yield temp
    finally:
        shutil.rmtree(temp, ignore_errors=True)


# --- one program's modules at a time ------------------------------------------------------------


def provided_modules(directory: Path) -> set[str]:
    """Top-level module names a program directory provides (`stack_config`, `components`, ...).

    The checker's own package is left out: it is the one running, whichever side is evaluated.
    """
    names = set()
    for entry in directory.iterdir() if directory.is_dir() else ():
        if entry.is_file() and entry.suffix == ".py" and entry.stem != "__main__":
            names.add(entry.stem)
        elif entry.is_dir() and entry.name.isidentifier() and any(entry.glob("*.py")):
            names.add(entry.name)
    return names - {__name__.partition(".")[0]}


@contextmanager
def program_modules(directory: Path) -> Iterator[None]:
    """Let the program in `directory` import its own modules, and leave no trace of them after.

    Every loaded module named like one the directory provides (and its submodules) is set aside,
    the program runs and imports its own, those are dropped and the set-aside ones put back.
    """
    names = provided_modules(directory)

    def ours(module: str) -> bool:
        return module.partition(".")[0] in names

    kept = {name: sys.modules.pop(name) for name in [m for m in sys.modules if ours(m)]}
    try:
        yield
    finally:
        for name in [m for m in sys.modules if ours(m)]:
            del sys.modules[name]
        sys.modules.update(kept)


# --- the plan of every stack ----------------------------------------------------------------------


def stacks_of(project_dir: Path) -> list[str]:
    return stackfiles.stack_names(project_dir) if (project_dir / "Pulumi.yaml").is_file() else []


def plan_stacks(
    project_dir: Path,
    base: Base,
    stacks: Sequence[str] | None,
    overrides: dict[str, Any],
    policy_configs: Mapping[str, Path | None],
) -> list[StackPlan]:
    """Each stack's plan from the base to the working tree, and the pack's findings on the head.

    `stacks` None means every stack of either side; a named stack must exist on one side.
    `policy_configs` maps a stack to its pack config (the key "" for every other stack).
    """
    for path in {p for p in policy_configs.values() if p is not None}:
        stackcheck.check_policy_config_file(path)
    _, top = resolve(project_dir, base.commit)
    with exported(project_dir, base, top) as base_dir:
        at_base, at_head = stacks_of(base_dir), stacks_of(project_dir)
        if stacks is None:
            stacks = sorted(set(at_base) | set(at_head))
        else:
            for stack in stacks:
                if stack not in at_base and stack not in at_head:
                    known = ", ".join(sorted(set(at_base) | set(at_head))) or "none"
                    raise CheckError(
                        f"no stack named '{stack}' at {base.label} or in the working tree "
                        f"(no Pulumi.{stack}.yaml); stacks: {known}"
                    )
        plans = []
        for stack in stacks:
            before = mockrun.ProgramRun()
            base_config: stackfiles.StackConfig | None = None
            project = ""
            if stack in at_base:
                with program_modules(base_dir):
                    try:
                        evaluated = evaluation.evaluate(base_dir, stack, overrides)
                    except CheckError as error:
                        raise CheckError(f"{stack} at {base.label}: {error}") from None
                before, project = evaluated.run, evaluated.config.project
                base_config = evaluated.config
            if stack not in at_head:
                plan = preview.plan(before, mockrun.ProgramRun())
                plans.append(StackPlan(stack, "removed", plan, None, project))
                continue
            config = policy_configs.get(stack, policy_configs.get(""))
            with program_modules(project_dir):
                try:
                    head_config = evaluation.load_config(project_dir, stack, overrides)
                    previous = evaluation.Evaluation(stack, base_config or head_config, before)
                    head, plan = stackcheck.check_change(
                        project_dir, stack, head_config, config, before=previous
                    )
                except CheckError as error:
                    raise CheckError(f"{stack}: {error}") from None
            status = "changed" if stack in at_base else "new"
            plans.append(StackPlan(stack, status, plan, head, head.config.project))
    return plans


# --- text and JSON ------------------------------------------------------------------------------


def main(args: Any, project_dir: Path) -> int:
    """`--base REF`: every stack's plan (or the one named), then the pack's findings on the head."""
    try:
        if args.compare:
            raise CheckError(
                "--compare and --base cannot be used together: --base plans the working tree's "
                "own changes; edit the stack file instead"
            )
        overrides = dict(evaluation.parse_assignment(text) for text in args.sets)
        configs = stackcheck.policy_configs(args)
        base, _ = resolve(project_dir, args.base)
        stacks = [args.stack] if args.stack else None
        plans = plan_stacks(project_dir, base, stacks, overrides, configs)
    except CheckError as error:
        return stackcheck._fail(f"error: {error}")
    chosen = stackcheck.output_format(args)
    if chosen == "json":
        text = dump_json(render_json(plans, base))
    elif chosen == "markdown":
        text = render_markdown(plans, base)
    else:
        text = render_text(plans, base)
    warnings = [
        f"warning: {entry.stack}: {w}"
        for entry in plans
        if entry.evaluation is not None
        for w in entry.evaluation.warnings
    ]
    if warnings:
        stackcheck._fail("\n".join(warnings))  # stderr; the status below
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except OSError as error:
        return stackcheck._output_failed(error)
    failing = any(entry.mandatory for entry in plans)
    return stackcheck.EXIT_VIOLATION if failing else stackcheck.EXIT_OK
