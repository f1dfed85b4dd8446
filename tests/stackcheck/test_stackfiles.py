"""The loader against the Pulumi CLI: its YAML library (gopkg.in/yaml.v3) and its config rules.

Expected values come from the CLI's Go source (pulumi/pulumi sdk/go/common/workspace/project.go,
config.go; sdk/go/common/resource/config/key.go, value.go) and yaml.v3 (resolve.go, decode.go),
not from this implementation.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.stackcheck.conftest import DEV_STACK, PROJECT_DIR, WriteProject
from tools import evaluation, goyaml, stackcheck, stackfiles, stackproject

# --- YAML: what yaml.v3 decodes an unquoted scalar to (into Go's interface{}) -------------------

RESOLVED: dict[str, Any] = {
    # YAML 1.1 booleans are strings in YAML 1.2 and for yaml.v3 (PyYAML: booleans).
    "OFF": "OFF",
    "off": "off",
    "On": "On",
    "yes": "yes",
    "No": "No",
    "y": "y",
    "n": "n",
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "FALSE": False,
    "tRUE": "tRUE",
    # Nulls.
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "nULL": "nULL",
    # Integers: Go's syntax once every `_` is dropped, 010 still octal (resolve.go says so).
    "42": 42,
    "-7": -7,
    "+3": 3,
    "0": 0,
    "010": 8,
    "0o17": 15,
    "0x1F": 31,
    "-0x10": -16,
    "0b101": 5,
    "1_000": 1000,
    "9223372036854775807": 2**63 - 1,
    "18446744073709551615": 2**64 - 1,  # uint64
    # Floats: the YAML 1.2 forms; what fails as an int but matches them.
    "1.5": 1.5,
    ".5": 0.5,
    "1e3": 1000.0,
    "1.": 1.0,
    "08": 8.0,  # not octal, so ParseFloat reads it
    "18446744073709551616": 2.0**64,
    ".inf": math.inf,
    "-.Inf": -math.inf,
    # No sexagesimal, no YAML 1.1 oddities: strings.
    "12:30": "12:30",
    "1:30:00": "1:30:00",
    "0x": "0x",
    "1e400": "1e400",  # out of range for ParseFloat: a string
    ".": ".",
    "Infinity": "Infinity",
    "1_000.5": 1000.5,
    # Timestamps: a Go time, which Go's JSON writes as RFC 3339.
    "2024-01-02": "2024-01-02T00:00:00Z",
    "2024-1-2": "2024-01-02T00:00:00Z",
    "2001-12-14t21:59:43.10-05:00": "2001-12-14T21:59:43.1-05:00",
    "2001-12-14T21:59:43Z": "2001-12-14T21:59:43Z",
    "2002-12-14 21:59:43.000000001": "2002-12-14T21:59:43.000000001Z",
    "2024-13-01": "2024-13-01",
    "2023-02-29": "2023-02-29",
    "2024-02-29": "2024-02-29T00:00:00Z",
    "2024-01-02T10:00:00": "2024-01-02T10:00:00",  # T needs a zone
}


@pytest.mark.parametrize(("text", "value"), RESOLVED.items(), ids=RESOLVED.keys())
def test_unquoted_scalars_resolve_as_yaml_v3_resolves_them(text: str, value: Any) -> None:
    loaded = goyaml.load_yaml(f"value: {text}\n")["value"]
    assert loaded == value
    assert type(loaded) is type(value) or isinstance(loaded, goyaml.GoTime)


def test_quoted_scalars_stay_strings() -> None:
    assert goyaml.load_yaml("a: 'OFF'\nb: \"010\"\nc: !!str true\n") == {
        "a": "OFF",
        "b": "010",
        "c": "true",
    }


def test_a_date_default_is_a_time_not_a_string(tmp_path: Path) -> None:
    """The CLI refuses a date as a string key's default: yaml.v3 decoded it as a Go time."""
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nconfig:\n  d: {type: string, default: 2024-01-02}\n"
    )
    (tmp_path / "Pulumi.s.yaml").write_text("config: {}\n")
    with pytest.raises(stackproject.StackFileError, match="not of the expected type 'string'"):
        stackfiles.load(tmp_path, "s")


