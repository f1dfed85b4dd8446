"""`--compare` says what AWS refuses or leaves behind when a PRIVATE API changes endpoint type
(AWS developer guide, "Change a public or private API endpoint type in API Gateway")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools import stackcheck

PRIVATE = ["--set", "endpointType=PRIVATE", "--set", "vpcEndpointIds=[vpce-0123456789abcdef0]"]
NO_WAF = ["--set", "webAclArn="]


def notes(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert stackcheck.main([*argv, "--json"]) == stackcheck.EXIT_OK
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    found: list[str] = document["notes"]
    return found


def leaving_private_for_regional(capsys: pytest.CaptureFixture[str], *change: str) -> list[str]:
    """The notes of prod moving from PRIVATE to REGIONAL, with more of the change given."""
    return notes(
        capsys,
        "prod",
        *PRIVATE,
        *NO_WAF,
        "--compare",
        "endpointType=REGIONAL",
        "vpcEndpointIds=[]",
        *change,
    )


def test_private_to_edge_is_flagged_with_the_way_through_regional(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = notes(
        capsys, "prod", *PRIVATE, *NO_WAF, "--compare", "endpointType=EDGE", "vpcEndpointIds=[]"
    )
    assert len(found) == 1
    assert "AWS cannot change a private API into an edge-optimized one" in found[0]
    assert "pulumi config set endpointType REGIONAL" in found[0]


def test_private_to_regional_says_to_refresh(capsys: pytest.CaptureFixture[str]) -> None:
    found = leaving_private_for_regional(capsys)
    assert len(found) == 1
    assert "pulumi refresh" in found[0]


def test_regional_to_edge_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys, "prod", "--compare", "endpointType=EDGE") == []


def test_private_to_regional_with_ipv4_is_flagged_with_the_two_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = leaving_private_for_regional(capsys, "ipAddressType=ipv4")
    assert len(found) == 2
    assert "pulumi refresh" in found[0]
    assert "AWS requires dualstack while a private API changes endpoint type" in found[1]
    assert "pulumi config set ipAddressType ipv4" in found[1]


@pytest.mark.parametrize("ip", ["dualstack", ""])
def test_private_to_regional_dual_stack_or_unset_is_only_the_refresh_note(
    capsys: pytest.CaptureFixture[str], ip: str
) -> None:
    found = leaving_private_for_regional(capsys, f"ipAddressType={ip}")
    assert len(found) == 1
    assert "pulumi refresh" in found[0]


def test_ipv4_on_a_regional_api_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys, "prod", "--compare", "ipAddressType=ipv4") == []


# --- responseTransferMode unset after STREAM (issue 20, item 12) ------------------------------

STREAM = ["--set", "responseTransferMode=STREAM"]


def test_unsetting_stream_says_the_provider_keeps_it(capsys: pytest.CaptureFixture[str]) -> None:
    found = notes(capsys, "prod", *STREAM, "--compare", "responseTransferMode=")
    assert len(found) == 1
    assert "the provider keeps STREAM unless told BUFFERED" in found[0]
    assert "pulumi config set responseTransferMode BUFFERED" in found[0]


def test_buffered_spelt_out_after_stream_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys, "prod", *STREAM, "--compare", "responseTransferMode=BUFFERED") == []
