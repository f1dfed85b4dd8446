"""`python -m tools.stackcheck`: every stack through the real program and the real policy pack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.stackcheck.conftest import run_cli, run_main
from tools import stackcheck

PROJECT_DIR = Path(__file__).resolve().parents[2]
OTHER_PROGRAM = PROJECT_DIR / "tests" / "fixtures" / "other_program"
SHIPPED_STACKS = sorted(
    p.name[len("Pulumi.") : -len(".yaml")] for p in PROJECT_DIR.glob("Pulumi.*.yaml")
)


def check_json(
    capsys: pytest.CaptureFixture[str], *args: str, project_dir: Path = PROJECT_DIR
) -> tuple[int, dict[str, Any]]:
    code = stackcheck.main([*args, "--json"], project_dir=project_dir)
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return code, document


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_shipped_stacks_pass_with_no_mandatory_violation(stack: str) -> None:
    code, out, err = run_main(stack, "--json")
    assert code == 0, out + err
    document = json.loads(out)
    assert set(document) == {"stack", "resources", "violations", "warnings"}
    assert document["stack"] == stack
    assert document["warnings"] == []  # every key of the shipped stacks is read by something
    assert err == ""
    assert {"urn", "type", "name", "inputs"} == set(document["resources"][0])
    assert not [v for v in document["violations"] if v["enforcementLevel"] == "mandatory"]
    for violation in document["violations"]:
        assert set(violation) == {"policy", "enforcementLevel", "urn", "message"}


def test_prod_passes_the_strict_production_profile(capsys: pytest.CaptureFixture[str]) -> None:
    """prod's own profile is strict.json with vpc-link-v1-is-legacy off: prod keeps V1 links."""
    strict = PROJECT_DIR / "policy" / "config" / "strict.json"
    code, document = check_json(capsys, "prod", "--policy-pack-config", str(strict))
    assert code == 1
    assert {v["policy"] for v in document["violations"]} == {"vpc-link-v1-is-legacy"}
    own = PROJECT_DIR / "policy" / "config" / "prod.json"
    code, document = check_json(capsys, "prod", "--policy-pack-config", str(own))
    assert code == 0, document["violations"]
    assert document["violations"] == []


def test_dev_fails_the_strict_profile_on_what_prod_adds(capsys: pytest.CaptureFixture[str]) -> None:
    """The strict profile is not a no-op: dev (no logs, no WAF, no auth) violates it."""
    strict = PROJECT_DIR / "policy" / "config" / "strict.json"
    code, document = check_json(capsys, "dev", "--policy-pack-config", str(strict))
    assert code == 1
    assert {v["enforcementLevel"] for v in document["violations"]} == {"mandatory"}
    assert "method-requires-authorization" in {v["policy"] for v in document["violations"]}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ("activeVpcLink=green", "variables"),
        ("canary={vpcLink: green, percent: 10}", "canarySettings"),
    ],
)
def test_compare_on_prod_reports_only_the_stage(
    capsys: pytest.CaptureFixture[str], change: str, key: str
) -> None:
    code, document = check_json(capsys, "prod", "--compare", change)
    assert code == 0
    assert document["added"] == []
    assert document["removed"] == []
    assert len(document["changed"]) == 1
    (only,) = document["changed"]
    assert only["urn"].endswith("$aws:apigateway/stage:Stage::private-api-prod-stage")
    assert only["keys"] == [key]


def test_moving_the_canary_changes_only_the_stage(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = check_json(
        capsys,
        "prod",
        "--set",
        "canary={vpcLink: green, percent: 10}",
        "--compare",
        "canary={vpcLink: green, percent: 50}",
    )
    assert code == 0
    assert [(c["urn"].rsplit("::", 1)[1], c["keys"]) for c in document["changed"]] == [
        ("private-api-prod-stage", ["canarySettings"])
    ]


def test_compare_reports_added_resources(capsys: pytest.CaptureFixture[str]) -> None:
    routes = "[{path: /, method: GET}, {path: /orders, method: GET}]"
    _, document = check_json(capsys, "dev", "--compare", f"routes={routes}")
    added = {urn.rsplit("::", 1)[1] for urn in document["added"]}
    assert added == {
        "private-api-dev-resource-/orders",
        "private-api-dev-method-GET-/orders",
        "private-api-dev-integration-GET-/orders",
    }
    changed = {c["urn"].rsplit("::", 1)[1]: (c["op"], c["keys"]) for c in document["changed"]}
    assert changed == {
        "private-api-dev-deployment": ("replace", ["triggers"]),
        "private-api-dev-stage": ("update", ["deployment"]),  # moved to the new deployment
    }


VIOLATIONS = {
    "literal-connection-id": "vpc-link-connection-id-uses-stage-variable",
    "missing-stage-variable": "stage-defines-vpc-link-variable",
    "shared-nlb": "vpc-link-target-unique",
}


@pytest.mark.parametrize(("stack", "rule"), VIOLATIONS.items(), ids=VIOLATIONS.keys())
def test_violating_programs_exit_1_naming_the_rule(
    capsys: pytest.CaptureFixture[str], stack: str, rule: str
) -> None:
    code, document = check_json(capsys, stack, project_dir=OTHER_PROGRAM)
    assert code == 1
    mandatory = {
        v["policy"] for v in document["violations"] if v["enforcementLevel"] == "mandatory"
    }
    assert mandatory == {rule}


@pytest.mark.parametrize(("stack", "rule"), VIOLATIONS.items(), ids=VIOLATIONS.keys())
def test_violating_programs_exit_1_in_a_real_process(stack: str, rule: str) -> None:
    """The exit status as a shell sees it: 1, not 0, not a crash's 1 with a traceback."""
    script = (
        "import sys; from pathlib import Path; from tools import stackcheck; "
        f"sys.exit(stackcheck.main([{stack!r}], project_dir=Path({str(OTHER_PROGRAM)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert f"[mandatory] {rule} (1)" in result.stdout
    assert "Traceback" not in result.stderr


def test_the_same_program_without_the_mistake_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = check_json(capsys, "none", project_dir=OTHER_PROGRAM)
    assert code == 0, document["violations"]


def test_the_table_groups_violations_by_rule_with_their_level(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = stackcheck.main(["literal-connection-id"], project_dir=OTHER_PROGRAM)
    out = capsys.readouterr().out
    assert code == 1
    assert "[mandatory] vpc-link-connection-id-uses-stage-variable (1)" in out
    assert "FAIL: 1 mandatory violations" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # A name no stack can have (Pulumi's allow no spaces), unlike a plausible one such as qa.
        (["no such stack"], "no stack named 'no such stack'"),
        (["prod", "--set", "activeVpcLink=purple"], "private-api:activeVpcLink:"),
        (
            ["prod", "--set", "timeoutMs=soon"],
            "configuration key 'timeoutMs' must be of type 'integer'",
        ),
        (["prod", "--set", "nonsense"], "is not KEY=VALUE"),
        (["prod", "--policy-pack-config", "nope.json"], "no policy pack config file at nope.json"),
        (["prod", "--set", "tags={a: [}"], "the value of tags is not valid YAML"),
    ],
)
def test_bad_input_exits_2_with_the_message_and_no_traceback(args: list[str], message: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
