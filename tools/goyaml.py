"""YAML and JSON as the Pulumi CLI's Go libraries read and write them (yaml.v3, encoding/json).

The differences from PyYAML that matter for stack files, each checked against CLI v3.276.0 in
tests/cli: yaml.v3 resolves plain scalars by the YAML 1.2 core schema with Go's number syntax
(`010` is octal 8, `_` dropped from numbers, no sexagesimal), reads dates with time.Parse's
layouts, refuses duplicate keys; encoding/json writes sorted keys, no spaces, 1.0 as 1. Why not
ruamel.yaml: tests/stackcheck/test_yaml_library.py holds the cases where it differs.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class GoTime(str):
    """A YAML timestamp as yaml.v3 decodes it (a Go time), held as its RFC 3339 text.

    A str so it can be a dict key and be written as JSON, but not a string to type checks: the CLI
    refuses a date as the default of a `string` key.
    """

    __slots__ = ()


TAG = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
# strconv.ParseInt(s, 0, 64): Go's integer literal syntax (the caller has dropped every `_`).
_GO_INT = re.compile(r"([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)")
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
# yaml.v3's timestamp layouts: 2006-1-2T15:4:5.999999999Z07:00 (T or t), 2006-1-2 15:4:5.999999999
# (no zone) and 2006-1-2.
_TIMESTAMP = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?P<sep>[Tt ])(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2}):(?P<s>[0-9]{1,2})"
    r"(?:[.,](?P<frac>[0-9]+))?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?"
)
INT64 = 2**63


def _go_int(plain: str) -> int | None:
    """strconv.ParseInt(plain, 0, 64), else ParseUint(plain, 0, 64); None if neither parses."""
    match = _GO_INT.fullmatch(plain)
    if match is None:
        return None
    sign, body = match.groups()
    prefix = body[:2].lower()
    if prefix in ("0x", "0b", "0o"):
        number = int(body[2:], {"0x": 16, "0b": 2, "0o": 8}[prefix])
    elif len(body) > 1 and body[0] == "0":
        number = int(body[1:], 8)
    else:
        number = int(body)
    number = -number if sign == "-" else number
    if -INT64 <= number < INT64 or (not sign and number < 2 * INT64):
        return number
    return None


def _go_float(text: str) -> float | None:
    """strconv.ParseFloat of a text the caller has checked is decimal; None when out of range."""
    value = float(text)
    return value if math.isfinite(value) else None


def _go_time(text: str) -> GoTime | None:
    """A timestamp yaml.v3 would parse (time.Parse with its layouts), as Go's RFC 3339 text."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    sep, zone = match["sep"], match["zone"]
    if (sep in ("T", "t") and zone is None) or (sep == " " and zone is not None):
        return None
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    hour, minute, second = (int(match[k]) if match[k] else 0 for k in ("h", "mi", "s"))
    try:  # Go's year 0 is a leap year, as 2000 is
        dt.datetime(year or 2000, month, day, hour, minute, second)
    except ValueError:
        return None
    offset = 0
    if zone and zone != "Z":
        zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
        if zone_hours > 24 or zone_minutes > 60:
            return None
        offset = (zone_hours * 3600 + zone_minutes * 60) * (-1 if zone[0] == "-" else 1)
    fraction = (match["frac"] or "")[:9].ljust(9, "0").rstrip("0")
    clock = f"{hour:02d}:{minute:02d}:{second:02d}" + (f".{fraction}" if fraction else "")
    if offset == 0:
        suffix = "Z"
    else:
        sign, span = ("-" if offset < 0 else "+"), abs(offset)
        suffix = f"{sign}{span // 3600:02d}:{span % 3600 // 60:02d}"
    return GoTime(f"{year:04d}-{month:02d}-{day:02d}T{clock}{suffix}")


#: Plain scalars whose tag is fixed by their exact text.
_FIXED_TAGS = {
    **dict.fromkeys(_NULLS, "null"),
    **dict.fromkeys(_BOOLS, "bool"),
    **dict.fromkeys(_SPECIAL_FLOATS, "float"),
    "<<": "merge",
}


