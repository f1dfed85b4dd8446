"""Load `Pulumi.yaml` and `Pulumi.<stack>.yaml` into the config map the CLI hands a program.

Follows the CLI's own code (pulumi/pulumi: sdk/go/common/workspace/{project,config,loaders}.go,
sdk/go/common/resource/config/{key,value}.go) and the YAML library it reads these files with
(gopkg.in/yaml.v3), not PyYAML's YAML 1.1 rules:

- Every stack-file value, a scalar too, is resolved as yaml.v3 resolves it and reaches the
  program as CLI v3.276.0 writes it (checked against that CLI in tests/cli): `loggingLevel: OFF`
  is "OFF" (PyYAML: False), `timeoutMs: 010` is "8" (octal), `True` is "true", `1e3` is "1000",
  a date is Go's Time.String() (2024-01-02 00:00:00 +0000 UTC). Quotes keep a string as written;
  `null`, `~` and nothing are "".
- Values and `Pulumi.yaml` defaults are resolved as yaml.v3 resolves them (`Yaml12Loader`):
  booleans are true/false/True/TRUE/False/FALSE only, nulls ~/null/Null/NULL/empty; integers are
  Go's syntax after every `_` is dropped (42, -7, 0x1F, 0o17, 0b101, and 010, which yaml.v3
  still reads as octal); floats the YAML 1.2 forms (1.5, .5, 1e3, .inf, .nan), no sexagesimal
  12:30; a date such as 2024-01-02 becomes a time (a `Pulumi.yaml` default's is written back as
  RFC 3339, 2024-01-02T00:00:00Z: not checked against the CLI). Structured values reach the
  program as Go's encoding/json writes them (`go_json`: sorted keys, no spaces, 1.0 as 1).
- Stack-file keys are `<namespace>:<name>` or the legacy `<ns>:config:<name>`; a key without a
  namespace is the project's (CLI v3.276.0 rewrites it so); duplicate keys are errors, as in
  yaml.v3. Project keys without a default are required; missing ones are reported together,
  sorted. Explicitly typed keys are type-checked with the CLI's rules, and keys declared
  `secret: true` must be encrypted. Messages use the CLI's wording.
- `secure:` values cannot be decrypted here: they are replaced by a placeholder and listed as
  secret, so their plaintext is never read, let alone printed.
- The legacy `config: <directory>` in `Pulumi.yaml` (now `stackConfigDir`) moves the stack files.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

#: What a `secure:` value becomes: the program sees a secret string, never the ciphertext.
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 (a stand-in shown instead of a secret)
CONFIG_TYPES = ("string", "integer", "boolean", "array", "object")
_DECLARATION_KEYS = {"type", "items", "description", "secret", "default", "value"}


class StackFileError(Exception):
    """A project or stack file the CLI would refuse; the message is the CLI's own wording."""


@dataclass(frozen=True)
class StackConfig:
    """A stack's config as the program receives it."""

    project: str
    stack: str
    #: Full key (`private-api:vpcLinks`) to the string the program reads.
    values: dict[str, str]
    #: Keys whose values are secret (encrypted in the stack file, wholly or in part).
    secret_keys: tuple[str, ...]


# --- YAML as the CLI reads it (gopkg.in/yaml.v3) ------------------------------------------------


class GoTime(str):
    """A YAML timestamp as yaml.v3 decodes it (a Go time), held as its RFC 3339 text.

    A str so it can be a dict key and be written as JSON, but not a string to type checks: the CLI
    refuses a date as the default of a `string` key.
    """

    __slots__ = ()


_TAG = "tag:yaml.org,2002:"
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
_INT64 = 2**63


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
    if -_INT64 <= number < _INT64 or (not sign and number < 2 * _INT64):
        return number
    return None


