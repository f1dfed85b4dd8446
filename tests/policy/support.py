"""Run the pack's rules as its server runs them, and build the stacks the tests feed them.

Properties go through the same path as over gRPC: marshaled as the engine marshals them (unknowns
as the sentinel, secrets in their envelope), through a protobuf Struct (so every number becomes a
float), deserialized and wrapped in `pulumi_policy`'s unknown-checking proxy. Stack resources are
linked to their parents and dependencies the way the server links them.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import rules
from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from tests.pack_client import Resource
from tools import mockrun
from tools.pack_messages import UNKNOWN, to_struct

json_format: Any = importlib.import_module("google.protobuf.json_format")

#: The rules that look at the whole stack (AnalyzeStack), as the issue and the README name them.
STACK_RULES: Final = (
    "vpc-link-target-unique",
    "vpc-link-version-matches-target",
    "stage-defines-vpc-link-variable",
    "canary-uses-stack-vpc-link",
    "deployment-redeploys-on-change",
    "method-requires-authorization",
    "stage-has-execution-logging",
    "stage-cache-encrypted",
    "stage-has-waf-web-acl",
    "aws-native-apigateway-not-judged",
)

PROJECT: Final = "shop"
STACK: Final = "dev"
REGION: Final = "us-east-1"
ACCOUNT: Final = "123456789012"
NLB_A: Final = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/orders-a/0a1b2c3d4e5f6a7b"
)
NLB_B: Final = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/orders-b/8c9d0e1f2a3b4c5d"
)
ALB: Final = (
    f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/web/1234567890abcdef"
)
WEB_ACL: Final = f"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/api/a1b2c3d4-5678-90ab-cdef"

REST_API: Final = "aws:apigateway/restApi:RestApi"
API_RESOURCE: Final = "aws:apigateway/resource:Resource"
METHOD: Final = "aws:apigateway/method:Method"
INTEGRATION: Final = "aws:apigateway/integration:Integration"
VPC_LINK: Final = "aws:apigateway/vpcLink:VpcLink"
VPC_LINK_V2: Final = "aws:apigatewayv2/vpcLink:VpcLink"
DEPLOYMENT: Final = "aws:apigateway/deployment:Deployment"
STAGE: Final = "aws:apigateway/stage:Stage"
METHOD_SETTINGS: Final = "aws:apigateway/methodSettings:MethodSettings"
WAF_ASSOCIATION: Final = "aws:wafv2/webAclAssociation:WebAclAssociation"
CLIENT_CERTIFICATE: Final = "aws:apigateway/clientCertificate:ClientCertificate"
LOG_GROUP: Final = "aws:cloudwatch/logGroup:LogGroup"
VALIDATOR: Final = "aws:apigateway/requestValidator:RequestValidator"

#: In `with_props`, removes the property.
DELETE: Final = object()


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{type_}::{name}"


def fake_id(name: str) -> str:
    """Short lowercase alphanumeric ids, like API Gateway's."""
    return hashlib.sha256(name.encode()).hexdigest()[:10]


def policy(name: str) -> Policy:
    for candidate in rules.POLICIES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def engine_props(properties: Mapping[str, Any]) -> Any:
    """Properties as a rule receives them from the server."""
    wire = json_format.MessageToDict(to_struct(properties))
    # The server's own deserializer, as the pack sets it (pack_values keeps secrets marked).
    deserialize = importlib.import_module("pulumi_policy.policy").deserialize_properties
    return unknown_checking_proxy(deserialize(wire))


@dataclass
class Outcome:
    """What one rule said about one resource."""

    messages: list[str] = field(default_factory=list)
    #: CrossGuard's "can't run during preview" reason, when the rule deferred on an unknown.
    deferred: str | None = None


def check(
    rule: str,
    type_: str,
    properties: Mapping[str, Any],
    *,
    name: str = "orders-get",
    config: Mapping[str, Any] | None = None,
    proxied: bool = True,
) -> Outcome:
    """Run a resource rule on one resource, as `Analyze` would."""
    validation = policy(rule)
    assert isinstance(validation, ResourceValidationPolicy)
    props = engine_props(properties) if proxied else properties
    args = ResourceValidationArgs(
        type_, props, urn(type_, name), name, _options(""), None, dict(config or {}), {}
    )
    outcome = Outcome()

    def report(message: str, _urn: str | None = None) -> None:
        outcome.messages.append(message)

    try:
        validation.validate(args, report)
    except UnknownValueError as error:
        outcome.deferred = error.message
    return outcome


