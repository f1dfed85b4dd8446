"""Typed arguments of `PrivateRestApi` (the API): what a program passes, and the checks across
its concepts.

Each concept validates itself in its own module: `link_spec`, `route_spec`, `authorizer_spec`,
`canary_spec`, `observability_spec`, `endpoint_spec`, `integration_spec`, `stage_spec`,
`definition_spec`, `tags` (and `arns`, the ARN forms they take); `problems` here lists them in
order and adds only what spans two concepts. Every check gives (field, message) pairs whose
sentence says what is wrong and how to fix it, without naming where the value came from: the
component prefixes the argument name, the stack-config module the config key, so one rule serves
both and the messages cannot drift apart.

The field types are ones Pulumi's schema analyzer reads (enums, lists, `X | None`; no
`from __future__ import annotations`), as `package_args` restates them for the package.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from components.authorizer_spec import AuthorizerSpec
from components.backend_uri import check_integration_uri
from components.binary_media import media_type_problems
from components.canary_spec import CanarySpec
from components.client_certificate_labels import label_problems
from components.definition_spec import ApiDefinition, Definition
from components.endpoint_spec import (
    EndpointType,
    IpAddressType,
    endpoint_problems,
    ip_address_type_problems,
)
from components.import_rules import MAX_TIMEOUT_MS, Limits
from components.input_text import StrInput
from components.integration_spec import (
    ResponseTransferMode,
    check_timeout,
    transfer_mode_problems,
)
from components.link_spec import VpcLinkSpec, link_problems, links_region
from components.observability_spec import ObservabilitySpec
from components.problems import Problem, checked, not_one_of
from components.route_spec import RouteSpec, route_problems
from components.stage_spec import (
    LOGGING_LEVELS,
    LoggingLevel,
    check_log_retention,
    check_stage_name,
    check_stage_variable_name,
    web_acl_problems,
)
from components.tags import check_tags

#: The specs, with the args that hold them: what a program passes to `PrivateRestApi`.
__all__ = [
    "ApiDefinition",
    "AuthorizerSpec",
    "CanarySpec",
    "EndpointType",
    "InvalidArgsError",
    "IpAddressType",
    "LoggingLevel",
    "PrivateRestApiArgs",
    "ResponseTransferMode",
    "RouteSpec",
    "VpcLinkSpec",
]


class InvalidArgsError(ValueError):
    """Args API Gateway would reject; `problems` holds (field, message) pairs."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(" ".join(f"{where}: {what}" for where, what in problems))
        self.problems = problems


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
    routes: list[RouteSpec] = field(default_factory=lambda: [RouteSpec()])
    #: Authorizers routes refer to by name. Default: none.
    authorizers: Mapping[str, AuthorizerSpec] = field(default_factory=dict)
    #: Canary share through another link. Default: None (no canary).
    canary: CanarySpec | None = None
    #: Stage variable that holds the active link's id. Default: "vpcLinkId".
    stage_variable: str = "vpcLinkId"
    #: REGIONAL, EDGE or PRIVATE. Default: REGIONAL.
    endpoint_type: EndpointType = EndpointType.REGIONAL
    #: Interface VPC endpoints (execute-api) allowed to call a PRIVATE API; each may be an Output
    #: (an `aws.ec2.VpcEndpoint` of the same program: then it is given to the RestApi's endpoint
    #: configuration and policy rather than written into the OpenAPI body). Default: [].
    vpc_endpoint_ids: list[StrInput] = field(default_factory=list)
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
    #: Execution logging level: OFF, ERROR or INFO. Default: OFF.
    logging_level: LoggingLevel = LoggingLevel.OFF
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
    #: walkthrough's shape). Default: openapi.
    api_definition: ApiDefinition = ApiDefinition.OPENAPI
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
        # Any sequence a program passes is held as a list, so args built from a tuple and from
        # a list are equal (the package's adapter and stack_config build them alike).
        object.__setattr__(self, "routes", list(self.routes))
        object.__setattr__(self, "vpc_endpoint_ids", list(self.vpc_endpoint_ids))
        problems = self.problems()
        if problems:
            raise InvalidArgsError(problems)

    def problems(self) -> list[Problem]:
        """Every check, as (field, message) pairs, so callers can name fields their way.

        One concept per line, in the order the messages are listed."""
        return [
            *link_problems(self.vpc_links, self.active_vpc_link),
            *(
                self.canary.link_problems(self.vpc_links, self.active_vpc_link)
                if self.canary
                else []
            ),
            *(
                self.observability.logging_problems(self.access_logging)
                if self.observability
                else []
            ),
            *checked("integration_uri", check_integration_uri, self.integration_uri),
            *checked("stage_name", check_stage_name, self.stage_name),
            *checked("stage_variable", check_stage_variable_name, self.stage_variable),
            *endpoint_problems(self.endpoint_type, self.vpc_endpoint_ids),
            *checked("timeout_ms", check_timeout, self.timeout_ms, self._limits()),
            *ip_address_type_problems(self.ip_address_type, self.endpoint_type),
            *transfer_mode_problems(self.response_transfer_mode),
            *route_problems(self.routes, self.authorizers),
            *(
                (f"tags.{key}" if key else "tags", message)
                for key, message in check_tags(self.tags)
            ),
            *checked("log_retention_days", check_log_retention, self.log_retention_days),
            *self._definition().problems(self._limits()),
            *not_one_of("logging_level", self.logging_level, LOGGING_LEVELS),
            *web_acl_problems(self.web_acl_arn, self.endpoint_type, self.link_region()),
            *media_type_problems(self.binary_media_types),
            *label_problems(
                self.client_certificate,
                self.client_certificate_rotation,
                self.client_certificate_next,
            ),
        ]

    def _limits(self) -> Limits:
        """What a timeout is held to: the quota, the endpoint type, the transfer mode."""
        return Limits(self.allow_long_timeout, self.endpoint_type, self.response_transfer_mode)

    def _definition(self) -> Definition:
        return Definition(
            api_definition=self.api_definition,
            openapi_document=self.openapi_document,
            retain_route_resources=self.retain_route_resources,
            clear_imported_routes=self.clear_imported_routes,
            routes_given=self.routes != [RouteSpec()],
        )

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
        return links_region(self.vpc_links)