def _go_float(text: str) -> float | None:
    """strconv.ParseFloat of a text the caller has checked is decimal; None when out of range."""
    value = float(text)
    return value if math.isfinite(value) else None


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _go_time(text: str) -> GoTime | None:
    """A timestamp yaml.v3 would parse (time.Parse with its layouts), as Go's RFC 3339 text."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    sep, zone = match["sep"], match["zone"]
    if (sep in ("T", "t") and zone is None) or (sep == " " and zone is not None):
        return None
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    if not 1 <= month <= 12 or not 1 <= day <= _days_in(year, month):
        return None
    hour, minute, second = (int(match[k]) if match[k] else 0 for k in ("h", "mi", "s"))
    if hour > 23 or minute > 59 or second > 59:
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


def resolve_tag(text: str) -> str:
    """The tag yaml.v3 resolves an unquoted scalar to: null, bool, int, float, timestamp or str."""
    if text in _NULLS:
        return "null"
    if text in _BOOLS:
        return "bool"
    if text in _SPECIAL_FLOATS:
        return "float"
    if text == "<<":
        return "merge"
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
            return _TAG + resolve_tag(value)
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def construct_yaml_int(self, node: Any) -> int:
        number = _go_int(self.construct_scalar(node).replace("_", ""))
        if number is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot decode {node.value!r} as an integer", node.start_mark
            )
        return number

    def construct_yaml_float(self, node: Any) -> float:
        text = self.construct_scalar(node)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        plain = text.replace("_", "") if text[:1] != "." else text
        number = _go_float(plain) if _YAML_FLOAT.fullmatch(plain) else None
        if number is None:
            number = _go_int(plain)  # `!!float 0x10`, as yaml.v3 allows
            if number is None:
                raise yaml.constructor.ConstructorError(
                    None, None, f"cannot decode {node.value!r} as a float", node.start_mark
                )
        return float(number)

    def construct_yaml_bool(self, node: Any) -> bool:
        text = self.construct_scalar(node)
        if text not in _BOOLS:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot decode {text!r} as a boolean", node.start_mark
            )
        return _BOOLS[text]

    def construct_yaml_timestamp(self, node: Any) -> GoTime:  # type: ignore[override]
        text = self.construct_scalar(node)
        value = _go_time(text)
        if value is None:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot decode {text!r} as a timestamp", node.start_mark
            )
        return value


for _tag, _constructor in (
    ("int", Yaml12Loader.construct_yaml_int),
    ("float", Yaml12Loader.construct_yaml_float),
    ("bool", Yaml12Loader.construct_yaml_bool),
    ("timestamp", Yaml12Loader.construct_yaml_timestamp),
):
    Yaml12Loader.add_constructor(_TAG + _tag, _constructor)


def load_yaml(text: str) -> Any:
    """A YAML document as the CLI decodes it into Go's `interface{}` (see `Yaml12Loader`)."""
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_duplicate_keys(node)
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
        _check_duplicate_keys(node)
        return _stack_value(loader, node)
    finally:
        loader.dispose()


def _stack_value(loader: Yaml12Loader, node: Node) -> Any:
    """yaml.v3 decoding a stack-file value into config.Value, as CLI v3.276.0 does.

    config.Value.UnmarshalYAML decodes every value, scalars included, into Go's interface{} and
    then keeps it as unmarshalObject does (sdk/go/common/resource/config/object.go): a plain null
    is "" (as the CLI shows it, with a warning), a date is Go's
    Time.String(), map keys are fmt's %v; MarshalString writes numbers and booleans as JSON.
    Checked against the real CLI in tests/cli.
    """
    if isinstance(node, ScalarNode) and node.tag == _TAG + "null":
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
    if nested and isinstance(value, int) and not isinstance(value, bool) and value >= _INT64:
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


def _check_duplicate_keys(root: Node) -> None:
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
    text = _scalar_text(value)  # booleans and numbers: the same text as in a stack file
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
    shortest = Decimal(repr(value)).normalize()
    if 1e-6 <= abs(value) < 1e21:
        return format(shortest, "f")
    sign, digits, exponent = shortest.as_tuple()
    assert isinstance(exponent, int)
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    power = exponent + len(digits) - 1
    power_text = f"{'-' if power < 0 else '+'}{abs(power):02d}"
    if power_text.startswith("-0"):
        power_text = "-" + power_text[2:]
    return f"{'-' if sign else ''}{mantissa}e{power_text}"


