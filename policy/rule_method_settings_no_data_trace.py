"""The rule `method-settings-no-data-trace`: its function and its metadata (`POLICY`).

Why: Data tracing logs full request and response bodies, secrets included.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
    METHOD_SETTINGS,
    is_true,
)


def method_settings_no_data_trace(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Data tracing logs full request and response bodies, secrets included."""
    if args.resource_type != METHOD_SETTINGS:
        return
    enabled = pv.get(args.props, "settings", "dataTraceEnabled")
    if isinstance(enabled, pv.Unknown):
        enabled.defer()
    if is_true(enabled):
        report(
            f"MethodSettings '{args.name}' enables data tracing, which writes full requests and "
            "responses (credentials and personal data included) to CloudWatch Logs; set "
            "settings.dataTraceEnabled to false and use access logs instead.",
            args.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="method-settings-no-data-trace",
    description="MethodSettings must not enable data tracing (CKV_AWS_276).",
    validate=method_settings_no_data_trace,
    enforcement_level=ADVISORY,
)
