"""`PrivateRestApi`: a REST API whose routes reach a private NLB through a VPC link.

The walkthrough (create-vpc-link, create-rest-api, put-method, put-integration with
`connectionId=${stageVariables.vpcLinkId}`, create-deployment with the variable) as one component,
read in that order: links (`links.py`), the API and its routes (`routes.py`), the deployment and
stage (`stage.py`). The integrations name the link only through the stage variable, so moving
traffic to another link changes the stage alone: no integration, no deployment, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components import links, routes, stage
from components.args import PrivateRestApiArgs

TYPE_TOKEN = "private-api:index:PrivateRestApi"  # noqa: S105 (a type token, not a secret)


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
            link = links.vpc_link(f"{name}-link-{link_name}", spec, tags, child)
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
        api_parts = routes.build_routes(name, args, self.rest_api, child)
        self.deployment = stage.deployment(
            name, self.rest_api, routes.redeployment_trigger(args), api_parts, self
        )
        self.stage = stage.stage(name, args, self.rest_api, self.deployment, link_ids, opts=child)

        self.vpc_link_ids = pulumi.Output.all(**link_ids).apply(dict)
        self.active_vpc_link = args.active_vpc_link
        self.active_vpc_link_id = link_ids[args.active_vpc_link]
        self.invoke_url = self.stage.invoke_url
        self.rest_api_id = self.rest_api.id
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
