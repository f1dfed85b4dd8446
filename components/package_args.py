"""`PrivateRestApi`'s inputs as a Pulumi package sees them (issue 22): the types Pulumi's schema
analyzer reads, so TypeScript, Go, C#, Java and YAML programs get the same fields the Python
program passes in `PrivateRestApiArgs`.

The analyzer (pulumi 3.272, `pulumi/provider/experimental/analyzer.py`) reads each field's
annotation and the string literal after it (its description); it cannot read a `Literal`, a
`Union` other than `X | None`, a `tuple`, a `set`, `bytes`, or string annotations (so no
`from __future__ import annotations` here), and it ignores defaults: a field without `| None`
becomes required. Every field with a default is therefore `X | None = None` here, and
`package_adapter.to_args` lets `PrivateRestApiArgs` supply the default, one source for it.
The enums are the args' own, each in the spec module of its concept: one source for the
program, the config keys and the schema.

Inputs and plain values. A field that names another resource by its ARN or id, and that the
component passes to a resource as it is, is `pulumi.Input[str]`: a program in any language may
give the Output of a resource it creates (an NLB's ARN, a web ACL's ARN, a link's id), and the
resource this component registers depends on it. Every other field is plain (`"plain": true` in
the schema), because the component reads it before it registers anything: it decides which
resources exist and their names (links and their names, routes, authorizers, canary, enums,
switches), or it is written into the OpenAPI document, whose checks and digest (the deployment's
redeploy trigger) are settled first (authorizer ARNs, a V2 link's target). `vpcEndpointIds` is a
plain list of inputs: its items may be Outputs (then the RestApi's endpoint configuration and
policy carry them, not the document), its length is read first.
"""

from dataclasses import dataclass
from typing import Any

import pulumi

from components.authorizer_spec import AuthorizerType
from components.definition_spec import ApiDefinition
from components.endpoint_spec import EndpointType, IpAddressType
from components.integration_spec import ResponseTransferMode
from components.link_spec import VpcLinkKind
from components.route_spec import Authorization
from components.stage_spec import LoggingLevel

__all__ = [
    "ApiDefinition",
    "Authorization",
    "Authorizer",
    "AuthorizerType",
    "Canary",
    "EndpointType",
    "IpAddressType",
    "LoggingLevel",
    "Observability",
    "PrivateRestApiInputs",
    "ResponseTransferMode",
    "Route",
    "VpcLink",
    "VpcLinkKind",
]


@dataclass(frozen=True)
class VpcLink:
    """A VPC link the API can send traffic through: one this stack creates, or an existing one."""

    target_arn: pulumi.Input[str] | None = None
    """V1: the NLB a new link targets, as text or an output (an NLB of the same program; then
    `kind` is required). V2: the ALB or NLB the integrations reach through the link, required for
    new and existing V2 links alike, as text: it is written into the OpenAPI document.
    Default: none."""
    id: pulumi.Input[str] | None = None
    """Id of an existing link, owned by another stack or team; text or an output. Default: none
    (create one)."""
    kind: VpcLinkKind | None = None
    """Link generation: v1 (an NLB) or v2 (subnets and security groups); plain, it decides which
    resource the link is. Required when `targetArn` is an output, whose text cannot show an NLB
    from an ALB before the link is created. Default: v1."""
    description: str | None = None
    """Description of a new V1 link (V2 links have none). Default: none."""
    subnet_ids: list[str] | None = None
    """Subnets a new V2 link places its network interfaces in; plain, their ids and count are
    checked before the link is registered. Default: []."""
    security_group_ids: list[str] | None = None
    """Security groups of a new V2 link's network interfaces; plain, checked as `subnetIds`.
    Default: []."""


@dataclass(frozen=True)
class Route:
    """One method on one path, proxied to the same path on the backend through the VPC link."""

    path: str | None = None
    """Resource path; {name} is a parameter, a last {name+} is greedy. Default: "/"."""
    method: str | None = None
    """HTTP method, or ANY. Default: "GET"."""
    authorization: Authorization | None = None
    """NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS. Default: NONE."""
    authorizer: str | None = None
    """Name of an authorizer in `authorizers`, for CUSTOM and COGNITO_USER_POOLS. Default: none."""
    authorization_scopes: list[str] | None = None
    """OAuth scopes a COGNITO_USER_POOLS route requires. Default: []."""
    integration_http_method: str | None = None
    """Method the backend receives. Default: the route's method."""


@dataclass(frozen=True)
class Authorizer:
    """An authorizer created on this API: a Lambda function (TOKEN, REQUEST) or Cognito pools."""

    type: AuthorizerType
    """TOKEN or REQUEST (a Lambda authorizer) or COGNITO_USER_POOLS. Required."""
    function_arn: str | None = None
    """Lambda function ARN, for TOKEN and REQUEST; plain, it is written into the OpenAPI document
    (the authorizer's URI). Default: none."""
    provider_arns: list[str] | None = None
    """Cognito user pool ARNs, for COGNITO_USER_POOLS; plain, written into the OpenAPI document.
    Default: []."""
    identity_source: str | None = None
    """Where the caller's identity is read. Default: "method.request.header.Authorization"."""
    result_ttl_seconds: int | None = None
    """Seconds API Gateway caches a decision (0 to 3600). Default: 300."""