YAML_11_BOOLEANS = [
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
]


@given(st.sampled_from(YAML_11_BOOLEANS), st.sampled_from(["", "- ", "k: "]))
def test_yaml_11_booleans_are_never_booleans(word: str, prefix: str) -> None:
    loaded = goyaml.load_yaml(prefix + word)
    value = loaded if prefix == "" else (loaded[0] if prefix == "- " else loaded["k"])
    assert value == word


@given(st.integers(min_value=-(2**63), max_value=2**64 - 1))
def test_every_go_integer_reads_back(number: int) -> None:
    assert goyaml.load_yaml(str(number)) == number
    if number >= 0:
        assert goyaml.load_yaml(hex(number)) == number
        assert goyaml.load_yaml(f"0o{number:o}") == number


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back(number: float) -> None:
    text = repr(number)
    loaded = goyaml.load_yaml(text)
    assert loaded == number


def test_stack_file_scalars_reach_the_program_as_the_cli_writes_them(
    write_project: WriteProject,
) -> None:
    """CLI v3.276.0 resolves a stack-file scalar and writes numbers back as JSON (tests/cli)."""
    stack = DEV_STACK + (
        "  private-api:loggingLevel: OFF\n"
        "  private-api:logRetentionDays: 030\n"
        "  private-api:stageName: 'null'\n"
        "  private-api:webAclArn: ~\n"
        "  aws:region: us-east-1\n"
        "  other:flag: yes\n"
        "  other:ratio: 1.50\n"
    )
    values = stackfiles.load(write_project(stack), "test").values
    assert values["private-api:loggingLevel"] == "OFF"
    assert values["private-api:logRetentionDays"] == "24"  # octal, as yaml.v3 reads 030
    assert values["private-api:stageName"] == "null"
    assert values["private-api:webAclArn"] == ""
    assert values["other:flag"] == "yes"
    assert values["other:ratio"] == "1.5"


def test_logging_level_off_unquoted_passes_the_stack_check(
    capsys: pytest.CaptureFixture[str], write_project: WriteProject
) -> None:
    """With PyYAML, OFF became false and the program refused 'false' as a logging level."""
    project = write_project(DEV_STACK + "  private-api:loggingLevel: OFF\n")
    assert stackcheck.main(["test"], project_dir=project) == 0, capsys.readouterr().err


def test_set_reads_its_value_as_a_stack_file_would() -> None:
    assert evaluation.parse_assignment("loggingLevel=OFF") == ("loggingLevel", "OFF")
    assert evaluation.parse_assignment("timeoutMs=010") == ("timeoutMs", 8)
    assert evaluation.parse_assignment("stageName='x y'") == ("stageName", "x y")
    assert evaluation.parse_assignment("tags={a: on, b: 010}") == ("tags", {"a": "on", "b": 8})


def test_a_tab_inside_a_value_reaches_the_program_not_a_yaml_error(
    write_project: WriteProject, capsys: pytest.CaptureFixture[str]
) -> None:
    """YAML 1.2 (yaml.v3) reads a tab between a scalar's characters as part of it; PyYAML refuses
    it, which reported a tab in integrationUri as invalid YAML instead of the program's check."""
    uri = "https://orders.internal\t.example.com"
    assert evaluation.parse_assignment(f"integrationUri={uri}") == ("integrationUri", uri)
    assert goyaml.load_yaml("a: b\tc\nd:\n- e\tf\n") == {"a": "b\tc", "d": ["e\tf"]}
    with pytest.raises(yaml.YAMLError):
        goyaml.load_yaml("a:\n\tb: c\n")  # an indentation tab is still refused
    stack = DEV_STACK.replace(
        "private-api:integrationUri: ", "private-api:integrationUri: https://a\tb.example.com #"
    )
    assert stackcheck.main(["test"], project_dir=write_project(stack)) == 2
    err = capsys.readouterr().err
    assert "not valid YAML" not in err
    assert "'\\t' at position 10 must be percent-encoded (as %09)" in err


