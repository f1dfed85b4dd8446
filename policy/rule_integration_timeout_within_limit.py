"""The rule `integration-timeout-within-limit`: its function and its metadata (`POLICY`).

Why: Beyond 29 s API Gateway cuts the request unless AWS raised the account's quota; a streaming
integration may take up to 15 minutes without one.
"""

from __future__ import annotations

from typing import Final

import pack_openapi
import pack_values as pv
from pack_graph import REST_API
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
    DEFAULT_MAX_TIMEOUT_MS,
    INTEGRATION,
    MAX_LONG_TIMEOUT_MS,
    MAX_STREAM_TIMEOUT_MS,
    MIN_TIMEOUT_MS,
    max_timeout,
    schema,
)


def integration_timeout_within_limit(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Beyond 29 s API Gateway cuts the request unless AWS raised the account's quota; a
    streaming integration may take up to 15 minutes without one."""
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, integration_timeout_within_limit)
        return
    if args.resource_type != INTEGRATION:
        return
    value = pv.get(args.props, "timeoutMilliseconds")
    if isinstance(value, pv.Unknown):
        value.defer()
    if value is pv.MISSING or value is None:
        return  # API Gateway's default, 29000 ms
    maximum = max_timeout(args)
    if pv.get(args.props, "responseTransferMode") == "STREAM":
        # "you can configure the integration timeout up to 15 minutes" when streaming, with no
        # quota increase (developer guide, "Set up an HTTP proxy integration with payload
        # response streaming").
        maximum = MAX_STREAM_TIMEOUT_MS
    limits = f"between {MIN_TIMEOUT_MS} and {pv.display_number(maximum)}"
    timeout = pv.number(value)
    if pv.is_secret(value) and timeout is not None:
        if not MIN_TIMEOUT_MS <= timeout <= maximum:
            report(
                f"Integration '{args.name}' sets timeoutMilliseconds to a secret value that is not "
                f"{limits} ms (not shown, being secret); set it {limits}.",
                args.urn,
            )
        return
    if timeout is None:
        report(
            f"Integration '{args.name}' sets timeoutMilliseconds to {pv.shown(value)}, which is "
            f"not a number; set it to a number of milliseconds {limits}.",
            args.urn,
        )
    elif timeout < MIN_TIMEOUT_MS:
        report(
            f"Integration '{args.name}' sets timeoutMilliseconds to "
            f"{pv.display_number(timeout)}, below API Gateway's minimum of {MIN_TIMEOUT_MS} ms; "
            f"set it {limits}.",
            args.urn,
        )
    elif not timeout <= maximum:
        report(
            f"Integration '{args.name}' sets timeoutMilliseconds to "
            f"{pv.display_number(timeout)}, above the {pv.display_number(maximum)} ms limit; "
            f"lower it to at most {pv.display_number(maximum)}, or, once AWS has raised the "
            "account's integration timeout quota (REGIONAL and PRIVATE APIs), raise this rule's "
            "maxTimeoutMs.",
            args.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="integration-timeout-within-limit",
    description="Integration timeoutMilliseconds must be between 50 and maxTimeoutMs.",
    validate=integration_timeout_within_limit,
    enforcement_level=ADVISORY,
    config_schema=schema(
        maxTimeoutMs={
            "type": "integer",
            "minimum": MIN_TIMEOUT_MS,
            "maximum": MAX_LONG_TIMEOUT_MS,
            "default": DEFAULT_MAX_TIMEOUT_MS,
            "description": "Raise after AWS raised the account's integration timeout quota.",
        }
    ),
)