def _go_key(key: Any) -> str:
    """fmt's %v of a non-string map key, as the CLI stringifies it (interfaceMapToStringMap)."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "<nil>"
    if isinstance(key, GoTime):
        return go_time_string(key)
    return str(key)


def _string_keys(value: Any) -> Any:
    """interfaceMapToStringMap: maps with a non-string key get string keys, recursively."""
    if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
        return {_go_key(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


# --- The project and the stack ---------------------------------------------------------------


@dataclass(frozen=True)
class _Declaration:
    """One `config:` entry of Pulumi.yaml after the CLI's shorthand rewrite."""

    key: str  # as written in Pulumi.yaml
    full: str  # namespaced
    by_project: bool
    type: str | None
    items: dict[str, Any] | None
    default: Any
    value: Any
    secret: bool


def stack_names(project_dir: Path) -> list[str]:
    """Stacks that have a stack file, as the CLI names them."""
    try:
        config_dir = _stack_config_dir(project_dir, _read_project(project_dir))
    except StackFileError:
        config_dir = project_dir
    return sorted(
        path.name[len("Pulumi.") : -len(".yaml")]
        for path in config_dir.glob("Pulumi.*.yaml")
        if path.name != "Pulumi.yaml"
    )


def load(project_dir: Path, stack: str, overrides: dict[str, Any] | None = None) -> StackConfig:
    """The config the CLI would pass for `stack`, with overrides as if written in the stack file.

    `overrides` maps keys (namespaced, or bare for the project's namespace) to values: a str is the
    text of a scalar as written (see `parse_value`), other scalars are written as YAML would show
    them (True as "true"), dicts and lists are structured values.
    """
    project = _read_project(project_dir)
    name: str = project["name"]
    declared = _declarations(project, name)
    stack_path = _stack_config_dir(project_dir, project) / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackFileError(f"no stack named '{stack}' (no {stack_path.name}); stacks: {known}")
    stack_values = _read_stack(stack_path, name)
    for key, value in (overrides or {}).items():
        full = _parse_key(key, f"the override {key}") if ":" in key else f"{name}:{key}"
        stack_values[full] = value

    # mergeConfig: project defaults and values fill the gaps; required keys must be set.
    missing = []
    for decl in sorted(declared.values(), key=lambda d: d.key):
        if decl.full in stack_values:
            continue
        if decl.default is not None:
            stack_values[decl.full] = _Default(decl.default)
        elif decl.value is not None:
            stack_values[decl.full] = _Default(decl.value)
        elif decl.by_project:
            missing.append(decl.key)
    if missing:
        raise StackFileError(
            f"Stack '{stack}' is missing configuration "
            f"value{'s' if len(missing) > 1 else ''} {_join_missing(missing)}"
        )

    # validateStackConfigValues: in key order, secret first, then the type.
    for decl in sorted(declared.values(), key=lambda d: d.key):
        if decl.type is None:
            continue
        value = stack_values.get(decl.full)
        secure = _has_secure(value)
        if decl.secret and not secure:
            raise StackFileError(
                f"Stack '{stack}' with configuration key '{decl.key}' must be encrypted as "
                "it's secret"
            )
        if secure:
            continue  # the CLI checks the decrypted value; we cannot decrypt it
        if not _valid(decl.type, decl.items, _content(stack_path.name, decl.full, value)):
            raise StackFileError(
                f"Stack '{stack}' with configuration key '{decl.key}' must be of type "
                f"'{_full_type_name(decl.type, decl.items)}'"
            )

    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in stack_values.items():
        values[key] = _program_string(stack_path.name, key, value)
        if _has_secure(value):
            secrets.append(key)
    return StackConfig(project=name, stack=stack, values=values, secret_keys=tuple(sorted(secrets)))


