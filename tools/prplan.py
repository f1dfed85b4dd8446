"""What a pull request does to every stack: the stacks as at a git ref (its base) against the tree.

    python -m tools.stackcheck [STACK] --base REF [--format text|json|markdown]

The base is read from git without touching the working tree or the repository's admin files: the
commit's tree at the project's path is exported (`git archive`) into a temporary directory, and
its own `Pulumi.yaml`, stack files and program are evaluated there, under the same mocks as the
head. The plan between the two is the engine's (`tools.preview`, via `stackcheck.evaluate_change`:
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

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools import mockrun, preview, route_notes, stackcheck, stackfiles

#: The first line of the markdown: how the pull-request workflow finds its own comment again.
MARKER = "<!-- private-api:stackcheck-plan -->"
#: GitHub refuses a comment longer than 65536 characters (the REST API's 422 "Body is too long
#: (maximum is 65536 characters)", e.g. danger/danger#424); a step's job summary may hold 1024 KiB
#: (the runner's "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k").
MAX_MARKDOWN = 60_000
#: A plan's `preview --diff` text longer than this many lines is collapsed in the markdown.
OPEN_LINES = 20
#: Changes described in a stack's headline; with more, the headline gives the counts only.
HEADLINE_CHANGES = 3
CheckError = stackcheck.CheckError


@dataclass(frozen=True)
class Base:
    """The git ref the pull request is compared with, as given and as the commit it names."""

    ref: str
    commit: str

    @property
    def label(self) -> str:
        short = self.commit[:12]
        return short if self.ref.startswith(short[:7]) else f"{self.ref} ({short})"


@dataclass
class StackPlan:
    """One stack: "changed" (at both sides), "new" (not at the base), "removed" (not at the
    head), or "checked" (no base and no `--compare`: the findings alone)."""

    stack: str
    status: str
    plan: preview.Plan
    #: The head's evaluation, with the pack's findings; None for a removed stack.
    evaluation: stackcheck.Evaluation | None
    project: str

    @property
    def mandatory(self) -> list[stackcheck.Violation]:
        return self.evaluation.mandatory if self.evaluation else []


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
                        evaluation = stackcheck.evaluate(base_dir, stack, overrides)
                    except CheckError as error:
                        raise CheckError(f"{stack} at {base.label}: {error}") from None
                before, project = evaluation.run, evaluation.config.project
                base_config = evaluation.config
            if stack not in at_head:
                plan = preview.plan(before, mockrun.ProgramRun())
                plans.append(StackPlan(stack, "removed", plan, None, project))
                continue
            config = policy_configs.get(stack, policy_configs.get(""))
            with program_modules(project_dir):
                try:
                    head, plan = check_head(
                        project_dir, stack, overrides, before, config, base_config=base_config
                    )
                except CheckError as error:
                    raise CheckError(f"{stack}: {error}") from None
            status = "changed" if stack in at_base else "new"
            plans.append(StackPlan(stack, status, plan, head, head.config.project))
    return plans


def check_head(
    project_dir: Path,
    stack: str,
    overrides: dict[str, Any],
    before: mockrun.ProgramRun,
    policy_config: Path | None,
    *,
    base_config: stackfiles.StackConfig | None = None,
) -> tuple[stackcheck.Evaluation, preview.Plan]:
    """The head of one stack, planned from `before` and checked by the pack (as `--compare`)."""
    config = stackcheck.load_config(project_dir, stack, overrides)
    session = stackcheck.PackSession(
        stackcheck.pack_env(config), policy_config, pack_dir=stackcheck.PACK_DIR
    )
    with session:
        session.start()  # the pack starts on the other core while the program runs
        try:
            previous = stackcheck.Evaluation(stack=stack, config=base_config or config, run=before)
            head, plan = stackcheck.evaluate_change(project_dir, stack, previous, config)
            # What `pulumi up` would leave undone or cannot do, as --compare says it.
            plan.notes = [
                *route_notes.removal_notes(previous, head),
                *route_notes.endpoint_notes(previous, head),
                *route_notes.canary_notes(previous, head),
            ]
        except CheckError:
            if policy_config is not None:
                session.check_config()  # a bad policy pack config is reported first
            raise
        for resource in head.run.resources:
            session.analyze(resource)
        head.violations = session.finish(head.run.resources)
    head.timings.update(session.timings)
    head.warnings = stackcheck.config_warnings(config)
    return head, plan


# --- text and JSON ------------------------------------------------------------------------------


def render_text(plans: Sequence[StackPlan], base: Base) -> str:
    """Each stack as `--compare` prints it (resources, plan, findings), the base named first."""
    parts = [f"Base: {base.label}"]
    for entry in plans:
        if entry.evaluation is None:
            lines = [
                f"Stack {entry.stack}: removed (Pulumi.{entry.stack}.yaml is not in the working "
                "tree)",
                "",
                *preview.render(entry.plan, entry.stack),
            ]
            parts.append("\n".join(lines))
        else:
            note = " (new: no stack file at the base)" if entry.status == "new" else ""
            text = stackcheck.render_table(entry.evaluation, entry.plan)
            first, _, rest = text.partition("\n")
            parts.append(first + note + "\n" + rest)
    return "\n\n".join(parts)


def render_json(plans: Sequence[StackPlan], base: Base) -> dict[str, Any]:
    """`{base: {ref, commit}, stacks: [{stack, status, resources, violations, ...plan}]}`."""
    stacks = []
    for entry in plans:
        document: dict[str, Any] = {"stack": entry.stack, "status": entry.status}
        if entry.evaluation is not None:
            document |= stackcheck.document_json(entry.evaluation)
            document["status"] = entry.status
        document |= stackcheck.plan_json(entry.plan)
        stacks.append(document)
    return {"base": {"ref": base.ref, "commit": base.commit}, "stacks": stacks}


# --- markdown for a job summary or a pull-request comment ---------------------------------------


def render_markdown(
    plans: Sequence[StackPlan], base: Base | None, *, max_chars: int = MAX_MARKDOWN
) -> str:
    """GitHub-flavoured markdown: a section per stack, its headline the change in one line.

    Within a section, mandatory findings first, then the changed resources, then the plan as
    `pulumi preview --diff` prints it (collapsed when long), then the other findings. If the
    whole is too long for a comment, the plans' texts are left out (the job log has them).
    """
    text = _markdown(plans, base, full=True)
    if len(text) > max_chars:
        text = _markdown(plans, base, full=False)
    return text


def _markdown(plans: Sequence[StackPlan], base: Base | None, *, full: bool) -> str:
    against = f" against `{base.label}`" if base else ""
    lines = [MARKER, f"## Stack check{against}", ""]
    where = "at both commits" if base else "of the working tree"
    lines.append(
        "What each stack's `pulumi up` would do, planned without credentials: the program and "
        f"the stack files {where} under mocks, then the policy pack on the result. Ids are the "
        "mocks' stand-ins."
    )
    failing = [p.stack for p in plans if p.mandatory]
    if failing:
        lines += ["", f"**Failing: {', '.join(failing)}** (mandatory policy violations)."]
    for entry in plans:
        lines += ["", f"### {headline(entry)}", ""]
        lines += _section(entry, full=full)
    if not full:
        ref = base.commit if base else "REF"
        lines += [
            "",
            "_The plans' `pulumi preview --diff` text is left out to fit in a comment; "
            f"`python -m tools.stackcheck --base {ref}` prints it._",
        ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _section(entry: StackPlan, *, full: bool) -> list[str]:
    violations = entry.evaluation.violations if entry.evaluation else []
    mandatory = [v for v in violations if v.enforcement_level == "mandatory"]
    others = [v for v in violations if v.enforcement_level != "mandatory"]
    lines: list[str] = []
    if mandatory:
        lines += [f"**Mandatory policy violations ({len(mandatory)}): the check fails.**", ""]
        lines += [_finding(v) for v in mandatory] + [""]
    for note in entry.plan.notes:
        lines += [f"> [!WARNING]\n> {note}", ""]
    lines += _status(entry) + _changes(entry, full=full)
    if others:
        lines += [f"<details><summary>Advisory policy findings ({len(others)})</summary>", ""]
        lines += [_finding(v) for v in others] + ["", "</details>", ""]
    if entry.evaluation is not None and entry.evaluation.warnings:
        lines += [f"- warning: {_escape(w)}" for w in entry.evaluation.warnings] + [""]
    return lines


def _status(entry: StackPlan) -> list[str]:
    if entry.status == "removed":
        return [
            f"`Pulumi.{entry.stack}.yaml` is removed by this change: `pulumi destroy` of the stack "
            "would delete every resource below.",
            "",
        ]
    if entry.status == "new":
        return [f"`Pulumi.{entry.stack}.yaml` is new: its first `pulumi up` creates it.", ""]
    return []


def _changes(entry: StackPlan, *, full: bool) -> list[str]:
    """The table of changed resources, changed outputs and (full) the preview's own text."""
    changes = entry.plan.changes()
    lines: list[str] = []
    if changes:
        table = ["| | resource | type | change |", "|---|---|---|---|"]
        table += [
            f"| `{preview.SYMBOLS[step.op]}` | {_code(step.name)} | {_code(step.type)} | "
            f"{_what(step)} |"
            for step in changes
        ]
        if len(changes) > 12:
            table = [f"<details><summary>{len(changes)} resources</summary>", "", *table]
            table += ["", "</details>"]
        lines += [*table, ""]
    outputs = [
        (name, change)
        for name, change in entry.plan.outputs.items()
        if preview._json(change["old"]) != preview._json(change["new"])
    ]
    if outputs and entry.status == "changed":
        shown = "; ".join(f"{_code(n)} {_value(c['old'])} → {_value(c['new'])}" for n, c in outputs)
        lines += [f"Outputs: {shown}", ""]
    if full and changes:
        text = preview.render(entry.plan, entry.stack)
        fence = _fence(text)
        block = [f"{fence}text", *text, fence]
        if len(text) > OPEN_LINES:
            summary = f"<code>pulumi preview --diff</code> ({len(text)} lines)"
            block = [f"<details><summary>{summary}</summary>", "", *block, "", "</details>"]
        lines += [*block, ""]
    return lines


