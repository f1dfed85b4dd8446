"""What a link migration watches: the canary's own logs, metrics, alarms and a dashboard.

API Gateway's CloudWatch metrics have the dimensions `ApiName`, `ApiName, Stage` and `ApiName,
Method, Resource, Stage` and none for the canary ("Amazon API Gateway dimensions and metrics"),
so the canary is measured from what is documented as its own: "the canary release access log
group name has the /Canary suffix appended to the selected log group name" and canary requests
are reported there as well as to the stage's group ("Set up an API Gateway canary release
deployment"). Metric filters on both groups give requests, 4XX, 5XX, latency and integration
latency; the stage's series counts every request (canary ones included), the canary's only its
own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.args import PrivateRestApiArgs
from components.observability_spec import ObservabilitySpec

#: Seconds per alarm evaluation: access-log metrics are published per minute at best.
PERIOD_SECONDS = 60
#: The two series: the stage's group (every request) and the canary's `/Canary` group.
VARIANTS = ("Stage", "Canary")

# Metric name suffix -> (filter pattern, value). JSON patterns and `$.field` values as in
# CloudWatch Logs' "Using filter patterns to match terms in JSON log events" (the unquoted
# wildcard form, like its `123.123.*`); a value read from a field must be matched by the pattern.
# The access log writes numbers as JSON strings (components/stage.py); that CloudWatch reads a
# numeric string as a metric value is not verified here.
FILTERS: dict[str, tuple[str, str]] = {
    "Requests": ("{ $.status = * }", "1"),
    "4XX": ("{ $.status = 4* }", "1"),
    "5XX": ("{ $.status = 5* }", "1"),
    "Latency": ("{ $.responseLatency = * }", "$.responseLatency"),
    "IntegrationLatency": ('{ $.integrationLatency != "-" }', "$.integrationLatency"),
}


def namespace(component: str) -> str:
    """One namespace per stack's component: stacks sharing an account never mix their series."""
    return f"PrivateApi/{component}"


@dataclass
class Observability:
    """What the stack exports for operators and tools/migrate.py."""

    canary_log_group: aws.cloudwatch.LogGroup
    namespace: str
    alarm_names: dict[str, pulumi.Output[str]]
    dashboard_url: pulumi.Output[str]


def canary_access_log_group(
    name: str,
    access_group: aws.cloudwatch.LogGroup,
    args: PrivateRestApiArgs,
    opts: pulumi.ResourceOptions,
) -> aws.cloudwatch.LogGroup:
    """`<group>/Canary`, made by the stack with the stage's retention and tags; left to API
    Gateway it keeps logs forever and outlives `pulumi destroy`. It exists with or without a
    canary, so that ending a canary never deletes its logs."""
    return aws.cloudwatch.LogGroup(
        f"{name}-canary-access-logs",
        name=access_group.name.apply(lambda group: f"{group}/Canary"),
        retention_in_days=args.log_retention_days,
        tags=dict(args.tags),
        opts=opts,
    )


def observe(
    name: str,
    args: PrivateRestApiArgs,
    spec: ObservabilitySpec,
    groups: Mapping[str, aws.cloudwatch.LogGroup],
    *,
    created: aws.apigateway.Stage,
    opts: pulumi.ResourceOptions,
) -> Observability:
    """Metric filters on both groups (`groups`: "Stage" and "Canary"), the canary's alarms and
    the stage's dashboard."""
    for variant in VARIANTS:
        for metric, (pattern, value) in FILTERS.items():
            aws.cloudwatch.LogMetricFilter(
                f"{name}-{variant.lower()}-{metric.lower()}",
                log_group_name=groups[variant].name,
                pattern=pattern,
                metric_transformation=aws.cloudwatch.LogMetricFilterMetricTransformationArgs(
                    name=f"{variant}{metric}",
                    namespace=namespace(name),
                    value=value,
                    unit="Milliseconds" if "Latency" in metric else "Count",
                ),
                opts=opts,
            )
    alarms = _alarms(name, spec, dict(args.tags), opts)
    region = created.arn.apply(lambda arn: arn.split(":")[3])
    # A target may be an Output (the package's `vpcLinks.<name>.targetArn`): the body waits for
    # it, and is unknown in a preview before that NLB exists.
    targets = pulumi.Output.from_input(
        {link: spec_.target_arn for link, spec_ in args.vpc_links.items() if spec_.target_arn}
    )
    board = aws.cloudwatch.Dashboard(
        f"{name}-dashboard",
        dashboard_name=f"{name}-{args.stage_name}",
        dashboard_body=pulumi.Output.all(region, targets).apply(
            lambda known: dashboard_body(name, known[0], network_balancers(known[1]))
        ),
        opts=opts,
    )
    url = pulumi.Output.all(region, board.dashboard_name).apply(
        lambda parts: (
            f"https://{parts[0]}.console.aws.amazon.com/cloudwatch/home"
            f"?region={parts[0]}#dashboards/dashboard/{parts[1]}"
        )
    )
    return Observability(groups["Canary"], namespace(name), alarms, url)