@dataclass(frozen=True)
class _Default:
    """A value from Pulumi.yaml (decoded, unlike a stack-file scalar, which stays as written)."""

    value: Any


def _read_project(project_dir: Path) -> dict[str, Any]:
    path = project_dir / "Pulumi.yaml"
    project = _read_yaml(path)
    if not isinstance(project, dict):
        raise StackFileError("Pulumi.yaml: expected project to be an object")
    if "name" not in project:
        raise StackFileError("Pulumi.yaml: project is missing a 'name' attribute")
    if not isinstance(project["name"], str) or not project["name"]:
        raise StackFileError("Pulumi.yaml: project is missing a non-empty string 'name' attribute")
    config = project.get("config")
    if isinstance(config, str):  # RewriteConfigPathIntoStackConfigDir
        if "stackConfigDir" in project:
            raise StackFileError(
                "Pulumi.yaml: Should not use both config and stackConfigDir to define the stack "
                "directory. Use only stackConfigDir instead."
            )
        project = {**project, "stackConfigDir": config, "config": None}
    elif config is not None and not isinstance(config, dict):
        raise StackFileError(
            "Pulumi.yaml: 'config' must be a map of configuration keys (or, deprecated, the "
            "directory of the stack files)"
        )
    if not isinstance(project.get("stackConfigDir", ""), str):
        raise StackFileError("Pulumi.yaml: 'stackConfigDir' must be a string")
    return project


def _stack_config_dir(project_dir: Path, project: dict[str, Any]) -> Path:
    return project_dir / str(project.get("stackConfigDir") or "")


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise StackFileError(f"{path.name} not found in {path.parent}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise StackFileError(f"cannot read {path.name}: {error}") from None
    try:
        return load_yaml(text)
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name} is not valid YAML: {error}") from None


def _read_stack(path: Path, project: str) -> dict[str, Any]:
    """The stack file's config: values decoded as the CLI decodes them, keys namespaced."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise StackFileError(f"cannot read {path.name}: {error}") from None
    loader = Yaml12Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return {}
        _check_duplicate_keys(root)
        if not isinstance(root, MappingNode):
            raise StackFileError(f"{path.name}: expected a map with a 'config' key")
        entries = {str(k.value): v for k, v in root.value if isinstance(k, ScalarNode)}
        if "environment" in entries:
            raise StackFileError(
                f"{path.name} imports Pulumi ESC environments ('environment:'); their values "
                "need Pulumi Cloud, so this stack cannot be checked without it"
            )
        config = entries.get("config")
        if config is None or (isinstance(config, ScalarNode) and config.tag == _TAG + "null"):
            return {}
        if not isinstance(config, MappingNode):
            raise StackFileError(f"{path.name}: 'config' must be a map of namespaced keys")
        values: dict[str, Any] = {}
        for key_node, value_node in config.value:
            if not isinstance(key_node, ScalarNode):
                raise StackFileError(f"{path.name}: a configuration key must be a string")
            written = str(key_node.value)
            # stackConfigNamespacedWithProject (sdk/go/common/workspace/loaders.go): a key
            # without a namespace is the project's.
            key = _parse_key(written, path.name) if ":" in written else f"{project}:{written}"
            values[key] = _stack_value(loader, value_node)
            _check_encodable(path.name, key, values[key])
        return values
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name} is not valid YAML: {error}") from None
    finally:
        loader.dispose()


def _check_encodable(where: str, key: str, value: Any) -> None:
    """The CLI writes each value as JSON while it reads the stack file (MarshalString), so NaN
    and infinities fail there, with encoding/json's words."""
    try:
        if _scalar_text(value) is None:
            go_json(_string_keys(_without_secrets(value)))
    except ValueError as error:
        marshal = "" if isinstance(value, float) else _MARSHAL_OBJECT
        raise StackFileError(f"{where}: {key}: {marshal}{error}") from None


_MARSHAL_OBJECT = "json: error calling MarshalJSON for type config.object: "


