"""The rule `vpc-link-connection-id-uses-stage-variable`: its function and its metadata (`POLICY`).

Why: The link is chosen by a stage variable, so switching links touches only the stage.
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
    DEFAULT_STAGE_VARIABLE,
    MANDATORY,
    STAGE_VARIABLE_SCHEMA,
    expression,
    http_integration,
    pinned_stage_variable,
    schema,
)


def vpc_link_connection_id_uses_stage_variable(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    """The link is chosen by a stage variable, so switching links touches only the stage."""
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, vpc_link_connection_id_uses_stage_variable)
        return
    if not http_integration(args):
        return
    connection_type = pv.get(args.props, "connectionType")
    if isinstance(connection_type, pv.Unknown):
        connection_type.defer()
    if connection_type != "VPC_LINK":
        return
    pinned = pinned_stage_variable(args)
    variable = pinned or DEFAULT_STAGE_VARIABLE
    wanted = expression(variable)
    fix = (
        f"set it to '{wanted}' so the stage variable chooses the VPC link, and switch links by "
        "changing the stage variable"
    )
    name = args.name
    value = pv.get(args.props, "connectionId")
    if isinstance(value, pv.Unknown):
        value.defer()
    other = pv.stage_variable_name(value)
    if other is not None and (pinned is None or other == pinned):
        # Whether the stage defines it as a link id is stage-defines-vpc-link-variable's part.
        return
    if pv.is_absent(value):
        report(
            f"Integration '{name}' is a VPC_LINK integration with no connectionId; {fix}.", args.urn
        )
        return
    if not isinstance(value, str):
        report(
            f"Integration '{name}' sets connectionId to {pv.shown(value)}, not a string; {fix}.",
            args.urn,
        )
        return
    if other is not None and pv.is_secret(value):
        report(
            f"Integration '{name}' takes its connectionId from a stage variable named in a secret "
            f"value, not from '{variable}', which this pack's config pins; {fix}.",
            args.urn,
        )
    elif other is not None:
        report(
            f"Integration '{name}' takes its connectionId from the stage variable '{other}', but "
            f"this pack's config pins the links' variable to '{variable}'; set it to '{wanted}' "
            f"(or set this rule's stageVariable to '{other}' if that is the variable every stage "
            "defines, or remove the setting to accept any stage variable the stages define).",
            args.urn,
        )
    elif "stagevariables" in value.lower() or not value.isascii():
        report(
            f"Integration '{name}' sets connectionId to {pv.shown(value)}, which is not a stage "
            f"variable expression API Gateway substitutes: {pv.expression_problem(value)}; {fix}.",
            args.urn,
        )
    else:
        literal = pv.shown(value)
        report(f"Integration '{name}' sets connectionId to the literal {literal}; {fix}.", args.urn)


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="vpc-link-connection-id-uses-stage-variable",
    description=("A VPC_LINK integration's connectionId must be exactly ${stageVariables.<name>}."),
    validate=vpc_link_connection_id_uses_stage_variable,
    enforcement_level=MANDATORY,
    config_schema=schema(stageVariable=dict(STAGE_VARIABLE_SCHEMA)),
)
