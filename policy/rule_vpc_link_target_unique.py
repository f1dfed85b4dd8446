"""The rule `vpc-link-target-unique`: its function and its metadata (`POLICY`).

Why: Two VPC links cannot share an NLB: AWS leaves the second one FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pack_values as pv
from pack_graph import StackGraph, property_dependencies
from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    LOAD_BALANCERS,
    MANDATORY,
    VPC_LINK,
    link_targets,
)


def _link_target_keys(
    link: PolicyResource, lb_by_arn: Mapping[str, PolicyResource]
) -> dict[str, str]:
    """The load balancers a V1 link targets, as key -> how a message names it.

    A known ARN is keyed by the load balancer of this stack that has it (its `arn` output), else
    by itself. An ARN not known yet (the output of a load balancer created in the same program)
    is keyed by the load balancer its targetArn was computed from, when that is exactly one.
    """
    targets = link_targets(link.props)
    values = [targets] if isinstance(targets, pv.Unknown) else targets
    keys: dict[str, str] = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            arn = value.strip()
            owner = lb_by_arn.get(arn)
            # str.strip() drops the secret mark: keep it for the message.
            shown = pv.SECRET_SHOWN if pv.is_secret(value) else arn
            keys["lb:" + owner.urn if owner is not None else "arn:" + arn] = shown
        elif isinstance(value, pv.Unknown):
            found = {
                d.urn: d
                for prop in ("targetArn", "targetArns")
                for d in property_dependencies(link, prop)
                if d.resource_type in LOAD_BALANCERS
            }
            if len(found) == 1:
                lb = next(iter(found.values()))
                arn = pv.get(lb.props, "arn")
                keys["lb:" + lb.urn] = (
                    (pv.SECRET_SHOWN if pv.is_secret(arn) else str(arn))
                    if isinstance(arn, str) and arn
                    else f"'{lb.name}' of this stack (its ARN is not known yet)"
                )
    return keys


def _load_balancer_kind(key: str, shown: str, graph: StackGraph) -> str:
    """How a message names the load balancer two links share: by its ARN, or its resource."""
    kind = pv.load_balancer_kind(shown)
    lb = graph.by_urn.get(key.removeprefix("lb:")) if key.startswith("lb:") else None
    if kind is None and lb is not None:
        declared = pv.get(lb.props, "loadBalancerType")  # aws.lb: "application" unless set
        kind = (
            "net"
            if declared == "network"
            else "app"
            if pv.is_absent(declared) or declared == "application"
            else None
        )
    return {"net": "Network Load Balancer", "app": "Application Load Balancer"}.get(
        kind or "", "load balancer"
    )


def vpc_link_target_unique(args: StackValidationArgs, report: ReportViolation) -> None:
    """Two VPC links cannot share an NLB: AWS leaves the second one FAILED."""
    graph = StackGraph(args.resources)
    lb_by_arn: dict[str, PolicyResource] = {}
    for lb in graph.of_type(*LOAD_BALANCERS):
        arn = pv.get(lb.props, "arn")
        if isinstance(arn, str) and arn:
            lb_by_arn.setdefault(str(arn).strip(), lb)
    first_by_key: dict[str, PolicyResource] = {}
    for link in graph.of_type(VPC_LINK):
        for key, shown in _link_target_keys(link, lb_by_arn).items():
            first = first_by_key.setdefault(key, link)
            if first is not link:
                kind = _load_balancer_kind(key, shown, graph)
                report(
                    f"VPC link '{link.name}' targets the {kind} {shown}, which VPC "
                    f"link '{first.name}' of this stack already targets; AWS would leave the "
                    "second link FAILED ('NLB is already associated with another VPC Endpoint "
                    f"Service'). Give each link its own NLB, or use '{first.name}' instead.",
                    link.urn,
                )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="vpc-link-target-unique",
    description="Two VPC links of a stack must not target the same Network Load Balancer.",
    validate=vpc_link_target_unique,
    enforcement_level=MANDATORY,
)
