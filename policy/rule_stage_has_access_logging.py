"""The rule `stage-has-access-logging`: its function and its metadata (`POLICY`).

Why: Access logs are how a link switch or a canary is watched and audited.
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
)


def stage_has_access_logging(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Access logs are how a link switch or a canary is watched and audited."""
    if args.resource_type != STAGE:
        return
    settings = pv.get(args.props, "accessLogSettings")
    listed = pv.elements(settings)
    if listed is not None and len(listed) == 1:
        settings = listed[0]
    if isinstance(settings, pv.Unknown):
        return
    destination = pv.get(settings, "destinationArn")
    if isinstance(destination, pv.Unknown) or (isinstance(destination, str) and destination):
        return
    missing = (
        "accessLogSettings is not set"
        if pv.is_absent(settings)
        else "accessLogSettings has no destinationArn"
    )
    report(
        f"Stage '{args.name}' has no access logging: {missing}. Set accessLogSettings with a "
        "CloudWatch Logs group's ARN as destinationArn and a format (the account also needs API "
        "Gateway's CloudWatch role).",
        args.urn,
    )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="stage-has-access-logging",
    description="Stages must set accessLogSettings (CKV_AWS_76).",
    validate=stage_has_access_logging,
    enforcement_level=ADVISORY,
)
