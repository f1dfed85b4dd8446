"""The rule `vpc-link-version-matches-target`: its function and its metadata (`POLICY`).

Why: integrationTarget goes with a VPC link V2 and only with one, where the stack shows which link
an integration uses (a literal id, or the stage variable its stage sets).
"""

from __future__ import annotations

from typing import Final

import pack_openapi
import pack_values as pv
from pack_graph import REST_API, STAGE, StackGraph, property_dependencies
from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    HTTP_TYPES,
    INTEGRATION,
    MANDATORY,
    VPC_LINK,
    VPC_LINK_V2,
    LinkIndex,
)


def _link_of(value: object, deps: list[PolicyResource], links: LinkIndex) -> PolicyResource | None:
    """The stack's VPC link a connection id names: by its known id, else (at preview, the id
    unknown) the one link the value was computed from."""
    if isinstance(value, str):
        found = links.by_id.get(value)
        if found is None:
            owner = links.graph.by_id.get(value)
            found = owner if owner is not None and owner.resource_type in _LINK_TYPES else None
        return found
    if isinstance(value, pv.Unknown):
        named = {d.urn: d for d in deps if d.resource_type in _LINK_TYPES}
        return next(iter(named.values())) if len(named) == 1 else None
    return None


_LINK_TYPES: Final = (VPC_LINK, VPC_LINK_V2)


def _version_problem(link: PolicyResource, has_target: bool) -> str | None:
    if link.resource_type == VPC_LINK and has_target:
        return (
            f"VPC link '{link.name}', a V1 link, while the integration sets integrationTarget; "
            "API Gateway takes integrationTarget only with a VPC link V2, so every request "
            "would fail. Point it at a V2 link (aws:apigatewayv2/vpcLink), or remove "
            "integrationTarget to keep the V1 link"
        )
    if link.resource_type == VPC_LINK_V2 and not has_target:
        return (
            f"VPC link '{link.name}', a V2 link, while the integration sets no "
            "integrationTarget; API Gateway refuses it ('IntegrationTarget is required for "
            "VpcLinkV2') and every request would fail. Set integrationTarget to the ALB or NLB "
            "ARN the link should reach, or point it at a V1 link"
        )
    return None


def _canary_has_own_deployment(stage: PolicyResource) -> bool:
    """Whether the stage's canary serves another deployment than the stage: AWS's canary
    release, where the new deployment goes to the canary ("Set up an API Gateway canary release
    deployment") and the stage keeps its older one. Known ids that differ, or (at preview) a
    canary deployment being made while the stage keeps a known one."""
    canary = pv.get(stage.props, "canarySettings", "deploymentId")
    own = pv.get(stage.props, "deployment")
    if isinstance(canary, str) and isinstance(own, str):
        return canary != own
    return isinstance(canary, pv.Unknown) and isinstance(own, str)


#: (api key, connectionId, has integrationTarget) -> users, for resources and body operations.
_Users = dict[tuple[str, object, bool], list[str]]


def _note(users: _Users, api: str | None, props: object, label: str) -> None:
    """Record an HTTP VPC_LINK integration whose connectionId is a string, by its API."""
    if api is None or pv.get(props, "connectionType") != "VPC_LINK":
        return
    kind = pv.get(props, "type")
    if not (isinstance(kind, str) and kind.upper() in HTTP_TYPES):
        return
    connection_id = pv.get(props, "connectionId")
    if not isinstance(connection_id, str):
        return
    has_target = not pv.is_absent(pv.get(props, "integrationTarget"))
    users.setdefault((api, connection_id, has_target), []).append(label)


def vpc_link_version_matches_target(args: StackValidationArgs, report: ReportViolation) -> None:
    """integrationTarget goes with a VPC link V2 and only with one, where the stack shows which
    link an integration uses (a literal id, or the stage variable its stage sets)."""
    graph = StackGraph(args.resources)
    links = LinkIndex(graph)
    users: _Users = {}
    for integration in graph.of_type(INTEGRATION):
        _note(
            users, graph.api_of(integration), integration.props, f"Integration '{integration.name}'"
        )
        _judge_literal(integration, links, report)
    for rest_api in graph.of_type(REST_API):
        body = pack_openapi.read_body(rest_api.props)
        for operation in [] if isinstance(body, pv.Unknown) else body.integrations:
            _note(
                users,
                rest_api.urn,
                operation.props,
                f"operation '{operation.operation}' of RestApi '{rest_api.name}'",
            )
    for stage in graph.of_type(STAGE):
        api = graph.api_of(stage)
        if api is not None:
            _judge_stage(stage, api, users, links, report)


