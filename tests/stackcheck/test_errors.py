"""Everything that makes the stack check exit 2: a message naming the file or key, no traceback.

Exit 1 means "a mandatory violation", so no failure of ours may ever end in 1 (an uncaught
exception's status): bad policy pack configs, a pack that fails, the program's config errors,
stack files the CLI would refuse, and secrets the check cannot decrypt.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.program.test_config_errors import ACCEPTED, CASES
from tests.stackcheck.conftest import (
    DEV_STACK,
    FIXTURES,
    PROJECT_DIR,
    WriteProject,
    run_cli,
    run_main,
)
from tools import stackcheck


def check_fails(
    capsys: pytest.CaptureFixture[str], *args: str, project_dir: Path = PROJECT_DIR
) -> str:
    """Run the check through main(); it must exit 2 and print one message, no traceback."""
    code = stackcheck.main(list(args), project_dir=project_dir)
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert out == ""
    assert err.startswith("error: ")
    assert "Traceback" not in err
    return err


# --- Item 1: the policy pack config file, and the pack itself ---------------------------------


BAD_POLICY_CONFIGS = {
    "not JSON": ("{nope", "is not valid JSON"),
    "not an object": ("[1, 2]", "must be a JSON object keyed by policy name"),
    "unknown level for all": ('{"all": "bogus"}', "'bogus' is not a valid enforcement level"),
    "unknown level for a rule": (
        '{"vpc-link-targets-nlb": {"enforcementLevel": "fatal"}}',
        "'fatal' is not a valid enforcement level",
    ),
    "setting of the wrong type": (
        '{"integration-timeout-within-limit": {"maxTimeoutMs": "soon"}}',
        "integration-timeout-within-limit: maxTimeoutMs: 'soon' is not of type 'integer'",
    ),
}


@pytest.mark.parametrize(
    ("text", "problem"), BAD_POLICY_CONFIGS.values(), ids=BAD_POLICY_CONFIGS.keys()
)
def test_bad_policy_pack_config_exits_2_naming_the_file_and_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, problem: str
) -> None:
    config = tmp_path / "pack-config.json"
    config.write_text(text)
    err = check_fails(capsys, "dev", "--policy-pack-config", str(config))
    assert f"policy pack config {config}" in err
    assert problem in err


def test_a_bad_policy_pack_config_is_reported_before_a_program_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The pack config is checked first: its error, not the program's, is the one reported."""
    config = tmp_path / "pack-config.json"
    config.write_text('{"integration-timeout-within-limit": {"maxTimeoutMs": "soon"}}')
    err = check_fails(capsys, "dev", "--set", "timeoutMs=10", "--policy-pack-config", str(config))
    assert "maxTimeoutMs: 'soon' is not of type 'integer'" in err
    assert "timeoutMs:" not in err.replace("maxTimeoutMs", "")


def test_bad_policy_pack_config_through_the_command(tmp_path: Path) -> None:
    config = tmp_path / "pack-config.json"
    config.write_text('{"all": "bogus"}')
    result = run_cli("dev", "--policy-pack-config", str(config))
    assert result.returncode == 2, result.stderr
    assert f"policy pack config {config}: " in result.stderr
    assert "'bogus' is not a valid enforcement level" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_pack_that_cannot_start_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (pack / "__main__.py").write_text("raise RuntimeError('this pack does not start')\n")
    monkeypatch.setattr(stackcheck, "PACK_DIR", pack)
    err = check_fails(capsys, "dev")
    assert f"the policy pack in {pack} failed: " in err
    assert "RuntimeError: this pack does not start" in err


def test_a_pack_whose_rule_raises_exits_2_naming_the_call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, write_project: WriteProject
) -> None:
    """An RPC error (the pack's rule raised) is the pack's failure, not a violation."""
    monkeypatch.setattr(stackcheck, "PACK_DIR", FIXTURES / "echo_pack")
    project = write_project(DEV_STACK, stack="broken")
    err = check_fails(capsys, "broken", project_dir=project)
    assert "echo_pack failed: Analyze failed: " in err
    assert "the echo pack was told to break" in err


# --- Item 6: the program's config errors, through the stack check ---------------------------


def sets(overrides: dict[str, Any]) -> list[str]:
    """The overrides as --set arguments (JSON is YAML, so each value reads back as written)."""
    args = []
    for key, value in overrides.items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    return args


