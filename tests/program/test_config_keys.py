"""The key table (config_keys.py) is the only place a key is declared: the files generated from
it are current, every args field follows from a key, and a key can be optional with no default."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import yaml

import config_keys
import stack_config
from components.args import PrivateRestApiArgs
from config_keys import KEYS, OPTIONAL, Key
from tests.program.harness import PROJECT_DIR
from tools import key_tables, stackfiles

DRILL = Key(
    "drillSeconds",
    "integer",
    default=OPTIONAL,
    field=None,
    meaning="A drill's length in seconds; unset, no drill.",
    doc="A drill's length in seconds; unset, no drill.",
)


@pytest.mark.parametrize("path", list(key_tables.TARGETS), ids=lambda path: path.name)
def test_generated_files_are_current(path: Any) -> None:
    """`make generate` leaves a clean checkout unchanged."""
    assert key_tables.TARGETS[path](path.read_text()) == path.read_text(), (
        f"{path.name} is stale: run `make generate`"
    )


def test_a_stale_file_is_found_and_named(capsys: pytest.CaptureFixture[str]) -> None:
    keys = {**KEYS, DRILL.name: DRILL}
    text = (PROJECT_DIR / "docs" / "configuration.md").read_text()
    assert key_tables.configuration_md(text, keys) != text
    assert "| `drillSeconds` | unset | A drill's length" in key_tables.configuration_md(text, keys)
    assert key_tables.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_every_args_field_is_filled_by_exactly_one_key() -> None:
    """No hand-kept mapping: deleting a key's row, or adding a field without a key, fails here."""
    fields = {field.name for field in dataclasses.fields(PrivateRestApiArgs)}
    filled = [key.arg_field for key in KEYS.values() if key.arg_field is not None]
    assert sorted(filled) == sorted(set(filled)), "two keys fill one field"
    assert set(filled) == fields
    assert config_keys.ARG_FIELD_TO_KEY["openapi_document"] == "openApiFile"


def _field_default(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


#: Keys whose args field default differs from the key's, and why.
_OWN_FIELD_DEFAULT = {
    "routes": "[] in the stack file is the walkthrough's GET /, the field's default",
    "stageName": "empty in the stack file is the stack's name; the field is required",
}


def test_args_defaults_agree_with_the_table() -> None:
    """One range: a field's default is its key's ("" for unset is None on the field)."""
    fields = {field.name: field for field in dataclasses.fields(PrivateRestApiArgs)}
    for key in KEYS.values():
        if key.arg_field is None or not key.has_default or key.name in _OWN_FIELD_DEFAULT:
            continue
        field = fields[key.arg_field]
        default = _field_default(field)
        assert default is not dataclasses.MISSING, f"{key.name} has a default, {field.name} not"
        if isinstance(default, tuple):
            default = list(default)
        if key.default == "" and default is None:
            continue
        if key.type == "object" and default is None:
            continue  # canary {} is no canary
        assert default == key.default, key.name


def test_enums_come_from_the_table_in_any_case() -> None:
    for key in KEYS.values():
        for value in key.allowed:
            assert value.upper() in {v.upper() for v in key.allowed}
    values = stackfiles.load(PROJECT_DIR, "prod").values
    args = stack_config.parse(
        {**values, "private-api:apiDefinition": "RESOURCES", "private-api:endpointType": "edge"},
        stack="prod",
    )
    assert (args.api_definition, args.endpoint_type) == ("resources", "EDGE")


def test_an_optional_key_is_left_out_of_pulumi_yaml_and_named_in_its_comment() -> None:
    keys = {**KEYS, DRILL.name: DRILL}
    block = key_tables.config_block(keys)
    assert "drillSeconds:" not in block
    assert "# Optional without a default, so not declared here: drillSeconds." in block
    declared = yaml.safe_load(block)["config"]
    assert set(declared) == set(KEYS)


def test_an_optional_key_without_a_default_reads_as_unset_or_its_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The program sees None when the stack file leaves it out, and checks its type when set."""
    monkeypatch.setitem(KEYS, DRILL.name, DRILL)
    values = stackfiles.load(PROJECT_DIR, "prod").values
    decoded: dict[str, Any] = {}
    original = stack_config._decode

    def spy(*args: Any) -> dict[str, Any]:
        decoded.update(original(*args))
        return decoded

    monkeypatch.setattr(stack_config, "_decode", spy)
    stack_config.parse(values, stack="prod")
    assert decoded["drillSeconds"] is None
    stack_config.parse({**values, DRILL.full: "90"}, stack="prod")
    assert decoded["drillSeconds"] == 90
    with pytest.raises(stack_config.ConfigError) as caught:
        stack_config.parse({**values, DRILL.full: "soon"}, stack="prod")
    assert str(caught.value) == (
        "Invalid stack configuration: private-api:drillSeconds: must be a whole number, not 'soon'."
    )


def test_a_required_key_left_out_is_named() -> None:
    values = stackfiles.load(PROJECT_DIR, "prod").values
    values = {k: v for k, v in values.items() if k != "private-api:integrationUri"}
    with pytest.raises(stack_config.ConfigError, match="private-api:integrationUri: is required"):
        stack_config.parse(values, stack="prod")


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "float"},
        {"type": "array"},
        {"type": "string", "items": "string"},
        {"type": "string", "meaning": "two\nlines"},
    ],
)
def test_a_malformed_row_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="zKey"):
        Key("zKey", **{"meaning": "m", **bad})


def test_defaults_render_as_the_json_yaml_reads_back() -> None:
    declared = yaml.safe_load(key_tables.config_block(KEYS))["config"]
    assert declared["loggingLevel"]["default"] == "OFF"  # not YAML 1.1's false
    assert json.dumps(declared["canary"]["default"]) == "{}"