def _parse_key(key: str, where: str) -> str:
    """config.ParseKey: `<namespace>:<name>`, or the legacy `<namespace>:config:<name>`."""
    parts = key.split(":")
    if len(parts) == 2:
        return key
    # tokens.ParseModuleMember takes `a:config:` and `:config:x` too: keys `a:` and `:x`
    # (checked against CLI v3.276.0 in tests/cli).
    if len(parts) == 3 and parts[1] == "config":
        return f"{parts[0]}:{parts[2]}"
    raise StackFileError(
        f"{where}: could not parse {key} as a configuration key (configuration keys should be "
        "of the form `<namespace>:<name>`)"
    )


def _declarations(project: dict[str, Any], name: str) -> dict[str, _Declaration]:
    """Pulumi.yaml's `config:` after RewriteShorthandConfigValues, checked as Project.Validate."""
    declared: dict[str, _Declaration] = {}
    entries = sorted((project.get("config") or {}).items(), key=lambda kv: str(kv[0]))
    for written, entry in entries:
        key = str(written)
        by_project = ":" not in key or key.startswith(f"{name}:")
        raw = entry
        if isinstance(entry, str | int | bool | list) and not isinstance(entry, GoTime):
            raw = {"default": entry} if by_project else {"value": entry}
        elif not isinstance(entry, dict):
            raise StackFileError(
                f"Pulumi.yaml: config key '{key}' must be a string, integer, boolean or array "
                "default, or a declaration {type, description, default, ...}"
            )
        unknown = sorted(set(map(str, raw)) - _DECLARATION_KEYS)
        if unknown:
            raise StackFileError(
                f"Pulumi.yaml: config key '{key}': '{unknown[0]}' not allowed; the allowed "
                f"attributes are {', '.join(sorted(_DECLARATION_KEYS))}"
            )
        decl = _declaration(key, name, by_project, raw)
        declared[decl.full] = decl
    return declared


def _declaration(key: str, project: str, by_project: bool, raw: dict[str, Any]) -> _Declaration:
    type_name = raw.get("type")
    items = raw.get("items")
    if type_name is not None and type_name not in CONFIG_TYPES:
        raise StackFileError(
            f"Pulumi.yaml: config key '{key}': type {type_name!r} is not one of "
            f"{', '.join(CONFIG_TYPES)}"
        )
    if items is not None:
        _check_items(key, items)
    if raw.get("default") is not None and raw.get("value") is not None:
        raise StackFileError(
            f"Pulumi.yaml: project config '{key}' cannot have both a 'default' and 'value' "
            "attribute"
        )
    if by_project:
        if type_name == "array" and items is None:
            raise StackFileError(
                f"Pulumi.yaml: The configuration key '{key}' declares an array but does not "
                "specify the underlying type via the 'items' attribute"
            )
        default = raw.get("default")
        if type_name is not None and default is not None and not _valid(type_name, items, default):
            raise StackFileError(
                f"Pulumi.yaml: The default value specified for configuration key '{key}' is not "
                f"of the expected type '{_full_type_name(type_name, items)}'"
            )
    else:
        if type_name is not None:
            raise StackFileError(
                f"Pulumi.yaml: Configuration key '{key}' is not namespaced by the project and "
                "should not define a type"
            )
        if raw.get("default") is not None:
            raise StackFileError(
                f"Pulumi.yaml: Configuration key '{key}' is not namespaced by the project and "
                "should not define a default value. Did you mean to use the 'value' attribute "
                "instead of 'default'?"
            )
        if raw.get("value") is None:
            raise StackFileError(
                f"Pulumi.yaml: Configuration key '{key}' is namespaced and must provide an "
                "attribute 'value'"
            )
    full = _parse_key(key, "Pulumi.yaml") if ":" in key else f"{project}:{key}"
    return _Declaration(
        key=key,
        full=full,
        by_project=by_project,
        type=type_name,
        items=items,
        default=raw.get("default"),
        value=raw.get("value"),
        secret=raw.get("secret") is True,
    )