@dataclass(frozen=True)
class Canary:
    """A share of the stage's traffic sent through another link, to migrate gradually."""

    vpc_link: str
    """Name of the link (a key of `vpcLinks`) the canary share goes through. Required."""
    percent: float
    """Share of requests, 0 to 100. Required."""


@dataclass(frozen=True)
class Observability:
    """Canary metrics, alarms and a dashboard: what a link migration watches (needs
    `accessLogging`)."""

    canary_5xx_percent: float
    """Alarm when the canary's 5XX responses exceed this share of its requests, in percent.
    Required."""
    canary_latency_ms: float
    """Alarm when the canary's p99 latency exceeds this, in milliseconds. Required."""


@dataclass(frozen=True)
class PrivateRestApiInputs:
    """The inputs of `PrivateRestApi`; `package_adapter.to_args` makes them `PrivateRestApiArgs`."""

    vpc_links: dict[str, VpcLink]
    """Link name to link: new ones (an NLB ARN) or existing ones (an id). Required, at least one."""
    active_vpc_link: str
    """Name of the link the stage variable points at. Required, a key of `vpcLinks`."""
    integration_uri: str
    """Backend URL: sets the Host header and TLS name; traffic goes through the link. Required."""
    stage_name: str
    """Stage name (the URL's first path part). Required."""
    routes: list[Route] | None = None
    """Routes. Default: a single GET / with authorization NONE."""
    authorizers: dict[str, Authorizer] | None = None
    """Authorizers routes refer to by name. Default: none."""
    canary: Canary | None = None
    """Canary share through another link. Default: none (no canary)."""
    stage_variable: str | None = None
    """Stage variable that holds the active link's id. Default: "vpcLinkId"."""
    endpoint_type: EndpointType | None = None
    """REGIONAL, EDGE or PRIVATE. Default: REGIONAL."""
    vpc_endpoint_ids: list[pulumi.Input[str]] | None = None
    """Interface VPC endpoints (execute-api) allowed to call a PRIVATE API, each as text or an
    output (a VPC endpoint of the same program); the list itself is plain, its length checked
    first. Default: []."""
    timeout_ms: int | None = None
    """Integration timeout in ms, 50 to 29000 (to 300000 with `allowLongTimeout`).
    Default: 29000."""
    allow_long_timeout: bool | None = None
    """Allow timeouts above 29000 ms, up to 300000 (needs a raised account quota).
    Default: false."""
    tags: dict[str, str] | None = None
    """Tags on every taggable resource. Default: none."""
    tracing_enabled: bool | None = None
    """X-Ray tracing on the stage. Default: false."""
    access_logging: bool | None = None
    """JSON access logs to a CloudWatch log group this component creates. Default: false."""
    log_retention_days: int | None = None
    """Retention of that log group, in days, one CloudWatch Logs offers (0: never expire).
    Default: 30."""
    logging_level: LoggingLevel | None = None
    """Execution logging level: OFF, ERROR or INFO. Default: OFF."""
    manage_execution_log_groups: bool | None = None
    """With `loggingLevel` other than OFF, create the execution-log groups API Gateway writes to,
    with the stack's retention and tags (import existing ones first). Default: false."""
    observability: Observability | None = None
    """Canary access-log group, metric filters, alarms and dashboard (needs `accessLogging`).
    Default: none (off)."""
    metrics_enabled: bool | None = None
    """Detailed CloudWatch metrics per method. Default: false."""
    client_certificate: bool | None = None
    """Create a client certificate the backend can use to verify API Gateway. Default: false."""
    web_acl_arn: pulumi.Input[str] | None = None
    """WAFv2 web ACL to associate with the stage (REGIONAL and EDGE), as text or an output (a web
    ACL of the same program). Default: none."""
    api_definition: ApiDefinition | None = None
    """openapi (one OpenAPI document, the RestApi's body) or resources (one Resource, Method and
    Integration per route). Default: openapi."""
    openapi_document: dict[str, Any] | None = None
    """The team's own OpenAPI 3.0 document (parsed), used instead of `routes`. Default: none."""
    retain_route_resources: bool | None = None
    """resources only: keep the per-route resources in AWS when they leave the program, the first
    step of moving to openapi. Default: false."""
    clear_imported_routes: bool | None = None
    """resources only: give the RestApi an empty OpenAPI body, so routes an earlier openapi mode
    imported are removed. Default: false."""
    ip_address_type: IpAddressType | None = None
    """ipv4 or dualstack; PRIVATE APIs are dual-stack only. Default: none (API Gateway's)."""
    response_transfer_mode: ResponseTransferMode | None = None
    """BUFFERED or STREAM on every integration. Default: none (API Gateway's, BUFFERED)."""
    insecure_skip_verification: bool | None = None
    """Skip the check that an HTTPS backend's certificate comes from a publicly trusted CA
    (private-CA or self-signed certificates only). Default: false."""
    client_certificate_rotation: str | None = None
    """Label of the client certificate the stage presents; a new label replaces it. Default: ""."""
    client_certificate_next: str | None = None
    """Label of the next client certificate, created ahead and not yet presented. Default: ""."""
    binary_media_types: list[str] | None = None
    """Media types API Gateway passes through as binary. Default: [] (UTF-8 text only)."""
