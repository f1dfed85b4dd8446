"""The rule `stage-has-client-certificate`: its function and its metadata (`POLICY`).

Why: A client certificate lets the backend verify that requests come from API Gateway.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pack_graph import STAGE
from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from rule_support import (
    ADVISORY,
)


def stage_has_client_certificate(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A client certificate lets the backend verify that requests come from API Gateway."""
    if args.resource_type != STAGE:
        return
    certificate = pv.get(args.props, "clientCertificateId")
    if isinstance(certificate, pv.Unknown) or (isinstance(certificate, str) and certificate):
        return
    report(
        f"Stage '{args.name}' has no client certificate, so the backend cannot tell API Gateway's "
        "requests from others; create an aws.apigateway.ClientCertificate and set the stage's "
        "clientCertificateId to its id.",
        args.urn,
    )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="stage-has-client-certificate",
    description="Stages must set a client certificate for the backend (CKV2_AWS_51).",
    validate=stage_has_client_certificate,
    enforcement_level=ADVISORY,
)
