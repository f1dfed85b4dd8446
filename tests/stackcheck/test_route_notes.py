"""`--compare` flags what `pulumi up` leaves undone: removed routes in resources mode, and the mode
switches that need a step first (docs/api-definition.md, "Moving between modes")."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools import stackcheck

DEPLOYMENT_URN = (
    "urn:pulumi:{stack}::private-api::private-api:index:PrivateRestApi$"
    "aws:apigateway/deployment:Deployment::private-api-{stack}-deployment"
)


def notes(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    assert stackcheck.main([*argv, "--json"]) == stackcheck.EXIT_OK
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    found: list[str] = document["notes"]
    return found


def test_a_route_removed_in_resources_mode_is_flagged_with_the_command(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = notes(
        capsys,
        "prod",
        "--set",
        "apiDefinition=resources",
        "--compare",
        "routes=[{path: /, method: GET, authorization: AWS_IAM}]",
    )
    command = f"pulumi up --stack prod --replace '{DEPLOYMENT_URN.format(stack='prod')}'"
    assert len(found) == 1
    assert found[0].startswith("Route ANY /{proxy+} is removed, but stays live")
    assert command in found[0]


def test_a_route_removed_in_openapi_mode_needs_no_note(
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = notes(capsys, "prod", "--compare", "routes=[{path: /, method: GET}]")
    assert found == []


def test_switching_dev_to_openapi_says_to_retain_first(capsys: pytest.CaptureFixture[str]) -> None:
    (note,) = notes(capsys, "dev", "--compare", "apiDefinition=openapi")
    assert "unsafe" in note
    assert "pulumi config set retainRouteResources true" in note
    (done,) = notes(
        capsys,
        "dev",
        "--set",
        "retainRouteResources=true",
        "--compare",
        "apiDefinition=openapi",
        "retainRouteResources=false",
    )
    assert "drops them from the state" in done


def test_switching_prod_to_resources_says_to_clear_the_imported_routes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (note,) = notes(capsys, "prod", "--compare", "apiDefinition=resources")
    assert "pulumi config set clearImportedRoutes true" in note
    cleared = notes(
        capsys, "prod", "--compare", "apiDefinition=resources", "clearImportedRoutes=true"
    )
    assert cleared == []


def test_a_link_switch_has_no_notes(capsys: pytest.CaptureFixture[str]) -> None:
    assert notes(capsys, "dev", "--compare", "activeVpcLink=main") == []
