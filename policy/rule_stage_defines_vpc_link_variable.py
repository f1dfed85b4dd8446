"""The rule `stage-defines-vpc-link-variable`: its function and its metadata (`POLICY`).

Why: A stage without the variable its integrations name fails every request at run time.
"""

from __future__ import annotations

from typing import Final

import pack_openapi
import pack_values as pv
from pack_graph import REST_API, STAGE, StackGraph
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
    NATIVE_VPC_LINKS,
    VPC_LINK,
    VPC_LINK_V2,
    LinkIndex,
)


def _stage_variable_problem(value: object, subject: str, links: LinkIndex) -> str | None:
    """What is provably wrong with a stage variable's value as a VPC link id, if anything.

    Returns a predicate about `subject` ("does not define the stage variable 'vpcLinkId'").
    """
    if isinstance(value, pv.Unknown):
        return None  # an output, typically a link's id during preview
    if value is pv.MISSING or value is None:
        return f"does not define {subject}"
    number = pv.number(value) if not isinstance(value, str) else None
    if number is not None:
        value = pv.display_number(number)
    if not isinstance(value, str):
        return f"sets {subject} to {pv.shown(value)}, which is not a string"
    return _id_form_problem(value, subject) or _id_owner_problem(value, subject, links)


def _id_form_problem(value: str, subject: str) -> str | None:
    """A value that cannot be a link id: empty, or not short and alphanumeric."""
    if not value.strip():
        return f"sets {subject} to an empty string"
    if not value.isascii() or not value.isalnum():
        hint = " (an ARN; use the link's id)" if value.startswith("arn:") else ""
        return (
            f"sets {subject} to {pv.shown(value)}, which is not a VPC link id{hint}: link ids "
            "are short alphanumeric strings such as 'gim7c3'"
        )
    return None


def _id_owner_problem(value: str, subject: str, links: LinkIndex) -> str | None:
    """A value the stack shows is another resource's id, or a link's name rather than its id."""
    if value in links.ids:
        return None  # the `id` output of a link of this stack (stack analysis of outputs)
    owner = links.graph.by_id.get(value)
    if owner is not None and owner.resource_type not in (VPC_LINK, VPC_LINK_V2, *NATIVE_VPC_LINKS):
        return (
            f"sets {subject} to {pv.shown(value)}, which is the id of {owner.resource_type} "
            f"'{owner.name}', not of a VPC link"
        )
    named = links.by_name.get(value) if owner is None else None
    if named is not None:
        return (
            f"sets {subject} to {pv.shown(value)}, which is the name of VPC link "
            f"'{named.name}', not its id"
        )
    return None


class _Needs:
    """The stage variables each REST API's VPC_LINK integrations name, and who names them."""

    def __init__(self) -> None:
        #: REST API urn -> variable -> the integrations (or body operations) that use it.
        self.by_api: dict[str, dict[str, list[str]]] = {}
        #: Variables named only by secret connectionIds: never quoted.
        self.secret_names: set[str] = set()

    def add(self, api: str, connection_id: object, user: str) -> None:
        variable = pv.stage_variable_name(connection_id)
        if variable is None:
            return
        if pv.is_secret(connection_id):
            self.secret_names.add(variable)
        self.by_api.setdefault(api, {}).setdefault(variable, []).append(user)

    def of_integrations(self, graph: StackGraph) -> None:
        """The Integration resources' stage variables."""
        for integration in graph.of_type(INTEGRATION):
            kind = pv.get(integration.props, "type")
            if not (isinstance(kind, str) and kind.upper() in HTTP_TYPES):
                continue
            if pv.get(integration.props, "connectionType") != "VPC_LINK":
                continue
            connection_id = pv.get(integration.props, "connectionId")
            api = graph.api_of(integration)
            if api is not None:
                self.add(api, connection_id, integration.name)

    def of_bodies(self, graph: StackGraph) -> None:
        """The stage variables of a body's integrations, each named by its operation
        ("GET /orders/{id}"; a secret body's are never quoted)."""
        for rest_api in graph.of_type(REST_API):
            body = pack_openapi.read_body(rest_api.props)
            for operation in [] if isinstance(body, pv.Unknown) else body.integrations:
                kind, props = pv.get(operation.props, "type"), operation.props
                http = isinstance(kind, str) and kind in HTTP_TYPES
                if http and pv.get(props, "connectionType") == "VPC_LINK":
                    self.add(rest_api.urn, pv.get(props, "connectionId"), operation.operation)


def stage_defines_vpc_link_variable(args: StackValidationArgs, report: ReportViolation) -> None:
    """A stage without the variable its integrations name fails every request at run time."""
    graph = StackGraph(args.resources)
    needs = _Needs()
    needs.of_integrations(graph)
    needs.of_bodies(graph)
    links = LinkIndex(graph)
    for stage in graph.of_type(STAGE):
        api = graph.api_of(stage)
        if api is None or api not in needs.by_api:
            continue
        variables = pv.get(stage.props, "variables")
        if isinstance(variables, pv.Unknown):
            continue
        for variable, users in sorted(needs.by_api[api].items()):
            named = pv.SECRET_SHOWN if variable in needs.secret_names else variable
            _judge_variable(stage, graph.api_label(api), (variable, named), users, links, report)


def _judge_variable(
    stage: PolicyResource,
    api_label: str,
    names: tuple[str, str],
    users: list[str],
    links: LinkIndex,
    report: ReportViolation,
) -> None:
    """One variable on one stage, and in its canary's overrides: `names` is the variable and
    how messages show it."""
    variable, named = names
    used_by = (
        f"{len(users)} VPC_LINK integrations use as their connectionId (for example '{users[0]}')"
        if len(users) > 1
        else f"integration '{users[0]}' uses as its connectionId"
    )
    subject = f"the stage variable '{named}'"
    problem = _stage_variable_problem(pv.get(stage.props, "variables", variable), subject, links)
    if problem is not None:
        report(
            f"Stage '{stage.name}' of REST API {api_label} {problem}, which "
            f"{used_by}; every request to this stage would fail. Set "
            f"variables['{named}'] on the stage to the id of the VPC link it should "
            "use.",
            stage.urn,
        )
    override = pv.get(stage.props, "canarySettings", "stageVariableOverrides", variable)
    if override is pv.MISSING:
        return  # the canary inherits the stage's value
    problem = _stage_variable_problem(override, subject, links)
    if problem is not None:
        report(
            f"Stage '{stage.name}' has a canary whose stageVariableOverrides {problem}, "
            f"which {used_by}; every canary request would fail. Set "
            f"canarySettings.stageVariableOverrides['{named}'] to a VPC link id, or "
            "remove the override so the canary uses the stage's value.",
            stage.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="stage-defines-vpc-link-variable",
    description=(
        "Every stage of a REST API with stage-variable VPC_LINK integrations must define "
        "that variable as a VPC link id."
    ),
    validate=stage_defines_vpc_link_variable,
    enforcement_level=MANDATORY,
)

#: The README's row (generated by `make generate`): what the rule catches, why, and the
#: Checkov checks it carries ("none" when Checkov has no such check).
CATCHES: Final = (
    "a stage of a REST API with stage-variable `VPC_LINK` integrations that does not define"
    " the variable, or sets it (or its canary override) to something that provably is not a"
    " link id"
)
WHY: Final = "every request to that stage fails at run time; the rule moves the failure to preview"
CHECKOV: Final = "none"
