"""The API as one OpenAPI 3.0 document (`apiDefinition: openapi`), and its API Gateway extensions.

The document becomes the `RestApi`'s `body`, imported with `put_rest_api_mode="overwrite"`: one
PutRestApi call replaces every resource, method and integration, so a removed route is gone inside
the `RestApi` update that the new deployment waits for. Sources: API Gateway developer guide,
"OpenAPI extensions to API Gateway" (x-amazon-apigateway-integration, -any-method, -authorizer,
-authtype, -request-validators, -endpoint-configuration, -policy) and "Import a REST API".
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pulumi

from components import import_rules
from components.args import PrivateRestApiArgs
from components.authorizer_spec import AuthorizerSpec
from components.endpoint_spec import endpoint_id_texts
from components.input_text import StrInput
from components.integration import (
    VALIDATOR_NAME,
    authorizer_invoke_uri,
    backend_uri,
    connection_id_expression,
    private_api_policy,
    private_api_policy_input,
)
from components.route_spec import RouteSpec, path_parameters

OPENAPI_VERSION = "3.0.1"
INTEGRATION = import_rules.INTEGRATION
ANY_METHOD = import_rules.ANY_METHOD
OPERATION_KEYS = import_rules.OPERATION_KEYS
#: The security scheme of AWS_IAM routes (API Gateway's "awsSigv4" auth type).
SIGV4 = "sigv4"
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
_PARAM = re.compile(r"\{([^{}+]+)\+?\}")


def operation_key(method: str) -> str:
    return ANY_METHOD if method == "ANY" else method.lower()


def method_of(key: str) -> str:
    return "ANY" if key == ANY_METHOD else key.upper()


def private_integration(args: PrivateRestApiArgs, path: str, backend_method: str) -> dict[str, Any]:
    """The HTTP_PROXY integration through the VPC link, as the extension spells it."""
    parts = tuple(part for part in path.strip("/").split("/") if part)
    uri = backend_uri(args.integration_uri, parts)
    names = [match.group(1) for match in _PARAM.finditer(path)]
    integration: dict[str, Any] = {
        "type": "http_proxy",
        "httpMethod": backend_method,
        "uri": uri,
        "connectionType": "VPC_LINK",
        "connectionId": connection_id_expression(args.stage_variable),
        "timeoutInMillis": args.timeout_ms,
        "passthroughBehavior": "when_no_match",
    }
    if args.response_transfer_mode is not None:
        # The extension's field as AWS's streaming guide imports it ("Set up an HTTP proxy
        # integration with payload response streaming": an OpenAPI file with
        # responseTransferMode STREAM), PutIntegration's member name.
        integration["responseTransferMode"] = args.response_transfer_mode
    if args.integration_target is not None:
        # A V2 link's load balancer. The extension's field is spelled as PutIntegration's member
        # (botocore apigateway/2015-07-09 service-2.json, PutIntegrationRequest.integrationTarget),
        # as connectionId, timeoutInMillis and tlsConfig are. AWS's "x-amazon-apigateway-
        # integration object" page, as stored here, does not list it yet; a public Terraform
        # module that deploys REST APIs on V2 links puts `integrationTarget` in this extension and
        # records that put-rest-api refused its body without it ("IntegrationTarget is required
        # for VpcLinkV2 <id>"). Third-party evidence, not a deploy of ours
        # (docs/switching-links.md, "VPC links V2").
        integration["integrationTarget"] = args.integration_target
    if names:
        integration["requestParameters"] = {
            f"integration.request.path.{name}": f"method.request.path.{name}" for name in names
        }
    if uri.startswith("https://"):
        integration["tlsConfig"] = {"insecureSkipVerification": args.insecure_skip_verification}
    return integration


def _security_scheme(spec: AuthorizerSpec) -> dict[str, Any]:
    """A Lambda or Cognito authorizer as a security scheme with API Gateway's extensions."""
    headers = [
        source.strip()[len("method.request.header.") :]
        for source in spec.identity_source.split(",")
        if source.strip().startswith("method.request.header.")
    ]
    scheme: dict[str, Any] = {"type": "apiKey", "name": headers[0] if headers else "Unused"}
    scheme["in"] = "header"
    authorizer: dict[str, Any]
    if spec.type == "COGNITO_USER_POOLS":
        scheme["x-amazon-apigateway-authtype"] = "cognito_user_pools"
        authorizer = {"type": "cognito_user_pools", "providerARNs": list(spec.provider_arns)}
    else:
        scheme["x-amazon-apigateway-authtype"] = "custom"
        authorizer = {
            "type": spec.type.lower(),
            "authorizerUri": authorizer_invoke_uri(spec),
            "authorizerResultTtlInSeconds": spec.result_ttl_seconds,
        }
    authorizer["identitySource"] = spec.identity_source
    scheme["x-amazon-apigateway-authorizer"] = authorizer
    return scheme


