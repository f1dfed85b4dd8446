"""What the engine sends a policy pack and reads back, as the SDK's analyzer messages.

Properties are a protobuf Struct where a value not known yet is the engine's unknown sentinel (put
`UNKNOWN` in a property dict) and a secret is the engine's secret envelope (wrap it in `Secret`);
both read from the SDK's own serializer (pulumi.runtime.rpc), not restated.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi.runtime import rpc
from pulumi.runtime.proto import analyzer_pb2

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")

#: The engine's marker for a value not known until the cloud creates a resource.
UNKNOWN_SENTINEL: Final = rpc.UNKNOWN
#: The engine's envelope for secrets: {SIG_KEY: SECRET_SIG, "value": ...}.
SIG_KEY: Final = rpc._special_sig_key
SECRET_SIG: Final = rpc._special_secret_sig


class _Unknown:
    """Marker for a property value not known yet (an output, during preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


#: Put this in a property dict where the engine would send an unknown value.
UNKNOWN: Final = _Unknown()


@dataclass(frozen=True)
class Secret:
    """A secret property value: sent in the engine's secret envelope."""

    value: Any


@dataclass(frozen=True)
class StackContext:
    """What the CLI tells a pack about the stack: `ConfigureStack`, and the same as PULUMI_* env."""

    project: str
    stack: str
    organization: str = ""
    #: True for `pulumi preview`, False for `pulumi up`.
    dry_run: bool = False
    #: Stack config as the CLI passes it: `project:key` -> the value as a string.
    config: Mapping[str, str] = field(default_factory=dict)
    config_secret_keys: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StackContext | None:
        """Read back what the CLI sets for the pack; None without PULUMI_PROJECT and _STACK."""
        project, stack = env.get("PULUMI_PROJECT"), env.get("PULUMI_STACK")
        if not project or not stack:
            return None
        config = _json_env(env, "PULUMI_CONFIG")
        secret_keys = _json_env(env, "PULUMI_CONFIG_SECRET_KEYS")
        return cls(
            project=project,
            stack=stack,
            organization=env.get("PULUMI_ORGANIZATION", ""),
            dry_run=env.get("PULUMI_DRY_RUN") == "true",
            config=(
                {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
                if isinstance(config, dict)
                else {}
            ),
            config_secret_keys=(
                tuple(k for k in secret_keys if isinstance(k, str))
                if isinstance(secret_keys, list)
                else ()
            ),
        )

    def request(self) -> Any:
        """`ConfigureStack`'s request; None with an SDK that predates it."""
        request_type = getattr(analyzer_pb2, "AnalyzerStackConfigureRequest", None)
        if request_type is None:
            return None
        return request_type(
            stack=self.stack,
            project=self.project,
            organization=self.organization,
            dry_run=self.dry_run,
            config=dict(self.config),
            config_secret_keys=list(self.config_secret_keys),
            tags=dict(self.tags),
        )

    def env(self) -> dict[str, str]:
        """The PULUMI_* variables the CLI sets for a pack process from the same options."""
        result = {
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        }
        if self.organization:
            result["PULUMI_ORGANIZATION"] = self.organization
        if self.config:
            result["PULUMI_CONFIG"] = json.dumps(dict(self.config))
        return result


def _json_env(env: Mapping[str, str], name: str) -> Any:
    try:
        return json.loads(env.get(name) or "null")
    except json.JSONDecodeError:
        return None


def serialize(value: Any, path: str = "") -> Any:
    """A property value as the engine marshals it: sentinels for unknowns, envelopes for secrets.

    Nulls inside objects are left out, as the engine skips them.
    """
    if value is UNKNOWN:
        return UNKNOWN_SENTINEL
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": serialize(value.value, path)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"property {path or '(root)'} has a non-string key {key!r}")
            if item is not None:
                result[key] = serialize(item, f"{path}.{key}" if path else key)
        return result
    if isinstance(value, list | tuple):
        return [serialize(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"property {path or '(root)'} has a value of type {type(value).__name__}")


def to_struct(properties: Mapping[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(serialize(properties))
    return struct


def stack_resource(
    *,
    type_: str,
    urn: str,
    name: str,
    parent: str,
    dependencies: Sequence[str],
    property_dependencies: Mapping[str, Sequence[str]],
) -> analyzer_pb2.AnalyzerResource:
    """One resource of an `AnalyzeStack` request, without its properties (the caller adds them)."""
    entry = analyzer_pb2.AnalyzerResource(
        type=type_,
        urn=urn,
        name=name,
        options=analyzer_pb2.AnalyzerResourceOptions(parent=parent),
        parent=parent,
        dependencies=list(dependencies),
    )
    for prop, urns in property_dependencies.items():
        entry.propertyDependencies[prop].urns.extend(urns)
    return entry


def level_name(value: int) -> str:
    return str(analyzer_pb2.EnforcementLevel.Name(value)).lower()


def level_value(name: str) -> Any:
    return analyzer_pb2.EnforcementLevel.Value(name.upper())


def severity_name(value: int) -> str:
    name = str(analyzer_pb2.PolicySeverity.Name(value)).lower()
    return "" if name.endswith("unspecified") else name.removeprefix("policy_severity_")
