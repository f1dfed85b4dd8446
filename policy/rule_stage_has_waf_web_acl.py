"""The rule `stage-has-waf-web-acl`: its function and its metadata (`POLICY`).

Why: A REGIONAL or EDGE API is reachable from the internet; a web ACL filters what gets in.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pack_graph import EXTERNAL, REST_API, STAGE, StackGraph
from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    ADVISORY,
    WEB_ACL_ASSOCIATIONS,
)


def _endpoint_types(api: PolicyResource) -> set[str] | None:
    """The REST API's endpoint types (EDGE when not set, as in AWS), or None if unknown."""
    configuration = pv.get(api.props, "endpointConfiguration")
    listed = pv.elements(configuration)
    if listed is not None and len(listed) == 1:
        configuration = listed[0]
    if isinstance(configuration, pv.Unknown):
        return None
    types = pv.get(configuration, "types")
    if isinstance(types, pv.Unknown):
        return None
    if pv.is_absent(types):
        return {"EDGE"}
    values = pv.elements(types)
    if values is None:
        values = [types]
    if any(isinstance(v, pv.Unknown) for v in values):
        return None
    return {v.upper() for v in values if isinstance(v, str)}


def stage_has_waf_web_acl(args: StackValidationArgs, report: ReportViolation) -> None:
    """A REGIONAL or EDGE API is reachable from the internet; a web ACL filters what gets in."""
    graph = StackGraph(args.resources)
    protected: set[str] = set()
    undecided = False
    for association in graph.of_type(*WEB_ACL_ASSOCIATIONS):
        ref = graph.stage_ref_by_arn(association, "resourceArn")
        if ref is None:
            undecided = True
        elif ref != EXTERNAL:
            protected.add(ref)
    for stage in graph.of_type(STAGE):
        key = graph.api_of(stage)
        api = graph.by_urn.get(key) if key is not None else None
        if api is None or api.resource_type != REST_API:
            continue  # its endpoint type is not known here
        types = _endpoint_types(api)
        public = sorted((types or set()) & {"REGIONAL", "EDGE"})
        if not public or stage.urn in protected or undecided:
            continue
        own = pv.get(stage.props, "webAclArn")
        if isinstance(own, pv.Unknown) or (isinstance(own, str) and own):
            continue
        report(
            f"Stage '{stage.name}' of {'/'.join(public)} REST API '{api.name}' has no WAF web "
            "ACL; associate one with aws.wafv2.WebAclAssociation (resourceArn: the stage's arn, "
            "webAclArn: a REGIONAL web ACL), or make the API PRIVATE.",
            stage.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="stage-has-waf-web-acl",
    description="Stages of REGIONAL and EDGE REST APIs must have a WAF web ACL (CKV2_AWS_29).",
    validate=stage_has_waf_web_acl,
    enforcement_level=ADVISORY,
)
