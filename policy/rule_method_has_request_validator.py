"""The rule `method-has-request-validator`: its function and its metadata (`POLICY`).

Why: Validating requests at the edge keeps malformed ones away from the private backend.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
    METHOD,
)


def method_has_request_validator(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Validating requests at the edge keeps malformed ones away from the private backend."""
    if args.resource_type != METHOD:
        return
    validator = pv.get(args.props, "requestValidatorId")
    if isinstance(validator, pv.Unknown) or (isinstance(validator, str) and validator):
        return
    report(
        f"Method '{args.name}' has no request validator; create an "
        "aws.apigateway.RequestValidator and set requestValidatorId so API Gateway rejects "
        "malformed requests before they reach the backend.",
        args.urn,
    )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="method-has-request-validator",
    description="Methods must set a request validator (CKV2_AWS_53).",
    validate=method_has_request_validator,
    enforcement_level=ADVISORY,
)
