"""What the stack check prints: the table, the JSON documents, and markdown for a pull request.

The text and JSON shapes are the command's interface (README.md, docs/stack-check.md): `--json`
gives `{stack, resources, violations, warnings}` plus the plan's `added`, `removed`, `changed`,
`outputs`, `summary` and `notes` with `--compare`; `--base` gives `{base, stacks}`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tools import mockrun, preview
from tools.evaluation import Evaluation
from tools.pack_session import Violation

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
    evaluation: Evaluation | None
    project: str

    @property
    def mandatory(self) -> list[Violation]:
        return self.evaluation.mandatory if self.evaluation else []


def plan_json(change: preview.Plan) -> dict[str, Any]:
    """`added`, `removed`, `changed: [{urn, type, op, keys, diff}]`, outputs and the counts."""
    return {
        "added": [s.urn for s in change.steps if s.op == "create"],
        "removed": [s.urn for s in change.steps if s.op == "delete"],
        "changed": preview.steps_json(
            s for s in change.steps if s.op in ("update", "replace", "read")
        ),
        "outputs": {k: v for k, v in change.outputs.items() if _json(v["old"]) != _json(v["new"])},
        "summary": change.counts(),
        "notes": list(change.notes),
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def document_json(evaluation: Evaluation) -> dict[str, Any]:
    """`{stack, resources, violations, warnings}`: what `--json` prints for one stack."""
    return {
        "stack": evaluation.stack,
        "resources": [_resource_json(r) for r in preview.ordered(evaluation.run.resources)],
        "violations": [v.as_json() for v in evaluation.violations],
        "warnings": evaluation.warnings,
    }


def _resource_json(resource: mockrun.RecordedResource) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "inputs": resource.inputs,
    }


def render_table(evaluation: Evaluation, change: preview.Plan | None) -> str:
    resources = preview.ordered(evaluation.run.resources)
    lines = [f"Stack {evaluation.stack}: {len(resources)} resources"]
    width = max((len(r.type) for r in resources), default=0)
    for resource in resources:
        note = "  (read, not managed)" if resource.read else ""
        lines.append(f"  {resource.type:<{width}}  {resource.name}{note}")
    if change is not None:
        lines.append("")
        lines += preview.render(change, evaluation.stack)
        lines.extend(f"  ! {note}" for note in change.notes)
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
            text = render_table(entry.evaluation, entry.plan)
            first, _, rest = text.partition("\n")
            parts.append(first + note + "\n" + rest)
    return "\n\n".join(parts)


def render_json(plans: Sequence[StackPlan], base: Base) -> dict[str, Any]:
    """`{base: {ref, commit}, stacks: [{stack, status, resources, violations, ...plan}]}`."""
    stacks = []
    for entry in plans:
        document: dict[str, Any] = {"stack": entry.stack, "status": entry.status}
        if entry.evaluation is not None:
            document |= document_json(entry.evaluation)
            document["status"] = entry.status
        document |= plan_json(entry.plan)
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


def _finding(violation: Violation) -> str:
    where = violation.urn.rsplit("::", 1)[-1] if violation.urn else "the stack"
    return (
        f"- `{violation.policy}` ({violation.enforcement_level}) on `{where}`: "
        f"{_escape(violation.message)}"
    )


def single(evaluation: Evaluation, change: preview.Plan | None) -> StackPlan:
    """One stack checked without `--base` (with `--compare`, its plan), for the markdown."""
    plan = change if change is not None else preview.Plan([], {})
    status = "changed" if change is not None else "checked"
    return StackPlan(evaluation.stack, status, plan, evaluation, evaluation.config.project)


def dump_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, default=repr)
