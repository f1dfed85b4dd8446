"""The pack's files: project file, entry point, config profiles and README agree with the rules."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest
import rules
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from tools.policy_client import (
    PackInfo,
    PolicyInfo,
    PolicyPackClient,
    Resource,
    load_policy_config,
    reconcile_policy_config,
)

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
MANDATORY = [
    "private-integration-uses-vpc-link",
    "vpc-link-connection-id-uses-stage-variable",
    "vpc-link-targets-nlb",
    "vpc-link-target-unique",
    "vpc-link-version-matches-target",
    "stage-defines-vpc-link-variable",
]


def pack_info() -> PackInfo:
    """What `GetAnalyzerInfo` would say, built from the rules module without a server."""
    policies = tuple(
        PolicyInfo(
            name=p.name,
            description=p.description,
            enforcement_level=(p.enforcement_level or EnforcementLevel.ADVISORY).value,
            policy_type="stack" if isinstance(p, StackValidationPolicy) else "resource",
            severity=p.severity.value if p.severity else "",
            config_schema=p.config_schema.properties if p.config_schema else {},
        )
        for p in rules.POLICIES
    )
    return PackInfo(rules.PACK_NAME, "0.0.1", rules.PACK_DESCRIPTION, True, policies)


def test_rule_names_are_kebab_case_unique_and_the_mandatory_five_are_mandatory() -> None:
    names = [p.name for p in rules.POLICIES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", n) for n in names)
    levels = {p.name: p.enforcement_level for p in rules.POLICIES}
    assert [n for n in names if levels[n] == EnforcementLevel.MANDATORY] == MANDATORY
    assert {levels[n] for n in names if n not in MANDATORY} == {EnforcementLevel.ADVISORY}
    assert {n: "mandatory" if n in MANDATORY else "advisory" for n in names} == rules.DEFAULT_LEVELS


def test_every_rule_has_a_sentence_and_a_reason() -> None:
    for policy in rules.POLICIES:
        assert policy.description.endswith("."), policy.name
        assert isinstance(policy, ResourceValidationPolicy | StackValidationPolicy)


POLICY_VENV_PYTHON = PACK_DIR / "venv" / "bin" / "python"


@pytest.mark.slow
def test_the_pack_runs_from_policy_venv_built_from_its_requirements_alone() -> None:
    """What the CLI runs: `policy/venv/bin/python` (PulumiPolicy.yaml's virtualenv), which
    `make policy-venv` builds from policy/requirements.txt, without the development venv."""
    if not POLICY_VENV_PYTHON.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("policy/venv is missing: CI builds it with `make policy-venv` first")
        pytest.skip("policy/venv is missing: run `make policy-venv`")
    settings = (PACK_DIR / "venv" / "pyvenv.cfg").read_text()
    assert re.search(r"^include-system-site-packages\s*=\s*false", settings, re.M), settings
    integration = Resource(
        "urn:pulumi:dev::shop::aws:apigateway/integration:Integration::partner",
        "aws:apigateway/integration:Integration",
        "partner",
        {"type": "HTTP", "uri": "https://partner.example.com/", "connectionId": "gim7c3"},
    )
    env = {"PULUMI_PROJECT": "shop", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true"}
    with PolicyPackClient.start(PACK_DIR, env=env) as pack:
        command = Path(f"/proc/{pack.pid}/cmdline").read_bytes().split(b"\0")
        assert command[0] == str(POLICY_VENV_PYTHON).encode()
        assert pack.python == str(POLICY_VENV_PYTHON)
        info = pack.get_info()
        found = pack.analyze(integration)
    assert info.name == rules.PACK_NAME
    assert [p.name for p in info.policies] == [p.name for p in rules.POLICIES]
    assert {(d.policy_name, d.enforcement_level) for d in found} == {
        ("private-integration-uses-vpc-link", "mandatory")
    }


def test_the_packs_requirements_are_capped_below_the_next_major() -> None:
    lines = [
        line.split("#")[0].strip()
        for line in (PACK_DIR / "requirements.txt").read_text().splitlines()
    ]
    requirements = [line for line in lines if line]
    names = [re.split(r"[<>=!~\[; ]", r, maxsplit=1)[0].lower() for r in requirements]
    assert sorted(names) == ["pulumi", "pulumi-policy", "pyyaml"]
    for requirement in requirements:
        bounds = re.fullmatch(r"[a-z-]+>=(\d+)\.[\d.]+,<(\d+)\.0\.0", requirement)
        assert bounds is not None, requirement
        assert int(bounds.group(2)) == int(bounds.group(1)) + 1, requirement


def test_the_entry_point_only_builds_the_pack() -> None:
    tree = ast.parse((PACK_DIR / "__main__.py").read_text())
    body = [n for n in tree.body if not isinstance(n, ast.Expr | ast.Import | ast.ImportFrom)]
    calls = [n for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert body == []
    assert len(calls) == 1
    call = calls[0].value
    assert isinstance(call, ast.Call)
    assert isinstance(call.func, ast.Name)
    assert call.func.id == "PolicyPack"
    keywords = {k.arg: k.value for k in call.keywords}
    assert isinstance(keywords["policies"], ast.Name)
    assert keywords["policies"].id == "POLICIES"
    assert {
        type(i).__name__ + ":" + (getattr(i, "module", None) or "") for i in tree.body[1:3]
    } == {
        "ImportFrom:pulumi_policy",
        "ImportFrom:rules",
    }


@pytest.mark.parametrize("profile", ["default", "strict"])
def test_config_profiles_name_every_rule_and_pass_the_clis_checks(profile: str) -> None:
    raw = json.loads((PACK_DIR / "config" / f"{profile}.json").read_text())
    assert list(raw) == [p.name for p in rules.POLICIES]
    reconciled = reconcile_policy_config(
        pack_info(), load_policy_config(PACK_DIR / "config" / f"{profile}.json")
    )
    levels = {name: config.enforcement_level for name, config in reconciled.items()}
    if profile == "strict":
        assert set(levels.values()) == {"mandatory"}
    else:
        assert levels == rules.DEFAULT_LEVELS
    defaults = reconcile_policy_config(pack_info(), {})
    assert {n: c.properties for n, c in reconciled.items()} == {
        n: c.properties for n, c in defaults.items()
    }


def test_the_readme_lists_every_rule_with_its_default_level() -> None:
    readme = (PACK_DIR / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| (mandatory|advisory) \|", readme, re.M))
    assert rows == rules.DEFAULT_LEVELS
    for setting in (
        "publicHosts",
        "stageVariable",
        "maxTimeoutMs",
        "publicPaths",
        "requireMetrics",
    ):
        assert f"`{setting}`" in readme
