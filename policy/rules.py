"""The rules of the `private-api-policies` pack: one function per rule, then the `POLICIES` list.

Properties are the engine's camelCase inputs of `pulumi_aws` resources (v7). Each resource rule
either passes on a value it cannot know yet (when every possible value passes, such as "is it
set?") or lets CrossGuard's own advisory "can't run policy during preview" note through by
re-raising the unknown (`Unknown.defer`), so it runs again during `pulumi up` when the value is
known. Stack rules skip what they cannot know, resource by resource, and go on with the rest.
Neither ever reports a violation on a guess. See README.md for the rules and these choices.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import pack_openapi
import pack_values as pv
from pack_graph import EXTERNAL, REST_API, STAGE, StackGraph, property_dependencies
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

PACK_NAME: Final = "private-api-policies"
PACK_DESCRIPTION: Final = (
    "API Gateway REST APIs: private integrations go through a VPC link to an NLB, named by a "
    "stage variable; plus Checkov's REST API checks."
)

INTEGRATION: Final = "aws:apigateway/integration:Integration"
VPC_LINK: Final = "aws:apigateway/vpcLink:VpcLink"
VPC_LINK_V2: Final = "aws:apigatewayv2/vpcLink:VpcLink"
METHOD: Final = "aws:apigateway/method:Method"
DEPLOYMENT: Final = "aws:apigateway/deployment:Deployment"
METHOD_SETTINGS: Final = "aws:apigateway/methodSettings:MethodSettings"
#: Load balancers a program may create next to its VPC links (`aws.alb` is the older alias).
LOAD_BALANCERS: Final = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
WEB_ACL_ASSOCIATIONS: Final = (
    "aws:wafv2/webAclAssociation:WebAclAssociation",
    "aws:wafregional/webAclAssociation:WebAclAssociation",
)

#: Integration types that reach an HTTP backend; only these can use a VPC link.
HTTP_TYPES: Final = frozenset({"HTTP", "HTTP_PROXY"})
DEFAULT_STAGE_VARIABLE: Final = "vpcLinkId"
MIN_TIMEOUT_MS: Final = 50
DEFAULT_MAX_TIMEOUT_MS: Final = 29_000
#: The most a raised quota allows a buffered integration (pulumi-aws Integration docstring).
MAX_LONG_TIMEOUT_MS: Final = 300_000
MAX_STREAM_TIMEOUT_MS: Final = 900_000
#: Resources of the AWS Cloud Control provider this pack does not judge (REST APIs' and V2).
NATIVE_APIGATEWAY_PREFIXES: Final = ("aws-native:apigateway:", "aws-native:apigatewayv2:")
#: aws-native's VPC links (V1, V2): a stage variable may hold their ids.
NATIVE_VPC_LINKS: Final = ("aws-native:apigateway:VpcLink", "aws-native:apigatewayv2:VpcLink")
LOGGING_LEVELS: Final = frozenset({"ERROR", "INFO"})


def expression(variable: str) -> str:
    return "${stageVariables." + variable + "}"


# --- Config ---------------------------------------------------------------------------------
# The CLI validates config against each rule's schema and fills in defaults, but a rule may also
# be called directly (tests, other tools) with nothing or with junk: fall back to the default.


def _config(args: ResourceValidationArgs | StackValidationArgs) -> Mapping[str, Any]:
    config = args.get_config()
    return config if isinstance(config, Mapping) else {}


def _config_strings(args: ResourceValidationArgs | StackValidationArgs, key: str) -> list[str]:
    value = _config(args).get(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [v for v in value if isinstance(v, str) and v]


def _pinned_stage_variable(args: ResourceValidationArgs) -> str | None:
    """The stage variable the pack's config names, if it names one (there is no default)."""
    value = _config(args).get("stageVariable")
    if isinstance(value, str) and pv.STAGE_VARIABLE_REF.fullmatch(expression(value)):
        return value
    return None


def _stage_variable(args: ResourceValidationArgs) -> str:
    """The variable a fix suggests: the configured one, else the program's `vpcLinkId`."""
    return _pinned_stage_variable(args) or DEFAULT_STAGE_VARIABLE


def _max_timeout(args: ResourceValidationArgs) -> float:
    value = pv.number(_config(args).get("maxTimeoutMs"))
    return value if value is not None and value >= MIN_TIMEOUT_MS else float(DEFAULT_MAX_TIMEOUT_MS)


def _require_metrics(args: StackValidationArgs) -> bool:
    value = _config(args).get("requireMetrics")
    return value if isinstance(value, bool) else True


# --- Shared checks --------------------------------------------------------------------------


def _http_integration(args: ResourceValidationArgs) -> bool:
    """True for an HTTP or HTTP_PROXY integration; defers if its type is not known yet."""
    if args.resource_type != INTEGRATION:
        return False
    kind = pv.get(args.props, "type")
    if isinstance(kind, pv.Unknown):
        kind.defer()
    return isinstance(kind, str) and kind.upper() in HTTP_TYPES


def _host_is_public(uri: object, public_hosts: list[str]) -> bool | pv.Unknown:
    """Whether the URI's host is in the allowlist (`*.example.com` matches subdomains)."""
    if not public_hosts:
        return False
    if isinstance(uri, pv.Unknown):
        return uri
    if not isinstance(uri, str):
        return False
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        return False
    host = (host or "").rstrip(".")  # a fully qualified name (a trailing dot) is the same host
    if not host:
        return False
    for entry in (h.lower().rstrip(".") for h in public_hosts):
        if host == entry or (entry.startswith("*.") and host.endswith(entry[1:])):
            return True
    return False


