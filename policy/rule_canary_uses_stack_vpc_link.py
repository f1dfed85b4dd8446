"""The rule `canary-uses-stack-vpc-link`: its function and its metadata (`POLICY`).

Why: a canary exists to send a share of requests through another link of the same stack before
switching to it (issue 21, tools/migrate.py). A canary override naming any other link id sends
that share somewhere the stack does not manage: a link of another stack or team, one deleted
since, or a typo that happens to look like an id. `stage-defines-vpc-link-variable` already
catches values that provably are not link ids; this rule catches real-looking ids of links the
stack does not define. Links a stack uses by id (owned elsewhere, read with an invoke the pack
cannot see) are listed in `externalLinkIds`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pack_values as pv
from pack_graph import STAGE, StackGraph
from pulumi_policy import ReportViolation, StackValidationArgs, StackValidationPolicy
from rule_support import ADVISORY, LinkIndex, config_strings, schema

#: Bound on the overrides read per stage (API Gateway's own stage-variable limit is far lower).
MAX_OVERRIDES: Final = 100


def canary_uses_stack_vpc_link(args: StackValidationArgs, report: ReportViolation) -> None:
    """A stage's canary overrides name only links of this stack (or `externalLinkIds`)."""
    graph = StackGraph(args.resources)
    links = LinkIndex(graph)
    allowed = links.ids | set(config_strings(args, "externalLinkIds"))
    for stage in graph.of_type(STAGE):
        overrides = pv.get(stage.props, "canarySettings", "stageVariableOverrides")
        if not isinstance(overrides, Mapping):
            continue  # no canary, or not known yet
        names = [k for k in list(overrides)[:MAX_OVERRIDES] if isinstance(k, str)]
        for variable in sorted(names):
            value = pv.get(overrides, variable)
            if not isinstance(value, str) or pv.is_secret(value):
                continue  # unknown, secret or not a string (stage-defines-vpc-link-variable)
            if not (value.isascii() and value.isalnum()) or value in allowed:
                continue  # not an id at all is the other rule's finding
            if value in links.by_name:
                continue  # a link's name, not its id: the other rule's finding
            report(
                f"Stage '{stage.name}' has a canary whose stageVariableOverrides['{variable}'] "
                f"is {pv.shown(value)}, which is not the id of a VPC link this stack defines; "
                "canary requests would go through a link the stack does not manage. Point the "
                "canary at one of the stack's links (the program's canary.vpcLink), or, if the "
                "link is owned elsewhere, add its id to this rule's externalLinkIds.",
                stage.urn,
            )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="canary-uses-stack-vpc-link",
    description="A stage's canary must send its share through a VPC link the stack defines.",
    validate=canary_uses_stack_vpc_link,
    enforcement_level=ADVISORY,
    config_schema=schema(
        externalLinkIds={
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Ids of links owned elsewhere that a canary may name.",
        }
    ),
)