@pytest.mark.parametrize(("overrides", "key", "fix"), CASES.values(), ids=CASES.keys())
def test_program_config_errors_exit_2_with_the_programs_message(
    capsys: pytest.CaptureFixture[str], overrides: dict[str, Any], key: str, fix: str
) -> None:
    err = check_fails(capsys, "prod", *sets(overrides))
    assert "Invalid stack configuration" in err
    assert key in err
    assert fix in err


@pytest.mark.parametrize("overrides", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_the_last_value_accepted_at_each_edge_passes_the_stack_check(
    capsys: pytest.CaptureFixture[str], overrides: dict[str, Any]
) -> None:
    """The other side of every edge: the check runs the stack to the end, exit 0."""
    code = stackcheck.main(["prod", *sets(overrides)], project_dir=PROJECT_DIR)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Invalid stack configuration" not in err


def test_program_config_error_through_the_command() -> None:
    result = run_cli("prod", "--set", "activeVpcLink=purple", "--set", "timeoutMs=10")
    assert result.returncode == 2
    assert "private-api:activeVpcLink: " in result.stderr
    assert "private-api:timeoutMs: " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


STACK_FILE_ERRORS = {
    "three-part key": (
        "  private-api:links:main: x\n",
        "could not parse private-api:links:main as a configuration key",
    ),
    "wrong-typed value": (
        "  private-api:timeoutMs: soon\n",
        "Stack 'test' with configuration key 'timeoutMs' must be of type 'integer'",
    ),
    "wrong-typed structure": (
        "  private-api:routes: {path: /}\n",
        "Stack 'test' with configuration key 'routes' must be of type 'array<object>'",
    ),
    "repeated key": (
        "  private-api:activeVpcLink: main\n",
        'mapping key "private-api:activeVpcLink" already defined at line 8',
    ),
}


@pytest.mark.parametrize(
    ("line", "message"), STACK_FILE_ERRORS.values(), ids=STACK_FILE_ERRORS.keys()
)
def test_stack_files_the_cli_refuses_exit_2_with_its_message(
    capsys: pytest.CaptureFixture[str], write_project: WriteProject, line: str, message: str
) -> None:
    project = write_project(DEV_STACK + line)
    err = check_fails(capsys, "test", project_dir=project)
    assert message in err


# --- Item 4: secrets the check cannot decrypt ---------------------------------------------------

SECURE_URI = "  private-api:integrationUri:\n    secure: v1:c2VjcmV0IGNpcGhlcg==:AAABBB\n"


def test_a_program_failing_on_a_secret_says_which_key_and_how_to_stand_in(
    capsys: pytest.CaptureFixture[str], write_project: WriteProject
) -> None:
    stack = DEV_STACK.replace("  private-api:integrationUri: http://myapi.example.com\n", "")
    project = write_project(stack + SECURE_URI)
    err = check_fails(capsys, "test", project_dir=project)
    # The program's own message first, then the note.
    assert "private-api:integrationUri: '[secret]' is not an http(s) URL" in err
    assert "note: private-api:integrationUri is encrypted (secure:) in Pulumi.test.yaml" in err
    assert "--set private-api:integrationUri=VALUE" in err
    assert "c2VjcmV0IGNpcGhlcg" not in err


def test_a_stand_in_for_the_secret_lets_the_check_run(
    capsys: pytest.CaptureFixture[str], write_project: WriteProject
) -> None:
    stack = DEV_STACK.replace("  private-api:integrationUri: http://myapi.example.com\n", "")
    project = write_project(stack + SECURE_URI)
    code = stackcheck.main(
        ["test", "--set", "integrationUri=http://stand-in.example.com"], project_dir=project
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "c2VjcmV0IGNpcGhlcg" not in out + err


def test_no_note_when_the_stack_has_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    err = check_fails(capsys, "dev", "--set", "timeoutMs=10")
    assert "note:" not in err


def test_an_exceeded_adjustable_quota_is_a_warning_and_the_check_passes() -> None:
    """Authorizers per API is 10 unless raised: the stack builds, the warning names the quota."""
    lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:authorize"
    authorizers = {f"a{i}": {"type": "TOKEN", "functionArn": lambda_arn} for i in range(11)}
    code, _, err = run_main("prod", "--set", f"authorizers={json.dumps(authorizers)}")
    assert code == 0, err
    assert "private-api:authorizers: 11 authorizers exceed API Gateway's quota" in err
    assert "'Authorizers per API' (10 by default)" in err