def _link_targets(props: object) -> list[Any] | pv.Unknown:
    """A V1 link's targets: `targetArn` (pulumi-aws v7) or the older list `targetArns`."""
    single = pv.get(props, "targetArn")
    if isinstance(single, pv.Unknown):
        return single
    if not pv.is_absent(single):
        listed = pv.elements(single)
        return listed if listed is not None else [single]
    many = pv.get(props, "targetArns")
    if isinstance(many, pv.Unknown):
        return many
    listed = pv.elements(many)
    if listed is not None:
        return listed
    return [] if pv.is_absent(many) else [many]


def _is_true(value: object) -> bool:
    return value is True


# --- Mandatory resource rules -----------------------------------------------------------------


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
    if not sets_id:
        if isinstance(kind, pv.Unknown):
            kind.defer()
        if not http:
            # Lambda, AWS service and MOCK integrations: only a connectionId concerns this rule.
            if isinstance(connection_id, pv.Unknown):
                if isinstance(connection_type, pv.Unknown):
                    connection_type.defer()
                connection_id.defer()
            return
    if isinstance(connection_type, pv.Unknown):
        connection_type.defer()
    name = args.name
    wanted = expression(_stage_variable(args))
    current = (
        "has no connectionType (so INTERNET)"
        if pv.is_absent(connection_type)
        else f"has connectionType {pv.shown(connection_type)}"
    )
    if sets_id:
        of_kind = f" ({pv.shown(kind)})" if isinstance(kind, str) and kind and not http else ""
        effect = ", and its requests go over the internet" if http else ""
        report(
            f"Integration '{name}'{of_kind} sets connectionId to {pv.shown(connection_id)} but "
            f"{current}: API Gateway uses connectionId only with connectionType VPC_LINK, so the "
            f"integration does not go through the VPC link{effect}. Set connectionType to "
            f"'VPC_LINK' and connectionId to the stage variable expression ('{wanted}'), or "
            "remove connectionId if the integration is not meant to use a VPC link.",
            args.urn,
        )
        return
    public = _host_is_public(pv.get(args.props, "uri"), _config_strings(args, "publicHosts"))
    if public is False:
        report(
            f"Integration '{name}' is an HTTP integration that {current}: it reaches its backend "
            "over the public internet instead of through the VPC link. Set connectionType to "
            f"'VPC_LINK' and connectionId to '{wanted}', or, if the backend is meant to be "
            "public, add its host to this rule's publicHosts.",
            args.urn,
        )
    elif isinstance(public, pv.Unknown):
        public.defer()
    elif isinstance(connection_id, pv.Unknown):
        connection_id.defer()


def vpc_link_connection_id_uses_stage_variable(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    """The link is chosen by a stage variable, so switching links touches only the stage."""
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, vpc_link_connection_id_uses_stage_variable)
        return
    if not _http_integration(args):
        return
    connection_type = pv.get(args.props, "connectionType")
    if isinstance(connection_type, pv.Unknown):
        connection_type.defer()
    if connection_type != "VPC_LINK":
        return
    pinned = _pinned_stage_variable(args)
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


def vpc_link_targets_nlb(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A REST API VPC link (V1) reaches exactly one NLB; a V2 target must be an ALB or NLB of
    the integration's region."""
    name = args.name
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, vpc_link_targets_nlb)
        return
    if args.resource_type == VPC_LINK:
        targets = _link_targets(args.props)
        if isinstance(targets, pv.Unknown):
            targets.defer()
        if len(targets) == 1 and isinstance(targets[0], pv.Unknown):
            targets[0].defer()
        # Two or more targets are wrong whatever the unknown ones turn out to be.
        if len(targets) != 1:
            unknown = sum(isinstance(t, pv.Unknown) for t in targets)
            not_yet = f" ({unknown} of them not known yet)" if unknown else ""
            report(
                f"VPC link '{name}' names {len(targets)} targets{not_yet}; a REST API VPC link "
                "targets exactly one Network Load Balancer. Set targetArn to that NLB's ARN.",
                args.urn,
            )
        elif (problem := pv.arn_partition_problem(targets[0])) is not None:
            report(
                f"VPC link '{name}' targets {pv.shown(targets[0], 160)}, which cannot exist: "
                f"{problem}. Give the ARN of the Network Load Balancer as AWS prints it "
                "(`aws elbv2 describe-load-balancers`).",
                args.urn,
            )
        elif not pv.is_nlb_arn(targets[0]):
            report(
                f"VPC link '{name}' targets {pv.shown(targets[0], 160)}, which is not a Network "
                "Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer"
                "/net/<name>/<id>); REST API VPC links (V1) reach only NLBs. Point targetArn at an "
                "NLB, or use a VPC link V2 (aws:apigatewayv2/vpcLink) with the integration's "
                "integrationTarget for an Application Load Balancer.",
                args.urn,
            )
        else:
            _report_cross_region_link(args, targets[0], report)
        return
    if args.resource_type != INTEGRATION:
        return
    target = pv.get(args.props, "integrationTarget")
    if pv.is_absent(target) or not _http_integration(args):
        return
    if isinstance(target, pv.Unknown):
        target.defer()
    if not pv.is_load_balancer_arn(target):
        report(
            f"Integration '{name}' sets integrationTarget to {pv.shown(target, 160)}, which is not "
            "a load balancer ARN; a VPC link V2 integration must name the Application or Network "
            "Load Balancer to send requests to (arn:aws:elasticloadbalancing:<region>:<account>:"
            "loadbalancer/app|net/<name>/<id>).",
            args.urn,
        )
        return
    target_region = pv.arn_region(target)
    where = _link_region(args) if target_region is not None else None
    if target_region is not None and where is not None and where[0] != target_region:
        region, source = _region_shown(where[0]), where[1]
        other = _region_shown(target_region, target)
        report(
            f"Integration '{name}' is created in {region} ({source}) but its integrationTarget "
            f"{pv.shown(target, 160)} is a load balancer in {other}; a VPC link V2 "
            "reaches only load balancers of its own region, so every request would fail. Use a "
            f"load balancer in {region}, or create the API in {other}.",
            args.urn,
        )


