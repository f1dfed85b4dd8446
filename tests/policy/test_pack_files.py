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

from tests.pack_client import PolicyPackClient, Resource
from tools.pack_config import PackInfo, PolicyInfo, load_policy_config, reconcile_policy_config

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"


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


def test_rule_names_are_kebab_case_unique_and_mandatory_ones_first() -> None:
    """Each rule's level is in its own module; the pack lists the mandatory ones first."""
    names = [p.name for p in rules.POLICIES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", n) for n in names)
    levels = [(p.enforcement_level or EnforcementLevel.ADVISORY).value for p in rules.POLICIES]
    assert levels == sorted(levels, key=lambda level: level != "mandatory")
    assert set(levels) == {"mandatory", "advisory"}
    assert dict(zip(names, levels, strict=True)) == rules.DEFAULT_LEVELS


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


def profile(name: str) -> dict[str, str]:
    """A profile's levels as the CLI reconciles them with the pack's defaults."""
    path = PACK_DIR / "config" / f"{name}.json"
    reconciled = reconcile_policy_config(pack_info(), load_policy_config(path))
    # No profile changes a setting: the pack's schemas hold the defaults, once.
    defaults = reconcile_policy_config(pack_info(), {})
    assert {n: c.properties for n, c in reconciled.items()} == {
        n: c.properties for n, c in defaults.items()
    }
    return {name: str(config.enforcement_level) for name, config in reconciled.items()}


@pytest.mark.parametrize("name", ["default", "strict", "prod"])
def test_profiles_restate_nothing_and_name_only_rules(name: str) -> None:
    """A profile holds its exceptions to the pack's defaults, never a copy of them: `all` is the
    CLI's key for every rule (pulumi/pulumi pkg/resource/analyzer/config.go, applyConfig)."""
    raw = json.loads((PACK_DIR / "config" / f"{name}.json").read_text())
    names = [p.name for p in rules.POLICIES]
    assert set(raw) <= {"all", *names}, "the CLI drops an entry naming no rule"
    given = {k: v for k, v in raw.items() if k != "all"}
    assert all(isinstance(v, str) for v in given.values()), "settings live in the rules' schemas"
    overridden = (
        {"all": raw["all"]} if "all" in raw else {n: rules.DEFAULT_LEVELS[n] for n in names}
    )
    assert all(overridden.get(k, rules.DEFAULT_LEVELS.get(k)) != v for k, v in given.items()), (
        "an entry that restates what the profile already gives"
    )


def test_the_profiles_levels() -> None:
    assert profile("default") == rules.DEFAULT_LEVELS
    assert set(profile("strict").values()) == {"mandatory"}
    # prod: strict, but keeps its V1 links without a mandatory finding.
    assert profile("prod") == {**profile("strict"), "vpc-link-v1-is-legacy": "disabled"}


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
