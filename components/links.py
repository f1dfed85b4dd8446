"""VPC links: one this stack creates or one that already exists, entering the same way.

`VpcLinkSpec.for_network_load_balancer` and `VpcLinkSpec.from_vpc_link_id` (the CDK's `VpcLink`
and `VpcLink.fromVpcLinkId`) both become an `aws.apigateway.VpcLink` whose `id` the stage uses.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.args import VpcLinkSpec


def vpc_link(
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
