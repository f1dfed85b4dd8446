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
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Final, NoReturn

import pulumi_policy.deserialize as _deserialize
import pulumi_policy.policy as _policy_server
from pack_regions import PARTITION_OF_REGION
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
from pulumi_policy.secret import Secret, _DictSecretsProxy, _ListSecretsProxy

# --- Secrets ----------------------------------------------------------------------------------
# The server deserializes `Analyze` and `AnalyzeStack` properties with the engine's secret
# envelopes removed, so a rule could not tell a secret from any other value and would quote its
# plaintext. The pack has the server keep them (as `pulumi_policy.secret.Secret`, the SDK's own
# marker, which its remediation path already uses); `get` unwraps them and marks what it returns,
# so `shown` prints "[secret]" for a secret value or anything inside one.
# (The SDK's remediation path calls the same function; this pack has no remediations.)


def _keep_secrets(props: dict[str, Any], proxy_secrets: bool = False) -> dict[str, Any]:
    """`deserialize_properties` that leaves secrets as `Secret` values (none are proxied)."""
    del proxy_secrets
    return {
        key: _plain(_deserialize._deserialize_property(value, True)) for key, value in props.items()
    }


def _plain(value: Any) -> Any:
    """The SDK's secret-marking result without its unwrapping proxies (which hide the marks)."""
    if isinstance(value, _DictSecretsProxy):
        return {k: _plain(v) for k, v in value["__target"].items()}
    if isinstance(value, _ListSecretsProxy):
        return [_plain(v) for v in value["__target"]]
    if isinstance(value, Secret):
        return Secret(_plain(value.value))
    return value


setattr(_policy_server, "deserialize_properties", _keep_secrets)  # noqa: B010 (the SDK global)

SECRET_SHOWN: Final = "[secret]"  # noqa: S105 (the placeholder, not a secret)


class SecretText(str):
    """A string that was secret: compares and matches as the string, never shown."""

    __slots__ = ()


class SecretNumber(float):
    """A number that was secret."""

    __slots__ = ()


class SecretMapping(dict[str, Any]):
    """A mapping that was secret, or was inside a secret: its values are secret too."""


class SecretList(list[Any]):
    """A list that was secret, or was inside a secret."""


def _as_secret(value: Any) -> Any:
    """The value marked secret where its type allows (bools and None cannot be)."""
    if isinstance(value, Secret):
        value = value.value
    if isinstance(value, str) and not isinstance(value, SecretText):
        return SecretText(value)
    if isinstance(value, int | float) and not isinstance(value, bool | SecretNumber):
        return SecretNumber(value)
    if isinstance(value, Mapping) and not isinstance(value, SecretMapping):
        return SecretMapping({k: value[k] for k in value if isinstance(k, str)})
    if (
        isinstance(value, Sequence)
        and not isinstance(value, str | bytes)
        and not isinstance(value, SecretList)
    ):
        return SecretList(value[i] for i in range(len(value)))
    return value


def is_secret(value: object) -> bool:
    return isinstance(value, SecretText | SecretNumber | SecretMapping | SecretList | Secret)


def reveal(value: Any) -> Any:
    """A `Secret` marker's value (for code that reads properties without `get`)."""
    return value.value if isinstance(value, Secret) else value


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
    secret = is_secret(current)
    if isinstance(current, Secret):
        current = current.value
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
        if isinstance(current, Secret):
            secret = True
            current = current.value
        if is_sentinel(current):
            return _unknown(current, path[: depth + 1])
    return _as_secret(current) if secret else current


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
    """A value quoted for a message, cut short so malformed input cannot flood the output.

    A secret value, or a structure holding one, is shown as "[secret]".
    """
    if is_secret(value) or _holds_secret(value):
        return SECRET_SHOWN
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


def _holds_secret(value: object, depth: int = 0) -> bool:
    if depth > 32:
        return False
    if isinstance(value, Secret):
        return True
    if isinstance(value, Mapping):
        try:
            return any(_holds_secret(value[k], depth + 1) for k in list(value))
        except (KeyError, TypeError, UnknownValueError):
            return False
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        try:
            return any(_holds_secret(value[i], depth + 1) for i in range(len(value)))
        except (IndexError, TypeError, UnknownValueError):
            return False
    return False


def display_number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else str(value)


# --- ARNs -------------------------------------------------------------------------------------