def test_structured_values_reach_the_program_as_go_writes_json(write_project: WriteProject) -> None:
    stack = DEV_STACK.replace(
        "    managed-by: pulumi\n",
        "    managed-by: pulumi\n    expires: 2025-01-31\n    enabled: on\n    ratio: 1.0\n",
    )
    tags = stackfiles.load(write_project(stack), "test").values["private-api:tags"]
    assert tags == (
        '{"enabled":"on","environment":"dev","expires":"2025-01-31 00:00:00 +0000 UTC",'
        '"managed-by":"pulumi","ratio":1}'
    )


GO_JSON = [
    ({"b": 1, "a": [True, None, "x"]}, '{"a":[true,null,"x"],"b":1}'),
    ([1.0, 1.5, -0.0, 100.0, 0.000001, 0.00001], "[1,1.5,-0,100,0.000001,0.00001]"),
    ([1e21, 1.5e21, 1e-7, 1.25e-7, 123456789e-20], "[1e+21,1.5e+21,1e-7,1.25e-7,1.23456789e-12]"),
    ([1e20, 2.0**64], "[100000000000000000000,18446744073709552000]"),
    (
        ["<a & b>", "\u2028", 'q"\\', "\n\t\x01", "é"],
        r'["\u003ca \u0026 b\u003e","\u2028","q\"\\","\n\t\u0001","é"]',
    ),
]


@pytest.mark.parametrize(("value", "text"), GO_JSON)
def test_go_json_writes_what_encoding_json_writes(value: Any, text: str) -> None:
    assert goyaml.go_json(value) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, {1: "a"}])
def test_go_json_fails_where_go_fails(value: Any) -> None:
    with pytest.raises(ValueError, match="json: unsupported"):
        goyaml.go_json(value)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def same(read: Any, value: Any) -> bool:
    """Equal as JSON values: Go writes a whole float without a fraction, so it reads back an int."""
    if isinstance(value, float):
        return isinstance(read, int | float) and float(read) == value
    if isinstance(value, dict):
        return read.keys() == value.keys() and all(same(read[k], v) for k, v in value.items())
    if isinstance(value, list):
        return len(read) == len(value) and all(same(r, v) for r, v in zip(read, value, strict=True))
    return bool(read == value and type(read) is type(value))


@given(json_values)
def test_go_json_is_json_with_the_same_values(value: Any) -> None:
    assert same(json.loads(goyaml.go_json(value)), value)


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != 0))
def test_go_floats_use_an_exponent_only_outside_1e_minus_6_to_1e21(number: float) -> None:
    text = goyaml.go_json(number)
    assert float(text) == number
    assert ("e" in text) == (abs(number) < 1e-6 or abs(number) >= 1e21)
    assert not text.endswith(".0")
    assert "e-0" not in text


# --- The CLI's config rules --------------------------------------------------------------------

PROJECT = "name: p\nruntime: python\nconfig:\n"


def load(write_project: WriteProject, project_config: str, stack_config: str = "") -> Any:
    project = write_project(
        "config:\n" + stack_config if stack_config else "config: {}\n",
        project_text=PROJECT + project_config,
    )
    return stackfiles.load(project, "test")


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("  a: {type: string}\n", "value 'a'"),
        ("  b: {type: string}\n  a: {type: string}\n", "values 'a' and 'b'"),
        (
            "  c: {type: string}\n  a: {type: string}\n  b: {type: string}\n",
            "values 'a', 'b' and 'c'",
        ),
        (
            "  d: {type: string}\n  c: {}\n  a: {type: string}\n  p:b: {type: string}\n",
            "values 'a', 'c', 'd' and 'p:b'",
        ),
    ],
)
def test_missing_keys_are_listed_as_the_cli_lists_them(
    write_project: WriteProject, declared: str, message: str
) -> None:
    with pytest.raises(stackproject.StackFileError) as caught:
        load(write_project, declared)
    assert str(caught.value) == f"Stack 'test' is missing configuration {message}"