def _check_items(key: str, items: Any) -> None:
    while items is not None:
        if not isinstance(items, dict) or items.get("type") not in CONFIG_TYPES:
            raise StackFileError(
                f"Pulumi.yaml: config key '{key}': 'items' must be {{type: <one of "
                f"{', '.join(CONFIG_TYPES)}>}}"
            )
        if items["type"] == "array" and items.get("items") is None:
            raise StackFileError(
                f"Pulumi.yaml: config key '{key}': an array's items of type array need 'items'"
            )
        items = items.get("items")


def _join_missing(keys: list[str]) -> str:
    """formatMissingKeys: 'a', or 'a' and 'b', or 'a', 'b' and 'c' (sorted)."""
    quoted = [f"'{k}'" for k in sorted(keys)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _full_type_name(type_name: str, items: dict[str, Any] | None) -> str:
    """InferFullTypeName: array<array<string>> for nested arrays."""
    if items is not None:
        return f"array<{_full_type_name(str(items.get('type', '')), items.get('items'))}>"
    return type_name


def _valid(type_name: str, items: dict[str, Any] | None, value: Any) -> bool:
    """ValidateConfigValue, on what the CLI validates: a scalar's text or a decoded structure."""
    if type_name == "string":
        return isinstance(value, str) and not isinstance(value, GoTime)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return -_INT64 <= value < _INT64  # Go's int; larger YAML integers are uint64
        if isinstance(value, float):
            return math.isinf(value) or value.is_integer()  # f == math.Trunc(f)
        return isinstance(value, str) and _atoi(value)
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if not isinstance(value, list) or items is None:
        return False
    return all(_valid(str(items.get("type", "")), items.get("items"), item) for item in value)


def _atoi(text: str) -> bool:
    """strconv.Atoi accepts it: an optional sign, ASCII digits, within int64."""
    if re.fullmatch(r"[+-]?[0-9]+", text) is None or isinstance(text, GoTime):
        return False
    return -_INT64 <= int(text) < _INT64


def _is_secure(value: Any) -> bool:
    """isSecureValue: a map of exactly one key, `secure`, holding a string."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("secure"), str)


def _has_secure(value: Any) -> bool:
    if isinstance(value, _Default):
        return False
    if _is_secure(value):
        return True
    if isinstance(value, dict):
        return any(_has_secure(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secure(v) for v in value)
    return False


def _without_secrets(value: Any) -> Any:
    if _is_secure(value):
        return SECRET_PLACEHOLDER
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value


def _scalar_text(value: Any) -> str | None:
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


def _encode(where: str, key: str, value: Any) -> str:
    try:
        return go_json(_string_keys(value))
    except ValueError as error:
        raise StackFileError(f"{where}: {key}: marshalling obj: {error}") from None


def _program_string(where: str, key: str, value: Any) -> str:
    """The string the program reads for this key (secrets replaced by the placeholder)."""
    if isinstance(value, _Default):  # createConfigValue: string, int, bool as %v, else JSON
        default = value.value
        if isinstance(default, str | int | bool) and not isinstance(default, GoTime):
            return _scalar_text(default) or ""
        return _encode("Pulumi.yaml", key, default)
    if _is_secure(value):
        return SECRET_PLACEHOLDER
    text = _scalar_text(value)
    if text is not None:
        return text
    return _encode(where, key, _without_secrets(value))


def _content(where: str, key: str, value: Any) -> Any:
    """What validateStackConfigValue checks: the text, or the JSON decoded as Go decodes it."""
    if isinstance(value, _Default):
        default = value.value
        if isinstance(default, str | int | bool) and not isinstance(default, GoTime):
            return _scalar_text(default)
        return json.loads(_encode("Pulumi.yaml", key, default), parse_int=float)
    text = _scalar_text(value)
    if text is not None:
        return text
    return json.loads(_encode(where, key, value), parse_int=float)  # Go: numbers are float64