def check_stack(
    rule: str, resources: Sequence[Resource], *, config: Mapping[str, Any] | None = None
) -> list[tuple[str | None, str]]:
    """Run a stack rule, as `AnalyzeStack` would: (urn, message) for each violation."""
    validation = policy(rule)
    assert isinstance(validation, StackValidationPolicy)
    args = StackValidationArgs(policy_resources(resources), dict(config or {}), {})
    found: list[tuple[str | None, str]] = []

    def report(message: str, where: str | None = None) -> None:
        found.append((where, message))

    validation.validate(args, report)
    return found


def policy_resources(resources: Sequence[Resource]) -> list[PolicyResource]:
    built = {
        r.urn: PolicyResource(
            r.type,
            engine_props(r.properties),
            r.urn,
            r.name,
            _options(r.parent),
            None,
            None,
            [],
            {},
        )
        for r in resources
    }
    for r in resources:
        resource = built[r.urn]
        resource.parent = built.get(r.parent)
        resource.dependencies = [built[d] for d in r.dependencies if d in built]
        resource.property_dependencies = {
            k: [built[d] for d in v if d in built] for k, v in r.property_dependencies.items()
        }
    return list(built.values())


def _options(parent: str) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent or None
    )


# --- Stacks -----------------------------------------------------------------------------------


class StackBuilder:
    """Resources that name each other as a program would: by outputs, with their dependencies.

    In preview (`preview=True`) every output of a resource is UNKNOWN, as for new resources.
    """

    def __init__(self, *, preview: bool = False, with_ids: bool = False) -> None:
        self.preview = preview
        #: Also give each resource an `id` property, as `pulumi up`'s stack analysis does.
        self.with_ids = with_ids
        self.resources: list[Resource] = []

    def output(self, value: Any) -> Any:
        """An output of a resource: unknown in a preview of new resources."""
        return UNKNOWN if self.preview else value

    def id_of(self, name: str) -> Any:
        return self.output(fake_id(name))

    def add(
        self,
        type_: str,
        name: str,
        properties: Mapping[str, Any],
        *,
        deps: Mapping[str, Resource] | None = None,
        depends_on: Sequence[Resource] = (),
    ) -> Resource:
        props = dict(properties)
        if self.with_ids and not self.preview:
            props["id"] = fake_id(name)
        prop_deps = {k: [v.urn] for k, v in (deps or {}).items()}
        everything = [r.urn for r in depends_on] + [u for us in prop_deps.values() for u in us]
        resource = Resource(
            urn=urn(type_, name),
            type=type_,
            name=name,
            properties=props,
            dependencies=tuple(dict.fromkeys(everything)),
            property_dependencies=prop_deps,
        )
        self.resources.append(resource)
        return resource


