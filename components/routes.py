"""The per-resource mode (`apiDefinition: resources`), generated from the API's OpenAPI document.

The same document openapi mode imports (`openapi.api_document`) becomes the walkthrough's calls:
create-resource per path part, put-method and put-integration per operation, each an
`aws.apigateway` resource. Both modes thus build the same API by construction. Removing a route
deletes its method and integration only at the end of the `pulumi up` that removes it, after the
new deployment was taken: docs/api-definition.md, "Removing a route in resources mode", gives
the command that finishes the removal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components import import_rules
from components.args import PrivateRestApiArgs
from components.integration import (
    VALIDATOR_NAME,
    authorizer_invoke_uri,
    authorizer_permission,
)
from components.openapi import INTEGRATION, SIGV4, method_of


@dataclass(frozen=True)
class Operation:
    """One operation of the document, in PutMethod's and PutIntegration's terms."""

    path: str
    method: str
    authorization: str
    authorizer: str | None
    scopes: list[str]
    path_parameters: list[str]
    integration: Mapping[str, Any]

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(part for part in self.path.strip("/").split("/") if part)


def document_operations(
    document: Mapping[str, Any], args: PrivateRestApiArgs
) -> Iterator[Operation]:
    """Every operation of the document, in its order: the methods and integrations to create."""
    paths = document.get("paths", {})
    for path, item in paths.items():
        for key, operation in item.items():
            if key not in import_rules.OPERATION_KEYS:
                continue
            authorization, authorizer, scopes = "NONE", None, []
            for requirement in operation.get("security") or []:
                for scheme, listed in requirement.items():
                    if scheme == SIGV4:
                        authorization = "AWS_IAM"
                    else:
                        spec = args.authorizers[scheme]
                        authorization = "CUSTOM" if spec.is_lambda else "COGNITO_USER_POOLS"
                        authorizer, scopes = scheme, list(listed)
            yield Operation(
                path=path,
                method=method_of(key),
                authorization=authorization,
                authorizer=authorizer,
                scopes=scopes,
                path_parameters=[
                    parameter["name"]
                    for parameter in operation.get("parameters", [])
                    if parameter.get("in") == "path"
                ],
                integration=operation[INTEGRATION],
            )


def build_routes(
    name: str,
    args: PrivateRestApiArgs,
    document: Mapping[str, Any],
    rest_api: aws.apigateway.RestApi,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.Resource]:
    """Every resource, method and integration of the document: what the deployment waits for."""
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
    operations = list(document_operations(document, args))
    resource_ids = _resources(name, [op.parts for op in operations], rest_api, opts)

    api_parts: list[pulumi.Resource] = [validator]
    for op in operations:
        spec = op.integration
        key = f"{op.method}-{op.path}"
        method = aws.apigateway.Method(
            f"{name}-method-{key}",
            rest_api=api_id,
            resource_id=resource_ids[op.parts],
            http_method=op.method,
            authorization=op.authorization,
            authorizer_id=authorizer_ids[op.authorizer] if op.authorizer else None,
            authorization_scopes=op.scopes or None,
            request_parameters={f"method.request.path.{p}": True for p in op.path_parameters}
            or None,
            request_validator_id=validator.id,
            opts=opts,
        )
        tls = spec.get("tlsConfig")
        integration = aws.apigateway.Integration(
            f"{name}-integration-{key}",
            rest_api=api_id,
            resource_id=method.resource_id,
            http_method=method.http_method,
            # The extension spells types in lower case; PutIntegration in upper case.
            type=str(spec["type"]).upper(),
            integration_http_method=spec["httpMethod"],
            uri=spec["uri"],
            connection_type=spec["connectionType"],
            connection_id=spec["connectionId"],
            # pulumi-aws >= 7.13.0: "ALB or NLB ARN to send the request to. Used for private
            # integrations with VPC Link V2" (apigateway.Integration's docstring).
            integration_target=spec.get("integrationTarget"),
            # Set only when asked for: once set, the provider needs BUFFERED spelt out to go
            # back (apigateway.Integration's docstring), which the key's description says.
            response_transfer_mode=spec.get("responseTransferMode"),
            timeout_milliseconds=spec["timeoutInMillis"],
            request_parameters=spec.get("requestParameters"),
            tls_config=(
                aws.apigateway.IntegrationTlsConfigArgs(
                    insecure_skip_verification=tls["insecureSkipVerification"]
                )
                if tls is not None
                else None
            ),
            opts=opts,
        )
        api_parts += [method, integration]
    return api_parts


def _resources(
    name: str,
    paths: list[tuple[str, ...]],
    rest_api: aws.apigateway.RestApi,
    opts: pulumi.ResourceOptions,
) -> dict[tuple[str, ...], pulumi.Output[str]]:
    """One API Gateway resource per distinct path prefix, each created once."""
    ids: dict[tuple[str, ...], pulumi.Output[str]] = {(): rest_api.root_resource_id}
    for parts in paths:
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
