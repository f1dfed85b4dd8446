"""`PrivateRestApi`: a REST API whose routes reach a private NLB through a VPC link.

The walkthrough (create-vpc-link, create-rest-api, put-method, put-integration with
`connectionId=${stageVariables.vpcLinkId}`, create-deployment with the variable) as one component.
The integrations name the link only through the stage variable, so moving traffic to another link
changes the stage alone: no integration, no deployment, nothing else is touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict

import pulumi
import pulumi_aws as aws

from components.args import (
    LAMBDA_ARN,
    PrivateRestApiArgs,
    RouteSpec,
    VpcLinkSpec,
    check_integration_uri,
    path_parameters,
)

TYPE_TOKEN = "private-api:index:PrivateRestApi"  # noqa: S105 (a type token, not a secret)


def access_log_format(stage_variable: str) -> str:
    """One JSON line per request, with what a link migration watches: which link, canary or not."""
    return json.dumps(
        {
            "requestId": "$context.requestId",
            "ip": "$context.identity.sourceIp",
            "requestTime": "$context.requestTime",
            "httpMethod": "$context.httpMethod",
            "resourcePath": "$context.resourcePath",
            "status": "$context.status",
            "responseLength": "$context.responseLength",
            "integrationStatus": "$context.integration.status",
            "integrationLatency": "$context.integration.latency",
            "integrationError": "$context.integration.error",
            "vpcLinkId": f"$stageVariables.{stage_variable}",
            "isCanaryRequest": "$context.isCanaryRequest",
        },
        separators=(",", ":"),
    )


def connection_id_expression(stage_variable: str) -> str:
    """What every integration's connectionId holds: the stage variable, never a literal link id."""
    return "${stageVariables." + stage_variable + "}"


def route_uri(integration_uri: str, route: RouteSpec) -> str:
    """The backend URL for a route: same path, a greedy `{proxy+}` becoming `{proxy}`."""
    base = check_integration_uri(integration_uri)
    suffix = "/".join(part.replace("+}", "}") for part in route.path_parts)
    return f"{base}/{suffix}"