def _judge_literal(integration: PolicyResource, links: LinkIndex, report: ReportViolation) -> None:
    """An integration whose connectionId is a link's id itself, not a stage variable."""
    literal = pv.get(integration.props, "connectionId")
    if not isinstance(literal, str) or pv.stage_variable_name(literal) is not None:
        return
    link = _link_of(literal, property_dependencies(integration, "connectionId"), links)
    has_target = not pv.is_absent(pv.get(integration.props, "integrationTarget"))
    problem = _version_problem(link, has_target) if link is not None else None
    if problem is not None:
        report(
            f"Integration '{integration.name}' uses as its connectionId {problem}.",
            integration.urn,
        )


def _judge_stage(
    stage: PolicyResource, api: str, users: _Users, links: LinkIndex, report: ReportViolation
) -> None:
    """The links a stage's variable (and its canary's override) points the API's integrations
    at, for each variable they use."""
    own_canary = _canary_has_own_deployment(stage)
    for (key, connection_id, has_target), named in sorted(
        users.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2])
    ):
        variable = pv.stage_variable_name(connection_id)
        if key != api or variable is None:
            continue
        who = named[0] if len(named) == 1 else f"{len(named)} integrations (such as {named[0]})"
        for where, value, deps in _stage_values(stage, variable, own_canary):
            link = _link_of(value, deps, links)
            problem = _version_problem(link, has_target) if link is not None else None
            if problem is not None:
                report(
                    f"Stage '{stage.name}' points {where}['{variable}'], which {who} use as "
                    f"connectionId, at {problem}.",
                    stage.urn,
                )


def _stage_values(
    stage: PolicyResource, variable: str, own_canary: bool
) -> list[tuple[str, object, list[PolicyResource]]]:
    """Where the stage sets the variable: (where, value, what the value was computed from)."""
    variables = pv.get(stage.props, "variables")
    overrides = pv.get(stage.props, "canarySettings", "stageVariableOverrides")
    checks = [
        ("variables", pv.get(variables, variable), property_dependencies(stage, "variables")),
        (
            "canarySettings.stageVariableOverrides",
            pv.get(overrides, variable),
            property_dependencies(stage, "canarySettings"),
        ),
    ]
    if own_canary:
        # The integrations as the stack declares them are the canary's deployment; the stage
        # serves an older one the stack no longer describes. Judge them against the link the
        # canary uses: its override, else the stage's own value.
        return [checks[1]] if checks[1][1] is not pv.MISSING else [checks[0]]
    return checks


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="vpc-link-version-matches-target",
    description=(
        "An integration with integrationTarget must use a VPC link V2, and one through a V2 "
        "link must set integrationTarget."
    ),
    validate=vpc_link_version_matches_target,
    enforcement_level=MANDATORY,
)

#: The README's row (generated by `make generate`): what the rule catches, why, and the
#: Checkov checks it carries ("none" when Checkov has no such check).
CATCHES: Final = (
    "an integration (resource or body operation) with `integrationTarget` whose link, as "
    "the stack shows it (a literal `connectionId`, or the stage variable its stage or "
    "canary sets, by id or, at preview, by the one link the value was computed from), is a "
    "V1 `aws:apigateway/vpcLink`; or one without `integrationTarget` through an "
    "`aws:apigatewayv2/vpcLink`. Where the stage's canary has a deployment of its own (its "
    "`deploymentId` differs from the stage's `deployment`, or is being made while the "
    "stage's is known), the integrations are the canary's deployment and are judged against"
    " the canary's link only: AWS's canary release, the stage serving an older deployment "
    "the stack no longer describes"
)
WHY: Final = (
    "API Gateway takes `integrationTarget` only with a V2 link and requires it for one "
    '("IntegrationTarget is required for VpcLinkV2"): both fail every request'
)
CHECKOV: Final = "none"
