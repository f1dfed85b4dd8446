"""The pack's files: project file, entry point, config profiles and README agree with the rules."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import rules
import yaml
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from tools.policy_client import (
    PackInfo,
    PolicyInfo,
    load_policy_config,
    reconcile_policy_config,
)

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
MANDATORY = [
    "private-integration-uses-vpc-link",
    "vpc-link-connection-id-uses-stage-variable",
    "vpc-link-targets-nlb",
    "vpc-link-target-unique",
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


def test_the_project_file_runs_python_from_a_venv_of_requirements() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv"},
    }
    assert project["description"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])
    requirements = (PACK_DIR / "requirements.txt").read_text()
    assert re.search(r"^pulumi>=", requirements, re.M)
    assert re.search(r"^pulumi-policy>=", requirements, re.M)


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
