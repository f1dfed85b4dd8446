"""From what the package's provider host hands `PrivateRestApi` to the `PrivateRestApiArgs` the
Python program builds, through one checked path.

The host (pulumi 3.272, `pulumi/provider/experimental/component.py`, `map_input_properties`)
passes a plain dict with Python field names, not a `PrivateRestApiInputs` (pulumi/pulumi#18526,
open); it checks only that required inputs are present, converts enums it finds directly on a
field, and leaves numbers as the engine sent them: floats, integers included (its `int()` result
is overwritten by the next line). So `to_args` checks every value's type against
`package_args`, restores integers, and names each problem by its schema path
(`vpcLinks.blue.targetArn`, `routes[0].method`), as config errors name the config key.

An input declared `pulumi.Input[str]` may arrive as a `pulumi.Output`: the engine sends
Construct's inputs as output values to a provider that accepts outputs (pulumi/pulumi
`sdk/go/common/resource/plugin/provider_plugin.go`, `Construct`, `KeepOutputValues`), which the
Python server declares (`pulumi/provider/server.py`, `Configure`); the server deserializes them
as Outputs with their dependencies and secrecy (`_construct_inputs`), unknown in a preview.
Such an Output is passed through unread: the specs check its text only when it is a plain
string (`components/input_text.py`). An Output where a plain value is declared is refused by
path, as any other wrong type.
"""

import dataclasses
import enum
import re
import types
import typing
from collections.abc import Awaitable, Mapping
from typing import Any

import pulumi

from components.args import InvalidArgsError, PrivateRestApiArgs
from components.authorizer_spec import AuthorizerSpec
from components.canary_spec import CanarySpec
from components.link_spec import VpcLinkSpec
from components.observability_spec import ObservabilitySpec
from components.package_args import PrivateRestApiInputs
from components.route_spec import RouteSpec

#: Fields whose next path part is a map key the team chose, kept as written.
_MAPS = frozenset({"vpc_links", "authorizers", "tags"})


class PackageInputError(ValueError):
    """Inputs `PrivateRestApi` cannot build from; `problems` holds (schema path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        lines = [f"{where}: {what}" for where, what in problems]
        super().__init__(
            f"Invalid PrivateRestApi inputs: {lines[0]}"
            if len(lines) == 1
            else f"Invalid PrivateRestApi inputs ({len(lines)} problems):\n"
            + "\n".join(f"  - {line}" for line in lines)
        )
        self.problems = problems


def camel(name: str) -> str:
    """The schema's name of a Python field, as the analyzer derives it (`util.camel_case`)."""
    first, *rest = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def schema_path(where: str) -> str:
    """`vpc_links.my_link.target_arn` as the schema names it: `vpcLinks.my_link.targetArn`."""
    parts = re.split(r"(\.|\[\d+\])", where)
    out: list[str] = []
    after_map = False
    for part in parts:
        if part in ("", ".") or part.startswith("["):
            out.append(part)
            continue
        out.append(part if after_map else camel(part))
        after_map = not after_map and part in _MAPS
    return "".join(out)


def to_args(inputs: Mapping[str, Any]) -> PrivateRestApiArgs:
    """The validated args for the host's dict; `PackageInputError` names every problem."""
    problems: list[tuple[str, str]] = []
    typed = _convert(inputs, PrivateRestApiInputs, "", problems)
    if problems or not isinstance(typed, PrivateRestApiInputs):
        raise PackageInputError(problems)
    fields = _specs(typed, problems)
    if problems:
        raise PackageInputError(problems)
    try:
        return PrivateRestApiArgs(**fields)
    except InvalidArgsError as error:
        raise PackageInputError(
            [(schema_path(where), message) for where, message in error.problems]
        ) from None


def _given(value: object) -> dict[str, Any]:
    """A dataclass's fields that were given: the rest keep the spec's own defaults."""
    return {
        field.name: tuple(item) if isinstance(item, list) else item
        for field in dataclasses.fields(value)  # type: ignore[arg-type]
        if (item := getattr(value, field.name)) is not None
    }


def _spec(build: type[Any], value: object, where: str, problems: list[tuple[str, str]]) -> Any:
    fields = _given(value)
    if build is VpcLinkSpec and "id" in fields:
        fields["vpc_link_id"] = fields.pop("id")
    output_target = isinstance(fields.get("target_arn"), pulumi.Output)
    if build is VpcLinkSpec and output_target and "kind" not in fields:
        # The default (v1, an NLB) is safe for text only: an ALB's ARN given as text is refused
        # by its form, an Output's is not read before the link exists.
        problems.append(
            (
                schema_path(f"{where}.kind"),
                "is required when targetArn is an output of another resource: its text is not "
                "known before the link is created, so it cannot show an NLB from an ALB. Give "
                "kind: v1 for a VPC link to an NLB (a V2 link's targetArn must be text).",
            )
        )
        return None
    try:
        return build(**fields)
    except ValueError as error:
        problems.append((schema_path(where), str(error)))
        return None


