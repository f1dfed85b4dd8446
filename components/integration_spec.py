"""What every private integration shares: its timeout and how its responses return
(`ResponseTransferMode`), held to the limits `import_rules` gives each with its source."""

import enum

from components.import_rules import Limits, timeout_problem
from components.problems import Problem, not_one_of


class ResponseTransferMode(enum.StrEnum):
    """How integration responses return: whole, or streamed as they arrive."""

    BUFFERED = "BUFFERED"
    """The whole response, then returned (API Gateway's default)."""
    STREAM = "STREAM"
    """Streamed as it arrives; timeouts up to 900000 ms."""


#: PutIntegration.responseTransferMode (botocore ResponseTransferMode enum); AWS's default is
#: BUFFERED (developer guide, "Stream the integration response for your proxy integrations").
RESPONSE_TRANSFER_MODES: tuple[str, ...] = tuple(member.value for member in ResponseTransferMode)


def check_timeout(timeout_ms: int, limits: Limits) -> None:
    """timeoutMs: the rule every operation's own `timeoutInMillis` is held to too."""
    problem = timeout_problem(timeout_ms, limits)
    if problem is not None:
        raise ValueError(problem)


def transfer_mode_problems(mode: str | None) -> list[Problem]:
    """One of the modes, or unset (API Gateway's default)."""
    return not_one_of("response_transfer_mode", mode, RESPONSE_TRANSFER_MODES)
