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
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

from components.args import AuthorizerSpec, PrivateRestApiArgs, RouteSpec, path_parameters
from components.integration import (
    VALIDATOR_NAME,
    authorizer_invoke_uri,
    backend_uri,
    connection_id_expression,
    private_api_policy,
)

OPENAPI_VERSION = "3.0.1"
INTEGRATION = "x-amazon-apigateway-integration"
ANY_METHOD = "x-amazon-apigateway-any-method"
#: Path item keys API Gateway imports as methods: OpenAPI's operations (TRACE aside, which API
#: Gateway does not support) and its own ANY.
OPERATION_KEYS = ("get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD)
#: The security scheme of AWS_IAM routes (API Gateway's "awsSigv4" auth type).
SIGV4 = "sigv4"
#: API Gateway's default quota of resources (path parts, the root included) per REST API.
RESOURCES_PER_API = 300
#: API Gateway's limit on an imported API definition (developer guide, "Amazon API Gateway
#: important notes" and quotas: "API definition file size, 6 MB").
MAX_BODY_BYTES = 6 * 1024 * 1024
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
        # for VpcLinkV2 <id>"). Third-party evidence, not a deploy of ours (README.md, "VPC links
        # V2").
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
    for path, item in completed.get("paths", {}).items():
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
    if args.endpoint_type == "PRIVATE":
        # Overwrite resets every REST API property the body leaves out, the endpoint
        # configuration and the policy included. The provider then adds the endpoint ids back
        # (terraform-provider-aws, internal/service/apigateway/rest_api.go,
        # resourceRestAPIWithBodyUpdateOperations), but between the two calls the API has no VPC
        # endpoints and no policy, and the RestApi docstring warns that endpoint changes race with
        # their DNS. Carried in the body, both stay as they are through every import, and the
        # provider finds nothing to put back.
        document["x-amazon-apigateway-endpoint-configuration"] = {
            "vpcEndpointIds": sorted(args.vpc_endpoint_ids)
        }
        document["x-amazon-apigateway-policy"] = json.loads(
            private_api_policy(args.vpc_endpoint_ids)
        )
    return document


def document_of(args: PrivateRestApiArgs, title: str) -> dict[str, Any] | None:
    """The RestApi's body as a document: the API in openapi mode; in resources mode none, or an
    empty document while routes an earlier openapi mode imported are cleared."""
    if args.api_definition == "openapi":
        if args.openapi_document is not None:
            return completed_document(args, args.openapi_document)
        return generated_document(args, title=title)
    return empty_document(args, title=title) if args.clear_imported_routes else None


def body_size_problem(body: str) -> str | None:
    """Why API Gateway would refuse to import a body this large, if it would."""
    size = len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    return (
        f"the OpenAPI document is {size} bytes, above API Gateway's {MAX_BODY_BYTES} byte limit "
        "for an imported API definition; split the API into several."
    )


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation API Gateway would import."""
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for key in OPERATION_KEYS:
            operation = item.get(key)
            if isinstance(operation, dict):
                yield str(path), method_of(key), operation


def canonical(document: Mapping[str, Any]) -> str:
    """One text per document: what the `RestApi` receives and the trigger digests."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def body_trigger(body: str, policy: str | None) -> str:
    """The deployment's trigger: it changes exactly when the document (or the policy) does."""
    return hashlib.sha256(canonical({"body": body, "policy": policy}).encode()).hexdigest()


def resource_count(paths: Iterator[str] | list[str]) -> int:
    """API Gateway resources the paths need: one per distinct path prefix, plus the root."""
    prefixes: set[tuple[str, ...]] = set()
    for path in paths:
        parts = tuple(part for part in path.strip("/").split("/") if part)
        prefixes.update(parts[:depth] for depth in range(1, len(parts) + 1))
    return len(prefixes) + 1


class DocumentError(ValueError):
    """An OpenAPI file that cannot be read, parsed or validated; the message names where."""


def load_document(path: Path) -> dict[str, Any]:
    """Read a team's OpenAPI 3.0 document (YAML or JSON) and validate it.

    Raises `DocumentError` naming the file, the JSON pointer and the problem, so a bad document
    fails before any resource is registered.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DocumentError(f"cannot read '{path}': {error.strerror or error}.") from None
    try:
        document = yaml.safe_load(text)  # JSON is YAML too
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise DocumentError(f"'{path}' is not YAML or JSON{where}: {error}.") from None
    if not isinstance(document, dict):
        raise DocumentError(f"'{path}' holds {type(document).__name__}, not an OpenAPI document.")
    version = document.get("openapi")
    if not (isinstance(version, str) and version.startswith("3.0")):
        found = f"'openapi: {version}'" if version else "no 'openapi' version"
        if "swagger" in document:
            found = f"'swagger: {document['swagger']}'"
        raise DocumentError(
            f"'{path}' has {found} at /openapi; give an OpenAPI 3.0 document (openapi: 3.0.x), "
            "the version API Gateway imports with its extensions."
        )
    for pointer, message in validation_problems(document):
        raise DocumentError(f"'{path}' is not a valid OpenAPI 3.0 document at {pointer}: {message}")
    return document


def validation_problems(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(JSON pointer, problem) for each way `document` breaks OpenAPI 3.0.

    API Gateway's greedy path variable (`/{proxy+}`, its parameter named `proxy`) is not OpenAPI:
    the document is validated with `{name+}` read as `{name}`, as API Gateway reads it.
    """
    view = dict(document)
    paths = document.get("paths")
    if isinstance(paths, Mapping):
        view["paths"] = {re.sub(r"\{([^{}+]+)\+\}", r"{\1}", str(k)): v for k, v in paths.items()}
    for error in OpenAPIV30SpecValidator(view).iter_errors():
        parts = [str(part) for part in error.absolute_path]
        unresolved = _UNRESOLVED.search(error.message)
        if not parts and unresolved is not None:
            parts = ["paths", unresolved.group("path")]
        pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
        yield pointer, error.message.rstrip(".") + "."


_UNRESOLVED = re.compile(r"operation in '(?P<path>[^']+)'")
