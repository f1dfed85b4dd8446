"""Reading resource properties as the engine sends them: possibly unknown, possibly malformed.

The server wraps properties in `pulumi_policy`'s unknown-checking proxy, which raises
`UnknownValueError` when a rule touches a value that is not known yet (an output of another
resource, during preview). Rules read through `get`, which never raises: it returns the value,
`MISSING`, or an `Unknown` that a resource rule may `defer()` (re-raise, so CrossGuard reports its
own advisory "can't run policy during preview" note) and a stack rule skips. Any value may also be
of the wrong type; callers check types before use, and the helpers here never assume them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, NoReturn

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

SENTINELS: Final = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class Unknown:
    """A value the engine does not know yet. Keeps CrossGuard's own error to re-raise."""

    __slots__ = ("error",)

    def __init__(self, error: UnknownValueError) -> None:
        self.error = error

    def defer(self) -> NoReturn:
        """Let CrossGuard report that the rule can't run during preview (always advisory)."""
        raise self.error

    def __repr__(self) -> str:
        return f"<unknown {'.'.join(self.error.props)}>"


class _Missing:
    """Not set at all: distinct from None so messages can say which."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Final = _Missing()


def is_sentinel(value: object) -> bool:
    return isinstance(value, str) and value in SENTINELS


def _unknown(sentinel: str, path: Sequence[str | int]) -> Unknown:
    return Unknown(UnknownValueError(sentinel, [str(p) for p in path]))


def get(container: object, *path: str | int) -> Any:
    """The value at `path`, `MISSING` where any step is absent or of the wrong type, or `Unknown`.

    Works on the proxy and on plain dicts and lists (where an unknown is the bare sentinel).
    """
    current: Any = container
    for depth, key in enumerate(path):
        try:
            by_key = isinstance(key, str) and isinstance(current, Mapping)
            by_index = (
                isinstance(key, int)
                and isinstance(current, Sequence)
                and not isinstance(current, str | bytes)
            )
            if not (by_key or by_index):
                return MISSING
            current = current[key]
        except (KeyError, IndexError, TypeError):
            return MISSING
        except UnknownValueError as error:
            return Unknown(error)
        if is_sentinel(current):
            return _unknown(current, path[: depth + 1])
    return current


def items(mapping: object) -> list[tuple[str, Any]]:
    """Key/value pairs of a mapping (values may be `Unknown`); [] for anything else."""
    if not isinstance(mapping, Mapping):
        return []
    result: list[tuple[str, Any]] = []
    try:
        keys = list(mapping)
    except TypeError:
        return []
    for key in keys:
        if isinstance(key, str):
            result.append((key, get(mapping, key)))
    return result


def elements(sequence: object) -> list[Any] | None:
    """Elements of a list (each possibly `Unknown`); None if it is not a list."""
    if not isinstance(sequence, Sequence) or isinstance(sequence, str | bytes):
        return None
    return [get(sequence, index) for index in range(len(sequence))]


def is_absent(value: object) -> bool:
    """Unset for API Gateway's purposes: missing, null or the empty string."""
    return value is MISSING or value is None or value == ""


def text(value: object) -> str | None:
    """The value if it is a string, else None."""
    return value if isinstance(value, str) else None


def number(value: object) -> float | None:
    """A number, or a string of digits (the engine sends every number as a float)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an int too large for a float
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+(\.[0-9]+)?\s*", value):
        return float(value)
    return None


def shown(value: object, limit: int = 80) -> str:
    """A value quoted for a message, cut short so malformed input cannot flood the output."""
    if isinstance(value, str):
        quoted = "'" + value + "'"
    elif value is MISSING:
        quoted = "nothing"
    elif isinstance(value, Mapping):
        quoted = "an object"
    elif isinstance(value, Sequence):
        quoted = f"a list of {len(value)}"
    elif value is None:
        quoted = "null"
    else:
        quoted = repr(value)
    return quoted if len(quoted) <= limit else quoted[: limit - 4] + "...'"


def display_number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else str(value)


# --- ARNs -------------------------------------------------------------------------------------

_PARTITION = r"aws(?:-[a-z]+)*"
_REGION = r"[a-z]{2}(?:-[a-z]+)+-[0-9]+"
_ACCOUNT = r"[0-9]{12}"
# Load balancer names: 1-32 alphanumerics or hyphens, not starting or ending with a hyphen.
_LB_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
_LB_ID = r"[0-9a-f]{16}"

NLB_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:elasticloadbalancing:{_REGION}:{_ACCOUNT}:loadbalancer/net/{_LB_NAME}/{_LB_ID}"
)
LB_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:elasticloadbalancing:{_REGION}:{_ACCOUNT}"
    rf":loadbalancer/(?:net|app)/{_LB_NAME}/{_LB_ID}"
)
STAGE_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:apigateway:{_REGION}::/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)"
)
#: Exactly `${stageVariables.NAME}`: stage variable names are alphanumerics and underscores.
STAGE_VARIABLE_REF: Final = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")


def is_nlb_arn(value: object) -> bool:
    return isinstance(value, str) and NLB_ARN.fullmatch(value) is not None


def is_load_balancer_arn(value: object) -> bool:
    return isinstance(value, str) and LB_ARN.fullmatch(value) is not None


def stage_variable_name(value: object) -> str | None:
    """NAME if the value is exactly `${stageVariables.NAME}`, else None."""
    if not isinstance(value, str):
        return None
    match = STAGE_VARIABLE_REF.fullmatch(value)
    return match.group("name") if match else None
