"""Observability (issue 21): the canary's access-log group, metric filters, alarms, dashboard."""

from __future__ import annotations

import json

import pytest

from tests.program.harness import evaluate

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
DASHBOARD = "aws:cloudwatch/dashboard:Dashboard"
STAGE = "aws:apigateway/stage:Stage"


def test_prod_owns_the_canary_access_log_group_before_the_stage_logs() -> None:
    run = evaluate("prod")
    groups = {r.name: r for r in run.by_type(LOG_GROUP)}
    access = groups["private-api-prod-access-logs"]
    canary = groups["private-api-prod-canary-access-logs"]
    assert canary.inputs["name"] == f"{access.state['name']}/Canary"
    assert canary.inputs["retentionInDays"] == access.inputs["retentionInDays"] == 90
    assert canary.urn in run.one(STAGE).dependencies


def test_metric_filters_read_the_access_log_fields_for_stage_and_canary() -> None:
    run = evaluate("prod")
    fields = set(json.loads(run.one(STAGE).inputs["accessLogSettings"]["format"]))
    filters = run.by_type(FILTER)
    names = {f.inputs["metricTransformation"]["name"] for f in filters}
    for variant in ("Stage", "Canary"):
        for metric in ("Requests", "4XX", "5XX", "Latency", "IntegrationLatency"):
            assert f"{variant}{metric}" in names
    for f in filters:
        value = f.inputs["metricTransformation"]["value"]
        if value.startswith("$."):
            assert value[2:] in fields
            assert value in f.inputs["pattern"]  # a value read from a field is matched


def test_alarms_take_their_thresholds_from_config() -> None:
    run = evaluate("prod", {"observability": {"canary5xxPercent": 2.5, "canaryLatencyMs": 900}})
    alarms = {a.name: a.inputs for a in run.by_type(ALARM)}
    assert alarms["private-api-prod-canary-5xx-rate"]["threshold"] == 2.5
    assert alarms["private-api-prod-canary-latency"]["threshold"] == 900
    assert alarms["private-api-prod-canary-latency"]["extendedStatistic"] == "p99"
    assert all(a["treatMissingData"] == "missing" for a in alarms.values())


def test_dashboard_shows_both_series_and_each_links_balancer() -> None:
    run = evaluate("prod")
    body = json.loads(run.one(DASHBOARD).inputs["dashboardBody"])
    text = json.dumps(body)
    for needle in ("CanaryLatency", "StageLatency", "net/orders-blue/", "net/orders-green/"):
        assert needle in text
    assert "dashboards/dashboard/" in str(run.outputs["dashboardUrl"])
    gates = run.outputs["canaryGates"]
    assert gates["namespace"] == "PrivateApi/private-api-prod"
    assert set(gates["alarms"]) == {"canary5xxRate", "canaryLatency"}


def test_observability_is_opt_in() -> None:
    run = evaluate("staging")
    assert not run.by_type(DASHBOARD)
    assert "dashboardUrl" not in run.outputs


def test_observability_without_access_logs_names_the_key() -> None:
    with pytest.raises(Exception, match=r"observability.*accessLogging"):
        evaluate("prod", {"accessLogging": False})
