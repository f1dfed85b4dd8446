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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from tools.goyaml import (
    TAG,
    GoTime,
    Yaml12Loader,
    check_duplicate_keys,
    go_json,
    scalar_text,
    stack_value,
    string_keys,
)
from tools.stackproject import (
    Declaration,
    StackFileError,
    declarations,
    full_type_name,
    parse_key,
    read_project,
    stack_config_dir,
    valid,
)

#: What a `secure:` value becomes: the program sees a secret string, never the ciphertext.
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 (a stand-in shown instead of a secret)


@dataclass(frozen=True)
class StackConfig:
    """A stack's config as the program receives it."""

    project: str
    stack: str
    #: Full key (`private-api:vpcLinks`) to the string the program reads.
    values: dict[str, str]
    #: Keys whose values are secret (encrypted in the stack file, wholly or in part).
    secret_keys: tuple[str, ...]


# --- The project and the stack ---------------------------------------------------------------


def stack_names(project_dir: Path) -> list[str]:
    """Stacks that have a stack file, as the CLI names them."""
    try:
        config_dir = stack_config_dir(project_dir, read_project(project_dir))
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
    project = read_project(project_dir)
    name: str = project["name"]
    declared = declarations(project, name)
    stack_path = stack_config_dir(project_dir, project) / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackFileError(f"no stack named '{stack}' (no {stack_path.name}); stacks: {known}")
    stack_values = _read_stack(stack_path, name)
    for key, value in (overrides or {}).items():
        full = parse_key(key, f"the override {key}") if ":" in key else f"{name}:{key}"
        stack_values[full] = value

    _merge_project(stack, declared, stack_values)
    _validate(stack, stack_path.name, declared, stack_values)
    values = {key: _program_string(stack_path.name, key, v) for key, v in stack_values.items()}
    secrets = tuple(sorted(k for k, v in stack_values.items() if _has_secure(v)))
    return StackConfig(project=name, stack=stack, values=values, secret_keys=secrets)


def _merge_project(stack: str, declared: dict[str, Declaration], values: dict[str, Any]) -> None:
    """mergeConfig: project defaults and values fill the gaps; required keys must be set."""
    missing = []
    for decl in sorted(declared.values(), key=lambda d: d.key):
        if decl.full in values:
            continue
        if decl.default is not None:
            values[decl.full] = _Default(decl.default)
        elif decl.value is not None:
            values[decl.full] = _Default(decl.value)
        elif decl.by_project:
            missing.append(decl.key)
    if missing:
        raise StackFileError(
            f"Stack '{stack}' is missing configuration "
            f"value{'s' if len(missing) > 1 else ''} {_join_missing(missing)}"
        )


def _validate(
    stack: str, where: str, declared: dict[str, Declaration], values: dict[str, Any]
) -> None:
    """validateStackConfigValues: in key order, secret first, then the type."""
    for decl in sorted(declared.values(), key=lambda d: d.key):
        if decl.type is None:
            continue
        value = values.get(decl.full)
        secure = _has_secure(value)
        if decl.secret and not secure:
            raise StackFileError(
                f"Stack '{stack}' with configuration key '{decl.key}' must be encrypted as "
                "it's secret"
            )
        # The CLI checks a secret's decrypted value; we cannot decrypt it.
        if not secure and not valid(decl.type, decl.items, _content(where, decl.full, value)):
            raise StackFileError(
                f"Stack '{stack}' with configuration key '{decl.key}' must be of type "
                f"'{full_type_name(decl.type, decl.items)}'"
            )


@dataclass(frozen=True)
class _Default:
    """A value from Pulumi.yaml (decoded, unlike a stack-file scalar, which stays as written)."""

    value: Any


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
        check_duplicate_keys(root)
        if not isinstance(root, MappingNode):
            raise StackFileError(f"{path.name}: expected a map with a 'config' key")
        entries = {str(k.value): v for k, v in root.value if isinstance(k, ScalarNode)}
        if "environment" in entries:
            raise StackFileError(
                f"{path.name} imports Pulumi ESC environments ('environment:'); their values "
                "need Pulumi Cloud, so this stack cannot be checked without it"
            )
        config = entries.get("config")
        if config is None or (isinstance(config, ScalarNode) and config.tag == TAG + "null"):
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
            key = parse_key(written, path.name) if ":" in written else f"{project}:{written}"
            values[key] = stack_value(loader, value_node)
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
        if scalar_text(value) is None:
            go_json(string_keys(_without_secrets(value)))
    except ValueError as error:
        marshal = "" if isinstance(value, float) else _MARSHAL_OBJECT
        raise StackFileError(f"{where}: {key}: {marshal}{error}") from None


_MARSHAL_OBJECT = "json: error calling MarshalJSON for type config.object: "


def _join_missing(keys: list[str]) -> str:
    """formatMissingKeys: 'a', or 'a' and 'b', or 'a', 'b' and 'c' (sorted)."""
    quoted = [f"'{k}'" for k in sorted(keys)]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


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


def _encode(where: str, key: str, value: Any) -> str:
    try:
        return go_json(string_keys(value))
    except ValueError as error:
        raise StackFileError(f"{where}: {key}: marshalling obj: {error}") from None


def _program_string(where: str, key: str, value: Any) -> str:
    """The string the program reads for this key (secrets replaced by the placeholder)."""
    if isinstance(value, _Default):  # createConfigValue: string, int, bool as %v, else JSON
        default = value.value
        if isinstance(default, str | int | bool) and not isinstance(default, GoTime):
            return scalar_text(default) or ""
        return _encode("Pulumi.yaml", key, default)
    if _is_secure(value):
        return SECRET_PLACEHOLDER
    text = scalar_text(value)
    if text is not None:
        return text
    return _encode(where, key, _without_secrets(value))


def _content(where: str, key: str, value: Any) -> Any:
    """What validateStackConfigValue checks: the text, or the JSON decoded as Go decodes it."""
    if isinstance(value, _Default):
        default = value.value
        if isinstance(default, str | int | bool) and not isinstance(default, GoTime):
            return scalar_text(default)
        return json.loads(_encode("Pulumi.yaml", key, default), parse_int=float)
    text = scalar_text(value)
    if text is not None:
        return text
    return json.loads(_encode(where, key, value), parse_int=float)  # Go: numbers are float64