def headline(entry: StackPlan) -> str:
    """`prod: 1 to update: stage variables vpcLinkId `a` → `b``: the stack's change in a line."""
    changes = entry.plan.changes()
    counts = preview.summary_line(entry.plan)
    if entry.status == "checked" and entry.evaluation is not None:
        return f"{entry.stack}: {len(entry.evaluation.run.resources)} resources checked"
    if entry.status == "removed":
        return f"{entry.stack}: removed, {counts}"
    if entry.status == "new":
        return f"{entry.stack}: new stack, {counts}"
    if not changes:
        return f"{entry.stack}: no changes"
    if len(changes) > HEADLINE_CHANGES:
        return f"{entry.stack}: {counts}"
    prefix = f"{entry.project}-{entry.stack}-"
    described = []
    for step in changes:
        short = _escape(step.name.removeprefix(prefix))
        if step.op in ("create", "delete"):
            described.append(f"{short} {'created' if step.op == 'create' else 'deleted'}")
            continue
        what = ", ".join(
            _leaf(_escape(k), step.diff[k]["old"], step.diff[k]["new"]) for k in step.keys
        )
        replaced = step.op == "replace"
        described.append(f"{short} replaced ({what})" if replaced else f"{short} {what}")
    return f"{entry.stack}: {counts}: " + "; ".join(described)


