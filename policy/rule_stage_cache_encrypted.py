"""The rule `stage-cache-encrypted`: its function and its metadata (`POLICY`).

Why: Cached responses of a private backend must not sit unencrypted in API Gateway's cache.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pack_graph import STAGE, StackGraph
from pulumi_policy import (
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    ADVISORY,
    METHOD_SETTINGS,
    is_true,
    settings_by_stage,
)


def stage_cache_encrypted(args: StackValidationArgs, report: ReportViolation) -> None:
    """Cached responses of a private backend must not sit unencrypted in API Gateway's cache."""
    graph = StackGraph(args.resources)
    by_stage, undecided = settings_by_stage(graph)
    for settings in graph.of_type(METHOD_SETTINGS):
        caching = pv.get(settings.props, "settings", "cachingEnabled")
        encrypted = pv.get(settings.props, "settings", "cacheDataEncrypted")
        if is_true(caching) and not isinstance(encrypted, pv.Unknown) and not is_true(encrypted):
            report(
                f"MethodSettings '{settings.name}' enables caching without encrypting the cache; "
                "set settings.cacheDataEncrypted to true.",
                settings.urn,
            )
    for stage in graph.of_type(STAGE):
        if not is_true(pv.get(stage.props, "cacheClusterEnabled")):
            continue
        encrypted_values = [
            pv.get(s.props, "settings", "cacheDataEncrypted") for s in by_stage.get(stage.urn, [])
        ]
        if undecided or any(is_true(v) or isinstance(v, pv.Unknown) for v in encrypted_values):
            continue
        report(
            f"Stage '{stage.name}' enables a cache cluster, which caches GET responses by default, "
            "but no MethodSettings for it sets cacheDataEncrypted; add an "
            "aws.apigateway.MethodSettings with methodPath '*/*' and settings.cacheDataEncrypted "
            "true.",
            stage.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="stage-cache-encrypted",
    description="Where caching is on, cache data must be encrypted (CKV_AWS_225, CKV_AWS_308).",
    validate=stage_cache_encrypted,
    enforcement_level=ADVISORY,
)