def _link_region(args: ResourceValidationArgs) -> tuple[str, str] | None:
    """Where a resource is created, and from what: its own `region` input (pulumi-aws v7 takes
    one on every resource; a body's operations get their RestApi's), else its provider's `region`
    (the provider config, `aws:region`). An unknown own region defers: it decides, not the
    provider's. A secret region is named "[secret]"."""
    own = pv.get(args.props, "region")
    if isinstance(own, pv.Unknown):
        own.defer()
    if isinstance(own, str) and own:
        return own, "its region input"
    provider = getattr(args, "provider", None)
    configured = pv.get(getattr(provider, "props", None), "region")
    if isinstance(configured, pv.Unknown):
        configured.defer()
    if isinstance(configured, str) and configured:
        return configured, "its provider's region (aws:region)"
    return None


def _region_shown(region: str, of: object = None) -> str:
    """A region for a message: "[secret]" if it, or the ARN it was read from, is secret."""
    return pv.SECRET_SHOWN if pv.is_secret(region) or pv.is_secret(of) else region


def _report_cross_region_link(
    args: ResourceValidationArgs, target: object, report: ReportViolation
) -> None:
    """A VPC link reaches only a load balancer of its own region (AWS: CreateVpcLink)."""
    nlb_region = pv.arn_region(target)
    where = _link_region(args) if nlb_region is not None else None
    if nlb_region is None or where is None or where[0] == nlb_region:
        return
    region, source = _region_shown(where[0]), where[1]
    nlb_region = _region_shown(nlb_region, target)
    report(
        f"VPC link '{args.name}' is created in {region} ({source}) but targets a Network Load "
        f"Balancer in {nlb_region}; a VPC link reaches only load balancers of its own region, so "
        f"AWS would leave it FAILED. Use an NLB in {region}, or create the link (and its REST "
        f"API) in {nlb_region}.",
        args.urn,
    )


# --- Mandatory stack rules ------------------------------------------------------------------


def _link_target_keys(
    link: PolicyResource, lb_by_arn: Mapping[str, PolicyResource]
) -> dict[str, str]:
    """The load balancers a V1 link targets, as key -> how a message names it.

    A known ARN is keyed by the load balancer of this stack that has it (its `arn` output), else
    by itself. An ARN not known yet (the output of a load balancer created in the same program)
    is keyed by the load balancer its targetArn was computed from, when that is exactly one.
    """
    targets = _link_targets(link.props)
    values = [targets] if isinstance(targets, pv.Unknown) else targets
    keys: dict[str, str] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            arn = value.strip()
            owner = lb_by_arn.get(arn)
            # str.strip() drops the secret mark: keep it for the message.
            shown = pv.SECRET_SHOWN if pv.is_secret(value) else arn
            keys["lb:" + owner.urn if owner is not None else "arn:" + arn] = shown
        elif isinstance(value, pv.Unknown):
            found = {
                d.urn: d
                for prop in ("targetArn", "targetArns")
                for d in property_dependencies(link, prop)
                if d.resource_type in LOAD_BALANCERS
            }
            if len(found) == 1:
                lb = next(iter(found.values()))
                arn = pv.get(lb.props, "arn")
                keys["lb:" + lb.urn] = (
                    (pv.SECRET_SHOWN if pv.is_secret(arn) else str(arn))
                    if isinstance(arn, str) and arn
                    else f"'{lb.name}' of this stack (its ARN is not known yet)"
                )
    return keys


def _load_balancer_kind(key: str, shown: str, graph: StackGraph) -> str:
    """How a message names the load balancer two links share: by its ARN, or its resource."""
    kind = pv.load_balancer_kind(shown)
    lb = graph.by_urn.get(key.removeprefix("lb:")) if key.startswith("lb:") else None
    if kind is None and lb is not None:
        declared = pv.get(lb.props, "loadBalancerType")  # aws.lb: "application" unless set
        kind = (
            "net"
            if declared == "network"
            else "app"
            if pv.is_absent(declared) or declared == "application"
            else None
        )
    return {"net": "Network Load Balancer", "app": "Application Load Balancer"}.get(
        kind or "", "load balancer"
    )


def vpc_link_target_unique(args: StackValidationArgs, report: ReportViolation) -> None:
    """Two VPC links cannot share an NLB: AWS leaves the second one FAILED."""
    graph = StackGraph(args.resources)
    lb_by_arn: dict[str, PolicyResource] = {}
    for lb in graph.of_type(*LOAD_BALANCERS):
        arn = pv.get(lb.props, "arn")
        if isinstance(arn, str) and arn:
            lb_by_arn.setdefault(str(arn).strip(), lb)
    first_by_key: dict[str, PolicyResource] = {}
    for link in graph.of_type(VPC_LINK):
        for key, shown in _link_target_keys(link, lb_by_arn).items():
            first = first_by_key.setdefault(key, link)
            if first is not link:
                kind = _load_balancer_kind(key, shown, graph)
                report(
                    f"VPC link '{link.name}' targets the {kind} {shown}, which VPC "
                    f"link '{first.name}' of this stack already targets; AWS would leave the "
                    "second link FAILED ('NLB is already associated with another VPC Endpoint "
                    f"Service'). Give each link its own NLB, or use '{first.name}' instead.",
                    link.urn,
                )


