"""The package's documented example (docs/package.md) holds to the committed schema: its inputs
are inputs of the schema, of their types, the required ones given; its outputs are outputs."""

import copy
import re
from typing import Any

import jsonschema
import pytest
import yaml

from tools import package_schema

DOC = package_schema.PROJECT_DIR / "docs" / "package.md"
COMPONENT = "private-api:index:PrivateRestApi"
SIMPLE = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}


def as_json_schema(prop: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """A Pulumi schema property as JSON Schema: what a value of it may be."""
    ref = prop.get("$ref")
    if ref == "pulumi.json#/Any":
        return {}
    if ref is not None:
        declared = types[ref.removeprefix("#/types/")]
        if "enum" in declared:
            return {"enum": [member["value"] for member in declared["enum"]]}
        return as_object(declared["properties"], declared.get("required", []), types)
    if prop["type"] == "array":
        return {"type": "array", "items": as_json_schema(prop["items"], types)}
    if prop["type"] == "object":
        return {
            "type": "object",
            "additionalProperties": as_json_schema(prop["additionalProperties"], types),
        }
    return {"type": SIMPLE[prop["type"]]}


def as_object(
    properties: dict[str, Any], required: list[str], types: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {name: as_json_schema(p, types) for name, p in properties.items()},
        "required": required,
        "additionalProperties": False,
    }


def examples() -> list[dict[str, Any]]:
    """The YAML programs of the page that use the component."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    found = [yaml.safe_load(block) for block in blocks]
    return [p for p in found if COMPONENT in str(p)]


def problems(program: dict[str, Any]) -> list[str]:
    schema = package_schema.schema()
    resource = schema["resources"][COMPONENT]
    inputs = as_object(resource["inputProperties"], resource["requiredInputs"], schema["types"])
    found: list[str] = []
    for name, declared in program["resources"].items():
        if declared["type"] != COMPONENT:
            continue
        found.extend(
            f"{name}.{'.'.join(map(str, e.absolute_path))}: {e.message}"
            for e in jsonschema.Draft202012Validator(inputs).iter_errors(declared["properties"])
        )
    for output, value in (program.get("outputs") or {}).items():
        for resource_name, prop in re.findall(r"\$\{(\w+)\.(\w+)\}", str(value)):
            if resource_name in program["resources"] and prop not in resource["properties"]:
                found.append(f"outputs.{output}: {resource_name} has no output {prop}")
    return found


def test_the_page_has_an_example() -> None:
    assert len(examples()) == 1


@pytest.mark.parametrize("program", examples())
def test_the_example_holds_to_the_schema(program: dict[str, Any]) -> None:
    assert problems(program) == []


def test_the_check_refuses_a_wrong_example() -> None:
    (program,) = examples()
    wrong = copy.deepcopy(program)
    wrong["resources"]["api"]["properties"]["vpcLinks"]["blue"]["targetArn"] = 5
    wrong["resources"]["api"]["properties"]["endpointType"] = "LOCAL"
    del wrong["resources"]["api"]["properties"]["stageName"]
    wrong["outputs"]["invokeUrl"] = "${api.url}"
    assert len(problems(wrong)) == 4