def _leaf(path: str, old: Any, new: Any) -> str:
    """The one value that changed under `path`, with its old and new value, if there is one."""
    while isinstance(old, dict) and isinstance(new, dict):
        differing = [
            k
            for k in sorted(old.keys() | new.keys())
            if preview._json(old.get(k)) != preview._json(new.get(k))
        ]
        if len(differing) != 1:
            return path
        key = differing[0]
        path, old, new = f"{path} {_escape(key)}", old.get(key), new.get(key)
    shown_old, shown_new = _value(old), _value(new)
    if len(shown_old) + len(shown_new) > 80:
        return path
    return f"{path} {shown_old} → {shown_new}"


def _value(value: Any) -> str:
    """A value as inline code: a string as it is (no quotes), anything else as JSON."""
    if value is None:
        return "(none)"
    return _code(value if isinstance(value, str) else preview._show(value))


def _code(text: str) -> str:
    """Inline code that nothing in `text` can end early or split (a table cell's `|`)."""
    return "`" + " ".join(text.split()).replace("`", "'").replace("|", "\\|") + "`"


def _fence(lines: Sequence[str]) -> str:
    """A code fence longer than any run of backticks in the block, so none can close it."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    return "`" * max(3, longest + 1)


def _what(step: preview.Step) -> str:
    if step.op == "create":
        return "create"
    if step.op == "delete":
        return "delete"
    keys = ", ".join(_code(k) for k in step.keys)
    if step.op == "replace":
        forced = ", ".join(_code(k) for k in step.replace_keys)
        return f"replace ({forced} forces a new resource); changes {keys}"
    return f"{step.op} {keys}"


_SPECIAL = re.compile(r"([\\`*_<>\[\]|])")


def _escape(text: str) -> str:
    """Text from a message, safe in a markdown line (no HTML, no accidental emphasis or table)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _finding(violation: stackcheck.Violation) -> str:
    where = violation.urn.rsplit("::", 1)[-1] if violation.urn else "the stack"
    return (
        f"- `{violation.policy}` ({violation.enforcement_level}) on `{where}`: "
        f"{_escape(violation.message)}"
    )


def dump_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, default=repr)


def single(evaluation: stackcheck.Evaluation, change: preview.Plan | None) -> StackPlan:
    """One stack checked without `--base` (with `--compare`, its plan), for the markdown."""
    plan = change if change is not None else preview.Plan([], {})
    status = "changed" if change is not None else "checked"
    return StackPlan(evaluation.stack, status, plan, evaluation, evaluation.config.project)


def main(args: Any, project_dir: Path) -> int:
    """`--base REF`: every stack's plan (or the one named), then the pack's findings on the head."""
    try:
        if args.compare:
            raise CheckError(
                "--compare and --base cannot be used together: --base plans the working tree's "
                "own changes; edit the stack file instead"
            )
        overrides = dict(stackcheck.parse_assignment(text) for text in args.sets)
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
