"""The rule `deployment-redeploys-on-change`: its function and its metadata (`POLICY`).

Why: Without triggers, Pulumi never redeploys, so integration changes never go live.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import pack_values as pv
from pack_graph import StackGraph
from pulumi_policy import (
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    ADVISORY,
    DEPLOYMENT,
    INTEGRATION,
)


def deployment_redeploys_on_change(args: StackValidationArgs, report: ReportViolation) -> None:
    """Without triggers, Pulumi never redeploys, so integration changes never go live."""
    graph = StackGraph(args.resources)
    integrations: dict[str, list[str]] = {}
    for integration in graph.of_type(INTEGRATION):
        api = graph.api_of(integration)
        if api is not None:
            integrations.setdefault(api, []).append(integration.name)
    for deployment in graph.of_type(DEPLOYMENT):
        triggers = pv.get(deployment.props, "triggers")
        if isinstance(triggers, pv.Unknown) or (isinstance(triggers, Mapping) and len(triggers)):
            continue
        api = graph.api_of(deployment)
        if api is None or api not in integrations:
            continue
        names = integrations[api]
        report(
            f"Deployment '{deployment.name}' of REST API {graph.api_label(api)} has no triggers, "
            f"so changes to its {len(names)} integrations (for example '{names[0]}') are never "
            "deployed: Pulumi replaces a deployment only when its own inputs change. Set "
            "triggers, for example {'redeployment': <a hash of the routes and integrations>}.",
            deployment.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="deployment-redeploys-on-change",
    description="A Deployment of a REST API with integrations must set triggers.",
    validate=deployment_redeploys_on_change,
    enforcement_level=ADVISORY,
)
