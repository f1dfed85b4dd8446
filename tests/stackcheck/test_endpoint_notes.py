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
    found = notes(
        capsys, "prod", *PRIVATE, *NO_WAF, "--compare", "endpointType=REGIONAL", "vpcEndpointIds=[]"
    )
    assert len(found) == 1
    assert "pulumi refresh" in found[0]


def test_regional_to_edge_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys, "prod", "--compare", "endpointType=EDGE") == []