def _alarms(
    name: str, spec: ObservabilitySpec, tags: dict[str, str], opts: pulumi.ResourceOptions
) -> dict[str, pulumi.Output[str]]:
    """The canary's 5XX rate and p99 latency. Missing data is `missing` (the state is kept):
    tools/migrate.py never reads it as healthy and waits for enough canary requests."""
    ns = namespace(name)

    def metric(metric_id: str, metric_name: str) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=metric_id,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=ns, metric_name=metric_name, period=PERIOD_SECONDS, stat="Sum"
            ),
        )

    rate = aws.cloudwatch.MetricAlarm(
        f"{name}-canary-5xx-rate",
        alarm_description="The canary's 5XX responses, percent of its requests (tools/migrate.py).",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        threshold=spec.canary_5xx_percent,
        treat_missing_data="missing",
        metric_queries=[
            metric("errors", "Canary5XX"),
            metric("requests", "CanaryRequests"),
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="rate",
                expression="100 * FILL(errors, 0) / requests",
                label="Canary 5XX %",
                return_data=True,
            ),
        ],
        tags=tags,
        opts=opts,
    )
    latency = aws.cloudwatch.MetricAlarm(
        f"{name}-canary-latency",
        alarm_description="The canary's p99 latency in ms (tools/migrate.py).",
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=1,
        threshold=spec.canary_latency_ms,
        treat_missing_data="missing",
        namespace=ns,
        metric_name="CanaryLatency",
        period=PERIOD_SECONDS,
        extended_statistic="p99",
        tags=tags,
        opts=opts,
    )
    return {"canary5xxRate": rate.name, "canaryLatency": latency.name}


def network_balancers(targets: Mapping[str, str]) -> dict[str, str]:
    """Link name to `net/<name>/<id>` (the NLB's metric dimension), for the links to an NLB."""
    return {
        link: arn.split(":loadbalancer/", 1)[1]
        for link, arn in targets.items()
        if ":loadbalancer/net/" in arn
    }


def dashboard_body(component: str, region: str, balancers: Mapping[str, str]) -> str:
    """Production beside the canary (requests, error rates, latency p50/p99, integration
    latency) and each link's NLB health. Target groups are not known to this program, so the
    health widgets SEARCH the NLB's `LoadBalancer, TargetGroup` series (AWS/NetworkELB)."""
    ns = namespace(component)

    def widget(title: str, metrics: list[list[object]], x: int, y: int) -> dict[str, object]:
        return {
            "type": "metric",
            "x": x,
            "y": y,
            "width": 12,
            "height": 6,
            "properties": {
                "title": title,
                "region": region,
                "view": "timeSeries",
                "period": PERIOD_SECONDS,
                "metrics": metrics,
            },
        }

    def both(metric: str, stat: str) -> list[list[object]]:
        return [[ns, f"{v}{metric}", {"stat": stat, "label": f"{v} {stat}"}] for v in VARIANTS]

    def rate(code: str) -> list[list[object]]:
        rows: list[list[object]] = []
        for v in VARIANTS:
            low = v.lower()
            rows.append([ns, f"{v}{code}", {"id": f"{low}e", "visible": False, "stat": "Sum"}])
            rows.append([ns, f"{v}Requests", {"id": f"{low}r", "visible": False, "stat": "Sum"}])
            expression = f"100 * FILL({low}e, 0) / {low}r"
            rows.append([{"expression": expression, "label": f"{v} {code} %"}])
        return rows

    widgets = [
        widget("Requests", both("Requests", "Sum"), 0, 0),
        widget("5XX %", rate("5XX"), 12, 0),
        widget("4XX %", rate("4XX"), 0, 6),
        widget("Latency p50 / p99 (ms)", both("Latency", "p50") + both("Latency", "p99"), 12, 6),
        widget("Integration latency p99 (ms)", both("IntegrationLatency", "p99"), 0, 12),
    ]
    for index, (link, balancer) in enumerate(sorted(balancers.items())):
        search = (
            "SEARCH('{AWS/NetworkELB,LoadBalancer,TargetGroup} "
            f'LoadBalancer="{balancer}" MetricName="%sHostCount"\', \'Minimum\', {PERIOD_SECONDS})'
        )
        metrics: list[list[object]] = [
            [{"expression": search % "Healthy", "label": f"{link} healthy", "id": "h"}],
            [{"expression": search % "UnHealthy", "label": f"{link} unhealthy", "id": "u"}],
        ]
        widgets.append(widget(f"Link {link}: NLB targets", metrics, 12 * (index % 2), 18 + index))
    return json.dumps({"widgets": widgets}, separators=(",", ":"))