def api_shape(args: PrivateRestApiArgs) -> dict[str, object]:
    """Everything a deployment snapshots. Links, canary, tags and stage settings are left out:
    they live on the stage, so changing them must not redeploy."""
    return {
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


def redeployment_trigger(args: PrivateRestApiArgs) -> str:
    """A digest of `api_shape`: the deployment is replaced exactly when it changes."""
    canonical = json.dumps(api_shape(args), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def private_api_policy(vpc_endpoint_ids: Sequence[str]) -> str:
    """Resource policy of a PRIVATE API: callable only through the given VPC endpoints."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                },
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpce": sorted(vpc_endpoint_ids)}},
                },
            ],
        },
        sort_keys=True,
    )


class PrivateRestApi(pulumi.ComponentResource):
    """An API Gateway REST API whose HTTP_PROXY integrations go through a VPC link chosen by a
    stage variable."""

    #: The REST API.
    rest_api: aws.apigateway.RestApi
    #: The deployment every route is part of; replaced when the API's shape changes.
    deployment: aws.apigateway.Deployment
    #: The stage; its variable names the active link.
    stage: aws.apigateway.Stage
    #: Links this component created (existing links are read, not created).
    vpc_links: dict[str, aws.apigateway.VpcLink]
    #: Link name to link id, for every link (created or existing).
    vpc_link_ids: pulumi.Output[dict[str, str]]
    #: Name of the link the stage variable points at.
    active_vpc_link: str
    #: Id of that link.
    active_vpc_link_id: pulumi.Output[str]
    #: The stage's invoke URL.
    invoke_url: pulumi.Output[str]
    #: The REST API's id.
    rest_api_id: pulumi.Output[str]
    #: The stage's name.
    stage_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: PrivateRestApiArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        self.vpc_links = {}
        link_ids: dict[str, pulumi.Output[str]] = {}
        for link_name, spec in args.vpc_links.items():
            link = self._vpc_link(f"{name}-link-{link_name}", spec, tags, child)
            if spec.target_arn is not None:
                self.vpc_links[link_name] = link
            link_ids[link_name] = link.id

        private = args.endpoint_type == "PRIVATE"
        self.rest_api = aws.apigateway.RestApi(
            f"{name}-api",
            description=f"{name}: private integrations through a VPC link",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(
                types=args.endpoint_type,
                vpc_endpoint_ids=sorted(args.vpc_endpoint_ids) if private else None,
            ),
            policy=private_api_policy(args.vpc_endpoint_ids) if private else None,
            tags=tags,
            opts=child,
        )
        api_id = self.rest_api.id

        validator = aws.apigateway.RequestValidator(
            f"{name}-request-validator",
            rest_api=api_id,
            name="validate-request-parameters",
            validate_request_parameters=True,
            validate_request_body=False,
            opts=child,
        )
        authorizer_ids = self._authorizers(name, args, child)
        resource_ids = self._resources(name, args, child)

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
                opts=child,
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
                timeout_milliseconds=args.timeout_ms,
                request_parameters={
                    f"integration.request.path.{p}": f"method.request.path.{p}" for p in path_params
                }
                or None,
                tls_config=(
                    aws.apigateway.IntegrationTlsConfigArgs(insecure_skip_verification=False)
                    if uri.startswith("https://")
                    else None
                ),
                opts=child,
            )
            api_parts += [method, integration]

        self.deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=api_id,
            description=f"{name}: routes and integrations",
            triggers={"redeployment": redeployment_trigger(args)},
            opts=pulumi.ResourceOptions(parent=self, depends_on=api_parts),
        )

        active_id = link_ids[args.active_vpc_link]
        self.stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=api_id,
            deployment=self.deployment.id,
            stage_name=args.stage_name,
            variables={args.stage_variable: active_id},
            canary_settings=(
                aws.apigateway.StageCanarySettingsArgs(
                    deployment_id=self.deployment.id,
                    percent_traffic=args.canary.percent,
                    stage_variable_overrides={args.stage_variable: link_ids[args.canary.vpc_link]},
                    use_stage_cache=False,
                )
                if args.canary is not None
                else None
            ),
            xray_tracing_enabled=args.tracing_enabled,
            access_log_settings=self._access_log_settings(name, args, tags, child),
            client_certificate_id=(
                aws.apigateway.ClientCertificate(
                    f"{name}-client-certificate",
                    description=f"{name}: presented to the backend behind the VPC link",
                    tags=tags,
                    opts=child,
                ).id
                if args.client_certificate
                else None
            ),
            tags=tags,
            opts=child,
        )

        if args.logging_level != "OFF" or args.metrics_enabled:
            aws.apigateway.MethodSettings(
                f"{name}-method-settings",
                rest_api=api_id,
                stage_name=self.stage.stage_name,
                method_path="*/*",
                settings=aws.apigateway.MethodSettingsSettingsArgs(
                    logging_level=args.logging_level,
                    metrics_enabled=args.metrics_enabled,
                    data_trace_enabled=False,
                ),
                opts=child,
            )
        if args.web_acl_arn is not None:
            aws.wafv2.WebAclAssociation(
                f"{name}-web-acl",
                resource_arn=self.stage.arn,
                web_acl_arn=args.web_acl_arn,
                opts=child,
            )

        self.vpc_link_ids = pulumi.Output.all(**link_ids).apply(dict)
        self.active_vpc_link = args.active_vpc_link
        self.active_vpc_link_id = active_id
        self.invoke_url = self.stage.invoke_url
        self.rest_api_id = api_id
        self.stage_name = self.stage.stage_name
        self.register_outputs(
            {
                "invokeUrl": self.invoke_url,
                "restApiId": self.rest_api_id,
                "stageName": self.stage_name,
                "vpcLinkIds": self.vpc_link_ids,
                "activeVpcLink": self.active_vpc_link,
                "activeVpcLinkId": self.active_vpc_link_id,
            }
        )

    @staticmethod
    def _vpc_link(
        resource_name: str,
        spec: VpcLinkSpec,
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions,
    ) -> aws.apigateway.VpcLink:
        """Create a link to an NLB, or read an existing one so a wrong id fails at preview."""
        if spec.vpc_link_id is not None:
            return aws.apigateway.VpcLink.get(resource_name, spec.vpc_link_id, opts=opts)
        # Only NLB links are created here; the ARN was checked by VpcLinkSpec.
        assert spec.target_arn is not None
        return aws.apigateway.VpcLink(
            resource_name,
            target_arn=spec.target_arn,
            description=spec.description,
            tags=dict(tags),
            opts=opts,
        )

    def _resources(
        self, name: str, args: PrivateRestApiArgs, opts: pulumi.ResourceOptions
    ) -> dict[tuple[str, ...], pulumi.Output[str]]:
        """One API Gateway resource per distinct path prefix, each created once."""
        ids: dict[tuple[str, ...], pulumi.Output[str]] = {(): self.rest_api.root_resource_id}
        for route in args.routes:
            parts = route.path_parts
            for depth in range(1, len(parts) + 1):
                prefix = parts[:depth]
                if prefix in ids:
                    continue
                ids[prefix] = aws.apigateway.Resource(
                    f"{name}-resource-/{'/'.join(prefix)}",
                    rest_api=self.rest_api.id,
                    parent_id=ids[prefix[:-1]],
                    path_part=prefix[-1],
                    opts=opts,
                ).id
        return ids

    def _authorizers(
        self, name: str, args: PrivateRestApiArgs, opts: pulumi.ResourceOptions
    ) -> dict[str, pulumi.Output[str]]:
        ids: dict[str, pulumi.Output[str]] = {}
        for auth_name, spec in sorted(args.authorizers.items()):
            invoke_uri = None
            if spec.function_arn is not None:
                match = LAMBDA_ARN.match(spec.function_arn)
                assert match is not None  # checked by AuthorizerSpec
                partition = spec.function_arn.split(":")[1]
                invoke_uri = (
                    f"arn:{partition}:apigateway:{match.group('region')}:lambda:path/2015-03-31/"
                    f"functions/{spec.function_arn}/invocations"
                )
            authorizer = aws.apigateway.Authorizer(
                f"{name}-authorizer-{auth_name}",
                rest_api=self.rest_api.id,
                name=auth_name,
                type=spec.type,
                authorizer_uri=invoke_uri,
                provider_arns=list(spec.provider_arns) or None,
                identity_source=spec.identity_source,
                authorizer_result_ttl_in_seconds=spec.result_ttl_seconds,
                opts=opts,
            )
            if spec.function_arn is not None:
                # API Gateway may call the function only as this API's authorizer.
                aws.lambda_.Permission(
                    f"{name}-authorizer-{auth_name}-invoke",
                    action="lambda:InvokeFunction",
                    function=spec.function_arn,
                    principal="apigateway.amazonaws.com",
                    source_arn=pulumi.Output.concat(
                        self.rest_api.execution_arn, "/authorizers/", authorizer.id
                    ),
                    opts=opts,
                )
            ids[auth_name] = authorizer.id
        return ids

    @staticmethod
    def _access_log_settings(
        name: str,
        args: PrivateRestApiArgs,
        tags: Mapping[str, str],
        opts: pulumi.ResourceOptions,
    ) -> aws.apigateway.StageAccessLogSettingsArgs | None:
        if not args.access_logging:
            return None
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            retention_in_days=args.log_retention_days,
            tags=dict(tags),
            opts=opts,
        )
        return aws.apigateway.StageAccessLogSettingsArgs(
            destination_arn=log_group.arn,
            format=access_log_format(args.stage_variable),
        )