#: (declaration, stack-file value, the type the CLI names): values the CLI refuses.
WRONG_TYPES = [
    (
        "{type: array, items: {type: array, items: {type: string}}}",
        "[[1]]",
        "array<array<string>>",
    ),
    ("{type: array, items: {type: integer}}", "[1.5]", "array<integer>"),
    ("{type: integer}", "9223372036854775808", "integer"),
    ("{type: object}", "[a]", "object"),
]


@pytest.mark.parametrize(("declared", "value", "type_name"), WRONG_TYPES)
def test_wrong_types_are_named_as_the_cli_names_them(
    write_project: WriteProject, declared: str, value: str, type_name: str
) -> None:
    with pytest.raises(stackproject.StackFileError) as caught:
        load(write_project, f"  k: {declared}\n", f"  p:k: {value}\n")
    assert (
        str(caught.value)
        == f"Stack 'test' with configuration key 'k' must be of type '{type_name}'"
    )


#: (declaration, stack-file value): values the CLI accepts.
RIGHT_TYPES = [
    ("{type: array, items: {type: array, items: {type: string}}}", "[[a, b], []]"),
    ("{type: array, items: {type: integer}}", "[1, 2.0, 0x10]"),
    ("{type: boolean}", "false"),
    ("{type: integer}", "-42"),
    ("{type: integer}", "'+7'"),
    ("{type: string}", "2024-01-02"),  # the CLI checks Time.String()'s text
    # The CLI checks what it decoded and wrote back: "true", "1000" (tests/cli shows it).
    ("{type: boolean}", "True"),
    ("{type: integer}", "1_000"),
    ("{type: integer}", "010"),
]


@pytest.mark.parametrize(("declared", "value"), RIGHT_TYPES)
def test_right_types_pass(write_project: WriteProject, declared: str, value: str) -> None:
    load(write_project, f"  k: {declared}\n", f"  p:k: {value}\n")


@pytest.mark.parametrize(
    ("key", "loaded_as"),
    [
        ("aws:region", "aws:region"),
        ("aws:config:region", "aws:region"),
        (":x", ":x"),
        ("region", "p:region"),  # the project's, as the CLI rewrites it
        ("a:config:", "a:"),
        (":config:x", ":x"),
    ],
)
def test_keys_parse_as_config_parse_key(
    write_project: WriteProject, key: str, loaded_as: str
) -> None:
    assert load(write_project, "", f"  {key}: v\n").values[loaded_as] == "v"


@pytest.mark.parametrize("key", ["a:b:c", "a:b:c:d", "::", "a:conf:b"])
def test_keys_the_cli_cannot_parse_are_refused(write_project: WriteProject, key: str) -> None:
    with pytest.raises(
        stackproject.StackFileError, match=f"could not parse {key} as a configuration key"
    ):
        load(write_project, "", f"  '{key}': v\n")


PROJECT_ERRORS = {
    "default and value": (
        "  k: {default: 1, value: 2}\n",
        "project config 'k' cannot have both a 'default' and 'value' attribute",
    ),
    "array without items": (
        "  k: {type: array}\n",
        "The configuration key 'k' declares an array but does not specify the underlying type "
        "via the 'items' attribute",
    ),
    "default of the wrong type": (
        "  k: {type: integer, default: soon}\n",
        "The default value specified for configuration key 'k' is not of the expected type "
        "'integer'",
    ),
    "nested default of the wrong type": (
        "  k: {type: array, items: {type: array, items: {type: integer}}, default: [[a]]}\n",
        "not of the expected type 'array<array<integer>>'",
    ),
    "typed key of another namespace": (
        "  aws:region: {type: string, value: x}\n",
        "Configuration key 'aws:region' is not namespaced by the project and should not define "
        "a type",
    ),
    "default for another namespace": (
        "  aws:region: {default: x}\n",
        "Did you mean to use the 'value' attribute instead of 'default'?",
    ),
    "another namespace without value": (
        "  aws:region: {description: x}\n",
        "Configuration key 'aws:region' is namespaced and must provide an attribute 'value'",
    ),
}