#: Every region of every partition pulumi-aws 7.51 knows (pack_regions.py, with its sources).
_PARTITION = r"(?P<partition>aws(?:-[a-z]+)*)"
_REGION = (
    "(?P<region>"
    + "|".join(sorted(map(re.escape, PARTITION_OF_REGION), key=len, reverse=True))
    + ")"
)
_ACCOUNT = r"[0-9]{12}"
# Load balancer names: 1-32 alphanumerics or hyphens, not starting or ending with a hyphen.
_LB_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?"
_LB_ID = r"[0-9a-f]{16}"

NLB_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:elasticloadbalancing:{_REGION}:{_ACCOUNT}:loadbalancer/net/{_LB_NAME}/{_LB_ID}"
)
LB_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:elasticloadbalancing:{_REGION}:{_ACCOUNT}"
    rf":loadbalancer/(?P<kind>net|app)/{_LB_NAME}/{_LB_ID}"
)
STAGE_ARN: Final = re.compile(
    rf"arn:{_PARTITION}:apigateway:{_REGION}::/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)"
)
#: Exactly `${stageVariables.NAME}`: stage variable names are alphanumerics and underscores.
STAGE_VARIABLE_REF: Final = re.compile(r"\$\{stageVariables\.(?P<name>[A-Za-z0-9_]+)\}")


def _arn_match(pattern: re.Pattern[str], value: object) -> re.Match[str] | None:
    """A full match whose partition is its region's own (no `arn:aws-cn:...:us-east-1:`)."""
    if not isinstance(value, str):
        return None
    match = pattern.fullmatch(value)
    if match is None or PARTITION_OF_REGION.get(match.group("region")) != match.group("partition"):
        return None
    return match


def is_nlb_arn(value: object) -> bool:
    return _arn_match(NLB_ARN, value) is not None


def is_load_balancer_arn(value: object) -> bool:
    return _arn_match(LB_ARN, value) is not None


def load_balancer_kind(value: object) -> str | None:
    """'net' or 'app' for a load balancer ARN (whatever its region), else None."""
    match = LB_ARN.fullmatch(value) if isinstance(value, str) else None
    return match.group("kind") if match else None


def arn_region(value: object) -> str | None:
    """The region of an ARN of a known region, else None."""
    if not isinstance(value, str):
        return None
    parts = value.split(":")
    return parts[3] if len(parts) > 5 and parts[3] in PARTITION_OF_REGION else None


def arn_partition_problem(value: object) -> str | None:
    """Why an ARN's partition and region cannot go together, if they cannot."""
    if not isinstance(value, str):
        return None
    parts = value.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        return None
    partition, region = parts[1], parts[3]
    expected = PARTITION_OF_REGION.get(region)
    if expected is None:
        return f"'{region}' is not a region of any partition the AWS provider knows"
    if expected != partition:
        return f"the region {region} is in the partition '{expected}', not '{partition}'"
    return None


def stage_variable_name(value: object) -> str | None:
    """NAME if the value is exactly `${stageVariables.NAME}`, else None."""
    if not isinstance(value, str):
        return None
    match = STAGE_VARIABLE_REF.fullmatch(value)
    return match.group("name") if match else None


def expression_problem(value: str) -> str:
    """Why a string meant as `${stageVariables.NAME}` is not one, in the words of its mistake."""
    if is_secret(value):
        return "its text is secret, so this message cannot quote the mistake"
    for position, character in enumerate(value):
        if not character.isascii():
            name = unicodedata.name(character, "an unnamed character")
            return (
                f"it contains {name} (U+{ord(character):04X}) at position {position + 1}, which "
                "looks like a letter of the expression but is not ASCII, so API Gateway does not "
                "substitute it"
            )
    if STAGE_VARIABLE_REF.search(value):
        return "the stage variable must be the whole value, with nothing around it"
    loose = re.search(r"\$(\{?)stagevariables\.([A-Za-z0-9_]*)(\}?)", value, re.IGNORECASE)
    if loose is not None:
        opened, name, closed = loose.groups()
        if not (opened and closed):
            return (
                "it has no braces: API Gateway substitutes only the form "
                f"'${{stageVariables.{name or 'NAME'}}}' in connectionId"
            )
        if "stageVariables" not in loose.group(0):
            return "'stageVariables' is case-sensitive: write it exactly so"
        if not name:
            return "it names no stage variable"
        return "the stage variable must be the whole value, with nothing around it"
    return "it is not a stage variable expression"
