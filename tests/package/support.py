"""The shipped stacks' args, and the inputs an engine would send for them to the package."""

import dataclasses
import enum
from pathlib import Path
from typing import Any

import stack_config
from components.args import PrivateRestApiArgs
from components.link_spec import VpcLinkSpec
from components.package_adapter import camel
from tools import stackfiles

PROJECT_DIR = Path(__file__).resolve().parents[2]
STACKS = sorted(path.name.split(".")[1] for path in PROJECT_DIR.glob("Pulumi.*.yaml"))


def shipped_args(stack: str) -> PrivateRestApiArgs:
    """What the program passes `PrivateRestApi` for a shipped stack (backendStack not followed)."""
    config = stackfiles.load(PROJECT_DIR, stack)
    values = {key: value for key, value in config.values.items() if isinstance(value, str)}
    return stack_config.parse(values, stack=stack)


def engine_inputs(value: Any) -> Any:
    """`value` as the engine sends it to a provider: schema (camelCase) names, enums as their
    values, lists for tuples, no nulls, and every number a float (protobuf's Value has one
    number type)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return [engine_inputs(item) for item in value]
    if isinstance(value, dict):
        return {key: engine_inputs(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = {"vpc_link_id": "id"} if isinstance(value, VpcLinkSpec) else {}
        return {
            names.get(field.name, camel(field.name)): engine_inputs(item)
            for field in dataclasses.fields(value)
            if (item := getattr(value, field.name)) is not None
        }
    raise TypeError(f"no engine form for {value!r}")
