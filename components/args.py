"""Typed arguments of `PrivateRestApi` (the API), and the checks API Gateway would make at deploy
time on what is the API's own: its backend URI, stage, endpoint type, timeouts, tags, logs.

Each concept the API holds validates itself in its own module: `link_spec`, `route_spec`,
`authorizer_spec`, `canary_spec` (and `arns`, the ARN forms they take); `problems` adds only the
checks across them. Every check raises `ValueError` with a sentence that says what is wrong and
how to fix it, without naming where the value came from: the component prefixes the argument name,
the stack-config module prefixes the config key, so one rule serves both and the messages cannot
drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from components.arns import check_web_acl_arn
from components.authorizer_spec import AuthorizerSpec
from components.backend_uri import check_integration_uri
from components.binary_media import media_type_problems
from components.canary_spec import CanarySpec
from components.client_certificate_labels import label_problems

# The import's rules (path parts, methods, timeouts) live in `import_rules`, each with its source;
# the args and the team's document are both held to them.
from components.import_rules import (
    MAX_TIMEOUT_MS,
    Limits,
    document_findings,
    sibling_problems,
    timeout_problem,
)
from components.input_text import StrInput, known_text
from components.link_spec import (
    VpcLinkSpec,
    check_link_name,
)
from components.observability_spec import ObservabilitySpec
from components.route_spec import RouteSpec
from components.tag_characters import character_problem

#: The specs, with the args that hold them: what a program passes to `PrivateRestApi`.
__all__ = [
    "AuthorizerSpec",
    "CanarySpec",
    "InvalidArgsError",
    "PrivateRestApiArgs",
    "RouteSpec",
    "VpcLinkSpec",
]

EndpointType = Literal["REGIONAL", "EDGE", "PRIVATE"]
LoggingLevel = Literal["OFF", "ERROR", "INFO"]
ApiDefinition = Literal["openapi", "resources"]
IpAddressType = Literal["ipv4", "dualstack"]
ResponseTransferMode = Literal["BUFFERED", "STREAM"]

ENDPOINT_TYPES: tuple[EndpointType, ...] = ("REGIONAL", "EDGE", "PRIVATE")
LOGGING_LEVELS: tuple[LoggingLevel, ...] = ("OFF", "ERROR", "INFO")
API_DEFINITIONS: tuple[ApiDefinition, ...] = ("openapi", "resources")
#: EndpointConfiguration.ipAddressType (botocore apigateway IpAddressType enum; "For the PRIVATE
#: endpoint type, only dualstack is supported").
IP_ADDRESS_TYPES: tuple[IpAddressType, ...] = ("ipv4", "dualstack")
#: PutIntegration.responseTransferMode (botocore ResponseTransferMode enum); AWS's default is
#: BUFFERED (developer guide, "Stream the integration response for your proxy integrations").
RESPONSE_TRANSFER_MODES: tuple[ResponseTransferMode, ...] = ("BUFFERED", "STREAM")

#: CloudWatch Logs retention, in days: the fixed list of PutRetentionPolicy (CloudWatch Logs API
#: reference) and of pulumi-aws `cloudwatch.LogGroup.retention_in_days`, where 0 means the
#: events never expire (the provider then sets no retention policy).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip

#: Tags: API Gateway and CloudWatch Logs take at most 50 per resource (API Gateway quotas, "Tags
#: per stage: 50"; CloudWatch Logs TagResource, 1 to 50 tags); keys 1 to 128 characters, values
#: up to 256, the "aws:" prefix reserved (AWS's tagging rules for every service).
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256

#: API Gateway REST API quotas page: "Length, in characters, of the key in a stage variable: 64".
MAX_STAGE_VARIABLE_NAME = 64


VPC_ENDPOINT_ID = re.compile(r"^vpce-[0-9a-f]{8,17}$")
# API Gateway: stage names are letters, digits, hyphens and underscores, up to 128 characters.
STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# API Gateway: stage variable names are letters, digits and underscores.
STAGE_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


class InvalidArgsError(ValueError):
    """Args API Gateway would reject; `problems` holds (field, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(" ".join(f"{where}: {what}" for where, what in problems))
        self.problems = problems


def check_stage_name(name: str) -> None:
    if STAGE_NAME.match(name) is None:
        raise ValueError(
            f"'{name}' is not a stage name API Gateway accepts; use 1 to 128 letters, digits, "
            "'-' or '_', such as 'prod'."
        )


def check_stage_variable_name(name: str) -> None:
    if len(name) > MAX_STAGE_VARIABLE_NAME:
        raise ValueError(
            f"'{name}' is {len(name)} characters long; API Gateway takes stage variable names "
            f"of at most {MAX_STAGE_VARIABLE_NAME} characters: shorten it."
        )
    if STAGE_VARIABLE_NAME.match(name) is None:
        raise ValueError(
            f"'{name}' is not a stage variable name API Gateway accepts; use letters, digits "
            "and '_' only, such as 'vpcLinkId'."
        )


def check_timeout(
    timeout_ms: int, *, allow_long: bool, endpoint_type: str, transfer_mode: str | None = None
) -> None:
    """timeoutMs: the rule every operation's own `timeoutInMillis` is held to too."""
    problem = timeout_problem(timeout_ms, Limits(allow_long, endpoint_type, transfer_mode))
    if problem is not None:
        raise ValueError(problem)


def check_log_retention(days: int) -> None:
    if days not in LOG_RETENTION_DAYS:
        above = [d for d in LOG_RETENTION_DAYS if d > days]
        below = [d for d in LOG_RETENTION_DAYS if 0 < d < days]
        near = " or ".join(str(d) for d in (below[-1:] + above[:1]))
        raise ValueError(
            f"{days} days is not a retention CloudWatch Logs offers; use {near}, or 0 to keep "
            f"the logs forever (the values: {', '.join(map(str, LOG_RETENTION_DAYS[1:]))})."
        )


def check_tags(tags: Mapping[str, str]) -> list[tuple[str, str]]:
    """Problems of a tag map, as (tag key or "", message)."""
    found: list[tuple[str, str]] = []
    if len(tags) > MAX_TAGS:
        found.append(
            (
                "",
                f"{len(tags)} tags is more than the {MAX_TAGS} API Gateway and CloudWatch Logs "
                f"allow on a resource; remove {len(tags) - MAX_TAGS}.",
            )
        )
    for key, value in tags.items():
        if key.lower().startswith("aws:") or not 1 <= len(key) <= MAX_TAG_KEY:
            found.append(
                (
                    key,
                    f"tag keys are 1 to {MAX_TAG_KEY} characters and may not start with 'aws:' "
                    "(reserved for AWS); rename it.",
                )
            )
        if len(value) > MAX_TAG_VALUE:
            found.append(
                (
                    key,
                    f"the value is {len(value)} characters; tag values are up to {MAX_TAG_VALUE}.",
                )
            )
        found.extend(
            (key, problem)
            for what, text in (("key", key), ("value", value))
            if (problem := character_problem(what, text)) is not None
        )
    return found


@dataclass(frozen=True)
class PrivateRestApiArgs:
    """Everything `PrivateRestApi` builds, as plain values: no Pulumi config is read here."""

    #: Link name to link: new ones (an NLB ARN) or existing ones (an id). Required, at least one.
    vpc_links: Mapping[str, VpcLinkSpec]
    #: Name of the link the stage variable points at. Required, a key of `vpc_links`.
    active_vpc_link: str
    #: Backend URL: sets the Host header and TLS name; traffic goes through the link. Required.
    integration_uri: str
    #: Stage name (the URL's first path part). Required.
    stage_name: str
    #: Routes. Default: the walkthrough's single `GET /` with authorization NONE.
    routes: tuple[RouteSpec, ...] = (RouteSpec(),)
    #: Authorizers routes refer to by name. Default: none.
    authorizers: Mapping[str, AuthorizerSpec] = field(default_factory=dict)
    #: Canary share through another link. Default: None (no canary).
    canary: CanarySpec | None = None
    #: Stage variable that holds the active link's id. Default: "vpcLinkId".
    stage_variable: str = "vpcLinkId"
    #: REGIONAL, EDGE or PRIVATE. Default: "REGIONAL".
    endpoint_type: EndpointType = "REGIONAL"
    #: Interface VPC endpoints (execute-api) allowed to call a PRIVATE API. Default: ().
    vpc_endpoint_ids: tuple[str, ...] = ()
    #: Integration timeout in ms, 50 to 29000 (to 300000 with `allow_long_timeout`). Default: 29000.
    timeout_ms: int = MAX_TIMEOUT_MS
    #: Allow timeouts above 29000 ms, up to 300000 (needs a raised account quota). Default: False.
    allow_long_timeout: bool = False
    #: Tags on every taggable resource. Default: none.
    tags: Mapping[str, str] = field(default_factory=dict)
    #: X-Ray tracing on the stage. Default: False.
    tracing_enabled: bool = False
    #: JSON access logs to a CloudWatch log group this component creates. Default: False.
    access_logging: bool = False
    #: Retention of that log group, in days: one of `LOG_RETENTION_DAYS` (0: never expire).
    #: Default: 30.
    log_retention_days: int = 30
    #: Execution logging level: OFF, ERROR or INFO. Default: "OFF".
    logging_level: LoggingLevel = "OFF"
    #: With `logging_level` other than OFF, create the execution-log groups API Gateway writes to
    #: (the stage's and its `/Canary` twin) with the stack's retention and tags, so they expire and
    #: go with `pulumi destroy`. Off by default: a stack that already logged has groups API Gateway
    #: made, and creating them again fails until they are imported (docs/operations.md,
    #: "Execution-log groups"). Default: False.
    manage_execution_log_groups: bool = False
    #: Canary access-log group, metric filters, alarms and dashboard (needs `access_logging`).
    #: Opt-in: a canary that already logged has a `<group>/Canary` API Gateway made, imported
    #: first (docs/operations.md, "Observability"). Default: None (off).
    observability: ObservabilitySpec | None = None
    #: Detailed CloudWatch metrics per method. Default: False.
    metrics_enabled: bool = False
    #: Create a client certificate the backend can use to verify API Gateway. Default: False.
    client_certificate: bool = False
    #: WAFv2 web ACL to associate with the stage (REGIONAL and EDGE); may be an Output (a web ACL
    #: of the same program). Default: None.
    web_acl_arn: StrInput | None = None
    #: How the API is defined: "openapi" (one OpenAPI document, the RestApi's body, imported
    #: with overwrite) or "resources" (one Resource, Method and Integration per call, the
    #: walkthrough's shape). Default: "openapi".
    api_definition: ApiDefinition = "openapi"
    #: The team's own OpenAPI 3.0 document (parsed), used instead of `routes`; operations without
    #: an x-amazon-apigateway-integration get the private integration. Default: None.
    openapi_document: Mapping[str, Any] | None = None
    #: "resources" only: keep the per-route resources in AWS when they leave the program, the
    #: first step of moving to "openapi" (docs/api-definition.md, "Moving between modes").
    #: Default: False.
    retain_route_resources: bool = False
    #: "resources" only: give the RestApi an empty OpenAPI body (overwrite), so routes an earlier
    #: "openapi" mode imported are removed before the per-route resources are created
    #: (docs/api-definition.md, "Moving between modes"). Default: False.
    clear_imported_routes: bool = False

    #: Who may call the API: "ipv4" or "dualstack" (IPv4 and IPv6), on the RestApi's endpoint
    #: configuration in both modes (an OpenAPI body cannot set it). PRIVATE APIs are dual-stack
    #: only. Default: None (API Gateway's default; not managed).
    ip_address_type: IpAddressType | None = None
    #: "BUFFERED" or "STREAM" (responses streamed as they arrive; timeouts up to 900000 ms) on
    #: every integration. Default: None (API Gateway's default, BUFFERED; not set).
    response_transfer_mode: ResponseTransferMode | None = None
    #: Skip API Gateway's check that an HTTPS backend's certificate comes from a publicly trusted
    #: CA (`tlsConfig.insecureSkipVerification`; its name must still match the URI's host): for
    #: private-CA or self-signed certificates only (components/backend_tls.py). Default: False.
    insecure_skip_verification: bool = False
    #: Label of the client certificate the stage presents ("": the first one); a new label
    #: replaces it (components/client_certificate.py). Default: "".
    client_certificate_rotation: str = ""
    #: Label of the next client certificate, created ahead and not yet presented, so the backend
    #: can trust it before the stage switches. Default: "" (none).
    client_certificate_next: str = ""
    #: Media types API Gateway passes through as binary (`binaryMediaTypes` on the RestApi, both
    #: modes), for greedy proxies that carry images, PDFs or gzip (components/binary_media.py).
    #: Default: [] (UTF-8 text only).
    binary_media_types: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise InvalidArgsError(problems)

    def problems(self) -> list[tuple[str, str]]:
        """Cross-field checks, as (field, message) pairs, so callers can name fields their way.

        One concept per helper, in the order the messages are listed."""
        return [
            *self._link_problems(),
            *self._canary_problems(),
            *self._observability_problems(),
            *_checked("integration_uri", check_integration_uri, self.integration_uri),
            *_checked("stage_name", check_stage_name, self.stage_name),
            *_checked("stage_variable", check_stage_variable_name, self.stage_variable),
            *_not_one_of("endpoint_type", self.endpoint_type, ENDPOINT_TYPES),
            *self._endpoint_id_problems(),
            *_checked(
                "timeout_ms",
                check_timeout,
                self.timeout_ms,
                allow_long=self.allow_long_timeout,
                endpoint_type=self.endpoint_type,
                transfer_mode=self.response_transfer_mode,
            ),
            *self._transport_problems(),
            *self._route_problems(),
            *(
                (f"tags.{key}" if key else "tags", message)
                for key, message in check_tags(self.tags)
            ),
            *_checked("log_retention_days", check_log_retention, self.log_retention_days),
            *self._definition_problems(),
            *_not_one_of("logging_level", self.logging_level, LOGGING_LEVELS),
            *self._web_acl_problems(),
            *media_type_problems(self.binary_media_types),
            *label_problems(
                self.client_certificate,
                self.client_certificate_rotation,
                self.client_certificate_next,
            ),
        ]

    def _link_problems(self) -> list[tuple[str, str]]:
        """The links: at least one, their names, one V1 link per NLB, one region, the active one."""
        found: list[tuple[str, str]] = []
        if not self.vpc_links:
            found.append(("vpc_links", "no VPC link is defined; add at least one."))
        owners: dict[str, str] = {}
        for name, link in self.vpc_links.items():
            found.extend(_checked(f"vpc_links.{name}", check_link_name, name))
            # V1 only: a V1 link owns its NLB's endpoint service; V2 links may share a target.
            # An Output target is not compared: AWS leaves a second link to its NLB FAILED, which
            # `links.watch_created_link` reports on the next preview.
            target = known_text(link.target_arn)
            if link.kind != "v1" or target is None:
                continue
            if target in owners:
                found.append(
                    (
                        f"vpc_links.{name}.target_arn",
                        f"targets the same NLB as '{owners[target]}'; an NLB can back "
                        "one VPC link only (AWS would leave the second FAILED: 'NLB is already "
                        "associated with another VPC Endpoint Service'), so point it at another "
                        "NLB.",
                    )
                )
            owners.setdefault(target, name)
        regions = sorted({region for link in self.vpc_links.values() if (region := _region(link))})
        if len(regions) > 1:
            found.append(
                (
                    "vpc_links",
                    f"the links' load balancers are in different regions ({', '.join(regions)}); "
                    "a REST API "
                    "can only use VPC links of its own region.",
                )
            )
        if self.active_vpc_link not in self.vpc_links:
            found.append(("active_vpc_link", _not_a_link(self.active_vpc_link, self.vpc_links)))
        return found

    def _canary_problems(self) -> list[tuple[str, str]]:
        """The canary's link: one of the links, and not the active one."""
        if self.canary is None:
            return []
        if self.canary.vpc_link not in self.vpc_links:
            return [("canary.vpc_link", _not_a_link(self.canary.vpc_link, self.vpc_links))]
        if self.canary.vpc_link == self.active_vpc_link:
            return [
                (
                    "canary.vpc_link",
                    f"the canary goes through '{self.canary.vpc_link}', which is already the "
                    "active link; name the other link, or remove the canary.",
                )
            ]
        return []

    def _observability_problems(self) -> list[tuple[str, str]]:
        """The canary's metrics come from the access logs."""
        if self.observability is None or self.access_logging:
            return []
        return [
            (
                "observability",
                "the canary's metrics come from the access logs; set accessLogging to true "
                "(`pulumi config set accessLogging true`) or remove observability.",
            )
        ]

    def _endpoint_id_problems(self) -> list[tuple[str, str]]:
        """VPC endpoint ids: needed by a PRIVATE API, and by no other."""
        found: list[tuple[str, str]] = []
        if self.endpoint_type == "PRIVATE" and not self.vpc_endpoint_ids:
            found.append(
                (
                    "vpc_endpoint_ids",
                    "a PRIVATE API needs the execute-api VPC endpoint ids that may call it.",
                )
            )
        if self.endpoint_type != "PRIVATE" and self.vpc_endpoint_ids:
            found.append(("vpc_endpoint_ids", "VPC endpoint ids only apply to PRIVATE APIs."))
        found.extend(
            ("vpc_endpoint_ids", f"'{vpce}' is not a VPC endpoint id (vpce-...).")
            for vpce in self.vpc_endpoint_ids
            if VPC_ENDPOINT_ID.match(vpce) is None
        )
        return found

    def _transport_problems(self) -> list[tuple[str, str]]:
        """ipAddressType and responseTransferMode: their values, and dual-stack PRIVATE APIs."""
        found: list[tuple[str, str]] = []
        if self.ip_address_type is not None:
            if self.ip_address_type not in IP_ADDRESS_TYPES:
                found.append(
                    (
                        "ip_address_type",
                        f"'{self.ip_address_type}' is not one of {', '.join(IP_ADDRESS_TYPES)}.",
                    )
                )
            elif self.ip_address_type == "ipv4" and self.endpoint_type == "PRIVATE":
                # botocore EndpointConfiguration.ipAddressType: "For the PRIVATE endpoint type,
                # only dualstack is supported" (AWS's "IP address types for REST APIs" too).
                found.append(
                    (
                        "ip_address_type",
                        "a PRIVATE API is always dual-stack: API Gateway supports only "
                        "dualstack for the PRIVATE endpoint type, so ipv4 would be refused. Set "
                        "dualstack, or leave the key unset.",
                    )
                )
        mode = self.response_transfer_mode
        if mode is not None and mode not in RESPONSE_TRANSFER_MODES:
            found.append(
                (
                    "response_transfer_mode",
                    f"'{mode}' is not one of {', '.join(RESPONSE_TRANSFER_MODES)}.",
                )
            )
        return found

    def _web_acl_problems(self) -> list[tuple[str, str]]:
        """The web ACL: none on a PRIVATE API; its ARN's form and region where the text is known.
        An Output's form and region are left to AWS WAF, whose AssociateWebACL takes a regional
        web ACL of the resource's region (developer guide, "Associating or disassociating a web
        ACL"); its exact refusal was not verified here."""
        if self.web_acl_arn is None:
            return []
        arn = known_text(self.web_acl_arn)
        try:
            acl_region = check_web_acl_arn(arn) if arn is not None else None
        except ValueError as error:
            return [("web_acl_arn", str(error))]
        if self.endpoint_type == "PRIVATE":
            return [("web_acl_arn", "WAF cannot be associated with a PRIVATE API's stage.")]
        link_region = self.link_region()
        if None not in (acl_region, link_region) and acl_region != link_region:
            return [
                (
                    "web_acl_arn",
                    f"the web ACL is in {acl_region} but the API is in {link_region} "
                    "(its NLBs' region); AWS WAF associates a stage only with a web ACL "
                    f"of its own region: use a REGIONAL web ACL in {link_region}.",
                )
            ]
        return []

    def _route_problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if not self.routes:
            found.append(("routes", "no route is defined; add at least one, such as GET /."))
        seen: set[tuple[str, str]] = set()
        found.extend(
            (f"routes[{index}].path", problem)
            for index, problem in sibling_problems([route.path for route in self.routes])
        )
        for index, route in enumerate(self.routes):
            where = f"routes[{index}]"
            if (route.path, route.method) in seen:
                found.append((where, f"{route.method} {route.path} is defined twice; keep one."))
            seen.add((route.path, route.method))
            if route.authorizer is not None:
                authorizer = self.authorizers.get(route.authorizer)
                if authorizer is None:
                    found.append(
                        (
                            f"{where}.authorizer",
                            f"'{route.authorizer}' is not one of the authorizers "
                            f"({', '.join(sorted(self.authorizers)) or 'none defined'}).",
                        )
                    )
                elif authorizer.is_lambda != (route.authorization == "CUSTOM"):
                    found.append(
                        (
                            f"{where}.authorizer",
                            f"'{route.authorizer}' is a {authorizer.type} authorizer; use it "
                            "with authorization "
                            f"{'CUSTOM' if authorizer.is_lambda else 'COGNITO_USER_POOLS'}.",
                        )
                    )
        return found

    def _definition_problems(self) -> list[tuple[str, str]]:
        """How the API is defined: the mode, the team's document, the migration switches."""
        found: list[tuple[str, str]] = []
        if self.api_definition not in API_DEFINITIONS:
            found.append(
                (
                    "api_definition",
                    f"'{self.api_definition}' is not one of {', '.join(API_DEFINITIONS)}.",
                )
            )
            return found
        if self.api_definition == "resources":
            if self.openapi_document is not None:
                found.append(
                    (
                        "openapi_document",
                        "an OpenAPI document is imported only in the openapi mode; set the API "
                        "definition to openapi, or give routes instead of a document.",
                    )
                )
            if self.retain_route_resources and self.clear_imported_routes:
                found.append(
                    (
                        "retain_route_resources",
                        "retaining the per-route resources (towards openapi) and clearing "
                        "imported routes (from openapi) are opposite moves; set one of them.",
                    )
                )
        else:
            for where, on in (
                ("retain_route_resources", self.retain_route_resources),
                ("clear_imported_routes", self.clear_imported_routes),
            ):
                if on:
                    found.append(
                        (
                            where,
                            "applies to the resources mode only (a step of moving between "
                            "modes, README.md 'Moving between modes'); remove it.",
                        )
                    )
            if self.openapi_document is not None:
                # The import's rules (import_rules), on the team's own document: its paths,
                # methods and own integrations, timeouts held to timeoutMs's limits.
                limits = Limits(
                    self.allow_long_timeout, self.endpoint_type, self.response_transfer_mode
                )
                found.extend(
                    ("openapi_document", f"at {finding.pointer}: {finding.message}")
                    for finding in document_findings(self.openapi_document, limits)
                )
            if self.openapi_document is not None and self.routes != (RouteSpec(),):
                found.append(
                    (
                        "routes",
                        "routes and an OpenAPI document were both given; define the routes in "
                        "the document, or remove the document.",
                    )
                )
        return found

    @property
    def canary_deploys(self) -> bool:
        """Whether the canary serves a deployment of its own: its link reaches another load
        balancer than the active link's, or is of the other version (V1 has no target).

        A load balancer lives in the integrations (`integrationTarget`), not in a stage
        variable, so such a canary cannot share the stage's deployment. AWS's canary release
        gives the canary a deployment of its own ("Set up an API Gateway canary release
        deployment": the canary's `deploymentId`), so the REST API takes the canary link's
        target, the canary serves a new deployment of it, and the stage keeps the deployment it
        already serves, made while the API carried the active link's target."""
        if self.canary is None:
            return False
        canary = self.vpc_links.get(self.canary.vpc_link)
        active = self.vpc_links.get(self.active_vpc_link)
        if canary is None or active is None:
            return False
        return (canary.kind, canary.integration_target) != (active.kind, active.integration_target)

    @property
    def integration_target(self) -> str | None:
        """Every integration's `integrationTarget`: the load balancer of the link the newest
        deployment serves (the active link's, or the canary link's where `canary_deploys`) when
        it is a V2 link, None for V1. It lives in the integrations, so changing it redeploys."""
        served = self.active_vpc_link
        if self.canary is not None and self.canary_deploys:
            served = self.canary.vpc_link
        link = self.vpc_links.get(served)
        return link.integration_target if link is not None else None

    def link_region(self) -> str | None:
        """The region the links' NLBs are in, where any link names its NLB."""
        regions = sorted({region for link in self.vpc_links.values() if (region := _region(link))})
        return regions[0] if regions else None


def _checked(
    where: str, check: Callable[..., object], *values: object, **keywords: object
) -> list[tuple[str, str]]:
    """A check's ValueError as a (field, message) pair; nothing when the value passes."""
    try:
        check(*values, **keywords)
    except ValueError as error:
        return [(where, str(error))]
    return []


def _not_one_of(where: str, value: str, allowed: tuple[str, ...]) -> list[tuple[str, str]]:
    if value in allowed:
        return []
    return [(where, f"'{value}' is not one of {', '.join(allowed)}.")]


def _region(link: VpcLinkSpec) -> str | None:
    """A link's region, None where unknown (or where its ARN is already reported as wrong)."""
    try:
        return link.region
    except ValueError:
        return None


def _not_a_link(name: str, links: Mapping[str, VpcLinkSpec]) -> str:
    return (
        f"'{name}' is not one of the VPC links ({', '.join(sorted(links)) or 'none defined'}); "
        f"name one of them, or add '{name}' to the VPC links."
    )
