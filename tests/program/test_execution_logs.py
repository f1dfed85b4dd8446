"""Execution-log groups (issue 20, item 6): the stack owns the groups API Gateway writes to."""

from __future__ import annotations

from typing import Any

from tests.program.harness import MODES, evaluate, in_mode

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SETTINGS = "aws:apigateway/methodSettings:MethodSettings"


def test_execution_log_groups_get_retention_tags_and_exist_before_logging() -> None:
    for mode in MODES:
        run = in_mode(mode)(
            "prod",
            {"logRetentionDays": 14, "tags": {"team": "orders"}, "manageExecutionLogGroups": True},
        )
        api_id = run.one("aws:apigateway/restApi:RestApi").id
        groups = {r.inputs.get("name"): r for r in run.by_type(LOG_GROUP)}
        base = f"API-Gateway-Execution-Logs_{api_id}/prod"
        assert {base, f"{base}/Canary"} <= set(groups)
        for name in (base, f"{base}/Canary"):
            assert groups[name].inputs["retentionInDays"] == 14
            assert groups[name].inputs["tags"] == {"team": "orders"}
            assert groups[name].urn in run.one(SETTINGS).dependencies


def execution_log_groups(run: Any) -> list[str]:
    names = [str(r.inputs.get("name") or "") for r in run.by_type(LOG_GROUP)]
    return [n for n in names if n.startswith("API-Gateway-Execution-Logs_")]


def test_no_execution_log_groups_while_logging_is_off() -> None:
    run = evaluate("prod", {"loggingLevel": "OFF", "manageExecutionLogGroups": True})
    assert not execution_log_groups(run)


def test_execution_log_groups_are_left_to_api_gateway_unless_asked() -> None:
    """An upgrade must not make a stack that already logs create groups API Gateway made (the
    create would fail with ResourceAlreadyExistsException until they are imported)."""
    run = evaluate("prod", {"loggingLevel": "INFO"})
    assert not execution_log_groups(run)
    assert run.by_type(SETTINGS)
