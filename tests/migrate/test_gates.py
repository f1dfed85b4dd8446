"""The gates: judgement rules, and CloudWatch read through botocore's Stubber (which checks every
request against the real CloudWatch service model)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import botocore.session
import pytest
from botocore.stub import ANY, Stubber

from tools.gates import CloudWatch, Reading, Status, Thresholds, judge

LIMITS = Thresholds(rate_percent=1.0, latency_ms=2000.0, min_requests=100)
ALARMS = {"canary5xxRate": "api-canary-5xx-rate", "canaryLatency": "api-canary-latency"}


def client() -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "cloudwatch",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="example",
    )


def alarms(state: str = "OK") -> dict[str, Any]:
    return {
        "MetricAlarms": [
            {"AlarmName": "api-canary-5xx-rate", "Threshold": 1.0, "StateValue": state},
            {"AlarmName": "api-canary-latency", "Threshold": 2000.0, "StateValue": "OK"},
        ]
    }


def test_thresholds_come_from_the_alarms() -> None:
    cw = client()
    with Stubber(cw) as stub:
        stub.add_response("describe_alarms", alarms(), {"AlarmNames": sorted(ALARMS.values())})
        assert CloudWatch(cw, "PrivateApi/x", ALARMS).thresholds(50) == Thresholds(1, 2000, 50)


def test_a_reading_sums_the_step_and_judges_the_latest_period() -> None:
    cw = client()
    t1, t2 = datetime(2026, 1, 1, 0, 1, tzinfo=UTC), datetime(2026, 1, 1, 0, 2, tzinfo=UTC)
    data = {
        "MetricDataResults": [
            {"Id": "requests", "Timestamps": [t2, t1], "Values": [80.0, 60.0]},
            {"Id": "errors", "Timestamps": [t2], "Values": [4.0]},
            {"Id": "p99", "Timestamps": [t2, t1], "Values": [300.0, 200.0]},
        ]
    }
    with Stubber(cw) as stub:
        stub.add_response(
            "get_metric_data",
            data,
            {
                "MetricDataQueries": ANY,
                "StartTime": ANY,
                "EndTime": ANY,
                "ScanBy": "TimestampDescending",
            },
        )
        stub.add_response("describe_alarms", alarms("ALARM"), {"AlarmNames": ANY})
        reading = CloudWatch(cw, "PrivateApi/x", ALARMS).read(1767225600.0, 1767225720.0)
    assert reading.step_requests == 140
    assert (reading.requests, reading.errors, reading.p99_ms) == (80.0, 4.0, 300.0)
    verdict = judge(reading, LIMITS)
    assert verdict.status is Status.BREACH
    assert {g.name for g in verdict.breached()} == {"alarm api-canary-5xx-rate", "canary 5XX %"}


def test_no_datapoints_is_never_healthy() -> None:
    cw = client()
    with Stubber(cw) as stub:
        stub.add_response("get_metric_data", {"MetricDataResults": []}, None)
        stub.add_response("describe_alarms", alarms("INSUFFICIENT_DATA"), None)
        reading = CloudWatch(cw, "PrivateApi/x", ALARMS).read(0.0, 60.0)
    assert judge(reading, LIMITS).status is Status.WAIT


@pytest.mark.parametrize(
    ("reading", "status"),
    [
        (Reading(99, 99, 0, 100), Status.WAIT),  # below the minimum: no judgement at all
        (Reading(99, 99, 99, 9000), Status.WAIT),
        (Reading(100, 100, 1, 100), Status.PASS),  # 1 % is within a 1 % limit
        (Reading(100, 100, 2, 100), Status.BREACH),
        (Reading(100, 100, 0, 2001), Status.BREACH),
        (Reading(100, 100, 0, None), Status.WAIT),  # no latency datapoint
        (Reading(100, None, None, None), Status.WAIT),  # no request in the latest period
        (Reading(100, 100, None, 100), Status.PASS),  # no 5XX datapoint: none matched
        (Reading(100, 100, 0, 100, {"a": "INSUFFICIENT_DATA"}), Status.WAIT),
    ],
)
def test_judgement(reading: Reading, status: Status) -> None:
    assert judge(reading, LIMITS).status is status
