"""The rule `aws-native-apigateway-not-judged`: its function and its metadata (`POLICY`).

Why: Say so, rather than pass in silence, where the pack's rules cannot look.
"""

from __future__ import annotations

from typing import Final

from pulumi_policy import (
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    ADVISORY,
    NATIVE_APIGATEWAY_PREFIXES,
)


def aws_native_apigateway_not_judged(args: StackValidationArgs, report: ReportViolation) -> None:
    """Say so, rather than pass in silence, where the pack's rules cannot look."""
    for resource in args.resources:
        kind = getattr(resource, "resource_type", "")
        if not isinstance(kind, str) or not kind.startswith(NATIVE_APIGATEWAY_PREFIXES):
            continue
        report(
            f"{kind} '{resource.name}' is an aws-native (Cloud Control) API Gateway resource, "
            "which this pack does not judge: its VPC link, stage variable and Checkov rules read "
            "pulumi_aws (aws:apigateway/...) resources only, so a native Method's inline "
            "integration, a native Stage's variables or a native VpcLink pass unchecked. Define "
            "the API with pulumi_aws to have it judged, or review these resources by hand.",
            resource.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="aws-native-apigateway-not-judged",
    description=(
        "aws-native:apigateway resources are reported as not judged by this pack's rules."
    ),
    validate=aws_native_apigateway_not_judged,
    enforcement_level=ADVISORY,
)
