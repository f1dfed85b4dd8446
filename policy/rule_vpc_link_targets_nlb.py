"""The rule `vpc-link-targets-nlb`: its function and its metadata (`POLICY`).

Why: A REST API VPC link (V1) reaches exactly one NLB; a V2 target must be an ALB or NLB of the
integration's region.
"""

from __future__ import annotations

from typing import Final

import pack_openapi
import pack_values as pv
from pack_graph import REST_API
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    INTEGRATION,
    MANDATORY,
    VPC_LINK,
    http_integration,
    link_region,
    link_targets,
    region_shown,
)


def _report_cross_region_link(
    args: ResourceValidationArgs, target: object, report: ReportViolation
) -> None:
    """A VPC link reaches only a load balancer of its own region (AWS: CreateVpcLink)."""
    nlb_region = pv.arn_region(target)
    where = link_region(args) if nlb_region is not None else None
    if nlb_region is None or where is None or where[0] == nlb_region:
        return
    region, source = region_shown(where[0]), where[1]
    nlb_region = region_shown(nlb_region, target)
    report(
        f"VPC link '{args.name}' is created in {region} ({source}) but targets a Network Load "
        f"Balancer in {nlb_region}; a VPC link reaches only load balancers of its own region, so "
        f"AWS would leave it FAILED. Use an NLB in {region}, or create the link (and its REST "
        f"API) in {nlb_region}.",
        args.urn,
    )


def vpc_link_targets_nlb(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A REST API VPC link (V1) reaches exactly one NLB; a V2 target must be an ALB or NLB of
    the integration's region."""
    if args.resource_type == REST_API:
        pack_openapi.judge_body(args, report, vpc_link_targets_nlb)
    elif args.resource_type == VPC_LINK:
        _judge_link(args, report)
    elif args.resource_type == INTEGRATION:
        _judge_integration_target(args, report)


def _judge_link(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A V1 link: exactly one target, an NLB ARN that can exist, in the link's region."""
    name = args.name
    targets = link_targets(args.props)
    if isinstance(targets, pv.Unknown):
        targets.defer()
    if len(targets) == 1 and isinstance(targets[0], pv.Unknown):
        targets[0].defer()
    # Two or more targets are wrong whatever the unknown ones turn out to be.
    if len(targets) != 1:
        unknown = sum(isinstance(t, pv.Unknown) for t in targets)
        not_yet = f" ({unknown} of them not known yet)" if unknown else ""
        report(
            f"VPC link '{name}' names {len(targets)} targets{not_yet}; a REST API VPC link "
            "targets exactly one Network Load Balancer. Set targetArn to that NLB's ARN.",
            args.urn,
        )
    elif (problem := pv.arn_partition_problem(targets[0])) is not None:
        report(
            f"VPC link '{name}' targets {pv.shown(targets[0], 160)}, which cannot exist: "
            f"{problem}. Give the ARN of the Network Load Balancer as AWS prints it "
            "(`aws elbv2 describe-load-balancers`).",
            args.urn,
        )
    elif not pv.is_nlb_arn(targets[0]):
        report(
            f"VPC link '{name}' targets {pv.shown(targets[0], 160)}, which is not a Network "
            "Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer"
            "/net/<name>/<id>); REST API VPC links (V1) reach only NLBs. Point targetArn at an "
            "NLB, or use a VPC link V2 (aws:apigatewayv2/vpcLink) with the integration's "
            "integrationTarget for an Application Load Balancer.",
            args.urn,
        )
    else:
        _report_cross_region_link(args, targets[0], report)


def _judge_integration_target(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A V2 integration's integrationTarget: a load balancer ARN, in the integration's region."""
    name = args.name
    target = pv.get(args.props, "integrationTarget")
    if pv.is_absent(target) or not http_integration(args):
        return
    if isinstance(target, pv.Unknown):
        target.defer()
    if not pv.is_load_balancer_arn(target):
        report(
            f"Integration '{name}' sets integrationTarget to {pv.shown(target, 160)}, which is not "
            "a load balancer ARN; a VPC link V2 integration must name the Application or Network "
            "Load Balancer to send requests to (arn:aws:elasticloadbalancing:<region>:<account>:"
            "loadbalancer/app|net/<name>/<id>).",
            args.urn,
        )
        return
    target_region = pv.arn_region(target)
    where = link_region(args) if target_region is not None else None
    if target_region is not None and where is not None and where[0] != target_region:
        region, source = region_shown(where[0]), where[1]
        other = region_shown(target_region, target)
        report(
            f"Integration '{name}' is created in {region} ({source}) but its integrationTarget "
            f"{pv.shown(target, 160)} is a load balancer in {other}; a VPC link V2 "
            "reaches only load balancers of its own region, so every request would fail. Use a "
            f"load balancer in {region}, or create the API in {other}.",
            args.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="vpc-link-targets-nlb",
    description=(
        "A REST API VPC link must target exactly one Network Load Balancer; an "
        "integrationTarget must be a load balancer ARN."
    ),
    validate=vpc_link_targets_nlb,
    enforcement_level=MANDATORY,
)

#: The README's row (generated by `make generate`): what the rule catches, why, and the
#: Checkov checks it carries ("none" when Checkov has no such check).
CATCHES: Final = (
    "an `aws:apigateway/vpcLink:VpcLink` whose `targetArn` is not exactly one NLB ARN (of a"
    " region the provider knows, in that region's partition; two or more targets fail even "
    "while some are unknown), or an NLB of another region than the link's (its `region` "
    "input, else its provider's `region`); an integration `integrationTarget` (VPC link V2)"
    " that is not an ALB or NLB ARN, or names a load balancer of another region than the "
    "integration's (its `region` input, else its provider's; a body's operations are where "
    "their RestApi is); inside OpenAPI bodies too. An unknown `region` defers the region "
    "check"
)
WHY: Final = (
    "REST API VPC links (V1) reach only Network Load Balancers of their own region, a V2 "
    "link only load balancers of its own; anything else fails at creation or at run time"
)
CHECKOV: Final = "none"
