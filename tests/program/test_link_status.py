"""A link given by `id` is read at preview: its status is checked too, not only that it exists.

The mocked provider (tools/mockcloud.py) answers `get_vpc_link` with AVAILABLE unless a test says
otherwise, as a real account's link can be FAILED, PENDING or DELETING.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pytest

from components.links import VpcLinkStatusError
from tests.program.harness import evaluate
from tools import mockcloud, mockrun

REST_API = "aws:apigateway/restApi:RestApi"
FAILED = {
    "status": "FAILED",
    "statusMessage": "NLB is already associated with another VPC Endpoint Service",
}


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def warn(message: str, *args: Any, **kwargs: Any) -> None:
        del args, kwargs
        seen.append(message)

    monkeypatch.setattr(pulumi.log, "warn", warn)
    return seen


def test_an_available_existing_link_passes_and_its_status_is_asked(warnings: list[str]) -> None:
    with mockcloud.scenario() as world:
        run = evaluate("orders", preview=True)
    assert run.by_type(REST_API)
    assert mockcloud.VPC_LINK in world.calls
    assert not [w for w in warnings if "VPC link" in w]


def test_a_failed_active_link_is_refused_before_the_api() -> None:
    run = mockrun.ProgramRun()
    with (
        mockcloud.scenario(vpc_links={"0rd3r5": FAILED}),
        pytest.raises(VpcLinkStatusError) as caught,
    ):
        evaluate("orders", preview=True, into=run)
    message = str(caught.value)
    assert "vpcLinks.shared.id" in message
    assert "0rd3r5 is FAILED (NLB is already associated" in message
    assert "activeVpcLink" in message
    assert isinstance(caught.value, pulumi.RunError)  # printed as a message, not a traceback
    assert not run.by_type(REST_API), "the API was registered before the link was checked"


def test_a_pending_link_is_a_warning(warnings: list[str]) -> None:
    with mockcloud.scenario(vpc_links={"0rd3r5": {"status": "PENDING", "statusMessage": ""}}):
        run = evaluate("orders", preview=True)
    assert run.by_type(REST_API)
    assert [w for w in warnings if "0rd3r5 is PENDING" in w and "vpcLinks.shared.id" in w]


def test_a_failed_link_in_reserve_is_a_warning_so_a_switch_away_can_deploy(
    warnings: list[str],
) -> None:
    overrides = {
        "vpcLinks": {"shared": {"id": "0rd3r5"}, "spare": {"id": "5par3l"}},
        "activeVpcLink": "shared",
    }
    with mockcloud.scenario(vpc_links={"5par3l": FAILED}):
        run = evaluate("orders", overrides, preview=True)
    assert run.by_type(REST_API)
    assert [w for w in warnings if "5par3l is FAILED" in w]


def test_a_status_that_cannot_be_read_is_a_warning_not_a_failure(
    warnings: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = mockcloud.answer

    def answer(token: str, args: Any, **kwargs: Any) -> dict[str, Any]:
        if token == mockcloud.VPC_LINK:
            raise mockcloud.ProviderError(
                "multiple API Gateway VPC Links matched; use additional constraints"
            )
        return real(token, args, **kwargs)

    monkeypatch.setattr(mockcloud, "answer", answer)
    run = evaluate("orders", preview=True)
    assert run.by_type(REST_API)
    assert [w for w in warnings if "could not be read" in w and "get-vpc-link" in w]


def test_a_created_link_that_ended_failed_warns_on_the_next_run(warnings: list[str]) -> None:
    """A failed create leaves the link in the state: the next run must say it is dead."""
    with mockcloud.scenario(vpc_links={"private-api-dev-link-main": FAILED}):
        run = evaluate("dev")  # not a first preview: the link exists, its name is known
    assert run.by_type(REST_API)
    assert [w for w in warnings if "is FAILED" in w and "vpcLinks.main.targetArn" in w]


def test_a_created_link_is_not_asked_before_it_exists(warnings: list[str]) -> None:
    with mockcloud.scenario(vpc_links={"private-api-dev-link-main": FAILED}) as world:
        evaluate("dev", preview=True)
    assert mockcloud.VPC_LINK not in world.calls
    assert not [w for w in warnings if "is FAILED" in w]
