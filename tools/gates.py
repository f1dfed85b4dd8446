"""The gates a link migration judges between steps: the canary's own metrics, read from CloudWatch.

API Gateway publishes no canary dimension ("Amazon API Gateway dimensions and metrics" lists
`ApiName`, `ApiName, Stage` and `ApiName, Method, Resource, Stage`), so the canary's series come
from metric filters on its own access-log group (components/observability.py). A gate never
reads missing data as healthy: too few canary requests, or no datapoint, is WAIT, never PASS.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

#: Seconds per evaluation: the alarms' period (components/observability.py, PERIOD_SECONDS).
PERIOD_SECONDS = 60


class Status(enum.Enum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    WAIT = "wait"
    BREACH = "breach"


@dataclass(frozen=True)
class Thresholds:
    """What a step must stay within; the alarm thresholds come from the stack's config."""

    rate_percent: float
    latency_ms: float
    min_requests: int


@dataclass(frozen=True)
class Reading:
    """One evaluation: the latest period's canary figures, the step's request count so far, and
    the alarms' states (name -> OK, ALARM or INSUFFICIENT_DATA)."""

    step_requests: float
    requests: float | None
    errors: float | None
    p99_ms: float | None
    alarms: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Gate:
    name: str
    value: float | str | None
    threshold: float | str
    status: Status

    def describe(self) -> str:
        shown = "no data" if self.value is None else _fmt(self.value)
        return f"{self.name} {shown} (limit {_fmt(self.threshold)}): {self.status.value}"


@dataclass(frozen=True)
class Verdict:
    status: Status
    gates: list[Gate]

    def breached(self) -> list[Gate]:
        return [g for g in self.gates if g.status is Status.BREACH]


def _fmt(value: float | str) -> str:
    return f"{value:g}" if isinstance(value, float | int) else value


def judge(reading: Reading, limits: Thresholds) -> Verdict:
    """PASS only when every gate has data within its limit and the step has seen enough canary
    requests; any breach wins over waiting once enough requests were seen."""
    enough = reading.step_requests >= limits.min_requests
    count = Gate(
        "canary requests",
        reading.step_requests,
        float(limits.min_requests),
        Status.PASS if enough else Status.WAIT,
    )
    if not enough:
        return Verdict(Status.WAIT, [count])
    gates = [count]
    for name, state in sorted(reading.alarms.items()):
        status = {"ALARM": Status.BREACH, "OK": Status.PASS}.get(state, Status.WAIT)
        gates.append(Gate(f"alarm {name}", state, "OK", status))
    rate = (
        100.0 * (reading.errors or 0.0) / reading.requests
        if reading.requests
        else None  # no canary request in the period: no judgement
    )
    gates.append(_limit("canary 5XX %", rate, limits.rate_percent))
    gates.append(_limit("canary p99 ms", reading.p99_ms, limits.latency_ms))
    statuses = {g.status for g in gates}
    overall = (
        Status.BREACH
        if Status.BREACH in statuses
        else Status.WAIT
        if Status.WAIT in statuses
        else Status.PASS
    )
    return Verdict(overall, gates)


def _limit(name: str, value: float | None, threshold: float) -> Gate:
    if value is None:
        return Gate(name, None, threshold, Status.WAIT)
    return Gate(
        name, round(value, 3), threshold, Status.BREACH if value > threshold else Status.PASS
    )


class Metrics(Protocol):
    def thresholds(self, min_requests: int) -> Thresholds: ...

    def read(self, step_start: float, now: float) -> Reading: ...


class CloudWatch:
    """The canary's series and alarms through botocore: GetMetricData and DescribeAlarms
    (CloudWatch API Reference). `client` is a botocore `cloudwatch` client."""

    def __init__(self, client: Any, namespace: str, alarms: Mapping[str, str]) -> None:
        self.client = client
        self.namespace = namespace
        #: Gate key (canary5xxRate, canaryLatency) -> alarm name, from the stack's outputs.
        self.alarms = dict(alarms)

    def _describe(self) -> list[dict[str, Any]]:
        answer = self.client.describe_alarms(AlarmNames=sorted(self.alarms.values()))
        found: list[dict[str, Any]] = answer.get("MetricAlarms", [])
        return found

    def thresholds(self, min_requests: int) -> Thresholds:
        by_name = {a["AlarmName"]: a for a in self._describe()}
        missing = [n for n in self.alarms.values() if n not in by_name]
        if missing:
            raise LookupError(f"alarm(s) {', '.join(missing)} not found; has `pulumi up` run?")
        return Thresholds(
            rate_percent=float(by_name[self.alarms["canary5xxRate"]]["Threshold"]),
            latency_ms=float(by_name[self.alarms["canaryLatency"]]["Threshold"]),
            min_requests=min_requests,
        )

    def read(self, step_start: float, now: float) -> Reading:
        start = int(step_start) - int(step_start) % PERIOD_SECONDS
        queries = [
            self._query("requests", "CanaryRequests", "Sum"),
            self._query("errors", "Canary5XX", "Sum"),
            self._query("p99", "CanaryLatency", "p99"),
        ]
        answer = self.client.get_metric_data(
            MetricDataQueries=queries,
            StartTime=datetime.fromtimestamp(start, UTC),
            EndTime=datetime.fromtimestamp(max(now, start + PERIOD_SECONDS), UTC),
            ScanBy="TimestampDescending",
        )
        series = {
            r["Id"]: dict(zip(r.get("Timestamps", []), r.get("Values", []), strict=False))
            for r in answer.get("MetricDataResults", [])
        }
        requests = series.get("requests", {})
        latest = max(requests) if requests else None
        states = {a["AlarmName"]: str(a.get("StateValue", "")) for a in self._describe()}
        return Reading(
            step_requests=float(sum(requests.values())),
            requests=requests.get(latest) if latest else None,
            errors=series.get("errors", {}).get(latest) if latest else None,
            p99_ms=series.get("p99", {}).get(latest) if latest else None,
            alarms=states,
        )

    def _query(self, query_id: str, metric: str, stat: str) -> dict[str, Any]:
        return {
            "Id": query_id,
            "MetricStat": {
                "Metric": {"Namespace": self.namespace, "MetricName": metric},
                "Period": PERIOD_SECONDS,
                "Stat": stat,
            },
            "ReturnData": True,
        }


def summary(gates: Sequence[Gate]) -> str:
    return "; ".join(g.describe() for g in gates)
