"""What a change does, planned as the engine plans it and shown as `pulumi preview --diff` shows it.

The engine compares each resource's old inputs with its new ones and asks the provider whether
the difference can be applied in place: for pulumi-aws, a change to an input the Terraform
provider marks `ForceNew` is a replacement. Those inputs are data, `tools/replacements.json`
(its source and version are named there). A replacement is a new cloud resource with a new id,
so what refers to it changes as well: the stack check evaluates the program again with the
replaced resources given new ids (`tools.mockrun`, `replaced=`) until no new replacement appears,
and then plans the result here.
"""

from __future__ import annotations

import heapq
import importlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from tools import mockrun, pack_messages

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")
json_format: Any = importlib.import_module("google.protobuf.json_format")

TABLE_PATH = Path(__file__).with_name("replacements.json")
SECRET = "[secret]"  # noqa: S105 (what is shown instead of a secret's value)
#: As `pulumi preview` marks each kind of step, and the order it counts them in.
SYMBOLS = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "read": ">"}
COUNTED = ("create", "update", "replace", "delete", "read")
_MISSING: Any = object()


@cache
def replacement_table(path: Path = TABLE_PATH) -> dict[str, frozenset[str]]:
    """Resource type -> the inputs whose change replaces the resource."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {token: frozenset(entry["replaceOn"]) for token, entry in data["types"].items()}


@dataclass(frozen=True)
class ReplaceWhen:
    """An input that replaces the resource only for some values (a provider's CustomizeDiff).

    The change replaces when the old or the new value is one of `values`; an absent input counts
    as the provider's `default`. (aws_api_gateway_authorizer: a change of `type` to or from
    COGNITO_USER_POOLS; any other change of `type` is an update.)
    """

    values: frozenset[Any]
    default: Any = None

    def replaces(self, old: Any, new: Any) -> bool:
        old = self.default if old is _MISSING or old is None else old
        new = self.default if new is _MISSING or new is None else new
        return old != new and (old in self.values or new in self.values)


@cache
def conditional_table(path: Path = TABLE_PATH) -> dict[str, dict[str, ReplaceWhen]]:
    """Resource type -> input -> the values whose change to or from them replaces."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        token: {
            key: ReplaceWhen(frozenset(rule["oldOrNewIn"]), rule.get("default"))
            for key, rule in entry["replaceWhen"].items()
        }
        for token, entry in data["types"].items()
        if "replaceWhen" in entry
    }


@dataclass(frozen=True)
class Step:
    """What the engine would do to one resource."""

    urn: str
    type: str
    name: str
    #: "create", "update", "replace", "delete", "read" or "same".
    op: str
    #: Inputs that differ, sorted.
    keys: tuple[str, ...] = ()
    #: Input -> {"old": ..., "new": ...}; a secret input's values are "[secret]".
    diff: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Of `keys`, those that force the replacement.
    replace_keys: tuple[str, ...] = ()
    #: A created resource's inputs, a deleted one's last inputs (secrets as "[secret]").
    inputs: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "op": self.op,
            "keys": list(self.keys),
            "diff": self.diff,
        }


@dataclass
class Plan:
    steps: list[Step]
    #: Stack output -> {"old": ..., "new": ...}, every output (equal values when unchanged).
    outputs: dict[str, dict[str, Any]]
    #: Types whose replacement rules are unknown: their changes are shown as updates.
    unknown_types: list[str] = field(default_factory=list)
    #: What the change leaves unfinished or puts at risk, with the fix (tools/route_notes.py).
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = {op: 0 for op in (*COUNTED, "same")}
        for step in self.steps:
            found[step.op] += 1
        return found

    @property
    def replaced(self) -> set[str]:
        return {s.urn for s in self.steps if s.op == "replace"}

    def changes(self) -> list[Step]:
        return [s for s in self.steps if s.op != "same"]


def ordered(resources: Sequence[mockrun.RecordedResource]) -> list[mockrun.RecordedResource]:
    """Dependencies first, ties by URN: the same order on every run, whatever the SDK's threads
    did (registration order is not stable)."""
    by_urn = {r.urn: r for r in resources}
    needs: dict[str, set[str]] = {}
    for resource in resources:
        edges = {resource.parent, *resource.dependencies}
        for urns in resource.property_dependencies.values():
            edges.update(urns)
        needs[resource.urn] = {u for u in edges if u in by_urn and u != resource.urn}
    users: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for urn, deps in needs.items():
        for dep in deps:
            users[dep].append(urn)
    ready = [urn for urn, deps in needs.items() if not deps]
    heapq.heapify(ready)
    result: list[mockrun.RecordedResource] = []
    while ready:
        urn = heapq.heappop(ready)
        result.append(by_urn[urn])
        for user in users[urn]:
            needs[user].discard(urn)
            if not needs[user]:
                heapq.heappush(ready, user)
    seen = {r.urn for r in result}
    result += sorted((r for r in resources if r.urn not in seen), key=lambda r: r.urn)  # cycles
    return result


