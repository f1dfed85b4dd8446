"""The rule `stage-has-xray-tracing`: its function and its metadata (`POLICY`).

Why: X-Ray shows where a request through the VPC link spends its time.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pack_graph import STAGE
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
    is_true,
)


def stage_has_xray_tracing(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """X-Ray shows where a request through the VPC link spends its time."""
    if args.resource_type != STAGE:
        return
    enabled = pv.get(args.props, "xrayTracingEnabled")
    if isinstance(enabled, pv.Unknown):
        enabled.defer()
    if not is_true(enabled):
        report(
            f"Stage '{args.name}' does not enable X-Ray tracing; set xrayTracingEnabled to true.",
            args.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="stage-has-xray-tracing",
    description="Stages must enable X-Ray tracing (CKV_AWS_73).",
    validate=stage_has_xray_tracing,
    enforcement_level=ADVISORY,
)
