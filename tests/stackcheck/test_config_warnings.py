"""Config that nothing reads: keys of another namespace (warnings), unknown policies (exit 2)."""

from __future__ import annotations

import ast
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from tests.stackcheck.conftest import run_cli, run_main
from tools import evaluation, stackcheck

PROVIDER_CONFIG: dict[str, Any] = json.loads(evaluation.PROVIDER_CONFIG.read_text())


def vars_module() -> Path:
    """pulumi_aws/config/vars.py of the installed SDK (read, not imported: it loads lazily)."""
    spec = importlib.util.find_spec("pulumi_aws")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "config" / "vars.py"


def keys_the_sdk_reads() -> set[str]:
    """Every key pulumi_aws's config module reads (`__config__.get*('key')`)."""
    tree = ast.parse(vars_module().read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr.startswith("get")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "__config__"
        ):
            (argument,) = node.args
            assert isinstance(argument, ast.Constant)
            assert isinstance(argument.value, str)
            found.add(argument.value)
    return found


def test_the_aws_keys_are_those_the_installed_provider_reads() -> None:
    assert set(PROVIDER_CONFIG["namespaces"]["aws"]) == keys_the_sdk_reads()
    assert len(keys_the_sdk_reads()) > 20  # the walk found the module's calls
    assert "pulumi_aws/config/vars.py" in PROVIDER_CONFIG["source"]


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[dict[str, Any], str]:
    code = stackcheck.main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document, err


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("aws:regon", "aws:region"),
        ("aws:skipCredentialValidation", "aws:skipCredentialsValidation"),
        ("privat-api:timeoutMs", "private-api:timeoutMs"),
        ("private_api:activeVpcLink", "private-api:activeVpcLink"),
    ],
)
def test_a_misspelt_key_of_another_namespace_is_a_warning_naming_the_key_meant(
    capsys: pytest.CaptureFixture[str], key: str, meant: str
) -> None:
    document, err = run_json(capsys, "dev", "--set", f"{key}=x")
    (warning,) = document["warnings"]
    assert warning.startswith(key)
    assert f"did you mean {meant}?" in warning
    assert err == f"warning: {warning}\n"


def test_a_namespace_nothing_resembles_is_still_named(capsys: pytest.CaptureFixture[str]) -> None:
    document, _ = run_json(capsys, "dev", "--set", "zzz:qqq=1")
    assert document["warnings"] == [
        "zzz:qqq: no provider of this project reads the namespace 'zzz'. Nothing reads it; fix "
        "or remove it in Pulumi.dev.yaml."
    ]


def test_keys_the_providers_and_the_cli_read_are_not_warned_about(
    capsys: pytest.CaptureFixture[str],
) -> None:
    document, err = run_json(
        capsys,
        "dev",
        "--set",
        "aws:region=us-east-1",
        "--set",
        "aws:s3UsePathStyle=true",
        "--set",
        "pulumi:tags={team: platform}",
    )
    assert document["warnings"] == []
    assert err == ""


def test_the_warning_through_the_command() -> None:
    result = run_cli("prod", "--set", "aws:regon=us-east-1")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: aws:regon is not a setting of the aws provider")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("entry", "nearest"),
    [
        ('{"vpc-link-target-unqiue": "advisory"}', "vpc-link-target-unique"),
        ('{"stage-has-waf": {"enforcementLevel": "disabled"}}', "stage-has-waf-web-acl"),
    ],
)
def test_a_pack_config_naming_no_policy_exits_2_naming_the_nearest(
    tmp_path: Path, entry: str, nearest: str
) -> None:
    config = tmp_path / "pack.json"
    config.write_text(entry)
    code, _, err = run_main("dev", "--policy-pack-config", str(config))
    assert code == 2, err
    name = next(iter(json.loads(entry)))
    assert f"policy pack config {config}: '{name}' is not a policy of the pack" in err
    assert f"did you mean '{nearest}'?" in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
