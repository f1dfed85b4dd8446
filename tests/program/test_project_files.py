"""Pulumi.yaml and the stack files, as the real CLI reads them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from config_keys import KEYS
from tests.program.harness import PROJECT_DIR
from tools import goyaml, stackfiles, stackproject

SCHEMA = PROJECT_DIR.parent / "shared" / "schemas" / "pulumi-project.schema.json"


def project() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_DIR / "Pulumi.yaml").read_text())
    return loaded


@pytest.mark.skipif(not SCHEMA.is_file(), reason="the engine's project schema is in ../shared")
def test_pulumi_yaml_follows_the_engines_schema() -> None:
    jsonschema.validate(project(), json.loads(SCHEMA.read_text()))


def test_runtime_makes_the_cli_use_a_virtualenv_from_requirements() -> None:
    runtime = project()["runtime"]
    assert runtime["name"] == "python"
    assert runtime["options"]["virtualenv"] == "venv"
    assert runtime["options"].get("toolchain", "pip") == "pip"
    assert (PROJECT_DIR / "requirements.txt").is_file()


def test_every_key_the_program_reads_is_declared_with_the_same_type_and_default() -> None:
    """Optional keys without a default stay undeclared: the CLI requires a declared key that
    has no default (config_keys.py)."""
    declared = project()["config"]
    keys = {name: key for name, key in KEYS.items() if not key.optional}
    assert set(declared) == set(keys)
    for name, key in keys.items():
        decl = declared[name]
        assert decl["type"] == key.type, name
        assert decl.get("description"), name
        assert decl["description"] == key.meaning, name
        if key.required:
            assert "default" not in decl, f"{name} is required, so it has no default"
        else:
            assert decl["default"] == key.default, name


def declared_schema(decl: dict[str, Any]) -> dict[str, Any]:
    """A JSON schema for a declared config type, written from the CLI's rules, not the loader's."""
    schema: dict[str, Any] = {"type": decl["type"]}
    if decl["type"] == "array":
        schema["items"] = declared_schema(decl["items"])
    return schema


def test_defaults_have_their_declared_types() -> None:
    """The CLI refuses a project whose default does not match its type."""
    config = goyaml.load_yaml((PROJECT_DIR / "Pulumi.yaml").read_text())["config"]
    for name, decl in config.items():
        if "default" in decl:
            validator = jsonschema.Draft7Validator(declared_schema(decl))
            errors = [e.message for e in validator.iter_errors(decl["default"])]
            assert not errors, f"{name}: {errors}"


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_files_use_namespaced_keys_only(stack: str) -> None:
    config = yaml.safe_load((PROJECT_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    for key in config:
        namespace, _, name = key.partition(":")
        assert name, f"{key} is not namespaced"
        if namespace == "private-api":
            assert name in KEYS, key


def test_prod_sets_the_region_and_dev_leaves_it_to_the_environment() -> None:
    assert stackfiles.load(PROJECT_DIR, "prod").values["aws:region"] == "us-east-1"
    assert "aws:region" not in stackfiles.load(PROJECT_DIR, "dev").values


def test_loader_passes_values_the_way_the_cli_does() -> None:
    config = stackfiles.load(PROJECT_DIR, "prod")
    values = config.values
    assert values["private-api:activeVpcLink"] == "blue"
    assert values["private-api:timeoutMs"] == "29000"  # a project default, as a string
    assert values["private-api:tracingEnabled"] == "true"
    assert json.loads(values["private-api:vpcLinks"])["green"]["targetArn"].endswith(
        "8c9d0e1f2a3b4c5d"
    )
    assert json.loads(values["private-api:canary"]) == {}


def write_project(tmp_path: Path, stack_config_text: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    (tmp_path / "Pulumi.test.yaml").write_text(stack_config_text)
    return tmp_path


def test_loader_reads_an_unnamespaced_key_as_the_projects_like_the_cli(tmp_path: Path) -> None:
    """CLI v3.276.0 rewrites `activeVpcLink` to `private-api:activeVpcLink` (tests/cli)."""
    project_dir = write_project(tmp_path, "config:\n  activeVpcLink: blue\n")
    with pytest.raises(stackproject.StackFileError) as caught:
        stackfiles.load(project_dir, "test")
    assert str(caught.value).endswith("values 'integrationUri' and 'vpcLinks'")


def test_loader_reports_missing_required_keys_like_the_cli(tmp_path: Path) -> None:
    project_dir = write_project(tmp_path, "config:\n  private-api:activeVpcLink: blue\n")
    with pytest.raises(stackproject.StackFileError) as caught:
        stackfiles.load(project_dir, "test")
    assert str(caught.value) == (
        "Stack 'test' is missing configuration values 'integrationUri' and 'vpcLinks'"
    )


@pytest.mark.parametrize(
    ("line", "type_name"),
    [
        ("private-api:timeoutMs: soon", "integer"),
        ("private-api:allowLongTimeout: maybe", "boolean"),
        ("private-api:vpcLinks: blue", "object"),
        ("private-api:routes: {path: /}", "array<object>"),
    ],
)
def test_loader_checks_declared_types_like_the_cli(
    tmp_path: Path, line: str, type_name: str
) -> None:
    stack = yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())
    stack["config"].update(yaml.safe_load(line))
    project_dir = write_project(tmp_path, yaml.safe_dump(stack))
    key = line.split(":")[1]
    with pytest.raises(stackproject.StackFileError) as caught:
        stackfiles.load(project_dir, "test")
    assert f"configuration key '{key}' must be of type '{type_name}'" in str(caught.value)


def test_secure_values_become_secret_placeholders(tmp_path: Path) -> None:
    base = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    body = base + "  private-api:webAclArn:\n    secure: v1:abc:def\n"
    config = stackfiles.load(write_project(tmp_path, body), "test")
    assert config.values["private-api:webAclArn"] == stackfiles.SECRET_PLACEHOLDER
    assert config.secret_keys == ("private-api:webAclArn",)
    assert "v1:abc:def" not in json.dumps(config.values)


def test_unknown_stack_names_the_stacks_there_are() -> None:
    # A name no stack can have (Pulumi's allow no spaces), so adding a stack never breaks this.
    shipped = sorted(
        p.name[len("Pulumi.") : -len(".yaml")] for p in PROJECT_DIR.glob("Pulumi.*.yaml")
    )
    assert len(shipped) > 1
    with pytest.raises(stackproject.StackFileError) as caught:
        stackfiles.load(PROJECT_DIR, "no such stack")
    assert str(caught.value) == (
        "no stack named 'no such stack' (no Pulumi.no such stack.yaml); "
        f"stacks: {', '.join(shipped)}"
    )
