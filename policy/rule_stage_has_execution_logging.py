"""The rule `stage-has-execution-logging`: its function and its metadata (`POLICY`).

Why: Execution logs and metrics are where a failing VPC link shows first.
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
    LOGGING_LEVELS,
    is_true,
    require_metrics,
    schema,
    settings_by_stage,
)


def stage_has_execution_logging(args: StackValidationArgs, report: ReportViolation) -> None:
    """Execution logs and metrics are where a failing VPC link shows first."""
    graph = StackGraph(args.resources)
    by_stage, undecided = settings_by_stage(graph)
    metrics_required = require_metrics(args)
    for stage in graph.of_type(STAGE):
        found = by_stage.get(stage.urn, [])
        problems: list[str] = []
        for settings in found:
            level = pv.get(settings.props, "settings", "loggingLevel")
            metrics = pv.get(settings.props, "settings", "metricsEnabled")
            if isinstance(level, pv.Unknown) or isinstance(metrics, pv.Unknown):
                problems = []
                break
            level_ok = isinstance(level, str) and level.upper() in LOGGING_LEVELS
            metrics_ok = is_true(metrics) or not metrics_required
            if level_ok and metrics_ok:
                problems = []
                break
            if not level_ok:
                problems.append(
                    f"MethodSettings '{settings.name}' sets loggingLevel to {pv.shown(level)}"
                )
            if not metrics_ok:
                problems.append(f"MethodSettings '{settings.name}' does not enable metrics")
        else:
            if not found and undecided:
                continue  # a MethodSettings of unknown stage may be this one's
            if not found:
                problems.append("no MethodSettings of this stack applies to it")
        if problems:
            metrics_fix = " and settings.metricsEnabled true" if metrics_required else ""
            report(
                f"Stage '{stage.name}' has no execution logging: {'; '.join(problems)}. Add an "
                "aws.apigateway.MethodSettings for the stage with methodPath '*/*', "
                f"settings.loggingLevel 'ERROR' or 'INFO'{metrics_fix}.",
                stage.urn,
            )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="stage-has-execution-logging",
    description=(
        "Stages must have MethodSettings with loggingLevel ERROR or INFO and metrics (CKV2_AWS_4)."
    ),
    validate=stage_has_execution_logging,
    enforcement_level=ADVISORY,
    config_schema=schema(
        requireMetrics={
            "type": "boolean",
            "default": True,
            "description": "Also require settings.metricsEnabled, as Checkov does.",
        }
    ),
)
