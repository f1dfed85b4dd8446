"""`PrivateRestApi`: a REST API whose routes reach a private NLB through a VPC link.

The walkthrough (create-vpc-link, create-rest-api, put-method, put-integration with
`connectionId=${stageVariables.vpcLinkId}`, create-deployment with the variable) as one component,
read in that order: links (`links.py`), the API and its routes (`routes.py`), the deployment and
stage (`stage.py`). The integrations name the link only through the stage variable, so moving
traffic to another link changes the stage alone: no integration, no deployment, nothing else.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components import import_rules, links, openapi, routes, stage
from components.args import InvalidArgsError, PrivateRestApiArgs
from components.endpoint_spec import endpoint_id_texts
from components.input_text import StrInput
from components.integration import authorizer_permission, private_api_policy_input

TYPE_TOKEN = "private-api:index:PrivateRestApi"  # noqa: S105 (a type token, not a secret)


class PrivateRestApi(pulumi.ComponentResource):
    """An API Gateway REST API whose HTTP_PROXY integrations go through a VPC link chosen by a
    stage variable."""

    #: The REST API.
    rest_api: aws.apigateway.RestApi
    #: The deployment every route is part of; replaced when the API's shape changes.
    deployment: aws.apigateway.Deployment
    #: The stage; its variable names the active link.
    stage: aws.apigateway.Stage
    #: Links this component created, V1 or V2 (existing links are read, not created).
    vpc_links: dict[str, links.VpcLink]
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
        # The document first: one that API Gateway would refuse fails before any resource.
        api_document, body = self._documents(name, args)
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.clear_imported_routes:
            pulumi.log.warn(
                f"{name}: clearImportedRoutes is set. Remove it once the update that moved this "
                "stack to apiDefinition resources is done: while it is set, any change to the "
                "empty OpenAPI body (a PRIVATE API's vpcEndpointIds) imports it again, and the "
                "overwrite deletes every route the per-route resources made.",
                resource=self,
            )
        quota = import_rules.resource_quota_warning(
            [path for path, _, _ in openapi.operations(api_document)]
        )
        if quota is not None:
            pulumi.log.warn(f"{name}: {quota}", resource=self)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        self.vpc_links = {}
        link_ids = self._links(name, args, tags, child)

        private = args.endpoint_type == "PRIVATE"
        # Text, or an Output where an id is one (the same text once known).
        policy = private_api_policy_input(args.vpc_endpoint_ids) if private else None
        openapi_mode = args.api_definition == "openapi"
        # Who holds the resource policy. `policy` on RestApi is optional and computed
        # (terraform-provider-aws rest_api.go, `IAMPolicyDocumentSchemaOptionalComputed`): left
        # unset, it plans its prior value, so a PRIVATE API moved to REGIONAL would keep its
        # deny-unless-VPC-endpoint policy and answer 403 to every public request.
        # - resources mode: `aws.apigateway.RestApiPolicy`, as the RestApi docstring recommends;
        #   removing it (leaving PRIVATE) sets the policy to "" (rest_api_policy.go, Delete).
        # - openapi mode: the body's `x-amazon-apigateway-policy`, with the same document as the
        #   RestApi's `policy`, and "" when not PRIVATE. An overwrite import resets the policy
        #   to the body's, and then the provider patches the RestApi's planned `policy` back
        #   (rest_api.go, `resourceRestAPIWithBodyUpdateOperations`): a RestApiPolicy would not
        #   be re-applied after a route change (nothing of it changed), and an unset `policy`
        #   would put the prior, PRIVATE policy back after the move to REGIONAL. An explicit
        #   value makes both the import and the patch carry the policy wanted now: "" is what
        #   RestApiPolicy's own Delete sends to remove a policy, and the patch skips it.
        if openapi_mode:
            api_policy: StrInput | None = policy if policy is not None else ""
        else:
            api_policy = None
        self.rest_api = aws.apigateway.RestApi(
            f"{name}-api",
            description=f"{name}: private integrations through a VPC link",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(
                types=args.endpoint_type,
                vpc_endpoint_ids=self._endpoint_ids(args) if private else None,
                # Here in both modes: AWS's "IP address types for REST APIs" says an OpenAPI
                # definition cannot set it. Whether the provider re-applies it after an
                # overwrite import of the body (as it does vpcEndpointIds) was not verified.
                ip_address_type=args.ip_address_type,
            ),
            policy=api_policy,
            body=body,
            # Overwrite, not merge: a route left out of the document is deleted by the same
            # PutRestApi call, before the deployment that depends on this RestApi is taken.
            put_rest_api_mode="overwrite" if body is not None else None,
            binary_media_types=list(args.binary_media_types) or None,
            tags=tags,
            opts=child,
        )
        api_parts: list[pulumi.Resource]
        if openapi_mode:
            assert body is not None
            self._authorizer_permissions(name, args, child)
            api_parts = [self.rest_api]
        else:
            route_opts = pulumi.ResourceOptions(
                parent=self, retain_on_delete=True if args.retain_route_resources else None
            )
            api_parts = routes.build_routes(name, args, api_document, self.rest_api, route_opts)
            if policy is not None:
                # A policy takes effect with the next deployment (developer guide, "Create and
                # attach an API Gateway resource policy to an API"): the deployment waits for
                # it, and the trigger digests it (openapi.deployment_trigger).
                api_parts.append(
                    aws.apigateway.RestApiPolicy(
                        f"{name}-api-policy",
                        rest_api_id=self.rest_api.id,
                        policy=policy,
                        opts=child,
                    )
                )
        # One trigger for both modes: the same document, the same settings.
        trigger = openapi.deployment_trigger(
            openapi.canonical(api_document), openapi.redeploy_settings(args)
        )
        if args.canary is not None and args.canary_deploys:
            pulumi.log.warn(
                f"{name}: the canary's link '{args.canary.vpc_link}' "
                "reaches another load balancer (or is another link version) than the active "
                "link's, so the REST API now carries the canary's integrationTarget and the "
                "canary serves a deployment of its own; the stage keeps the deployment it "
                "serves. API changes go to the canary's deployment until the canary is promoted "
                "or removed. On a stack whose stage is not deployed yet, the stage's first "
                "deployment would be made from the canary's integrations: deploy without "
                "`canary` first (docs/switching-links.md, 'Switching between V2 links').",
                resource=self,
            )
        elif args.canary is not None:
            pulumi.log.warn(
                f"{name}: canary is set, so the deployment is kept: changes to routes, "
                "integrations, authorizers or the API's policy reach the REST API but are not "
                "deployed until `canary` is removed (AWS does not move a stage with a canary to "
                "another deployment). End the canary first to deploy an API change.",
                resource=self,
            )
        self.deployment = stage.deployment(
            name, self.rest_api, trigger, api_parts, self, frozen=args.canary is not None
        )
        #: The canary's own deployment where its link needs other integrations (`canary_deploys`):
        #: made from the REST API as it is now, replaced whenever the API changes.
        self.canary_deployment = (
            stage.deployment(f"{name}-canary", self.rest_api, trigger, api_parts, self)
            if args.canary_deploys
            else None
        )
        self.stage, certificates, watched = stage.stage(
            name,
            args,
            self.rest_api,
            self.deployment,
            link_ids,
            opts=child,
            canary_snapshot=self.canary_deployment,
        )

        self.vpc_link_ids = pulumi.Output.all(**link_ids).apply(dict)
        self.active_vpc_link = args.active_vpc_link
        self.active_vpc_link_id = link_ids[args.active_vpc_link]
        self.invoke_url = self.stage.invoke_url
        self.rest_api_id = self.rest_api.id
        self.stage_name = self.stage.stage_name
        #: The certificate the stage presents: its expiry (RFC 3339) and PEM, for the backend's
        #: trust and the expiry warnings (tools/cert_expiry.py); the next one during a rotation.
        #: None without `client_certificate`.
        self.client_certificate_expiry = (
            certificates.current.expiration_date if certificates else None
        )
        self.client_certificate_pem = (
            certificates.current.pem_encoded_certificate if certificates else None
        )
        self.next_client_certificate_pem = (
            certificates.upcoming.pem_encoded_certificate
            if certificates and certificates.upcoming
            else None
        )
        self.next_client_certificate_expiry = (
            certificates.upcoming.expiration_date
            if certificates and certificates.upcoming
            else None
        )
        #: The stage's CloudWatch dashboard (console URL) and what tools/migrate.py reads: the
        #: canary's metric namespace and alarm names. None without `observability`.
        self.dashboard_url = watched.dashboard_url if watched else None
        self.canary_gates = (
            pulumi.Output.all(**watched.alarm_names).apply(
                lambda alarms: {"namespace": watched.namespace, "alarms": alarms}
            )
            if watched
            else None
        )
        self.register_outputs(
            {
                "dashboardUrl": self.dashboard_url,
                "canaryGates": self.canary_gates,
                "clientCertificateExpiry": self.client_certificate_expiry,
                "clientCertificatePem": self.client_certificate_pem,
                "nextClientCertificateExpiry": self.next_client_certificate_expiry,
                "nextClientCertificatePem": self.next_client_certificate_pem,
                "invokeUrl": self.invoke_url,
                "restApiId": self.rest_api_id,
                "stageName": self.stage_name,
                "vpcLinkIds": self.vpc_link_ids,
                "activeVpcLink": self.active_vpc_link,
                "activeVpcLinkId": self.active_vpc_link_id,
            }
        )

    def _links(
        self,
        name: str,
        args: PrivateRestApiArgs,
        tags: dict[str, str],
        child: pulumi.ResourceOptions,
    ) -> dict[str, pulumi.Output[str]]:
        """Every link, created or read, by name to its id; a dead link the stage would use
        is refused here, before the API is registered."""
        link_ids: dict[str, pulumi.Output[str]] = {}
        existing: dict[str, aws.apigateway.VpcLink] = {}
        for link_name, spec in args.vpc_links.items():
            link = links.vpc_link(f"{name}-link-{link_name}", spec, tags, child)
            if spec.creates:
                self.vpc_links[link_name] = link
            # The status checks read V1 links (`get_vpc_link`); a V2 link's status is not read.
            if isinstance(link, aws.apigateway.VpcLink):
                if spec.creates:
                    links.watch_created_link(link_name, link)
                else:
                    existing[link_name] = link
            link_ids[link_name] = link.id
        # An existing link is read above; before the API is registered, refuse one the stage
        # would use that is not AVAILABLE (the read proves it exists, not that it works).
        in_use = {args.active_vpc_link} | ({args.canary.vpc_link} if args.canary else set())
        for link_name, link in existing.items():
            links.check_existing_link(
                link_name, args.vpc_links[link_name], link, in_use=link_name in in_use
            )
        return link_ids

    @staticmethod
    def _endpoint_ids(args: PrivateRestApiArgs) -> pulumi.Input[list[str]]:
        """The VPC endpoint ids, sorted: as text where all are text (what the body holds too),
        else an Output of the list that carries the ids' dependencies.

        This argument is what holds Output ids (the body cannot): the provider re-applies it
        after every overwrite import, removing ids the import left that it lacks and adding
        its own (terraform-provider-aws rest_api.go, `resourceRestAPIWithBodyUpdateOperations`,
        Create and Update), and `vpc_endpoint_ids` is a set there, so its order is not a diff.
        pulumi-aws's docstring says as much ("If the argument value is provided and is different
        than the OpenAPI value, the argument value will override the OpenAPI value"), and so it
        says of `policy`; both are `pulumi.Input`s. The body's extension has no endpoint type
        (developer guide, "x-amazon-apigateway-endpoint-configuration object": only
        disableExecuteApiEndpoint, vpcEndpointIds, and ipAddressType for HTTP APIs), so PRIVATE
        is this argument's in both cases. Not verified: that PutRestApi always returns an
        endpoint configuration (the provider's add loop reads it without a nil check).
        """
        texts = endpoint_id_texts(args.vpc_endpoint_ids)
        if texts is not None:
            return sorted(texts)
        return pulumi.Output.all(*args.vpc_endpoint_ids).apply(sorted)

    @staticmethod
    def _documents(name: str, args: PrivateRestApiArgs) -> tuple[dict[str, Any], str | None]:
        """The API as one OpenAPI document (both modes), checked against what API Gateway's
        import accepts; and the RestApi's body: that document in openapi mode, in resources
        mode none, or an empty document while routes an earlier openapi mode imported are
        cleared."""
        api_document = openapi.api_document(args, title=name)
        where = "openapi_document" if args.openapi_document is not None else "routes"
        limits = import_rules.Limits(
            args.allow_long_timeout, args.endpoint_type, args.response_transfer_mode
        )
        findings = import_rules.document_findings(api_document, limits)
        if findings:
            raise InvalidArgsError(
                [(where, f"at {finding.pointer}: {finding.message}") for finding in findings]
            )
        # openapi mode imports the document itself (not a second copy of it).
        body_document = (
            api_document
            if args.api_definition == "openapi"
            else openapi.document_of(args, title=name)
        )
        if body_document is None:
            return api_document, None
        body = openapi.canonical(body_document)
        problem = import_rules.body_size_problem(body)
        if problem is not None:
            raise InvalidArgsError([(where, problem)])
        return api_document, body

    def _authorizer_permissions(
        self, name: str, args: PrivateRestApiArgs, opts: pulumi.ResourceOptions
    ) -> None:
        """Let API Gateway call each Lambda authorizer's function. The import gives authorizers
        ids only at `pulumi up`, so the permission covers this API's authorizers."""
        for auth_name, spec in sorted(args.authorizers.items()):
            if spec.function_arn is not None:
                authorizer_permission(
                    f"{name}-authorizer-{auth_name}-invoke",
                    spec,
                    pulumi.Output.concat(self.rest_api.execution_arn, "/authorizers/*"),
                    opts,
                )