def private_api(
    *,
    preview: bool = False,
    with_ids: bool = False,
    endpoint: str = "REGIONAL",
    links: Mapping[str, str] | None = None,
    active: str = "blue",
) -> list[Resource]:
    """A compliant private API: every rule of the strict profile passes on it.

    Names: api, link-<name>, validator, res-orders, get-root and get-orders (a Method and an
    Integration each), deployment, certificate, logs, stage, settings, waf.
    """
    b = StackBuilder(preview=preview, with_ids=with_ids)
    api_props: dict[str, Any] = {"name": "shop", "endpointConfiguration": {"types": endpoint}}
    if with_ids and not preview:
        api_props["rootResourceId"] = fake_id("api/")  # an output, in the stack's analysis
    api = b.add(REST_API, "api", api_props)
    api_id = b.id_of("api")
    root_id = b.output(fake_id("api/"))
    link_ids = {}
    for link_name, target in (links or {"blue": NLB_A}).items():
        link = b.add(VPC_LINK, f"link-{link_name}", {"name": link_name, "targetArn": target})
        link_ids[link_name] = (link, b.id_of(link.name))
    validator = b.add(
        VALIDATOR,
        "validator",
        {"restApi": api_id, "validateRequestParameters": True},
        deps={"restApi": api},
    )
    orders = b.add(
        API_RESOURCE,
        "res-orders",
        {"restApi": api_id, "parentId": root_id, "pathPart": "orders"},
        deps={"restApi": api, "parentId": api},
    )
    parts: list[Resource] = []
    for route, parent, parent_id in (
        ("get-root", api, root_id),
        ("get-orders", orders, b.id_of("res-orders")),
    ):
        method = b.add(
            METHOD,
            route,
            {
                "restApi": api_id,
                "resourceId": parent_id,
                "httpMethod": "GET",
                "authorization": "AWS_IAM",
                "requestValidatorId": b.id_of("validator"),
            },
            deps={"restApi": api, "resourceId": parent, "requestValidatorId": validator},
        )
        integration = b.add(
            INTEGRATION,
            route,
            {
                "restApi": api_id,
                "resourceId": parent_id,
                "httpMethod": "GET",
                "type": "HTTP_PROXY",
                "integrationHttpMethod": "GET",
                "uri": "http://orders.internal.example.com/",
                "connectionType": "VPC_LINK",
                "connectionId": "${stageVariables.vpcLinkId}",
                "timeoutMilliseconds": 29000,
            },
            deps={"restApi": api, "resourceId": method},
        )
        parts += [method, integration]
    deployment = b.add(
        DEPLOYMENT,
        "deployment",
        {"restApi": api_id, "triggers": {"redeployment": "abc123"}},
        deps={"restApi": api},
        depends_on=parts,
    )
    certificate = b.add(CLIENT_CERTIFICATE, "certificate", {"description": "backend"})
    logs = b.add(LOG_GROUP, "logs", {"retentionInDays": 30})
    active_link, active_id = link_ids[active]
    stage = b.add(
        STAGE,
        "stage",
        {
            "restApi": api_id,
            "deployment": b.id_of("deployment"),
            "stageName": "dev",
            "variables": {"vpcLinkId": active_id},
            "xrayTracingEnabled": True,
            "clientCertificateId": b.id_of("certificate"),
            "accessLogSettings": {
                "destinationArn": b.output(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:l"),
                "format": "$context.requestId",
            },
        },
        deps={
            "restApi": api,
            "deployment": deployment,
            "variables": active_link,
            "clientCertificateId": certificate,
            "accessLogSettings": logs,
        },
    )
    b.add(
        METHOD_SETTINGS,
        "settings",
        {
            "restApi": api_id,
            "stageName": "dev",
            "methodPath": "*/*",
            "settings": {"loggingLevel": "ERROR", "metricsEnabled": True},
        },
        deps={"restApi": api, "stageName": stage},
    )
    stage_arn = (
        UNKNOWN
        if preview
        else f"arn:aws:apigateway:{REGION}::/restapis/{fake_id('api')}/stages/dev"
    )
    b.add(
        WAF_ASSOCIATION,
        "waf",
        {"resourceArn": stage_arn, "webAclArn": WEB_ACL},
        deps={"resourceArn": stage},
    )
    return b.resources


def find(resources: Sequence[Resource], type_: str, name: str) -> Resource:
    for resource in resources:
        if resource.type == type_ and resource.name == name:
            return resource
    raise KeyError(f"{type_}::{name}")


def with_props(
    resources: Sequence[Resource], type_: str, name: str, keep_deps: bool = False, **changes: Any
) -> list[Resource]:
    """The stack with one resource's properties changed (`DELETE` removes one).

    A changed property loses its dependencies (it is now a literal) unless `keep_deps`.
    """
    target = find(resources, type_, name)
    props = {k: v for k, v in {**target.properties, **changes}.items() if v is not DELETE}
    deps = {k: v for k, v in target.property_dependencies.items() if keep_deps or k not in changes}
    changed = replace(target, properties=props, property_dependencies=deps)
    return [changed if r is target else r for r in resources]


def without(resources: Sequence[Resource], type_: str, name: str | None = None) -> list[Resource]:
    """The stack without the resources of that type (and name)."""
    return [r for r in resources if not (r.type == type_ and name in (None, r.name))]


def names(found: Sequence[tuple[str | None, str]]) -> list[str]:
    """The resource names of stack violations (the last part of each URN)."""
    return [(where or "").rsplit("::", 1)[-1] for where, _ in found]


def for_pack(value: Any) -> Any:
    """A value the program recorded under mocks, with mockrun's unknown as the engine's."""
    if value is mockrun.UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: for_pack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [for_pack(v) for v in value]
    return value


def pack_resource(recorded: mockrun.RecordedResource) -> Resource:
    """A resource the program registered under mocks, as the engine sends it to the pack."""
    return Resource(
        recorded.urn,
        recorded.type,
        recorded.name,
        for_pack(recorded.inputs),
        recorded.parent,
        recorded.dependencies,
        recorded.property_dependencies,
    )
