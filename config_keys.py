"""Every config key of the project, declared once: name, type, default, allowed values, meaning.

`Pulumi.yaml`'s `config:` block and the key table of docs/configuration.md are generated from
`KEYS` (`make generate`, tools/key_tables.py; a test fails when either is stale), `stack_config`
decodes by it, and a key's `PrivateRestApiArgs` field follows from its name. Adding a key is one
row here, its use in `stack_config.parse`, and its tests.

A key is required (`REQUIRED`), optional with no default (`OPTIONAL`: the program sees None), or
has a default. The real CLI (v3.276.0, observed with `pulumi preview` on a project declaring
`opt: {type: integer}`, then `opt: {type: integer, default: null}`) refuses both with "Stack 's'
is missing configuration value 'opt'": a declared key without a default is required. A key of
the project's namespace that `Pulumi.yaml` does not declare is accepted, set or unset. So an
`OPTIONAL` key is left out of the generated typed block (listed in its comment instead), and the
program checks its type itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

# The allowed values of the enum keys are the args' enums' (one source: the component's).
from components.definition_spec import API_DEFINITIONS
from components.endpoint_spec import ENDPOINT_TYPES, IP_ADDRESS_TYPES
from components.integration_spec import RESPONSE_TRANSFER_MODES
from components.stage_spec import LOGGING_LEVELS

NAMESPACE: Final = "private-api"


class _Marker:
    """A default that is not a value: required, or optional with none."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: No default: every stack file must set the key (the CLI refuses a preview without it).
REQUIRED: Final = _Marker("REQUIRED")
#: No default and not required: the program reads None when the stack file leaves it out.
OPTIONAL: Final = _Marker("OPTIONAL")

#: Config types as `Pulumi.yaml` names them (the engine's project schema).
TYPES: Final = ("string", "integer", "boolean", "array", "object")
_AUTO_FIELD: Final = object()


@dataclass(frozen=True)
class Key:
    """One config key. `meaning` is one line (`Pulumi.yaml`, `pulumi config`); `doc` is the docs
    table's fuller text, Markdown. `field` is the `PrivateRestApiArgs` field the key fills:
    by default its name in snake_case, None when the key feeds no field directly."""

    name: str
    type: str
    default: Any = REQUIRED
    meaning: str = ""
    doc: str = ""
    #: The item type of an array.
    items: str | None = None
    #: The values an enum allows, any case accepted (stack_config spells them as written here).
    allowed: tuple[str, ...] = ()
    field: Any = _AUTO_FIELD
    #: What the docs table shows as the default, when the value alone would mislead.
    shown_default: str | None = None

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: type {self.type!r} is not one of {TYPES}")
        if (self.items is not None) != (self.type == "array"):
            raise ValueError(f"{self.name}: an array, and only an array, names its item type")
        if not self.meaning or "\n" in self.meaning:
            raise ValueError(f"{self.name}: the meaning is one line")
        if self.field is _AUTO_FIELD:
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", self.name).lower()
            object.__setattr__(self, "field", snake)

    @property
    def full(self) -> str:
        return f"{NAMESPACE}:{self.name}"

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def optional(self) -> bool:
        return self.default is OPTIONAL

    @property
    def has_default(self) -> bool:
        return not isinstance(self.default, _Marker)

    @property
    def arg_field(self) -> str | None:
        """The `PrivateRestApiArgs` field this key fills, if any."""
        return self.field if isinstance(self.field, str) else None


