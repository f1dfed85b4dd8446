"""What the rules share: resource types, limits, config readers, checks used by several rules.

Each rule lives in its own `rule_<name>.py` with its metadata; `rules.py` gathers them.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Final
from urllib.parse import urlsplit

import pack_values as pv
from pack_graph import EXTERNAL, StackGraph
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
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


def config_of(args: ResourceValidationArgs | StackValidationArgs) -> Mapping[str, Any]:
    config = args.get_config()
    return config if isinstance(config, Mapping) else {}


def config_strings(args: ResourceValidationArgs | StackValidationArgs, key: str) -> list[str]:
    value = config_of(args).get(key)
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [v for v in value if isinstance(v, str) and v]


def pinned_stage_variable(args: ResourceValidationArgs) -> str | None:
    """The stage variable the pack's config names, if it names one (there is no default)."""
    value = config_of(args).get("stageVariable")
    if isinstance(value, str) and pv.STAGE_VARIABLE_REF.fullmatch(expression(value)):
        return value
    return None


def stage_variable(args: ResourceValidationArgs) -> str:
    """The variable a fix suggests: the configured one, else the program's `vpcLinkId`."""
    return pinned_stage_variable(args) or DEFAULT_STAGE_VARIABLE


def max_timeout(args: ResourceValidationArgs) -> float:
    value = pv.number(config_of(args).get("maxTimeoutMs"))
    return value if value is not None and value >= MIN_TIMEOUT_MS else float(DEFAULT_MAX_TIMEOUT_MS)


def require_metrics(args: StackValidationArgs) -> bool:
    value = config_of(args).get("requireMetrics")
    return value if isinstance(value, bool) else True


def http_integration(args: ResourceValidationArgs) -> bool:
    """True for an HTTP or HTTP_PROXY integration; defers if its type is not known yet."""
    if args.resource_type != INTEGRATION:
        return False
    kind = pv.get(args.props, "type")
    if isinstance(kind, pv.Unknown):
        kind.defer()
    return isinstance(kind, str) and kind.upper() in HTTP_TYPES


def host_is_public(uri: object, public_hosts: list[str]) -> bool | pv.Unknown:
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


def link_targets(props: object) -> list[Any] | pv.Unknown:
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


def is_true(value: object) -> bool:
    return value is True


def link_region(args: ResourceValidationArgs) -> tuple[str, str] | None:
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


def region_shown(region: str, of: object = None) -> str:
    """A region for a message: "[secret]" if it, or the ARN it was read from, is secret."""
    return pv.SECRET_SHOWN if pv.is_secret(region) or pv.is_secret(of) else region


class LinkIndex:
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


def settings_by_stage(graph: StackGraph) -> tuple[dict[str, list[PolicyResource]], bool]:
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


def refusing_unknown_settings(policy: ResourceValidationPolicy | StackValidationPolicy) -> None:
    """Fail closed on a misspelt setting: the CLI passes any key of a rule's config through.

    A rule run with a setting it does not have raises, so the CLI reports the pack's error and
    stops, naming the nearest real setting, instead of running with the default in silence.
    """
    declared = policy.config_schema
    allowed = sorted(declared.properties) if declared is not None else []
    original = policy.validate

    def validate(args: Any, report: ReportViolation) -> Any:
        config = config_of(args)
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


def schema(**properties: dict[str, Any]) -> PolicyConfigSchema:
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