def resolve_tag(text: str) -> str:
    """The tag yaml.v3 resolves an unquoted scalar to: null, bool, int, float, timestamp or str."""
    if text in _FIXED_TAGS:
        return _FIXED_TAGS[text]
    first = text[0]
    if first == ".":
        return "float" if _DOT_FLOAT.fullmatch(text) and _go_float(text) is not None else "str"
    if first in "+-0123456789":
        if _go_time(text) is not None:
            return "timestamp"
        plain = text.replace("_", "")
        if _go_int(plain) is not None:
            return "int"
        if _YAML_FLOAT.fullmatch(plain) and _go_float(plain) is not None:
            return "float"
    return "str"


class Yaml12Loader(yaml.CSafeLoader):
    """PyYAML reading YAML as the Pulumi CLI does (gopkg.in/yaml.v3: YAML 1.2 core schema, mostly).

    libyaml's parser (the C loader): like yaml.v3 it takes a tab inside a plain scalar
    (`uri: https://a<TAB>b`), which PyYAML's pure-Python scanner refuses. Only implicit
    resolution and the scalar constructors differ from `CSafeLoader`; quoted and block scalars
    stay strings, explicit tags are honoured.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return TAG + resolve_tag(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


def _float(text: str) -> float | None:
    """yaml.v3's float: a YAML 1.2 form within float64, or Go's integer syntax (`!!float 0x10`)."""
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    plain = text.replace("_", "") if text[:1] != "." else text
    number = _go_float(plain) if _YAML_FLOAT.fullmatch(plain) else None
    number = _go_int(plain) if number is None else number
    return None if number is None else float(number)


#: yaml.v3's decoder of each scalar tag (None: it refuses the text), and the refusal's words.
_DECODERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "int": ("an integer", lambda text: _go_int(text.replace("_", ""))),
    "float": ("a float", _float),
    "bool": ("a boolean", _BOOLS.get),
    "timestamp": ("a timestamp", _go_time),
}


def _constructor(what: str, decode: Callable[[str], Any]) -> Callable[[Yaml12Loader, Any], Any]:
    def construct(loader: Yaml12Loader, node: Any) -> Any:
        value = decode(loader.construct_scalar(node))
        if value is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot decode {node.value!r} as {what}", node.start_mark
            )
        return value

    return construct


for _tag, (_what, _decode) in _DECODERS.items():
    Yaml12Loader.add_constructor(TAG + _tag, _constructor(_what, _decode))


def load_yaml(text: str) -> Any:
    """A YAML document as the CLI decodes it into Go's `interface{}` (see `Yaml12Loader`)."""
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_duplicate_keys(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def parse_value(text: str) -> Any:
    """A value as `key: <text>` in a stack file gives it: a scalar as written, else the structure.

    Raises yaml.YAMLError when the text is not YAML.
    """
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return ""
        check_duplicate_keys(node)
        return stack_value(loader, node)
    finally:
        loader.dispose()


def stack_value(loader: Yaml12Loader, node: Node) -> Any:
    """yaml.v3 decoding a stack-file value into config.Value, as CLI v3.276.0 does.

    config.Value.UnmarshalYAML decodes every value, scalars included, into Go's interface{} and
    then keeps it as unmarshalObject does (sdk/go/common/resource/config/object.go): a plain null
    is "" (as the CLI shows it, with a warning), a date is Go's
    Time.String(), map keys are fmt's %v; MarshalString writes numbers and booleans as JSON.
    Checked against the real CLI in tests/cli.
    """
    if isinstance(node, ScalarNode) and node.tag == TAG + "null":
        return ""
    return _go_object(loader.construct_object(node, deep=True), nested=False)


def _go_object(value: Any, nested: bool = True) -> Any:
    """unmarshalObject: times as Time.String(), map keys as fmt's %v, recursively.

    Inside a map or list an integer above int64 becomes a float64: the CLI reads a structured
    value back from its JSON (json.Number: Int64, else Float64) before the program sees it.
    """
    if isinstance(value, GoTime):
        return go_time_string(value)
    if isinstance(value, dict):
        return {
            k if isinstance(k, str) and not isinstance(k, GoTime) else _go_key(k): _go_object(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_go_object(v) for v in value]
    if nested and isinstance(value, int) and not isinstance(value, bool) and value >= INT64:
        return float(value)
    return value


def go_time_string(value: GoTime) -> str:
    """Go's Time.String() of a parsed YAML timestamp: 2024-01-02 00:00:00 +0000 UTC.

    A zone offset other than Z prints as `-0500 -0500` (time.Parse's fabricated zone has no
    name). Go would print the local zone's name instead when the offset is the machine's own
    (time.Parse uses time.Local then): this follows a machine whose local zone is UTC.
    """
    date, _, rest = value.partition("T")
    if rest.endswith("Z"):
        return f"{date} {rest[:-1]} +0000 UTC"
    clock, offset = rest[:-6], rest[-6:].replace(":", "")
    return f"{date} {clock} {offset} {offset}"


def check_duplicate_keys(root: Node) -> None:
    """yaml.v3 refuses a mapping that repeats a key (same kind and text); PyYAML keeps the last."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, MappingNode):
            first: dict[tuple[type, str], int] = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode) and key.value != "<<":
                    ident = (type(key), str(key.value))
                    if ident in first:
                        raise yaml.YAMLError(
                            f"yaml: unmarshal errors:\n  line {key.start_mark.line + 1}: mapping "
                            f"key {json.dumps(key.value)} already defined at line {first[ident]}"
                        )
                    first[ident] = key.start_mark.line + 1
                stack += [key, value]
        elif isinstance(node, SequenceNode):
            stack += node.value


# --- Values as Go's encoding/json writes them -------------------------------------------------


def go_json(value: Any) -> str:
    """`json.Marshal` of a decoded YAML value, as the CLI passes structured config to a program.

    Keys sorted, no spaces, <, > and & escaped, whole floats without a fraction (1.0 is 1).
    Raises ValueError where Go's encoder fails (NaN, infinities, non-string keys).
    """
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise ValueError("json: unsupported type: map[interface {}]interface {}")
        items = sorted(value.items())
        return "{" + ",".join(f"{_go_string(k)}:{go_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    if isinstance(value, str):
        return _go_string(value)
    if value is None:
        return "null"
    text = scalar_text(value)  # booleans and numbers: the same text as in a stack file
    if text is None:
        raise ValueError(f"json: unsupported type: {type(value).__name__}")
    return text


def _go_string(text: str) -> str:
    encoded = json.dumps(text, ensure_ascii=False)
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        encoded = encoded.replace(char, escape)
    return encoded


def _go_float_text(value: float) -> str:
    """encoding/json's float64: shortest digits, %f between 1e-6 and 1e21, else %e as 1e-7."""
    if math.isnan(value):
        raise ValueError("json: unsupported value: NaN")
    if math.isinf(value):
        raise ValueError(f"json: unsupported value: {'+' if value > 0 else '-'}Inf")
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if 1e-6 <= abs(value) < 1e21:
        return format(Decimal(repr(value)).normalize(), "f")
    return re.sub(r"e-0([0-9])$", r"e-\1", repr(value))  # Python's repr has Go's shortest digits


def _go_key(key: Any) -> str:
    """fmt's %v of a non-string map key, as the CLI stringifies it (interfaceMapToStringMap)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "<nil>"
    if isinstance(key, GoTime):
        return go_time_string(key)
    return str(key)


def string_keys(value: Any) -> Any:
    """interfaceMapToStringMap: maps with a non-string key get string keys, recursively."""
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        return {_go_key(k): string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [string_keys(v) for v in value]
    return value


def scalar_text(value: Any) -> str | None:
    """A Python scalar as it would be written in a stack file (and so reach the program)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float_text(value)
    return None