def _specs(typed: PrivateRestApiInputs, problems: list[tuple[str, str]]) -> dict[str, Any]:
    """`PrivateRestApiArgs`' keyword arguments: the given fields, each nested value a spec."""
    fields = _given(typed)
    fields["vpc_links"] = {
        name: _spec(VpcLinkSpec, link, f"vpc_links.{name}", problems)
        for name, link in typed.vpc_links.items()
    }
    if typed.routes is not None:
        fields["routes"] = tuple(
            _spec(RouteSpec, route, f"routes[{index}]", problems)
            for index, route in enumerate(typed.routes)
        )
    if typed.authorizers is not None:
        fields["authorizers"] = {
            name: _spec(AuthorizerSpec, authorizer, f"authorizers.{name}", problems)
            for name, authorizer in typed.authorizers.items()
        }
    if typed.canary is not None:
        fields["canary"] = _spec(CanarySpec, typed.canary, "canary", problems)
    if typed.observability is not None:
        fields["observability"] = _spec(
            ObservabilitySpec, typed.observability, "observability", problems
        )
    if typed.binary_media_types is not None:
        fields["binary_media_types"] = list(typed.binary_media_types)
    return fields


def _convert(value: Any, hint: Any, where: str, problems: list[tuple[str, str]]) -> Any:
    """`value` as `hint` (a `package_args` annotation), or a problem at `where`."""
    origin, type_args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        if isinstance(value, pulumi.Output) and any(map(_is_output, type_args)):
            return value  # an input: its text is checked by the spec when it is known
        # `X | None`, or `pulumi.Input[X] | None` (X, Awaitable[X], Output[X], None): X.
        (inner,) = [
            arg
            for arg in type_args
            if arg is not type(None)
            and not _is_output(arg)
            and typing.get_origin(arg) is not Awaitable
        ]
        return _convert(value, inner, where, problems)
    if origin in (list, dict):
        return _container(value, origin, type_args[-1], where, problems)
    if hint is Any:
        return _whole_numbers(value)
    if dataclasses.is_dataclass(hint):
        return _dataclass(value, hint, where, problems)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(value, hint, where, problems)
    return _scalar(value, hint, where, problems)


def _is_output(hint: Any) -> bool:
    """`Output[X]`, or the forward reference "Output[T]" that `pulumi.Input` holds."""
    if isinstance(hint, typing.ForwardRef):
        return hint.__forward_arg__.startswith("Output[")
    return typing.get_origin(hint) is pulumi.Output


def _container(
    value: Any, origin: type, item_hint: Any, where: str, problems: list[tuple[str, str]]
) -> Any:
    """A list, or a map with string keys (the only maps the schema has)."""
    if origin is list:
        if not isinstance(value, list):
            return _wrong(where, "a list", value, problems)
        return [
            _convert(item, item_hint, f"{where}[{index}]", problems)
            for index, item in enumerate(value)
        ]
    if not isinstance(value, Mapping):
        return _wrong(where, "a map", value, problems)
    return {
        key: _convert(item, item_hint, _join(where, key), problems) for key, item in value.items()
    }


def _enum(value: Any, hint: type[enum.Enum], where: str, problems: list[tuple[str, str]]) -> Any:
    try:
        return hint(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in hint)
        problems.append((schema_path(where), f"'{value}' is not one of {allowed}."))
        return None


def _scalar(value: Any, hint: type, where: str, problems: list[tuple[str, str]]) -> Any:
    """str, bool, float and int; an integer the engine sent as a float is an int again."""
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, hint) and not (hint is not bool and isinstance(value, bool)):
        return value
    kinds = {str: "a string", bool: "true or false", float: "a number", int: "a whole number"}
    return _wrong(where, kinds.get(hint, hint.__name__), value, problems)


def _dataclass(value: Any, hint: Any, where: str, problems: list[tuple[str, str]]) -> Any:
    if not isinstance(value, Mapping):
        return _wrong(where, "an object", value, problems)
    # The annotations as objects (package_args has no string annotations: the analyzer refuses
    # them); `get_type_hints` would try to evaluate `pulumi.Input`'s forward reference to Output.
    hints = {field.name: field.type for field in dataclasses.fields(hint)}
    known = {field.name for field in dataclasses.fields(hint)}
    for unknown in sorted(set(value) - known):
        problems.append((schema_path(_join(where, unknown)), "is not an input; remove it."))
    before = len(problems)
    converted = {}
    for name in known:
        if name not in value or value[name] is None:
            continue
        converted[name] = _convert(value[name], hints[name], _join(where, name), problems)
    missing = [
        field.name
        for field in dataclasses.fields(hint)
        if field.default is dataclasses.MISSING and field.name not in converted
    ]
    problems.extend((schema_path(_join(where, name)), "is required; give it.") for name in missing)
    if len(problems) > before:
        return None
    return hint(**converted)


def _whole_numbers(value: Any) -> Any:
    """An untyped value (`openapiDocument`) with the engine's floats made integers again where
    whole: JSON does not tell 29000 from 29000.0, but the document's JSON text would."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_whole_numbers(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _whole_numbers(item) for key, item in value.items()}
    return value


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _wrong(where: str, expected: str, value: Any, problems: list[tuple[str, str]]) -> None:
    if isinstance(value, pulumi.Output):
        problems.append(
            (
                schema_path(where),
                f"expected {expected}, got an output of another resource (or a secret). This "
                "input is plain: the component reads it before it registers anything (the "
                "schema marks it plain); give the value itself.",
            )
        )
        return
    problems.append((schema_path(where), f"expected {expected}, got {type(value).__name__}."))