def plan(
    before: mockrun.ProgramRun,
    after: mockrun.ProgramRun,
    table: Mapping[str, frozenset[str]] | None = None,
    conditions: Mapping[str, Mapping[str, ReplaceWhen]] | None = None,
) -> Plan:
    """Each resource's step from `before` to `after`, in a stable order, deletes last."""
    table = replacement_table() if table is None else table
    conditions = conditional_table() if conditions is None else conditions
    old = {r.urn: r for r in before.resources}
    steps: list[Step] = []
    unknown: set[str] = set()
    for resource in ordered(after.resources):
        previous = old.get(resource.urn)
        if previous is None:
            shown = _shown_inputs(resource)
            steps.append(Step(resource.urn, resource.type, resource.name, "create", inputs=shown))
            continue
        keys = tuple(
            sorted(
                k
                for k in previous.inputs.keys() | resource.inputs.keys()
                # The engine keeps the old value of an `ignore_changes` input (Pulumi docs,
                # resource option ignoreChanges): no diff, so no update and no replacement.
                if k not in resource.ignore_changes
                and _json(previous.inputs.get(k, _MISSING))
                != _json(resource.inputs.get(k, _MISSING))
            )
        )
        if not keys:
            steps.append(Step(resource.urn, resource.type, resource.name, "same"))
            continue
        secret = _secret_keys(previous) | _secret_keys(resource)
        diff = {
            k: {
                "old": SECRET if k in secret else tidy(previous.inputs.get(k)),
                "new": SECRET if k in secret else tidy(resource.inputs.get(k)),
            }
            for k in keys
        }
        replace_keys: tuple[str, ...] = ()
        if resource.read:
            op = "read"
        elif resource.custom:
            rules = table.get(resource.type)
            if rules is None:
                unknown.add(resource.type)
                rules = frozenset()
            when = conditions.get(resource.type, {})
            replace_keys = tuple(
                k
                for k in keys
                if k in rules
                or (
                    k in when
                    and when[k].replaces(
                        previous.inputs.get(k, _MISSING), resource.inputs.get(k, _MISSING)
                    )
                )
            )
            op = "replace" if replace_keys else "update"
        else:
            op = "update"
        steps.append(Step(resource.urn, resource.type, resource.name, op, keys, diff, replace_keys))
    new_urns = {r.urn for r in after.resources}
    for resource in reversed(ordered(before.resources)):  # dependants are deleted first
        if resource.urn not in new_urns:
            shown = _shown_inputs(resource)
            steps.append(Step(resource.urn, resource.type, resource.name, "delete", inputs=shown))
    outputs = {
        name: {
            "old": tidy(before.outputs.get(name)),
            "new": tidy(after.outputs.get(name)),
        }
        for name in sorted(before.outputs.keys() | after.outputs.keys())
    }
    return Plan(steps, outputs, sorted(unknown))


def _shown_inputs(resource: mockrun.RecordedResource) -> dict[str, Any]:
    secret = _secret_keys(resource)
    return {k: SECRET if k in secret else tidy(v) for k, v in sorted(resource.inputs.items())}