@pytest.mark.parametrize(
    ("declared", "message"), PROJECT_ERRORS.values(), ids=PROJECT_ERRORS.keys()
)
def test_projects_the_cli_refuses(write_project: WriteProject, declared: str, message: str) -> None:
    with pytest.raises(stackproject.StackFileError) as caught:
        load(write_project, declared)
    assert message in str(caught.value)


def test_defaults_reach_the_program_as_the_cli_writes_them(write_project: WriteProject) -> None:
    values = load(
        write_project,
        "  i: {type: integer, default: 010}\n"
        "  b: {type: boolean, default: true}\n"
        "  f: {default: 1.0}\n"
        "  s: {type: string, default: OFF}\n"
        "  o: {type: object, default: {x: 1_000}}\n"
        "  l: [1, two]\n"
        "  aws:region: us-west-2\n",
    ).values
    assert values == {
        "p:i": "8",
        "p:b": "true",
        "p:f": "1",
        "p:s": "OFF",
        "p:o": '{"x":1000}',
        "p:l": '[1,"two"]',
        "aws:region": "us-west-2",
    }


def test_secret_keys_must_be_encrypted(write_project: WriteProject) -> None:
    declared = "  token: {type: string, secret: true}\n"
    with pytest.raises(stackproject.StackFileError) as caught:
        load(write_project, declared, "  p:token: plain\n")
    assert str(caught.value) == (
        "Stack 'test' with configuration key 'token' must be encrypted as it's secret"
    )
    config = load(write_project, declared, "  p:token:\n    secure: v1:AAAA\n")
    assert config.values["p:token"] == stackfiles.SECRET_PLACEHOLDER
    assert config.secret_keys == ("p:token",)


def test_nested_secure_values_are_secret_and_hidden(write_project: WriteProject) -> None:
    config = load(write_project, "", "  p:db: {user: app, password: {secure: v1:CIPHER}}\n")
    assert json.loads(config.values["p:db"]) == {"user": "app", "password": "[secret]"}
    assert config.secret_keys == ("p:db",)
    assert "CIPHER" not in json.dumps(config.values)


def test_legacy_config_directory_moves_the_stack_files(tmp_path: Path) -> None:
    """`config: <dir>` in Pulumi.yaml is the old stackConfigDir (see the CLI's
    RewriteConfigPathIntoStackConfigDir)."""
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nconfig: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  p:x: 1\n")
    assert stackfiles.load(tmp_path, "dev").values == {"p:x": "1"}
    assert stackfiles.stack_names(tmp_path) == ["dev"]
    (tmp_path / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nconfig: stacks\nstackConfigDir: stacks\n"
    )
    with pytest.raises(
        stackproject.StackFileError, match="Should not use both config and stackConfigDir"
    ):
        stackfiles.load(tmp_path, "dev")


def test_stack_config_dir_is_followed(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: s\n")
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "Pulumi.prod.yaml").write_text("config:\n  p:x: y\n")
    assert stackfiles.load(tmp_path, "prod").values == {"p:x": "y"}


def test_shipped_project_loads_with_the_cli_loader_as_with_pyyaml_where_they_agree() -> None:
    """The shipped files use no construct where YAML 1.1 and yaml.v3 differ."""
    for name in ("Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"):
        text = (PROJECT_DIR / name).read_text()
        assert goyaml.load_yaml(text) == yaml.safe_load(text), name
