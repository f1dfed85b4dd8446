"""The rule `rest-api-body-parses`: its function and its metadata (`POLICY`).

Why: A body the pack cannot read is one whose integrations no rule has judged.
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
    ADVISORY,
)


def rest_api_body_parses(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """A body the pack cannot read is one whose integrations no rule has judged."""
    if args.resource_type != REST_API:
        return
    body = pack_openapi.read_body(args.props)
    if isinstance(body, pv.Unknown):
        return
    if body.problem:
        report(
            f"RestApi '{args.name}' has a body that {body.problem}, so its integrations were not "
            "checked (nor will API Gateway import it); give body an OpenAPI 3 or Swagger 2 "
            "document as a JSON or YAML string.",
            args.urn,
        )
    for note in body.notes:
        report(
            f"RestApi '{args.name}' has a body that {note}; fix the document (API Gateway's "
            "import refuses or drops what this names, and the pack's other rules did not judge "
            "what it could not read).",
            args.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = ResourceValidationPolicy(
    name="rest-api-body-parses",
    description=(
        "A RestApi's OpenAPI body must be a JSON or YAML OpenAPI 3 or Swagger 2 document."
    ),
    validate=rest_api_body_parses,
    enforcement_level=ADVISORY,
)
