"""Load `Pulumi.yaml` and `Pulumi.<stack>.yaml` into the config map the CLI hands a program.

Follows the engine's own rules (sdk/go/common/workspace): stack-file keys must be namespaced;
project keys without a namespace belong to the project; a project key without a default is required;
explicitly typed keys are type-checked; scalars reach the program as strings and structured values
as JSON text. Encrypted (`secure:`) values cannot be decrypted here: they are replaced by a
placeholder and listed as secret, so their plaintext is never read, let alone printed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: What a `secure:` value becomes: the program sees a secret string, never the ciphertext.
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 (a stand-in shown instead of a secret)
_KEY = re.compile(r"^[A-Za-z0-9_.-]+:[A-Za-z0-9_.:-]+$")


class StackFileError(Exception):
    """A project or stack file the CLI would refuse; the message is the CLI's own wording."""


@dataclass(frozen=True)
class StackConfig:
    """A stack's config as the program receives it."""

    project: str
    stack: str
    #: Full key (`private-api:vpcLinks`) to the string the program reads.
    values: dict[str, str]
    #: Keys whose values are secret (encrypted in the stack file).
    secret_keys: tuple[str, ...]


def stack_names(project_dir: Path) -> list[str]:
    """Stacks that have a stack file, as the CLI names them."""
    return sorted(
        path.name[len("Pulumi.") : -len(".yaml")]
        for path in project_dir.glob("Pulumi.*.yaml")
        if path.name != "Pulumi.yaml"
    )


def load(project_dir: Path, stack: str, overrides: dict[str, Any] | None = None) -> StackConfig:
    """The config the CLI would pass for `stack`, with overrides as `pulumi config set` makes them.

    `overrides` maps keys (namespaced, or bare for the project's namespace) to YAML-decoded values.
    """
    project = _read_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise StackFileError("Pulumi.yaml: project is missing a non-empty string 'name' attribute")
    name: str = project["name"]
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.is_file():
        known = ", ".join(stack_names(project_dir)) or "none"
        raise StackFileError(f"no stack named '{stack}' (no {stack_path.name}); stacks: {known}")
    stack_doc = _read_yaml(stack_path) or {}
    if not isinstance(stack_doc, dict):
        raise StackFileError(f"{stack_path.name}: expected a map with a 'config' key")
    raw_config = stack_doc.get("config") or {}
    if not isinstance(raw_config, dict):
        raise StackFileError(f"{stack_path.name}: 'config' must be a map of namespaced keys")

    stack_values: dict[str, Any] = {}
    for key, value in raw_config.items():
        if not isinstance(key, str) or _KEY.match(key) is None:
            raise StackFileError(
                f"{stack_path.name}: could not parse {key} as a configuration key (configuration "
                "keys should be of the form `<namespace>:<name>`)"
            )
        stack_values[key] = value
    for key, value in (overrides or {}).items():
        stack_values[key if ":" in key else f"{name}:{key}"] = value

    declared = _declared(project, name)
    missing = []
    for key, (decl, namespaced_by_project) in sorted(declared.items()):
        if key in stack_values:
            if "type" in decl:
                _check_type(stack, key, name, decl, stack_values[key])
            continue
        if "value" in decl:
            stack_values[key] = decl["value"]
        elif "default" in decl:
            stack_values[key] = decl["default"]
        elif namespaced_by_project:
            missing.append(key.split(":", 1)[1])
    if missing:
        listed = " and ".join(f"'{k}'" for k in missing)
        raise StackFileError(
            f"Stack '{stack}' is missing configuration "
            f"value{'s' if len(missing) > 1 else ''} {listed}"
        )

    values: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in stack_values.items():
        text, secret = _to_program_string(value)
        values[key] = text
        if secret:
            secrets.append(key)
    return StackConfig(project=name, stack=stack, values=values, secret_keys=tuple(sorted(secrets)))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackFileError(f"{path.name} not found in {path.parent}") from None
    except yaml.YAMLError as error:
        raise StackFileError(f"{path.name} is not valid YAML: {error}") from None


def _declared(project: dict[str, Any], name: str) -> dict[str, tuple[dict[str, Any], bool]]:
    """Project config declarations by full key, shorthand rewritten as the CLI does."""
    declared: dict[str, tuple[dict[str, Any], bool]] = {}
    for key, raw in (project.get("config") or {}).items():
        by_project = ":" not in key or key.startswith(f"{name}:")
        full = key if ":" in key else f"{name}:{key}"
        decl = (
            raw if isinstance(raw, dict) else ({"default": raw} if by_project else {"value": raw})
        )
        declared[full] = (decl, by_project)
    return declared


def _check_type(stack: str, key: str, project: str, decl: dict[str, Any], value: Any) -> None:
    """The CLI's ValidateConfigValue: scalars arrive as strings, so '42' is an integer."""
    short = key[len(project) + 1 :] if key.startswith(f"{project}:") else key
    if _is_secure(value):
        return
    if not _valid(decl["type"], decl.get("items"), _as_cli_content(value)):
        type_name = decl["type"]
        items = decl.get("items")
        while items is not None:
            type_name = f"array<{items.get('type')}>"
            items = items.get("items")
        raise StackFileError(
            f"Stack '{stack}' with configuration key '{short}' must be of type '{type_name}'"
        )


def _as_cli_content(value: Any) -> Any:
    """What the CLI validates: the string form of a scalar, or the structure itself."""
    if isinstance(value, dict | list):
        return value
    text, _ = _to_program_string(value)
    return text


def _valid(type_name: str, items: dict[str, Any] | None, value: Any) -> bool:
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value == int(value)
        return isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value) is not None
    if type_name == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(_valid(items.get("type", ""), items.get("items"), item) for item in value)


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _to_program_string(value: Any) -> tuple[str, bool]:
    """The string the program reads, and whether any part of it was encrypted."""
    if _is_secure(value):
        return SECRET_PLACEHOLDER, True
    if isinstance(value, dict | list):
        secret = False

        def strip(item: Any) -> Any:
            nonlocal secret
            if _is_secure(item):
                secret = True
                return SECRET_PLACEHOLDER
            if isinstance(item, dict):
                return {k: strip(v) for k, v in item.items()}
            if isinstance(item, list):
                return [strip(v) for v in item]
            return item

        return json.dumps(strip(value)), secret
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if value is None:
        return "", False
    return str(value), False
