"""`Pulumi.yaml` as the CLI reads it: the project, and its `config:` declarations checked.

Follows pulumi/pulumi sdk/go/common/workspace/project.go (Project.Validate,
RewriteShorthandConfigValues, RewriteConfigPathIntoStackConfigDir) and
sdk/go/common/resource/config/key.go; messages are the CLI's own wording.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tools.goyaml import INT64, GoTime, load_yaml


class StackFileError(Exception):
    """A project or stack file the CLI would refuse; the message is the CLI's own wording."""


CONFIG_TYPES = ("string", "integer", "boolean", "array", "object")
_DECLARATION_KEYS = {"type", "items", "description", "secret", "default", "value"}


@dataclass(frozen=True)
class Declaration:
    """One `config:` entry of Pulumi.yaml after the CLI's shorthand rewrite."""

    key: str  # as written in Pulumi.yaml
    full: str  # namespaced
    by_project: bool
    type: str | None
    items: dict[str, Any] | None
    default: Any
    value: Any
    secret: bool


def read_project(project_dir: Path) -> dict[str, Any]:
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


def stack_config_dir(project_dir: Path, project: dict[str, Any]) -> Path:
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


def parse_key(key: str, where: str) -> str:
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


def declarations(project: dict[str, Any], name: str) -> dict[str, Declaration]:
    """Pulumi.yaml's `config:` after RewriteShorthandConfigValues, checked as Project.Validate."""
    declared: dict[str, Declaration] = {}
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


def _declaration(key: str, project: str, by_project: bool, raw: dict[str, Any]) -> Declaration:
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
        if type_name is not None and default is not None and not valid(type_name, items, default):
            raise StackFileError(
                f"Pulumi.yaml: The default value specified for configuration key '{key}' is not "
                f"of the expected type '{full_type_name(type_name, items)}'"
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
    full = parse_key(key, "Pulumi.yaml") if ":" in key else f"{project}:{key}"
    return Declaration(
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


def full_type_name(type_name: str, items: dict[str, Any] | None) -> str:
    """InferFullTypeName: array<array<string>> for nested arrays."""
    if items is not None:
        return f"array<{full_type_name(str(items.get('type', '')), items.get('items'))}>"
    return type_name


def valid(type_name: str, items: dict[str, Any] | None, value: Any) -> bool:
    """ValidateConfigValue, on what the CLI validates: a scalar's text or a decoded structure."""
    if type_name == "string":
        return isinstance(value, str) and not isinstance(value, GoTime)
    if type_name == "integer":
        return _valid_integer(value)
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict) and all(isinstance(k, str) for k in value)
    if not isinstance(value, list) or items is None:
        return False
    return all(valid(str(items.get("type", "")), items.get("items"), item) for item in value)


def _valid_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -INT64 <= value < INT64  # Go's int; larger YAML integers are uint64
    if isinstance(value, float):
        return math.isinf(value) or value.is_integer()  # f == math.Trunc(f)
    return isinstance(value, str) and _atoi(value)


def _atoi(text: str) -> bool:
    """strconv.Atoi accepts it: an optional sign, ASCII digits, within int64."""
    if re.fullmatch(r"[+-]?[0-9]+", text) is None or isinstance(text, GoTime):
        return False
    return -INT64 <= int(text) < INT64
