"""VPC links: one this stack creates or one that already exists, V1 or V2, entering the same way.

`VpcLinkSpec.for_network_load_balancer` and `VpcLinkSpec.from_vpc_link_id` (the CDK's `VpcLink`
and `VpcLink.fromVpcLinkId`) become an `aws.apigateway.VpcLink` (V1, one NLB per link);
`for_load_balancer_v2` and `from_vpc_link_v2_id` an `aws.apigatewayv2.VpcLink` (V2, placed on
subnets and security groups, reaching an ALB or NLB named by each integration's
`integrationTarget`). Either way the stage variable holds the link's `id`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.args import VpcLinkSpec

#: A link of either generation: what the component keeps and the stage variable points at.
VpcLink = aws.apigateway.VpcLink | aws.apigatewayv2.VpcLink


def vpc_link(
    resource_name: str,
    spec: VpcLinkSpec,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> VpcLink:
    """Create a link, or read an existing one so a wrong id fails at preview."""
    if spec.kind == "v2":
        return _vpc_link_v2(resource_name, spec, tags, opts)
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


def _vpc_link_v2(
    resource_name: str,
    spec: VpcLinkSpec,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.apigatewayv2.VpcLink:
    """A V2 link. It is immutable: new subnets or security groups replace it (the provider's
    ForceNew on both, tools/replacements.json), which is why switching between two V2 links on
    one load balancer is the way to change them without a redeploy (README.md)."""
    if spec.vpc_link_id is not None:
        return aws.apigatewayv2.VpcLink.get(resource_name, spec.vpc_link_id, opts=opts)
    return aws.apigatewayv2.VpcLink(
        resource_name,
        subnet_ids=list(spec.subnet_ids),
        security_group_ids=list(spec.security_group_ids),
        tags=dict(tags),
        opts=opts,
    )
