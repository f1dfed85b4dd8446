"""The rule `vpc-link-v1-is-legacy`: its function and its metadata (`POLICY`).

Why: AWS calls VPC links V1 legacy and recommends V2 for new private integrations.
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
    VPC_LINK,
)


def vpc_link_v1_is_legacy(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """AWS calls VPC links V1 legacy and recommends V2 for new private integrations."""
    if args.resource_type != VPC_LINK:
        return
    report(
        f"VPC link '{args.name}' is a VPC link V1, which AWS's developer guide calls legacy "
        "('we recommend that you don't create new VPC links V1'). Use a VPC link V2 "
        "(aws.apigatewayv2.VpcLink, with each integration's integrationTarget naming the ALB or "
        "NLB): this project's docs/switching-links.md, 'Migrating from a V1 link to V2', goes "
        "step by step. A team that keeps V1 on purpose turns this rule off in its pack config.",
        args.urn,
    )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="vpc-link-v1-is-legacy",
    description=(
        "VPC links V1 are legacy in AWS's developer guide; new private integrations should "
        "use a VPC link V2."
    ),
    validate=vpc_link_v1_is_legacy,
    enforcement_level=ADVISORY,
)