def tidy(value: Any) -> Any:
    """Numbers as the program wrote them: protobuf carries every number as a double (29000.0)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tidy(v) for v in value]
    return value


def _json(value: Any) -> str:
    if value is _MISSING:
        return "\0missing"
    return json.dumps(value, sort_keys=True, default=repr)


def _secret_keys(resource: mockrun.RecordedResource) -> set[str]:
    """Top-level inputs whose value holds a secret, as the SDK marked it on the wire."""
    data = resource.wire.get("inputs")
    if not isinstance(data, bytes) or pack_messages.SECRET_SIG.encode() not in data:
        return set()
    values = json_format.MessageToDict(struct_pb2.Struct.FromString(data))
    return {k for k, v in values.items() if _holds_secret(v)}


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        if value.get(pack_messages.SIG_KEY) == pack_messages.SECRET_SIG:
            return True
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


# --- the text `pulumi preview --diff` prints ------------------------------------------------------


def render(plan_: Plan, stack: str) -> list[str]:
    """Steps, then each changed input old => new, then outputs, then the counts."""
    lines = [f"Previewing update ({stack}):"]
    for step in plan_.changes():
        symbol = SYMBOLS[step.op]
        reason = ""
        if step.replace_keys:
            reason = f"; {', '.join(step.replace_keys)} forces a new resource"
        op = "read-replacement" if step.op == "read" else step.op
        lines.append(f"  {symbol:<2}{step.type}: {step.name} ({op}{reason})")
        lines.append(f"        [urn={step.urn}]")
        for key in step.keys:
            change = step.diff[key]
            lines += _value_diff(key, change["old"], change["new"], "      ")
        for key, value in step.inputs.items():  # what a create sets, what a delete removes
            lines += _block("+" if step.op == "create" else "-", key, value, "      ")
    if not plan_.changes():
        lines.append("  no resource changes")
    if plan_.outputs:
        lines.append("Outputs:")
        for name, change in plan_.outputs.items():
            old, new = change["old"], change["new"]
            if _json(old) == _json(new):
                lines.append(f"    {name}: {_show(new)}")
            else:
                lines += _value_diff(name, old, new, "  ")
    return lines + _counts(plan_)


def _counts(plan_: Plan) -> list[str]:
    """The footer: how many resources each operation touches, and the unknown types."""
    lines = ["Resources:"]
    counts = plan_.counts()
    for op in COUNTED:
        if counts[op]:
            label = "to read" if op == "read" else f"to {op}"
            lines.append(f"    {SYMBOLS[op]:<2}{counts[op]} {label}")
    changed = sum(counts[op] for op in COUNTED)
    summary = f"    {changed} change{'s' if changed != 1 else ''}"
    lines.append(summary + (f". {counts['same']} unchanged" if counts["same"] else ""))
    for type_ in plan_.unknown_types:
        lines.append(
            f"warning: the replacement rules of {type_} are not known (tools/replacements.json); "
            "its changes are shown as updates, but some may replace it"
        )
    return lines


def summary_line(plan_: Plan) -> str:
    """`1 to update, 1 to replace` (Pulumi's counts on one line)."""
    counts = plan_.counts()
    parts = [f"{counts[op]} to {op}" for op in COUNTED if counts[op]]
    return ", ".join(parts) or "no changes"


def _json_object(value: Any) -> dict[str, Any] | None:
    """A string holding a JSON object (an OpenAPI body, a policy), parsed; else None."""
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _value_diff(key: str, old: Any, new: Any, indent: str) -> list[str]:
    old_doc, new_doc = _json_object(old), _json_object(new)
    if old_doc is not None and new_doc is not None:
        # A JSON document in a string (openapi mode's `body`: 156 KB at 351 paths) shown as one
        # string on each side hides what changed; its changed members are what the reader needs
        # (`paths./orders/{id}.get...timeoutInMillis: 29000 => 20000`).
        return _value_diff(f"{key} (JSON)", old_doc, new_doc, indent)
    if old is None or old is _MISSING:
        return _block("+", key, new, indent)
    if new is None or new is _MISSING:
        return _block("-", key, old, indent)
    if isinstance(old, dict) and isinstance(new, dict):
        lines = [f"{indent}~ {key}: {{"]
        for sub in sorted(old.keys() | new.keys()):
            a, b = old.get(sub, _MISSING), new.get(sub, _MISSING)
            if _json(a) != _json(b):
                lines += _value_diff(sub, a, b, indent + "    ")
        return [*lines, f"{indent}  }}"]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        lines = [f"{indent}~ {key}: ["]
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if _json(a) != _json(b):
                lines += _value_diff(f"[{index}]", a, b, indent + "    ")
        return [*lines, f"{indent}  ]"]
    return [f"{indent}~ {key}: {_show(old)} => {_show(new)}"]


def _block(symbol: str, key: str, value: Any, indent: str) -> list[str]:
    if isinstance(value, dict) and value:
        lines = [f"{indent}{symbol} {key}: {{"]
        for sub in sorted(value):
            lines += _block(symbol, sub, value[sub], indent + "    ")
        return [*lines, f"{indent}  }}"]
    return [f"{indent}{symbol} {key}: {_show(value)}"]


def _show(value: Any) -> str:
    """A value as the CLI prints it: strings quoted, the rest as JSON; unknowns as output<...>."""
    if value is mockrun.UNKNOWN:
        return "output<string>"
    if value == SECRET:
        return SECRET
    return json.dumps(value, sort_keys=True, default=repr, ensure_ascii=False)


def steps_json(steps: Iterable[Step]) -> list[dict[str, Any]]:
    return [s.as_json() for s in steps]
