"""The package's example programs (examples/yaml, examples/typescript, examples/python;
docs/package.md points at them) hold to the committed schema: every input they set is an input of
the schema, of its type, the required ones given; every output they read is an output. The
component's own checks accept their inputs too (package_adapter.to_args), so an example is a
valid API, not only well-typed. The compilers' and mypy's checks against the generated SDKs are
tests/cli/test_gen_sdk.py."""

import copy
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from pulumi.provider.experimental.component import ComponentProvider

from components import package_adapter
from components.package_component import PrivateRestApi
from tests.package import py_call
from tests.package.ts_literal import component_args
from tools import package_schema

PROJECT_DIR = package_schema.PROJECT_DIR
EXAMPLES = PROJECT_DIR / "examples"
YAML_PROGRAM = EXAMPLES / "yaml" / "Pulumi.yaml"
TS_PROGRAM = EXAMPLES / "typescript" / "index.ts"
PY_PROGRAM = EXAMPLES / "python" / "__main__.py"
DOC = PROJECT_DIR / "docs" / "package.md"
PROJECT_SCHEMA = PROJECT_DIR.parent / "shared" / "schemas" / "pulumi-project.schema.json"
COMPONENT = "private-api:index:PrivateRestApi"
SIMPLE = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean"}
# What `pulumi package add github.com/<org>/private-api/package@<tag>` records (v3.276.0's
# addPackageToMap: the string form, source@version, for a package without parameters).
PACKAGE_ENTRY = {"private-api": "github.com/your-org/private-api/package@v0.1.0"}


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


def input_problems(where: str, inputs: dict[str, Any]) -> list[str]:
    """Each way `inputs` is not a valid set of the component's inputs, by path."""
    schema = package_schema.schema()
    resource = schema["resources"][COMPONENT]
    checker = as_object(resource["inputProperties"], resource["requiredInputs"], schema["types"])
    return [
        f"{where}.{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(checker).iter_errors(inputs)
    ]


def output_problems(where: str, read: list[str]) -> list[str]:
    outputs = package_schema.schema()["resources"][COMPONENT]["properties"]
    return [f"{where}: the component has no output {name}" for name in read if name not in outputs]