_TABLE: Final = (
    Key(
        "vpcLinks",
        "object",
        default=REQUIRED,
        meaning=(
            "VPC links by name. V1 (kind v1, the default): {targetArn: <NLB ARN>} to create a "
            "link to that Network Load Balancer, or {id: <link id>} to use an existing link; "
            "optional description. V2 (kind v2): {targetArn: <ALB or NLB ARN>, subnetIds, "
            "securityGroupIds} to create one, or {id: <V2 link id>, targetArn} to use an "
            "existing one."
        ),
        doc=(
            'Links by name. V1 (`kind: v1`, the default, AWS\'s "legacy" path): `{targetArn: '
            "<NLB ARN>}` creates a link to that NLB; `{id: <link id>}` uses an existing link "
            "(read, so a wrong id fails at preview); optional `description`. V2 (`kind: v2`): "
            "`{targetArn: <ALB or NLB ARN>, subnetIds: [...], securityGroupIds: [...]}` creates "
            "a link; `{id: <V2 link id>, targetArn: <ALB or NLB ARN>}` uses an existing one. See "
            "[VPC links V2](switching-links.md#vpc-links-v2)."
        ),
    ),
    Key(
        "activeVpcLink",
        "string",
        default=REQUIRED,
        meaning=(
            "Name of the link (a key of vpcLinks) the stage variable points at; switch traffic "
            "by changing it."
        ),
        doc="The link (a key of `vpcLinks`) the stage variable points at.",
    ),
    Key(
        "integrationUri",
        "string",
        default=REQUIRED,
        meaning=(
            "Backend base URL, http(s). It sets the Host header and, for https, the name the "
            "backend's certificate must match; requests still travel through the VPC link."
        ),
        doc=(
            "Backend base URL, `http://` or `https://`, encoded as RFC 3986 requires (no spaces, "
            "an ASCII host: punycode for international names, port 1 to 65535) and without "
            "credentials (`user:password@` would sit in plain text in every integration and the "
            "state). It sets the `Host` header and, for https, the name the backend certificate "
            "must match; requests still go through the VPC link, not to this address."
        ),
    ),
    Key(
        "canary",
        "object",
        default={},
        meaning=(
            "Optional {vpcLink: <name>, percent: 0-100}: that share of requests goes through the "
            "other link."
        ),
        doc=(
            "`{vpcLink: green, percent: 10}` sends that share of requests through another link. "
            "A canary link on another load balancer, or of the other link version, gets a "
            'deployment of its own ("Switching between V2 links").'
        ),
    ),
    Key(
        "apiDefinition",
        "string",
        default="openapi",
        allowed=API_DEFINITIONS,
        meaning=(
            "How the API is defined: openapi (one OpenAPI 3.0 document as the RestApi's body, "
            "imported with overwrite, so a removed route is gone in the same update) or "
            "resources (one Resource, Method and Integration per call, the walkthrough's shape; "
            "see README, 'API definition')."
        ),
        doc=(
            "How the API is defined: `openapi` (one OpenAPI 3.0 document, the RestApi's body) or "
            "`resources` (one resource per call). See [API "
            "definition](api-definition.md#api-definition)."
        ),
    ),
    Key(
        "openApiFile",
        "string",
        default="",
        field="openapi_document",
        meaning=(
            "Path (relative to the project) of the team's own OpenAPI 3.0 document, YAML or "
            "JSON, used instead of routes in openapi mode; operations without "
            "x-amazon-apigateway-integration get the private integration. Empty for none."
        ),
        doc=(
            "In `openapi` mode, a path (relative to the project) to your own OpenAPI 3.0 "
            "document, YAML or JSON, instead of `routes`. See [Your own OpenAPI "
            "document](api-definition.md#your-own-openapi-document)."
        ),
    ),
    Key(
        "retainRouteResources",
        "boolean",
        default=False,
        meaning=(
            "resources mode only: keep the per-route resources in AWS when they leave the "
            "program, the first step of moving a stack to openapi (README, 'Moving between "
            "modes')."
        ),
        doc=(
            "`resources` mode only: step 1 of [moving to "
            "`openapi`](api-definition.md#moving-between-modes)."
        ),
    ),
    Key(
        "clearImportedRoutes",
        "boolean",
        default=False,
        meaning=(
            "resources mode only: give the RestApi an empty OpenAPI body, so the routes an "
            "earlier openapi mode imported are removed before the per-route resources are "
            "created (README, 'Moving between modes')."
        ),
        doc=(
            "`resources` mode only: the step of [moving back from "
            "`openapi`](api-definition.md#moving-between-modes)."
        ),
    ),
    Key(
        "routes",
        "array",
        default=[],
        items="object",
        shown_default="`[]`: `GET /`, `NONE`",
        meaning=(
            "Routes: {path, method (or ANY), authorization (NONE, AWS_IAM, CUSTOM, "
            "COGNITO_USER_POOLS), authorizer, authorizationScopes, integrationHttpMethod}. A "
            "last {name+} part is greedy. Empty: the walkthrough's GET / with authorization "
            "NONE, unless openApiFile is set."
        ),
        doc=(
            "List of `{path, method, authorization, authorizer, authorizationScopes, "
            "integrationHttpMethod}`. `method` may be `ANY`; `authorization` is `NONE`, "
            "`AWS_IAM`, `CUSTOM` or `COGNITO_USER_POOLS`; a last path part `{name+}` is greedy "
            "and proxies the rest of the path."
        ),
    ),
    Key(
        "authorizers",
        "object",
        default={},
        meaning=(
            "Authorizers created on the API, by name: {type: TOKEN|REQUEST, functionArn} or "
            "{type: COGNITO_USER_POOLS, providerArns}; optional identitySource, "
            "resultTtlSeconds."
        ),
        doc=(
            "Authorizers by name, which routes name in `authorizer`: `{type: TOKEN or REQUEST, "
            "functionArn}` (a Lambda authorizer, with its invoke permission) or `{type: "
            "COGNITO_USER_POOLS, providerArns}`; optional `identitySource` (TOKEN and "
            "COGNITO_USER_POOLS: one header, `method.request.header.<Name>`; REQUEST: a "
            "comma-separated list of headers, query strings, stage and context variables), "
            "`resultTtlSeconds` (0 to 3600)."
        ),
    ),
    Key(
        "stageName",
        "string",
        default="",
        shown_default="stack name",
        meaning="Stage name; empty means the stack name.",
        doc="The stage, the first part of the invoke URL's path.",
    ),
    Key(
        "stageVariable",
        "string",
        default="vpcLinkId",
        meaning=(
            "Stage variable that holds the active link's id; every integration's connectionId "
            "refers to it."
        ),
        doc=(
            "The stage variable holding the active link id: letters, digits and `_`, at most 64 "
            "characters."
        ),
    ),
    Key(
        "endpointType",
        "string",
        default="REGIONAL",
        allowed=ENDPOINT_TYPES,
        meaning="REGIONAL, EDGE or PRIVATE.",
        doc="`REGIONAL`, `EDGE` or `PRIVATE`.",
    ),
    Key(
        "vpcEndpointIds",
        "array",
        default=[],
        items="string",
        meaning=(
            "For PRIVATE APIs, the execute-api interface VPC endpoints allowed to call the API."
        ),
        doc=(
            "For `PRIVATE`: the execute-api interface endpoints allowed to call the API (a "
            "resource policy is attached: an `aws.apigateway.RestApiPolicy` in resources mode, "
            "the body's `x-amazon-apigateway-policy` in openapi mode). Leaving `PRIVATE` removes "
            'it; PRIVATE to EDGE goes through REGIONAL (docs/operations.md, "Changing the '
            'endpoint type").'
        ),
    ),
    Key(
        "timeoutMs",
        "integer",
        default=29000,
        meaning=(
            "Integration timeout in milliseconds, 50 to 29000 (to 300000 with allowLongTimeout)."
        ),
        doc=(
            "Integration timeout, 50 to 29000 ms (to 300000 with `allowLongTimeout`; to 900000 "
            "with `responseTransferMode: STREAM`, no quota increase needed)."
        ),
    ),
    Key(
        "allowLongTimeout",
        "boolean",
        default=False,
        meaning=(
            "Allow timeoutMs above 29000, up to 300000 (REGIONAL and PRIVATE APIs, after an "
            "account quota increase)."
        ),
        doc=(
            "Allow more than 29000 ms, up to 300000 (REGIONAL and PRIVATE APIs, after an account "
            "quota increase). The stack's policy pack config must raise `maxTimeoutMs` too "
            "(`policy/config/<stack>.json`), or the strict profile refuses it: see 'Policy "
            "pack'."
        ),
    ),
    Key(
        "ipAddressType",
        "string",
        default="",
        allowed=IP_ADDRESS_TYPES,
        meaning=(
            "Who may call the API: ipv4 or dualstack (IPv4 and IPv6), on the RestApi's endpoint "
            "configuration in both apiDefinition modes. PRIVATE APIs are dual-stack only. Empty "
            "leaves API Gateway's default."
        ),
        doc=(
            "Who may call the API: `ipv4` or `dualstack` (IPv4 and IPv6). Set on the RestApi's "
            "endpoint configuration in both modes (AWS: an OpenAPI definition cannot set it). A "
            "PRIVATE API is dual-stack only, so `ipv4` with `PRIVATE` is refused; AWS's \"IP "
            'address types for REST APIs" has a move from PRIVATE to REGIONAL go through '
            "`dualstack`. Empty leaves API Gateway's default."
        ),
    ),
    Key(
        "insecureSkipVerification",
        "boolean",
        default=False,
        meaning=(
            "Let an HTTPS backend present a certificate from a private CA or a self-signed one "
            "(tlsConfig.insecureSkipVerification on every integration). Off, API Gateway "
            "requires a publicly trusted CA; either way the name must match integrationUri's "
            "host. Warned when set."
        ),
        doc=(
            "`tlsConfig.insecureSkipVerification` on every integration, both modes: let an HTTPS "
            "backend present a certificate from a private CA or a self-signed one. Off, API "
            "Gateway accepts only a certificate from a publicly trusted CA; on or off, its name "
            "must match `integrationUri`'s host and it must not be expired (see 'HTTPS "
            "backends'). Each preview warns while it is on."
        ),
    ),
    Key(
        "responseTransferMode",
        "string",
        default="",
        allowed=RESPONSE_TRANSFER_MODES,
        meaning=(
            "BUFFERED or STREAM on every integration. STREAM sends the response as it arrives "
            "and allows timeoutMs up to 900000 without a quota increase. Empty leaves API "
            "Gateway's default (BUFFERED); to go back from STREAM, set BUFFERED rather than "
            "removing the key."
        ),
        doc=(
            "`BUFFERED` or `STREAM` on every integration (`responseTransferMode` in "
            "`x-amazon-apigateway-integration`, `response_transfer_mode` on each Integration). "
            "`STREAM` sends the backend's response as it arrives (time to first byte, "
            "server-sent events, more than 10 MB) and allows `timeoutMs` up to 900000. Empty "
            "leaves API Gateway's default, `BUFFERED`; to go back from `STREAM`, set `BUFFERED` "
            "rather than removing the key (the provider keeps a mode once set unless told "
            "otherwise). Setting or changing it redeploys the API."
        ),
    ),
    Key(
        "tags",
        "object",
        default={},
        meaning="Tags for every taggable resource.",
        doc=(
            "Tags on every taggable resource: at most 50, keys 1 to 128 characters not starting "
            "with `aws:`, values up to 256, both only letters, numbers, spaces and `_ . : / = + "
            "- @` (CloudWatch Logs' pattern, the strictest of the services tagged; the "
            "provider's `aws:defaultTags` are checked too)."
        ),
    ),
    Key(
        "tracingEnabled",
        "boolean",
        default=False,
        meaning="X-Ray tracing on the stage.",
        doc="X-Ray tracing on the stage.",
    ),
    Key(
        "accessLogging",
        "boolean",
        default=False,
        meaning=(
            "JSON access logs to a CloudWatch log group created with the stack. Needs the "
            "account's API Gateway CloudWatch role (README, 'Logging')."
        ),
        doc=(
            "JSON access logs to a log group the stack creates: `$context` variables only (as "
            "API Gateway documents for access logs), with `isCanaryRequest` telling the canary's "
            "link from the stage's (docs/operations.md, step 3 of a switch)."
        ),
    ),
    Key(
        "logRetentionDays",
        "integer",
        default=30,
        meaning=(
            "Retention of the access log group, in days (a CloudWatch Logs value such as 30 or "
            "90; 0 never expires)."
        ),
        doc=(
            "Retention of that log group and of the execution-log groups: one of CloudWatch "
            "Logs' values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, "
            "1827, 2192, 2557, 2922, 3288, 3653), or 0 to never expire."
        ),
    ),
    Key(
        "loggingLevel",
        "string",
        default="OFF",
        allowed=LOGGING_LEVELS,
        meaning=(
            "Execution logging level, OFF, ERROR or INFO. Needs the account's API Gateway "
            "CloudWatch role."
        ),
        doc=(
            "Execution logging: `OFF`, `ERROR` or `INFO`. API Gateway writes to groups it "
            "creates itself, `API-Gateway-Execution-Logs_<api-id>/<stage>` and its `/Canary` "
            "twin: left to it they keep logs forever and outlive `pulumi destroy`, unless "
            "`manageExecutionLogGroups` is set."
        ),
    ),
    Key(
        "manageExecutionLogGroups",
        "boolean",
        default=False,
        meaning=(
            "With execution logging, the stack owns the log groups API Gateway writes to "
            "(retention, tags, removed by destroy). A stack that already logged imports them "
            "first."
        ),
        doc=(
            "With `loggingLevel` other than `OFF`, the stack creates both execution-log groups "
            "before logging starts, with `logRetentionDays` and the stack's tags, so they expire "
            "and go with `pulumi destroy`. Off by default because a stack that already logged "
            "has groups API Gateway made, and creating them again fails "
            "(`ResourceAlreadyExistsException`): import them first (docs/operations.md, "
            "'Execution-log groups'), then set it. A new stack can set it at once."
        ),
    ),
    Key(
        "observability",
        "object",
        default={},
        meaning=(
            "Canary access-log group, metric filters, alarms and dashboard, e.g. "
            "{canary5xxPercent: 1, canaryLatencyMs: 2000}. Needs accessLogging; a canary that "
            "already logged imports its group first (docs/operations.md, 'Observability')."
        ),
        doc=(
            "The canary's own access-log group (`<group>/Canary`, with `logRetentionDays`), "
            "metric filters for the stage and the canary, alarms on the canary's 5XX rate and p99 "
            "latency, and a dashboard (`dashboardUrl` output): `{canary5xxPercent: 1, "
            "canaryLatencyMs: 2000}`. Needs `accessLogging`. A stack whose canary already logged "
            "has a group API Gateway made: import it first (docs/operations.md, "
            "'Observability'). On in `prod`; `make migrate` is gated on it "
            "([switching-links.md](switching-links.md))."
        ),
    ),
    Key(
        "metricsEnabled",
        "boolean",
        default=False,
        meaning="Detailed CloudWatch metrics for every method.",
        doc="Detailed CloudWatch metrics per method.",
    ),
    Key(
        "clientCertificate",
        "boolean",
        default=False,
        meaning="Create a client certificate the stage presents to the backend.",
        doc=(
            "A client certificate the stage presents to the backend. It is valid for 365 days "
            "and nothing renews it: outputs `clientCertificateExpiry` and "
            "`clientCertificatePem`; the smoke check warns from 30 days before expiry; rotate it "
            "with the two keys below."
        ),
    ),
    Key(
        "clientCertificateRotation",
        "string",
        default="",
        meaning=(
            "Label of the client certificate the stage presents (empty for the first). A new "
            "label replaces the certificate: the rotation path before its 365 days run out "
            "(docs/operations.md, 'Rotating the client certificate')."
        ),
        doc=(
            'Label of the certificate the stage presents (`""`: the first one). Setting a new '
            "label (such as `2026-12`) replaces the certificate. Letters, digits and `-`, up to "
            "32."
        ),
    ),
    Key(
        "clientCertificateNext",
        "string",
        default="",
        meaning=(
            "Label of the next client certificate, created ahead but not presented, so the "
            "backend can trust it (output nextClientCertificatePem) before "
            "clientCertificateRotation moves to it."
        ),
        doc=(
            "Label of the next certificate, created ahead and not presented (outputs "
            "`nextClientCertificatePem`, `nextClientCertificateExpiry`), so the backend can "
            "trust it before `clientCertificateRotation` moves to the same label "
            "(docs/operations.md, 'Rotating the client certificate')."
        ),
    ),
    Key(
        "backendStack",
        "string",
        default="",
        field=None,
        meaning=(
            "A stack of examples/backend, fully qualified "
            "(organization/private-api-backend/demo): the active link targets that stack's NLB "
            "(its loadBalancerArn output) instead of its own targetArn. Empty: not used. `make "
            "demo` sets it."
        ),
        doc=(
            "A stack of `examples/backend`, fully qualified "
            "(`organization/private-api-backend/demo`): the active link targets that stack's NLB "
            "(its `loadBalancerArn` output, read through a `StackReference`) instead of its own "
            "`targetArn`."
        ),
    ),
    Key(
        "binaryMediaTypes",
        "array",
        default=[],
        items="string",
        meaning=(
            "Media types API Gateway passes through as binary (image/png, "
            "application/octet-stream, */*), for greedy proxies that carry binary bodies. Empty: "
            "UTF-8 text only. Changing it redeploys."
        ),
        doc=(
            "Media types API Gateway passes through as bytes (`binaryMediaTypes` on the RestApi, "
            "both modes; it overrides an `openApiFile`'s "
            "`x-amazon-apigateway-binary-media-types`). Without them a REST API carries UTF-8 "
            "text only, so an image, a PDF or a gzip body through the greedy proxies "
            "(`/{proxy+}`) is mangled; list the types your backend sends and receives "
            "(`[image/png, application/pdf]`, or `['*/*']` for everything). Changing it "
            "redeploys."
        ),
    ),
    Key(
        "webAclArn",
        "string",
        default="",
        meaning=(
            "WAFv2 web ACL ARN to associate with the stage (REGIONAL and EDGE); empty for none."
        ),
        doc=(
            "A WAFv2 web ACL to associate with the stage (REGIONAL and EDGE): of REGIONAL scope "
            "and in the stack's region."
        ),
    ),
)

#: Every key, in the order `Pulumi.yaml` and the docs list them.
KEYS: Final[dict[str, Key]] = {key.name: key for key in _TABLE}

#: Where `PrivateRestApiArgs` reports a field, the stack file has this key.
ARG_FIELD_TO_KEY: Final[dict[str, str]] = {
    key.arg_field: key.name for key in KEYS.values() if key.arg_field is not None
}
