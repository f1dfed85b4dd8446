"""A policy pack as the CLI finds and configures it: its interpreter, policies and config.

`--policy-pack-config` parsed as the CLI parses it, then layered over the policies' defaults and
the pack's initial config and checked against each policy's schema, as the CLI does before it
sends `Configure`.
"""

from __future__ import annotations

import difflib
import importlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsonschema
import yaml
from pulumi.runtime.proto import analyzer_pb2

from tools.pack_messages import level_name, severity_name

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
json_format: Any = importlib.import_module("google.protobuf.json_format")

ENFORCEMENT_LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")


def pack_interpreter(pack_dir: Path) -> tuple[str, Path | None]:
    """The Python the CLI runs a local pack with, and its virtualenv (None: not a virtualenv).

    The CLI's `pulumi-analyzer-policy-python` shim runs `<virtualenv>/bin/python` when
    `PulumiPolicy.yaml` names `runtime.options.virtualenv` (relative to the pack directory), and
    fails if it is missing: the CLI does not create a local pack's virtualenv. Here a missing
    one falls back to this process's interpreter, so tests run without it.
    """
    try:
        project = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return sys.executable, None
    runtime = project.get("runtime") if isinstance(project, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(virtualenv, str) and virtualenv.strip():
        root = pack_dir / virtualenv.strip()  # an absolute path replaces pack_dir
        python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        if python.is_file():
            return str(python), root
    return sys.executable, None


# --- The client -------------------------------------------------------------------------------


def shim_interpreter(pack_dir: Path, environment: dict[str, str]) -> str:
    """The pack's interpreter (`pack_interpreter`), its `bin` first on PATH as the shim puts it."""
    python, virtualenv = pack_interpreter(pack_dir)
    if virtualenv is not None:
        bin_dir = str(Path(python).parent)
        environment["PATH"] = os.pathsep.join(
            p for p in (bin_dir, environment.get("PATH", "")) if p
        )
        environment.pop("PYTHONHOME", None)
    return python


class PolicyPackError(RuntimeError):
    """The pack could not start, or a call to it failed."""


class PolicyConfigError(PolicyPackError, ValueError):
    """A policy pack config is malformed or does not match the policies' schemas."""


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    #: "resource" or "stack".
    policy_type: str
    severity: str
    #: The JSON schema properties of the policy's config, with their defaults.
    config_schema: Mapping[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's configuration: an enforcement level (None: unchanged) and properties."""

    enforcement_level: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    description: str
    supports_config: bool
    policies: tuple[PolicyInfo, ...]
    initial_config: Mapping[str, PolicyConfig] = field(default_factory=dict)

    def policy(self, name: str) -> PolicyInfo:
        for info in self.policies:
            if info.name == name:
                return info
        raise KeyError(name)


def parse_policy_config(raw: object) -> dict[str, PolicyConfig]:
    """A `--policy-pack-config` document, read as the CLI reads it.

    Each value is an enforcement level, or an object of an optional `enforcementLevel` and the
    policy's properties; `all` sets the level of every policy.
    """
    if not isinstance(raw, Mapping):
        raise PolicyConfigError("a policy pack config must be a JSON object keyed by policy name")
    result: dict[str, PolicyConfig] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            level: str | None = _level(key, value)
            properties: dict[str, Any] = {}
        elif isinstance(value, Mapping):
            properties = dict(value)
            given = properties.pop("enforcementLevel", None)
            level = None if given is None else _level(key, given)
        else:
            raise PolicyConfigError(
                f"parsing {key!r}: {value!r} is not a valid value; must be a string or object"
            )
        if level is not None or properties:
            result[str(key)] = PolicyConfig(level, properties)
    return result


def _level(key: object, value: object) -> str:
    if not isinstance(value, str) or value not in ENFORCEMENT_LEVELS:
        raise PolicyConfigError(
            f"parsing enforcement level for {key!r}: {value!r} is not a valid enforcement level "
            f"(one of {', '.join(ENFORCEMENT_LEVELS)})"
        )
    return value


def load_policy_config(path: Path) -> dict[str, PolicyConfig]:
    """Read a `--policy-pack-config` file; an empty file is an empty config, as for the CLI."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyConfigError(f"cannot read policy pack config {path}: {error}") from None
    if not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"{path} is not valid JSON: {error}") from None
    return parse_policy_config(raw)


def reconcile_policy_config(
    info: PackInfo, given: Mapping[str, PolicyConfig]
) -> dict[str, PolicyConfig]:
    """What the CLI sends to `Configure`: defaults, then the pack's initial config, then `given`.

    Every policy gets its default level and its schema's defaults; `all` sets every level; a
    policy's own entry then sets its level and merges its properties. The result is validated
    against each policy's schema. Entries naming no policy are dropped (the pack ignores them).
    """
    result = {
        p.name: PolicyConfig(
            p.enforcement_level,
            {k: v["default"] for k, v in p.config_schema.items() if "default" in v},
        )
        for p in info.policies
    }
    for layer in (info.initial_config, given):
        everything = layer.get("all")
        if everything is not None and everything.enforcement_level is not None:
            result = {
                k: PolicyConfig(everything.enforcement_level, v.properties)
                for k, v in result.items()
            }
        for name, config in layer.items():
            if name not in result:
                continue
            current = result[name]
            result[name] = PolicyConfig(
                config.enforcement_level or current.enforcement_level,
                {**current.properties, **config.properties},
            )
    errors: list[str] = []
    for policy in info.policies:
        schema: dict[str, Any] = {"type": "object", "properties": dict(policy.config_schema)}
        if policy.required:
            schema["required"] = list(policy.required)
        validator = jsonschema.Draft7Validator(schema)
        for error in validator.iter_errors(dict(result[policy.name].properties)):
            where = ".".join(str(p) for p in error.absolute_path) or "(root)"
            errors.append(f"{policy.name}: {where}: {error.message}")
    if errors:
        raise PolicyConfigError("policy pack config is invalid: " + "; ".join(errors))
    return result


def policy_info(policy: Any) -> PolicyInfo:
    policy_type = analyzer_pb2.PolicyType.Name(policy.policy_type).lower()
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        enforcement_level=level_name(policy.enforcementLevel),
        policy_type=policy_type.removeprefix("policy_type_"),
        severity=severity_name(policy.severity),
        config_schema=json_format.MessageToDict(policy.configSchema.properties),
        required=tuple(policy.configSchema.required),
    )


def pack_info(reply: Any) -> PackInfo:
    """A `GetAnalyzerInfo` reply: the pack's name, policies, default levels and schemas."""
    return PackInfo(
        name=reply.name,
        version=reply.version,
        description=reply.description,
        supports_config=reply.supportsConfig,
        policies=tuple(policy_info(p) for p in reply.policies),
        initial_config={
            k: PolicyConfig(level_name(v.enforcementLevel), json_format.MessageToDict(v.properties))
            for k, v in reply.initialConfig.items()
        },
    )


def check_policy_names(info: PackInfo, given: Mapping[str, object]) -> None:
    """A config entry naming no policy of the pack is a typo: the policy would keep its default.

    (The CLI passes such entries on and the pack ignores them; here they are an error.)
    """
    names = sorted(p.name for p in info.policies)
    for name in sorted(given):
        if name == "all" or name in names:
            continue
        nearest = difflib.get_close_matches(name, names, n=1, cutoff=0.0)
        hint = f"; did you mean '{nearest[0]}'?" if nearest else ""
        raise PolicyConfigError(f"'{name}' is not a policy of the pack {info.name}{hint}")