def yaml_problems(program: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for name, declared in program["resources"].items():
        if declared["type"] == COMPONENT:
            found.extend(input_problems(name, declared["properties"]))
    for output, value in (program.get("outputs") or {}).items():
        for resource_name, prop in re.findall(r"\$\{(\w+)\.(\w+)\}", str(value)):
            if resource_name in program["resources"]:
                found.extend(output_problems(f"outputs.{output}", [prop]))
    return found


def enums() -> dict[str, dict[str, str]]:
    """Each enum type's SDK name to its members' names and values."""
    types = package_schema.schema()["types"]
    return {
        token.rsplit(":", 1)[1]: {m["name"]: m["value"] for m in declared["enum"]}
        for token, declared in types.items()
        if "enum" in declared
    }


def ts_problems(source: str) -> list[str]:
    found = input_problems("api", component_args(source, "PrivateRestApi", enums()))
    read = re.findall(r"^export const \w+ = api\.(\w+);$", source, flags=re.MULTILINE)
    return found + output_problems("exports", read)


def property_names() -> set[str]:
    """Every input name of the component and of its object types: the Python SDK's keywords."""
    schema = package_schema.schema()
    names = set(schema["resources"][COMPONENT]["inputProperties"])
    for declared in schema["types"].values():
        names.update(declared.get("properties", {}))
    return names


def py_problems(source: str) -> list[str]:
    args = py_call.component_args(source, "PrivateRestApi", enums(), property_names())
    found = input_problems("api", args)
    read = re.findall(r"^pulumi\.export\(\"\w+\", api\.(\w+)\)$", source, flags=re.MULTILINE)
    outputs = {
        py_call.snake(name): name
        for name in package_schema.schema()["resources"][COMPONENT]["properties"]
    }
    return found + output_problems("exports", [outputs.get(name, name) for name in read])


def yaml_program() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(YAML_PROGRAM.read_text(encoding="utf-8"))
    return loaded


def test_the_yaml_example_holds_to_the_schema() -> None:
    assert yaml_problems(yaml_program()) == []


def test_the_typescript_example_holds_to_the_schema() -> None:
    assert ts_problems(TS_PROGRAM.read_text(encoding="utf-8")) == []


def test_the_python_example_holds_to_the_schema() -> None:
    assert py_problems(PY_PROGRAM.read_text(encoding="utf-8")) == []


def test_the_examples_set_the_same_inputs() -> None:
    """One API, four languages: a change to one example is made to the others (Go's is compiled
    against the SDK, tests/cli/test_gen_sdk.py, not read here)."""
    (api,) = yaml_program()["resources"].values()
    ts = component_args(TS_PROGRAM.read_text(encoding="utf-8"), "PrivateRestApi", enums())
    py = py_call.component_args(
        PY_PROGRAM.read_text(encoding="utf-8"), "PrivateRestApi", enums(), property_names()
    )
    assert ts == api["properties"]
    assert py == api["properties"]


def test_the_component_accepts_the_examples_inputs() -> None:
    """The schema checks types; the component checks the API (links, routes, URIs) as Construct
    would, before any resource."""
    (api,) = yaml_program()["resources"].values()
    host = ComponentProvider([PrivateRestApi], "private-api")
    hosted = host.map_inputs(api["properties"], host._component_defs["PrivateRestApi"])
    args = package_adapter.to_args(hosted)
    assert sorted(args.vpc_links) == ["blue", "green"]


@pytest.mark.parametrize("project", ["yaml", "typescript", "go", "python"])
def test_the_projects_record_the_package_as_package_add_does(project: str) -> None:
    loaded = yaml.safe_load((EXAMPLES / project / "Pulumi.yaml").read_text(encoding="utf-8"))
    assert loaded["packages"] == PACKAGE_ENTRY
    if PROJECT_SCHEMA.is_file():
        jsonschema.validate(loaded, json.loads(PROJECT_SCHEMA.read_text()))


def test_the_page_points_at_every_example() -> None:
    page = DOC.read_text(encoding="utf-8")
    for path in (YAML_PROGRAM, TS_PROGRAM, EXAMPLES / "go" / "main.go", PY_PROGRAM):
        if path.exists():
            assert str(path.relative_to(PROJECT_DIR)) in page, path


def test_the_check_refuses_a_wrong_yaml_example() -> None:
    wrong = copy.deepcopy(yaml_program())
    properties = wrong["resources"]["api"]["properties"]
    properties["vpcLinks"]["blue"]["targetArn"] = 5
    properties["endpointType"] = "LOCAL"
    del properties["stageName"]
    wrong["outputs"]["invokeUrl"] = "${api.url}"
    assert len(yaml_problems(wrong)) == 4


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("stageName:", "stageNmae:", "Additional properties are not allowed ('stageNmae'"),
        ("tracingEnabled: true", 'tracingEnabled: "yes"', "api.tracingEnabled: 'yes' is not"),
        ("api.restApiId;", "api.restApi;", "exports: the component has no output restApi"),
    ],
)
def test_the_check_refuses_a_wrong_typescript_example(old: str, new: str, problem: str) -> None:
    source = TS_PROGRAM.read_text(encoding="utf-8")
    assert old in source
    found = ts_problems(source.replace(old, new, 1))
    assert len(found) >= 1
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    "new", ["privateApi.VpcLinkKind.V3", "`v2`", 'someFunction("v2")', '"v" + "2"']
)
def test_the_reader_refuses_what_it_does_not_know(new: str) -> None:
    source = TS_PROGRAM.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"\S"):
        component_args(
            source.replace("privateApi.VpcLinkKind.V2", new, 1), "PrivateRestApi", enums()
        )


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("stage_name=", "stage_nmae=", "Additional properties are not allowed ('stage_nmae'"),
        ("tracing_enabled=True", 'tracing_enabled="yes"', "api.tracingEnabled: 'yes' is not"),
        ("api.rest_api_id)", "api.rest_api)", "exports: the component has no output rest_api"),
        ('method="GET"', 'method="GET", verb="GET"', "api.routes.0: Additional properties"),
    ],
)
def test_the_check_refuses_a_wrong_python_example(old: str, new: str, problem: str) -> None:
    source = PY_PROGRAM.read_text(encoding="utf-8")
    assert old in source
    found = py_problems(source.replace(old, new, 1))
    assert any(problem in p for p in found), found


@pytest.mark.parametrize(
    "new",
    ["private_api.VpcLinkKind.V3", 'f"v{2}"', 'some_function("v2")', '"v" + "2"', "kind"],
)
def test_the_python_reader_refuses_what_it_does_not_know(new: str) -> None:
    source = PY_PROGRAM.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"\S"):
        py_call.component_args(
            source.replace("private_api.VpcLinkKind.V2", new, 1),
            "PrivateRestApi",
            enums(),
            property_names(),
        )