class _LinkIndex:
    """The stack's VPC links (V1 and V2 alike) by id and by name, built once per stack rule run."""

    def __init__(self, graph: StackGraph) -> None:
        self.graph = graph
        self.ids: set[str] = set()
        self.by_id: dict[str, PolicyResource] = {}
        self.by_name: dict[str, PolicyResource] = {}
        for link in graph.of_type(VPC_LINK, VPC_LINK_V2, *NATIVE_VPC_LINKS):
            link_id = pv.get(link.props, "id")
            if isinstance(link_id, str):
                self.ids.add(link_id)
                self.by_id.setdefault(link_id, link)
            link_name = pv.get(link.props, "name")
            if isinstance(link_name, str):
                self.by_name.setdefault(link_name, link)


def _stage_variable_problem(value: object, subject: str, links: _LinkIndex) -> str | None:
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
    if not value.strip():
        return f"sets {subject} to an empty string"
    if not value.isascii() or not value.isalnum():
        hint = " (an ARN; use the link's id)" if value.startswith("arn:") else ""
        return (
            f"sets {subject} to {pv.shown(value)}, which is not a VPC link id{hint}: link ids "
            "are short alphanumeric strings such as 'gim7c3'"
        )
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


def stage_defines_vpc_link_variable(args: StackValidationArgs, report: ReportViolation) -> None:
    """A stage without the variable its integrations name fails every request at run time."""
    graph = StackGraph(args.resources)
    needs: dict[str, dict[str, list[str]]] = {}
    secret_names: set[str] = set()  # named only by secret connectionIds: never quoted
    for integration in graph.of_type(INTEGRATION):
        kind = pv.get(integration.props, "type")
        if not (isinstance(kind, str) and kind.upper() in HTTP_TYPES):
            continue
        if pv.get(integration.props, "connectionType") != "VPC_LINK":
            continue
        connection_id = pv.get(integration.props, "connectionId")
        variable = pv.stage_variable_name(connection_id)
        api = graph.api_of(integration)
        if variable is None or api is None:
            continue
        if pv.is_secret(connection_id):
            secret_names.add(variable)
        needs.setdefault(api, {}).setdefault(variable, []).append(integration.name)
    for rest_api in graph.of_type(REST_API):
        body = pack_openapi.read_body(rest_api.props)
        for operation in [] if isinstance(body, pv.Unknown) else body.integrations:
            kind, props = pv.get(operation.props, "type"), operation.props
            http = isinstance(kind, str) and kind in HTTP_TYPES
            if http and pv.get(props, "connectionType") == "VPC_LINK":
                variable = pv.stage_variable_name(pv.get(props, "connectionId"))
                if variable is not None:  # named by its operation: "GET /orders/{id}"
                    if pv.is_secret(pv.get(props, "connectionId")):
                        secret_names.add(variable)  # from a secret body: never quoted
                    users = needs.setdefault(rest_api.urn, {}).setdefault(variable, [])
                    users.append(operation.operation)

    links = _LinkIndex(graph)
    for stage in graph.of_type(STAGE):
        api = graph.api_of(stage)
        if api is None or api not in needs:
            continue
        variables = pv.get(stage.props, "variables")
        if isinstance(variables, pv.Unknown):
            continue
        overrides = pv.get(stage.props, "canarySettings", "stageVariableOverrides")
        for variable, users in sorted(needs[api].items()):
            used_by = (
                f"{len(users)} VPC_LINK integrations use as their connectionId (for example "
                f"'{users[0]}')"
                if len(users) > 1
                else f"integration '{users[0]}' uses as its connectionId"
            )
            named = pv.SECRET_SHOWN if variable in secret_names else variable
            subject = f"the stage variable '{named}'"
            problem = _stage_variable_problem(pv.get(variables, variable), subject, links)
            if problem is not None:
                report(
                    f"Stage '{stage.name}' of REST API {graph.api_label(api)} {problem}, which "
                    f"{used_by}; every request to this stage would fail. Set "
                    f"variables['{named}'] on the stage to the id of the VPC link it should "
                    "use.",
                    stage.urn,
                )
            override = pv.get(overrides, variable)
            if override is pv.MISSING:
                continue  # the canary inherits the stage's value
            problem = _stage_variable_problem(override, subject, links)
            if problem is not None:
                report(
                    f"Stage '{stage.name}' has a canary whose stageVariableOverrides {problem}, "
                    f"which {used_by}; every canary request would fail. Set "
                    f"canarySettings.stageVariableOverrides['{named}'] to a VPC link id, or "
                    "remove the override so the canary uses the stage's value.",
                    stage.urn,
                )


def _link_of(value: object, deps: list[PolicyResource], links: _LinkIndex) -> PolicyResource | None:
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


