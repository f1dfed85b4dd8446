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
from pulumi.runtime.sync_await import _sync_await

from components.link_spec import VpcLinkSpec

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
    # Only NLB links are created here; the ARN was checked by VpcLinkSpec where its text is known.
    # An Output (an NLB of the consumer's program) goes straight into the input, so the link
    # depends on that NLB and nothing is created inside `apply`.
    assert spec.target_arn is not None
    return aws.apigateway.VpcLink(
        resource_name,
        target_arn=spec.target_arn,
        description=spec.description,
        tags=dict(tags),
        opts=opts,
    )


#: What a link's `status` may be (API Gateway API reference, `VpcLink.status`). Only AVAILABLE
#: carries traffic; PENDING becomes AVAILABLE or FAILED within minutes.
AVAILABLE = "AVAILABLE"
PENDING = "PENDING"


class VpcLinkStatusError(pulumi.RunError):
    """An existing link the stage would send traffic through is not AVAILABLE."""


def read_status(link: aws.apigateway.VpcLink) -> tuple[str, str] | None:
    """The link's (status, statusMessage) as AWS reports them now, or None where unknown.

    `aws.apigateway.VpcLink` has no status output (pulumi-aws 7.51: arn, description, name,
    region, tags, targetArn); the `get_vpc_link` data source has `status` and `status_message`,
    but finds a link by name only (it fails when two links share the name): the name comes from
    the link itself (the SDK's `get_vpc_link` docstring: "there is no unique name constraint ...
    this data source will error if there is more than one match"). A look-up that fails raises
    the provider's error; the caller reports it.
    """
    name = _sync_await(link.name.future())
    if not name:
        return None  # a link this update creates: its name is not known yet
    found = aws.apigateway.get_vpc_link(name=name)
    return str(found.status or ""), str(found.status_message or "")


def check_existing_link(
    link_name: str, spec: VpcLinkSpec, link: aws.apigateway.VpcLink, *, in_use: bool
) -> None:
    """Refuse an existing link the stage would use unless AVAILABLE; warn for one in reserve.

    `VpcLink.get` proves the id exists, not that the link works: a FAILED link fails every
    request sent through it (developer guide, "Private integrations for REST APIs").
    """
    where = f"vpc_links['{link_name}'] (stack config vpcLinks.{link_name}.id)"
    # The id as text for the messages; an Output's (the package's `vpcLinks.<name>.id` from
    # another resource) is named by its input.
    known = spec.vpc_link_id if isinstance(spec.vpc_link_id, str) else None
    link_id = known or f"(vpcLinks.{link_name}.id)"
    try:
        status = read_status(link)
    except Exception as error:  # noqa: BLE001 (an invoke failure is a plain Exception)
        pulumi.log.warn(
            f"{where}: the status of VPC link {link_id} could not be read ({error}); "
            "check it is AVAILABLE: aws apigateway get-vpc-link --vpc-link-id "
            f"{known or '<id>'} --query status."
        )
        return
    if status is None or status[0] == AVAILABLE:
        return
    state, message = status
    detail = f"VPC link {link_id} is {state}" + (f" ({message})" if message else "")
    if state == PENDING or not in_use:
        pulumi.log.warn(
            f"{where}: {detail}; only an AVAILABLE link carries traffic. Wait for AVAILABLE "
            "before pointing activeVpcLink or canary at it (docs/operations.md, 'When a link "
            "ends FAILED')."
        )
        return
    raise VpcLinkStatusError(
        f"{where}: {detail}, and the stage would send its traffic through it, so every such "
        "request would fail. Point activeVpcLink (and canary.vpcLink) at an AVAILABLE link, or "
        "fix the link (docs/operations.md, 'When a link ends FAILED')."
    )


def watch_created_link(link_name: str, link: aws.apigateway.VpcLink) -> None:
    """Warn at preview when a link this stack created earlier is not AVAILABLE.

    A create that ends FAILED fails that `pulumi up`; the state still holds the link, so a rerun
    may find nothing to change while the link stays dead. The check runs once the name is
    known (on every preview after the link exists) and creates nothing.
    """

    def check(name: str | None) -> None:
        if not name:
            return
        try:
            found = aws.apigateway.get_vpc_link(name=name)
        except Exception as error:  # noqa: BLE001 (an invoke failure is a plain Exception)
            pulumi.log.warn(f"vpc_links['{link_name}']: status not readable ({error}).")
            return
        if found.status != AVAILABLE:
            message = f" ({found.status_message})" if found.status_message else ""
            pulumi.log.warn(
                f"vpc_links['{link_name}'] (stack config vpcLinks.{link_name}.targetArn): the VPC "
                f"link {found.id} is {found.status}{message}; requests through it fail. Fix the "
                "cause and recreate it (docs/operations.md, 'When a link ends FAILED')."
            )

    link.name.apply(check)


def _vpc_link_v2(
    resource_name: str,
    spec: VpcLinkSpec,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> aws.apigatewayv2.VpcLink:
    """A V2 link. It is immutable: new subnets or security groups replace it (the provider's
    ForceNew on both, tools/replacements.json), which is why switching between two V2 links on
    one load balancer is the way to change them without a redeploy (docs/switching-links.md)."""
    if spec.vpc_link_id is not None:
        return aws.apigatewayv2.VpcLink.get(resource_name, spec.vpc_link_id, opts=opts)
    return aws.apigatewayv2.VpcLink(
        resource_name,
        subnet_ids=list(spec.subnet_ids),
        security_group_ids=list(spec.security_group_ids),
        tags=dict(tags),
        opts=opts,
    )