def _operation(args: PrivateRestApiArgs, route: RouteSpec) -> dict[str, Any]:
    operation: dict[str, Any] = {}
    names = path_parameters(route.path_parts)
    if names:
        operation["parameters"] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in names
        ]
    if route.authorization == "AWS_IAM":
        operation["security"] = [{SIGV4: []}]
    elif route.authorizer is not None:
        operation["security"] = [{route.authorizer: list(route.authorization_scopes)}]
    operation["responses"] = {"default": {"description": "The backend's response, as it is."}}
    operation[INTEGRATION] = private_integration(args, route.path, route.backend_method)
    return operation


def generated_document(args: PrivateRestApiArgs, title: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of `args.routes` and `args.authorizers`."""
    paths: dict[str, dict[str, Any]] = {}
    for route in args.routes:
        paths.setdefault(route.path, {})[operation_key(route.method)] = _operation(args, route)
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "1.0"},
        "paths": paths,
    }
    return _with_api_extensions(document, args)


def empty_document(args: PrivateRestApiArgs, title: str) -> dict[str, Any]:
    """A document without paths: imported with overwrite, it removes every imported route."""
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "1.0"},
        "paths": {},
    }
    # Nothing else: the per-route resources (validator and authorizers included) follow it.
    document = _with_api_extensions(document, args, authorizers=False)
    for key in ("x-amazon-apigateway-request-validators", "x-amazon-apigateway-request-validator"):
        del document[key]
    return document


def completed_document(args: PrivateRestApiArgs, document: Mapping[str, Any]) -> dict[str, Any]:
    """The team's own document, with the private integration added where an operation has none.

    Operations that carry their own `x-amazon-apigateway-integration` keep it unchanged: the
    policy pack judges them.
    """
    completed = copy.deepcopy(dict(document))
    paths = completed.get("paths", {})
    for path, given in list(paths.items()):
        item = given
        if isinstance(given, dict) and "$ref" in given:
            # A path item given as a local `$ref` is written out, from the team's document as
            # given, so its operations get the integration of this path, not of the target's.
            target, _ = import_rules.resolve(document, given)
            item = paths[path] = copy.deepcopy(target)
        if not isinstance(item, dict):
            continue
        for key in OPERATION_KEYS:
            operation = item.get(key)
            if isinstance(operation, dict) and INTEGRATION not in operation:
                operation[INTEGRATION] = private_integration(args, path, method_of(key))
    return _with_api_extensions(completed, args)


def _with_api_extensions(
    document: dict[str, Any], args: PrivateRestApiArgs, *, authorizers: bool = True
) -> dict[str, Any]:
    """Authorizers, the request validator and, for PRIVATE APIs, the endpoints and the policy."""
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    requirements = [document.get("security") or []] + [
        operation.get("security") or [] for _, _, operation in operations(document)
    ]
    uses_sigv4 = any(
        isinstance(requirement, dict) and SIGV4 in requirement
        for listed in requirements
        if isinstance(listed, list)
        for requirement in listed
    )
    if uses_sigv4:
        schemes.setdefault(
            SIGV4,
            {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            },
        )
    for name, spec in sorted(args.authorizers.items() if authorizers else ()):
        schemes.setdefault(name, _security_scheme(spec))
    if not schemes:
        del document["components"]["securitySchemes"]
    if not document["components"]:
        del document["components"]
    if "x-amazon-apigateway-request-validators" not in document:
        document["x-amazon-apigateway-request-validators"] = {
            VALIDATOR_NAME: {"validateRequestParameters": True, "validateRequestBody": False}
        }
        document["x-amazon-apigateway-request-validator"] = VALIDATOR_NAME
    vpc_endpoint_ids = endpoint_id_texts(args.vpc_endpoint_ids)
    # Ids given as Outputs (a VPC endpoint of the same program) are not known before the body is
    # settled, so neither they nor the policy naming them are in it: the RestApi's own
    # `endpoint_configuration.vpc_endpoint_ids` and `policy` carry them. After each overwrite
    # import the provider compares those arguments with what PutRestApi returned and patches
    # the difference back in the same update (terraform-provider-aws
    # internal/service/apigateway/rest_api.go, `resourceRestAPIWithBodyUpdateOperations`:
    # `remove`/`add` per id on /endpointConfiguration/vpcEndpointIds, `replace /policy` unless
    # `awspolicy.PoliciesAreEquivalent`), before the deployment, which depends on the RestApi.
    # Between the two calls the REST API has no endpoint ids and no policy: the stage keeps the
    # deployed policy, but the endpoint associations may go and come back (the provider's own
    # comment: "The VPC endpoints deletion and immediate recreation can cause a race
    # condition"; not verified against AWS). Text ids avoid that (docs/package.md).
    if args.endpoint_type == "PRIVATE" and vpc_endpoint_ids is not None:
        # Overwrite resets every REST API property the body leaves out, the endpoint
        # configuration and the policy included; the provider then adds the endpoint ids back
        # (terraform-provider-aws, internal/service/apigateway/rest_api.go,
        # resourceRestAPIWithBodyUpdateOperations). Carried in the body, both are imported with
        # the routes. Where: "For OpenAPI 3.0, it should be present under the vendor extensions
        # of the Server object" (developer guide, "x-amazon-apigateway-endpoint-configuration
        # object"); the root is Swagger 2.0's place. A team's servers each get it; a document
        # without servers gets one, url "/" (the import's default basePath mode, ignore, drops
        # a server's path).
        configuration = {"vpcEndpointIds": sorted(vpc_endpoint_ids)}
        servers = document.get("servers")
        if not isinstance(servers, list) or not servers:
            servers = [{"url": "/"}]
        document["servers"] = [
            {**server, ENDPOINT_CONFIGURATION: configuration}
            if isinstance(server, dict)
            else server
            for server in servers
        ]
        document["x-amazon-apigateway-policy"] = json.loads(private_api_policy(vpc_endpoint_ids))
    return document


def api_document(args: PrivateRestApiArgs, title: str) -> dict[str, Any]:
    """The API, whichever mode builds it: the team's document completed, or the routes' one."""
    if args.openapi_document is not None:
        return completed_document(args, args.openapi_document)
    return generated_document(args, title=title)


def document_of(args: PrivateRestApiArgs, title: str) -> dict[str, Any] | None:
    """The RestApi's body as a document: the API in openapi mode; in resources mode none, or an
    empty document while routes an earlier openapi mode imported are cleared."""
    if args.api_definition == "openapi":
        return api_document(args, title)
    return empty_document(args, title=title) if args.clear_imported_routes else None


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation API Gateway would import."""
    for path, key, operation in import_rules.operations(document):
        if isinstance(operation, dict):
            yield path, method_of(key), operation


def canonical(document: Mapping[str, Any]) -> str:
    """One text per document: what the `RestApi` receives and the trigger digests."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def redeploy_settings(args: PrivateRestApiArgs) -> dict[str, Any]:
    """The RestApi's own settings this program manages, which AWS applies only with a deployment.

    AWS's "Updates to REST APIs that require redeployment" (developer guide) lists RestApi
    ("restapi:update ... The update requires redeploying the API. This includes modifying
    resource policies") and disableExecuteApiEndpoint. Of the RestApi's settings the program
    sets: the resource policy (always, None when not PRIVATE, as the digest always held it), the
    endpoint type and the IP address type, the last two only when not API Gateway's default, so
    a stack that leaves them alone keeps its digest on upgrade. A PRIVATE API's VPC endpoint ids
    are in the document (servers) when given as text; as Outputs, only in the policy, which is
    then an Output (`private_api_policy_input`). Binary media types, when set, are here too.
    """
    settings: dict[str, Any] = {
        "policy": private_api_policy_input(args.vpc_endpoint_ids)
        if args.endpoint_type == "PRIVATE"
        else None
    }
    if args.endpoint_type != "REGIONAL":
        settings["endpointType"] = args.endpoint_type
    if args.ip_address_type is not None:
        settings["ipAddressType"] = args.ip_address_type
    if args.binary_media_types:
        # "Binary media types for REST APIs": a change takes effect with the next deployment.
        settings["binaryMediaTypes"] = list(args.binary_media_types)
    return settings


def deployment_trigger(document: str, settings: Mapping[str, Any]) -> StrInput:
    """The one redeploy trigger, both modes: a digest of the canonical document and of
    `redeploy_settings`. Links, canaries, tags and stage settings live on the stage and are left
    out. With only the policy set this is the digest openapi mode always took (`{"body",
    "policy"}`), so such a stack keeps its deployment where its body is unchanged. A policy given
    as an Output (VPC endpoint ids of the same program) makes the trigger an Output of the same
    digest, unknown in a preview until the ids are known.
    """
    policy = settings.get("policy")
    if isinstance(policy, pulumi.Output):
        return policy.apply(lambda text: _digest(document, {**settings, "policy": text}))
    return _digest(document, settings)


def _digest(document: str, settings: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({**settings, "body": document}).encode()).hexdigest()