def vpc_link_version_matches_target(args: StackValidationArgs, report: ReportViolation) -> None:
    """integrationTarget goes with a VPC link V2 and only with one, where the stack shows which
    link an integration uses (a literal id, or the stage variable its stage sets)."""
    graph = StackGraph(args.resources)
    links = _LinkIndex(graph)
    # (api key, connectionId, has integrationTarget) -> users, for resources and body operations.
    users: dict[tuple[str, object, bool], list[str]] = {}

    def note(api: str | None, props: object, label: str) -> None:
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

    for integration in graph.of_type(INTEGRATION):
        note(graph.api_of(integration), integration.props, f"Integration '{integration.name}'")
        literal = pv.get(integration.props, "connectionId")
        if isinstance(literal, str) and pv.stage_variable_name(literal) is None:
            link = _link_of(literal, property_dependencies(integration, "connectionId"), links)
            has_target = not pv.is_absent(pv.get(integration.props, "integrationTarget"))
            problem = _version_problem(link, has_target) if link is not None else None
            if problem is not None:
                report(
                    f"Integration '{integration.name}' uses as its connectionId {problem}.",
                    integration.urn,
                )
    for rest_api in graph.of_type(REST_API):
        body = pack_openapi.read_body(rest_api.props)
        for operation in [] if isinstance(body, pv.Unknown) else body.integrations:
            note(
                rest_api.urn,
                operation.props,
                f"operation '{operation.operation}' of RestApi '{rest_api.name}'",
            )
    for stage in graph.of_type(STAGE):
        api = graph.api_of(stage)
        if api is None:
            continue
        variables = pv.get(stage.props, "variables")
        overrides = pv.get(stage.props, "canarySettings", "stageVariableOverrides")
        own_canary = _canary_has_own_deployment(stage)
        for (key, connection_id, has_target), named in sorted(
            users.items(), key=lambda item: (item[0][0], str(item[0][1]), item[0][2])
        ):
            variable = pv.stage_variable_name(connection_id)
            if key != api or variable is None:
                continue
            who = named[0] if len(named) == 1 else f"{len(named)} integrations (such as {named[0]})"
            checks = [
                (
                    "variables",
                    pv.get(variables, variable),
                    property_dependencies(stage, "variables"),
                ),
                (
                    "canarySettings.stageVariableOverrides",
                    pv.get(overrides, variable),
                    property_dependencies(stage, "canarySettings"),
                ),
            ]
            if own_canary:
                # The integrations as the stack declares them are the canary's deployment; the
                # stage serves an older one the stack no longer describes. Judge them against
                # the link the canary uses: its override, else the stage's own value.
                checks = [checks[1]] if checks[1][1] is not pv.MISSING else [checks[0]]
            for where, value, deps in checks:
                link = _link_of(value, deps, links)
                problem = _version_problem(link, has_target) if link is not None else None
                if problem is not None:
                    report(
                        f"Stage '{stage.name}' points {where}['{variable}'], which {who} use as "
                        f"connectionId, at {problem}.",
                        stage.urn,
                    )


# --- Advisory rules ----------------------------------------------------------------------------


