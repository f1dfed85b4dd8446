"""The per-resource mode (`apiDefinition: resources`): the walkthrough's calls, one resource each.

create-resource per path part, put-method and put-integration per route, each an
`aws.apigateway` resource. Removing a route deletes its method and integration only at the end of
the `pulumi up` that removes it, after the new deployment was taken: README.md, "Removing a route
in resources mode", gives the command that finishes the removal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict

import pulumi
import pulumi_aws as aws

from components.args import PrivateRestApiArgs, path_parameters
from components.integration import (
    VALIDATOR_NAME,
    authorizer_invoke_uri,
    authorizer_permission,
    connection_id_expression,
    route_uri,
)


def api_shape(args: PrivateRestApiArgs) -> dict[str, object]:
    """Everything a deployment snapshots. Links, canary, tags and stage settings are left out:
    they live on the stage, so changing them must not redeploy."""
    shape: dict[str, object] = {
        "routes": [
            {
                "path": route.path,
                "method": route.method,
                "authorization": route.authorization,
                "authorizer": route.authorizer,
                "authorizationScopes": list(route.authorization_scopes),
                "integrationHttpMethod": route.backend_method,
                "uri": route_uri(args.integration_uri, route),
            }
            for route in args.routes
        ],
        "authorizers": {name: asdict(spec) for name, spec in sorted(args.authorizers.items())},
        "connectionId": connection_id_expression(args.stage_variable),
        "timeoutMs": args.timeout_ms,
        "endpointType": args.endpoint_type,
        # A resource policy change only takes effect after a redeployment.
        "vpcEndpointIds": sorted(args.vpc_endpoint_ids),
        "requestValidation": "parameters",
    }
    # Only when set, so a stack without them keeps its digest (and its deployment) on upgrade.
    # A V2 link's load balancer lives in every integration: changing it redeploys.
    if args.integration_target is not None:
        shape["integrationTarget"] = args.integration_target
    if args.response_transfer_mode is not None:
        shape["responseTransferMode"] = args.response_transfer_mode
    if args.insecure_skip_verification:
        shape["insecureSkipVerification"] = True
    if args.binary_media_types:
        shape["binaryMediaTypes"] = list(args.binary_media_types)
    return shape


def redeployment_trigger(args: PrivateRestApiArgs) -> str:
    """A digest of `api_shape`: the deployment is replaced exactly when it changes."""
    canonical = json.dumps(api_shape(args), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_routes(
    name: str,
    args: PrivateRestApiArgs,
    rest_api: aws.apigateway.RestApi,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.Resource]:
    """Every resource, method and integration of `args.routes`: what the deployment waits for."""
    api_id = rest_api.id
    validator = aws.apigateway.RequestValidator(
        f"{name}-request-validator",
        rest_api=api_id,
        name=VALIDATOR_NAME,
        validate_request_parameters=True,
        validate_request_body=False,
        opts=opts,
    )
    authorizer_ids = _authorizers(name, args, rest_api, opts)
    resource_ids = _resources(name, args, rest_api, opts)

    api_parts: list[pulumi.Resource] = [validator]
    for route in args.routes:
        path_params = path_parameters(route.path_parts)
        key = f"{route.method}-{route.path}"
        method = aws.apigateway.Method(
            f"{name}-method-{key}",
            rest_api=api_id,
            resource_id=resource_ids[route.path_parts],
            http_method=route.method,
            authorization=route.authorization,
            authorizer_id=authorizer_ids[route.authorizer] if route.authorizer else None,
            authorization_scopes=list(route.authorization_scopes) or None,
            request_parameters={f"method.request.path.{p}": True for p in path_params} or None,
            request_validator_id=validator.id,
            opts=opts,
        )
        uri = route_uri(args.integration_uri, route)
        integration = aws.apigateway.Integration(
            f"{name}-integration-{key}",
            rest_api=api_id,
            resource_id=method.resource_id,
            http_method=method.http_method,
            type="HTTP_PROXY",
            integration_http_method=route.backend_method,
            uri=uri,
            connection_type="VPC_LINK",
            connection_id=connection_id_expression(args.stage_variable),
            # pulumi-aws >= 7.13.0: "ALB or NLB ARN to send the request to. Used for private
            # integrations with VPC Link V2" (apigateway.Integration's docstring).
            integration_target=args.integration_target,
            # Set only when asked for: once set, the provider needs BUFFERED spelt out to go
            # back (apigateway.Integration's docstring), which the key's description says.
            response_transfer_mode=args.response_transfer_mode,
            timeout_milliseconds=args.timeout_ms,
            request_parameters={
                f"integration.request.path.{p}": f"method.request.path.{p}" for p in path_params
            }
            or None,
            tls_config=(
                aws.apigateway.IntegrationTlsConfigArgs(
                    insecure_skip_verification=args.insecure_skip_verification
                )
                if uri.startswith("https://")
                else None
            ),
            opts=opts,
        )
        api_parts += [method, integration]
    return api_parts


def _resources(
    name: str,
    args: PrivateRestApiArgs,
    rest_api: aws.apigateway.RestApi,
    opts: pulumi.ResourceOptions,
) -> dict[tuple[str, ...], pulumi.Output[str]]:
    """One API Gateway resource per distinct path prefix, each created once."""
    ids: dict[tuple[str, ...], pulumi.Output[str]] = {(): rest_api.root_resource_id}
    for route in args.routes:
        parts = route.path_parts
        for depth in range(1, len(parts) + 1):
            prefix = parts[:depth]
            if prefix in ids:
                continue
            ids[prefix] = aws.apigateway.Resource(
                f"{name}-resource-/{'/'.join(prefix)}",
                rest_api=rest_api.id,
                parent_id=ids[prefix[:-1]],
                path_part=prefix[-1],
                opts=opts,
            ).id
    return ids


def _authorizers(
    name: str,
    args: PrivateRestApiArgs,
    rest_api: aws.apigateway.RestApi,
    opts: pulumi.ResourceOptions,
) -> Mapping[str, pulumi.Output[str]]:
    ids: dict[str, pulumi.Output[str]] = {}
    for auth_name, spec in sorted(args.authorizers.items()):
        authorizer = aws.apigateway.Authorizer(
            f"{name}-authorizer-{auth_name}",
            rest_api=rest_api.id,
            name=auth_name,
            type=spec.type,
            authorizer_uri=authorizer_invoke_uri(spec),
            provider_arns=list(spec.provider_arns) or None,
            identity_source=spec.identity_source,
            authorizer_result_ttl_in_seconds=spec.result_ttl_seconds,
            opts=opts,
        )
        if spec.function_arn is not None:
            authorizer_permission(
                f"{name}-authorizer-{auth_name}-invoke",
                spec,
                pulumi.Output.concat(rest_api.execution_arn, "/authorizers/", authorizer.id),
                opts,
            )
        ids[auth_name] = authorizer.id
    return ids
