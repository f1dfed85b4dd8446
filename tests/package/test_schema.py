"""The package's schema: generated without the CLI, committed, and valid for Pulumi."""

import json
import re
from typing import Any

import jsonschema
import pytest

from tools import package_schema

METASCHEMA = package_schema.PROJECT_DIR / "package" / "metaschema" / "pulumi.json"
COMPONENT = "private-api:index:PrivateRestApi"


def metaschema() -> dict[str, Any]:
    """Pulumi's metaschema, its Go named groups `(?<name>` in Python's spelling (README.md)."""
    text = re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", METASCHEMA.read_text(encoding="utf-8"))
    document: dict[str, Any] = json.loads(text)
    return document


def problems(schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(metaschema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(schema)]


def test_the_committed_schema_is_what_the_analyzer_infers() -> None:
    assert package_schema.SCHEMA_JSON.read_text(encoding="utf-8") == package_schema.text(), (
        "package/schema.json is stale: run `make generate` and commit it"
    )


def test_the_schema_is_valid_against_pulumis_metaschema() -> None:
    assert problems(package_schema.schema()) == []


def test_the_metaschema_refuses_what_pulumi_would() -> None:
    """The check can fail: a null enum description (what a member without a docstring gives)."""
    schema = package_schema.schema()
    schema["types"]["private-api:index:EndpointType"]["enum"][0]["description"] = None
    assert problems(schema)


def test_the_schema_documents_every_input_and_marks_only_the_required_ones() -> None:
    resource = package_schema.schema()["resources"][COMPONENT]
    assert resource["isComponent"] is True
    assert sorted(resource["requiredInputs"]) == [
        "activeVpcLink",
        "integrationUri",
        "stageName",
        "vpcLinks",
    ]
    undocumented = [n for n, p in resource["inputProperties"].items() if not p.get("description")]
    assert undocumented == []


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("EndpointType", ["REGIONAL", "EDGE", "PRIVATE"]),
        ("VpcLinkKind", ["v1", "v2"]),
        ("Authorization", ["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]),
    ],
)
def test_enums_are_schema_enums(name: str, values: list[str]) -> None:
    enum = package_schema.schema()["types"][f"private-api:index:{name}"]
    assert [member["value"] for member in enum["enum"]] == values