def vpc_link_v1_is_legacy(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """AWS calls VPC links V1 legacy and recommends V2 for new private integrations."""
    if args.resource_type != VPC_LINK:
        return
    report(
        f"VPC link '{args.name}' is a VPC link V1, which AWS's developer guide calls legacy "
        "('we recommend that you don't create new VPC links V1'). Use a VPC link V2 "
        "(aws.apigatewayv2.VpcLink, with each integration's integrationTarget naming the ALB or "
        "NLB): this project's README.md, 'Migrating from a V1 link to V2', goes step by step. A "
        "team that keeps V1 on purpose turns this rule off in its pack config.",
        args.urn,
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
    maximum = _max_timeout(args)
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


def deployment_redeploys_on_change(args: StackValidationArgs, report: ReportViolation) -> None:
    """Without triggers, Pulumi never redeploys, so integration changes never go live."""
    graph = StackGraph(args.resources)
    integrations: dict[str, list[str]] = {}
    for integration in graph.of_type(INTEGRATION):
        api = graph.api_of(integration)
        if api is not None:
            integrations.setdefault(api, []).append(integration.name)
    for deployment in graph.of_type(DEPLOYMENT):
        triggers = pv.get(deployment.props, "triggers")
        if isinstance(triggers, pv.Unknown) or (isinstance(triggers, Mapping) and len(triggers)):
            continue
        api = graph.api_of(deployment)
        if api is None or api not in integrations:
            continue
        names = integrations[api]
        report(
            f"Deployment '{deployment.name}' of REST API {graph.api_label(api)} has no triggers, "
            f"so changes to its {len(names)} integrations (for example '{names[0]}') are never "
            "deployed: Pulumi replaces a deployment only when its own inputs change. Set "
            "triggers, for example {'redeployment': <a hash of the routes and integrations>}.",
            deployment.urn,
        )


def _normal_path(path: str) -> str:
    return "/" + path.strip().strip("/")


def method_requires_authorization(args: StackValidationArgs, report: ReportViolation) -> None:
    """A method with authorization NONE is open to anyone who can reach the API."""
    graph = StackGraph(args.resources)
    public_paths = {_normal_path(p) for p in _config_strings(args, "publicPaths")}
    for method in graph.of_type(METHOD):
        authorization = pv.get(method.props, "authorization")
        if not isinstance(authorization, str) or authorization.upper() != "NONE":
            continue
        http_method = pv.get(method.props, "httpMethod")
        if isinstance(http_method, str) and http_method.upper() == "OPTIONS":
            continue  # CORS preflight, as Checkov allows
        path = graph.path_of(method)
        if public_paths and (path is None or _normal_path(path) in public_paths):
            continue  # allowlisted, or its path is unknown and might be
        route = [http_method if isinstance(http_method, str) else "", path or ""]
        where = f" ({' '.join(p for p in route if p)})" if any(route) else ""
        allow = f"'{path}'" if path else "its path"
        report(
            f"Method '{method.name}'{where} has authorization NONE, so anyone who can reach the "
            "API can call it; set authorization to AWS_IAM, CUSTOM or COGNITO_USER_POOLS, or add "
            f"{allow} to this rule's publicPaths if it is meant to be public.",
            method.urn,
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


def stage_has_xray_tracing(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """X-Ray shows where a request through the VPC link spends its time."""
    if args.resource_type != STAGE:
        return
    enabled = pv.get(args.props, "xrayTracingEnabled")
    if isinstance(enabled, pv.Unknown):
        enabled.defer()
    if not _is_true(enabled):
        report(
            f"Stage '{args.name}' does not enable X-Ray tracing; set xrayTracingEnabled to true.",
            args.urn,
        )


def stage_has_client_certificate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A client certificate lets the backend verify that requests come from API Gateway."""
    if args.resource_type != STAGE:
        return
    certificate = pv.get(args.props, "clientCertificateId")
    if isinstance(certificate, pv.Unknown) or (isinstance(certificate, str) and certificate):
        return
    report(
        f"Stage '{args.name}' has no client certificate, so the backend cannot tell API Gateway's "
        "requests from others; create an aws.apigateway.ClientCertificate and set the stage's "
        "clientCertificateId to its id.",
        args.urn,
    )


def method_has_request_validator(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Validating requests at the edge keeps malformed ones away from the private backend."""
    if args.resource_type != METHOD:
        return
    validator = pv.get(args.props, "requestValidatorId")
    if isinstance(validator, pv.Unknown) or (isinstance(validator, str) and validator):
        return
    report(
        f"Method '{args.name}' has no request validator; create an "
        "aws.apigateway.RequestValidator and set requestValidatorId so API Gateway rejects "
        "malformed requests before they reach the backend.",
        args.urn,
    )


def method_settings_no_data_trace(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Data tracing logs full request and response bodies, secrets included."""
    if args.resource_type != METHOD_SETTINGS:
        return
    enabled = pv.get(args.props, "settings", "dataTraceEnabled")
    if isinstance(enabled, pv.Unknown):
        enabled.defer()
    if _is_true(enabled):
        report(
            f"MethodSettings '{args.name}' enables data tracing, which writes full requests and "
            "responses (credentials and personal data included) to CloudWatch Logs; set "
            "settings.dataTraceEnabled to false and use access logs instead.",
            args.urn,
        )


def _settings_by_stage(graph: StackGraph) -> tuple[dict[str, list[PolicyResource]], bool]:
    """MethodSettings by the stage URN they apply to, and whether any could not be related."""
    by_stage: dict[str, list[PolicyResource]] = {}
    undecided = False
    for settings in graph.of_type(METHOD_SETTINGS):
        ref = graph.stage_ref(settings, "restApi", "stageName")
        if ref is None:
            undecided = True
        elif ref != EXTERNAL:
            by_stage.setdefault(ref, []).append(settings)
    return by_stage, undecided


def stage_has_execution_logging(args: StackValidationArgs, report: ReportViolation) -> None:
    """Execution logs and metrics are where a failing VPC link shows first."""
    graph = StackGraph(args.resources)
    by_stage, undecided = _settings_by_stage(graph)
    require_metrics = _require_metrics(args)
    for stage in graph.of_type(STAGE):
        found = by_stage.get(stage.urn, [])
        problems: list[str] = []
        for settings in found:
            level = pv.get(settings.props, "settings", "loggingLevel")
            metrics = pv.get(settings.props, "settings", "metricsEnabled")
            if isinstance(level, pv.Unknown) or isinstance(metrics, pv.Unknown):
                problems = []
                break
            level_ok = isinstance(level, str) and level.upper() in LOGGING_LEVELS
            metrics_ok = _is_true(metrics) or not require_metrics
            if level_ok and metrics_ok:
                problems = []
                break
            if not level_ok:
                problems.append(
                    f"MethodSettings '{settings.name}' sets loggingLevel to {pv.shown(level)}"
                )
            if not metrics_ok:
                problems.append(f"MethodSettings '{settings.name}' does not enable metrics")
        else:
            if not found and undecided:
                continue  # a MethodSettings of unknown stage may be this one's
            if not found:
                problems.append("no MethodSettings of this stack applies to it")
        if problems:
            metrics_fix = " and settings.metricsEnabled true" if require_metrics else ""
            report(
                f"Stage '{stage.name}' has no execution logging: {'; '.join(problems)}. Add an "
                "aws.apigateway.MethodSettings for the stage with methodPath '*/*', "
                f"settings.loggingLevel 'ERROR' or 'INFO'{metrics_fix}.",
                stage.urn,
            )


def stage_cache_encrypted(args: StackValidationArgs, report: ReportViolation) -> None:
    """Cached responses of a private backend must not sit unencrypted in API Gateway's cache."""
    graph = StackGraph(args.resources)
    by_stage, undecided = _settings_by_stage(graph)
    for settings in graph.of_type(METHOD_SETTINGS):
        caching = pv.get(settings.props, "settings", "cachingEnabled")
        encrypted = pv.get(settings.props, "settings", "cacheDataEncrypted")
        if _is_true(caching) and not isinstance(encrypted, pv.Unknown) and not _is_true(encrypted):
            report(
                f"MethodSettings '{settings.name}' enables caching without encrypting the cache; "
                "set settings.cacheDataEncrypted to true.",
                settings.urn,
            )
    for stage in graph.of_type(STAGE):
        if not _is_true(pv.get(stage.props, "cacheClusterEnabled")):
            continue
        encrypted_values = [
            pv.get(s.props, "settings", "cacheDataEncrypted") for s in by_stage.get(stage.urn, [])
        ]
        if undecided or any(_is_true(v) or isinstance(v, pv.Unknown) for v in encrypted_values):
            continue
        report(
            f"Stage '{stage.name}' enables a cache cluster, which caches GET responses by default, "
            "but no MethodSettings for it sets cacheDataEncrypted; add an "
            "aws.apigateway.MethodSettings with methodPath '*/*' and settings.cacheDataEncrypted "
            "true.",
            stage.urn,
        )


def _endpoint_types(api: PolicyResource) -> set[str] | None:
    """The REST API's endpoint types (EDGE when not set, as in AWS), or None if unknown."""
    configuration = pv.get(api.props, "endpointConfiguration")
    listed = pv.elements(configuration)
    if listed is not None and len(listed) == 1:
        configuration = listed[0]
    if isinstance(configuration, pv.Unknown):
        return None
    types = pv.get(configuration, "types")
    if isinstance(types, pv.Unknown):
        return None
    if pv.is_absent(types):
        return {"EDGE"}
    values = pv.elements(types)
    if values is None:
        values = [types]
    if any(isinstance(v, pv.Unknown) for v in values):
        return None
    return {v.upper() for v in values if isinstance(v, str)}


def stage_has_waf_web_acl(args: StackValidationArgs, report: ReportViolation) -> None:
    """A REGIONAL or EDGE API is reachable from the internet; a web ACL filters what gets in."""
    graph = StackGraph(args.resources)
    protected: set[str] = set()
    undecided = False
    for association in graph.of_type(*WEB_ACL_ASSOCIATIONS):
        ref = graph.stage_ref_by_arn(association, "resourceArn")
        if ref is None:
            undecided = True
        elif ref != EXTERNAL:
            protected.add(ref)
    for stage in graph.of_type(STAGE):
        key = graph.api_of(stage)
        api = graph.by_urn.get(key) if key is not None else None
        if api is None or api.resource_type != REST_API:
            continue  # its endpoint type is not known here
        types = _endpoint_types(api)
        public = sorted((types or set()) & {"REGIONAL", "EDGE"})
        if not public or stage.urn in protected or undecided:
            continue
        own = pv.get(stage.props, "webAclArn")
        if isinstance(own, pv.Unknown) or (isinstance(own, str) and own):
            continue
        report(
            f"Stage '{stage.name}' of {'/'.join(public)} REST API '{api.name}' has no WAF web "
            "ACL; associate one with aws.wafv2.WebAclAssociation (resourceArn: the stage's arn, "
            "webAclArn: a REGIONAL web ACL), or make the API PRIVATE.",
            stage.urn,
        )


def aws_native_apigateway_not_judged(args: StackValidationArgs, report: ReportViolation) -> None:
    """Say so, rather than pass in silence, where the pack's rules cannot look."""
    for resource in args.resources:
        kind = getattr(resource, "resource_type", "")
        if not isinstance(kind, str) or not kind.startswith(NATIVE_APIGATEWAY_PREFIXES):
            continue
        report(
            f"{kind} '{resource.name}' is an aws-native (Cloud Control) API Gateway resource, "
            "which this pack does not judge: its VPC link, stage variable and Checkov rules read "
            "pulumi_aws (aws:apigateway/...) resources only, so a native Method's inline "
            "integration, a native Stage's variables or a native VpcLink pass unchecked. Define "
            "the API with pulumi_aws to have it judged, or review these resources by hand.",
            resource.urn,
        )


def _refusing_unknown_settings(policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    """Fail closed on a misspelt setting: the CLI passes any key of a rule's config through.

    A rule run with a setting it does not have raises, so the CLI reports the pack's error and
    stops, naming the nearest real setting, instead of running with the default in silence.
    """
    schema = policy.config_schema
    allowed = sorted(schema.properties) if schema is not None else []
    original = policy.validate

    def validate(args: Any, report: ReportViolation) -> Any:
        config = _config(args)
        for key in sorted(k for k in config if k not in allowed and k != "enforcementLevel"):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            settings = (
                f"its settings are {', '.join(allowed)}"
                if allowed
                else "it takes no settings, only an enforcement level"
            )
            raise ValueError(
                f"the policy pack config gives rule '{policy.name}' the setting '{key}', which "
                f"it does not have; {hint}{settings} (see policy/README.md, 'Settings')."
            )
        return original(args, report)

    # An instance attribute: the server calls `policy.validate(args, report)`.
    setattr(policy, "validate", validate)  # noqa: B010


def rest_api_body_parses(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A body the pack cannot read is one whose integrations no rule has judged."""
    if args.resource_type != REST_API:
        return
    body = pack_openapi.read_body(args.props)
    if isinstance(body, pv.Unknown):
        return
    if body.problem:
        report(
            f"RestApi '{args.name}' has a body that {body.problem}, so its integrations were not "
            "checked (nor will API Gateway import it); give body an OpenAPI 3 or Swagger 2 "
            "document as a JSON or YAML string.",
            args.urn,
        )
    for note in body.notes:
        report(
            f"RestApi '{args.name}' has a body that {note}; fix the document (API Gateway's "
            "import refuses or drops what this names, and the pack's other rules did not judge "
            "what it could not read).",
            args.urn,
        )


# --- The pack ---------------------------------------------------------------------------------


def _schema(**properties: dict[str, Any]) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties=properties)


MANDATORY, ADVISORY = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY

#: Both VPC link integration rules take it: the fix one suggests is the form the other enforces.
#: No default: unset, any `${stageVariables.NAME}` passes and the stages must define NAME as a
#: link id (stage-defines-vpc-link-variable), as the program's `stageVariable` key allows.
STAGE_VARIABLE_SCHEMA: Final[dict[str, Any]] = {
    "type": "string",
    "pattern": "^[A-Za-z0-9_]{1,64}$",
    "description": (
        "Pin the stage variable holding the active VPC link id; unset, any stage variable the "
        "stages define as a link id passes."
    ),
}

POLICIES: Final[list[Policy]] = [
    ResourceValidationPolicy(
        name="private-integration-uses-vpc-link",
        description=(
            "HTTP and HTTP_PROXY integrations must use connectionType VPC_LINK unless their "
            "host is in publicHosts; no integration may set connectionId without it."
        ),
        validate=private_integration_uses_vpc_link,
        enforcement_level=MANDATORY,
        config_schema=_schema(
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
    ),
    ResourceValidationPolicy(
        name="vpc-link-connection-id-uses-stage-variable",
        description=(
            "A VPC_LINK integration's connectionId must be exactly ${stageVariables.<name>}."
        ),
        validate=vpc_link_connection_id_uses_stage_variable,
        enforcement_level=MANDATORY,
        config_schema=_schema(stageVariable=dict(STAGE_VARIABLE_SCHEMA)),
    ),
    ResourceValidationPolicy(
        name="vpc-link-targets-nlb",
        description=(
            "A REST API VPC link must target exactly one Network Load Balancer; an "
            "integrationTarget must be a load balancer ARN."
        ),
        validate=vpc_link_targets_nlb,
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="vpc-link-target-unique",
        description="Two VPC links of a stack must not target the same Network Load Balancer.",
        validate=vpc_link_target_unique,
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="vpc-link-version-matches-target",
        description=(
            "An integration with integrationTarget must use a VPC link V2, and one through a V2 "
            "link must set integrationTarget."
        ),
        validate=vpc_link_version_matches_target,
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="stage-defines-vpc-link-variable",
        description=(
            "Every stage of a REST API with stage-variable VPC_LINK integrations must define "
            "that variable as a VPC link id."
        ),
        validate=stage_defines_vpc_link_variable,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="integration-timeout-within-limit",
        description="Integration timeoutMilliseconds must be between 50 and maxTimeoutMs.",
        validate=integration_timeout_within_limit,
        enforcement_level=ADVISORY,
        config_schema=_schema(
            maxTimeoutMs={
                "type": "integer",
                "minimum": MIN_TIMEOUT_MS,
                "maximum": MAX_LONG_TIMEOUT_MS,
                "default": DEFAULT_MAX_TIMEOUT_MS,
                "description": "Raise after AWS raised the account's integration timeout quota.",
            }
        ),
    ),
    ResourceValidationPolicy(
        name="vpc-link-v1-is-legacy",
        description=(
            "VPC links V1 are legacy in AWS's developer guide; new private integrations should "
            "use a VPC link V2."
        ),
        validate=vpc_link_v1_is_legacy,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="deployment-redeploys-on-change",
        description="A Deployment of a REST API with integrations must set triggers.",
        validate=deployment_redeploys_on_change,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="method-requires-authorization",
        description="Methods must not use authorization NONE outside publicPaths (CKV_AWS_59).",
        validate=method_requires_authorization,
        enforcement_level=ADVISORY,
        config_schema=_schema(
            publicPaths={
                "type": "array",
                "items": {"type": "string", "pattern": "^/"},
                "default": [],
                "description": "Resource paths (such as /health) whose methods may be public.",
            }
        ),
    ),
    ResourceValidationPolicy(
        name="stage-has-access-logging",
        description="Stages must set accessLogSettings (CKV_AWS_76).",
        validate=stage_has_access_logging,
        enforcement_level=ADVISORY,
    ),
    ResourceValidationPolicy(
        name="stage-has-xray-tracing",
        description="Stages must enable X-Ray tracing (CKV_AWS_73).",
        validate=stage_has_xray_tracing,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="stage-has-execution-logging",
        description=(
            "Stages must have MethodSettings with loggingLevel ERROR or INFO and metrics "
            "(CKV2_AWS_4)."
        ),
        validate=stage_has_execution_logging,
        enforcement_level=ADVISORY,
        config_schema=_schema(
            requireMetrics={
                "type": "boolean",
                "default": True,
                "description": "Also require settings.metricsEnabled, as Checkov does.",
            }
        ),
    ),
    StackValidationPolicy(
        name="stage-cache-encrypted",
        description="Where caching is on, cache data must be encrypted (CKV_AWS_225, CKV_AWS_308).",
        validate=stage_cache_encrypted,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="stage-has-waf-web-acl",
        description="Stages of REGIONAL and EDGE REST APIs must have a WAF web ACL (CKV2_AWS_29).",
        validate=stage_has_waf_web_acl,
        enforcement_level=ADVISORY,
    ),
    ResourceValidationPolicy(
        name="stage-has-client-certificate",
        description="Stages must set a client certificate for the backend (CKV2_AWS_51).",
        validate=stage_has_client_certificate,
        enforcement_level=ADVISORY,
    ),
    ResourceValidationPolicy(
        name="method-has-request-validator",
        description="Methods must set a request validator (CKV2_AWS_53).",
        validate=method_has_request_validator,
        enforcement_level=ADVISORY,
    ),
    ResourceValidationPolicy(
        name="method-settings-no-data-trace",
        description="MethodSettings must not enable data tracing (CKV_AWS_276).",
        validate=method_settings_no_data_trace,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="aws-native-apigateway-not-judged",
        description=(
            "aws-native:apigateway resources are reported as not judged by this pack's rules."
        ),
        validate=aws_native_apigateway_not_judged,
        enforcement_level=ADVISORY,
    ),
    ResourceValidationPolicy(
        name="rest-api-body-parses",
        description=(
            "A RestApi's OpenAPI body must be a JSON or YAML OpenAPI 3 or Swagger 2 document."
        ),
        validate=rest_api_body_parses,
        enforcement_level=ADVISORY,
    ),
]

for _policy in POLICIES:
    if isinstance(_policy, ResourceValidationPolicy | StackValidationPolicy):
        _refusing_unknown_settings(_policy)

#: Rule name -> its default enforcement level ("mandatory" or "advisory").
DEFAULT_LEVELS: Final = {p.name: (p.enforcement_level or ADVISORY).value for p in POLICIES}
