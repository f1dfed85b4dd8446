"""The rule `private-integration-uses-vpc-link`: its function and its metadata (`POLICY`).

Why: Private backends are reached through a VPC link, never over the internet. An HTTP integration
needs connectionType VPC_LINK unless its host is allowlisted; an integration of any type that sets
connectionId without VPC_LINK does not use the link.
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
    HTTP_TYPES,
    INTEGRATION,
    MANDATORY,
    STAGE_VARIABLE_SCHEMA,
    config_strings,
    expression,
    host_is_public,
    schema,
    stage_variable,
)


def private_integration_uses_vpc_link(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    """Private backends are reached through a VPC link, never over the internet.

    An HTTP integration needs connectionType VPC_LINK unless its host is allowlisted; an
    integration of any type that sets connectionId without VPC_LINK does not use the link.
    """
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, private_integration_uses_vpc_link)
        return
    if args.resource_type != INTEGRATION:
        return
    connection_type = pv.get(args.props, "connectionType")
    if connection_type == "VPC_LINK":
        return
    kind = pv.get(args.props, "type")
    http = isinstance(kind, str) and kind.upper() in HTTP_TYPES
    connection_id = pv.get(args.props, "connectionId")
    sets_id = not isinstance(connection_id, pv.Unknown) and not pv.is_absent(connection_id)
    if not sets_id and not _judged_without_id(kind, http, connection_type, connection_id):
        return
    if isinstance(connection_type, pv.Unknown):
        connection_type.defer()
    wanted = expression(stage_variable(args))
    current = (
        "has no connectionType (so INTERNET)"
        if pv.is_absent(connection_type)
        else f"has connectionType {pv.shown(connection_type)}"
    )
    if sets_id:
        report(_stray_id_message(args.name, kind, http, connection_id, current, wanted), args.urn)
        return
    public = host_is_public(pv.get(args.props, "uri"), config_strings(args, "publicHosts"))
    if public is False:
        report(
            f"Integration '{args.name}' is an HTTP integration that {current}: it reaches its "
            "backend over the public internet instead of through the VPC link. Set "
            f"connectionType to 'VPC_LINK' and connectionId to '{wanted}', or, if the backend is "
            "meant to be public, add its host to this rule's publicHosts.",
            args.urn,
        )
    elif isinstance(public, pv.Unknown):
        public.defer()
    elif isinstance(connection_id, pv.Unknown):
        connection_id.defer()


def _judged_without_id(
    kind: object, http: bool, connection_type: object, connection_id: object
) -> bool:
    """Whether an integration that sets no connectionId concerns the rule: an HTTP one does; for
    Lambda, AWS service and MOCK integrations only a connectionId does (an unknown one defers)."""
    if isinstance(kind, pv.Unknown):
        kind.defer()
    if http:
        return True
    if isinstance(connection_id, pv.Unknown):
        if isinstance(connection_type, pv.Unknown):
            connection_type.defer()
        connection_id.defer()
    return False


def _stray_id_message(
    name: str, kind: object, http: bool, connection_id: object, current: str, wanted: str
) -> str:
    """A connectionId set without VPC_LINK, which API Gateway ignores."""
    of_kind = f" ({pv.shown(kind)})" if isinstance(kind, str) and kind and not http else ""
    effect = ", and its requests go over the internet" if http else ""
    return (
        f"Integration '{name}'{of_kind} sets connectionId to {pv.shown(connection_id)} but "
        f"{current}: API Gateway uses connectionId only with connectionType VPC_LINK, so the "
        f"integration does not go through the VPC link{effect}. Set connectionType to "
        f"'VPC_LINK' and connectionId to the stage variable expression ('{wanted}'), or "
        "remove connectionId if the integration is not meant to use a VPC link."
    )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="private-integration-uses-vpc-link",
    description=(
        "HTTP and HTTP_PROXY integrations must use connectionType VPC_LINK unless their "
        "host is in publicHosts; no integration may set connectionId without it."
    ),
    validate=private_integration_uses_vpc_link,
    enforcement_level=MANDATORY,
    config_schema=schema(
        publicHosts={
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "default": [],
            "description": (
                "Hosts of integrations allowed to go over the internet; '*.example.com' "
                "matches subdomains."
            ),
        },
        stageVariable=dict(STAGE_VARIABLE_SCHEMA),
    ),
)

#: The README's row (generated by `make generate`): what the rule catches, why, and the
#: Checkov checks it carries ("none" when Checkov has no such check).
CATCHES: Final = (
    "an `HTTP`/`HTTP_PROXY` integration without `connectionType: VPC_LINK` (its `uri` host "
    "not in `publicHosts`), or an integration of any type that sets `connectionId` without "
    "`VPC_LINK`"
)
WHY: Final = (
    "such an integration reaches the backend over the public internet, not through the "
    "link; API Gateway ignores a `connectionId` without `VPC_LINK`"
)
CHECKOV: Final = "none"
