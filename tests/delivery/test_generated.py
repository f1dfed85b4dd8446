"""stacks.yaml, which `make generate` writes into workflows, policy-config.sh and a trust policy.

The stack files and stacks.yaml are the only list of stacks: these tests fail while a generated
copy is stale, and show that a stack added to the list reaches every copy.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import generate

ROOT = Path(__file__).resolve().parents[2]
#: What `make generate` reads and writes, copied for the tests that change the list.
INPUTS = [
    "stacks.yaml",
    "policy/config",
    "scripts/policy-config.sh",
    ".github/workflows",
    generate.TRUST_POLICY,
]


def test_the_generated_files_are_up_to_date() -> None:
    assert generate.stale() == [], "stale: run `make generate` and commit what it writes"


def test_make_generate_leaves_a_clean_checkout_unchanged() -> None:
    """Through the command, as `make generate` and a contributor run it."""
    before = {name: (ROOT / name).read_bytes() for name in generate.generated()}
    for args in (["--check"], []):
        result = subprocess.run(
            [sys.executable, "-m", "tools.generate", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert {name: (ROOT / name).read_bytes() for name in before} == before


def test_the_stacks_file_lists_every_stack_file_in_deploy_order() -> None:
    stacks = generate.load()
    assert sorted(s.name for s in stacks) == generate.stack_files(ROOT)
    assert [stacks[0].name, stacks[-1].name] == ["dev", "prod"]  # prod last, after the others


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what `make generate` reads and writes, with the shipped stack files."""
    for name in INPUTS:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    for path in ROOT.glob("Pulumi.*.yaml"):
        shutil.copy2(path, tmp_path)
    return tmp_path


def add_stack(project: Path, name: str, options: dict[str, Any]) -> None:
    (project / f"Pulumi.{name}.yaml").write_text("config: {}\n")
    stacks = yaml.safe_load((project / "stacks.yaml").read_text())
    stacks[name] = options
    (project / "stacks.yaml").write_text(yaml.safe_dump(stacks, sort_keys=False))


def workflow(project: Path, name: str) -> dict[str, Any]:
    path = project / ".github" / "workflows" / name
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    return document


def test_a_stack_added_to_the_list_reaches_every_copy(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add_stack(
        project,
        "zz-impossible-stack",
        {"policyConfig": "policy/config/strict.json", "environment": "zz-env", "smokeSigv4": True},
    )
    assert generate.main(["--check"], project_dir=project) == 1
    stale = capsys.readouterr().err.splitlines()
    assert len(stale) == 6
    assert all(line.endswith(" is stale: run `make generate`") for line in stale)

    assert generate.main([], project_dir=project) == 0
    assert generate.main(["--check"], project_dir=project) == 0
    jobs = workflow(project, "deploy.yml")["jobs"]
    assert jobs["zz-impossible-stack"]["needs"] == "prod"  # deployed last, after prod
    assert jobs["zz-impossible-stack"]["with"] == {
        "stack": "zz-impossible-stack",
        "environment": "zz-env",
        "policy-config": "policy/config/strict.json",
        "smoke-sigv4": True,
    }
    drift = workflow(project, "drift.yml")["jobs"]["drift"]["strategy"]["matrix"]["include"]
    assert drift[-1] == {"stack": "zz-impossible-stack"}
    preview = workflow(project, "pull-request.yml")["jobs"]["preview"]["strategy"]["matrix"]
    assert preview["include"][-1] == {
        "stack": "zz-impossible-stack",
        "policy-config": "policy/config/strict.json",
    }
    printed = subprocess.run(
        [str(project / "scripts" / "policy-config.sh"), "zz-impossible-stack"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert printed.stdout == "policy/config/strict.json\n"
    trust = json.loads((project / generate.TRUST_POLICY).read_text())
    subjects = trust["Statement"][0]["Condition"]["StringEquals"][generate.SUBJECT]
    assert subjects[-1] == "repo:${GITHUB_REPOSITORY}:environment:zz-env"
    [resolve] = workflow(project, "migrate.yml")["jobs"]["resolve"]["steps"]
    assert "zz-impossible-stack) environment=zz-env ;;" in resolve["run"]


def test_the_environment_defaults_to_the_stack_name(project: Path) -> None:
    add_stack(project, "zz-impossible-stack", {"policyConfig": "policy/config/default.json"})
    [stack] = [s for s in generate.load(project) if s.name == "zz-impossible-stack"]
    assert (stack.environment, stack.smoke_sigv4) == ("zz-impossible-stack", False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda p: (p / "Pulumi.zz-impossible-stack.yaml").write_text("config: {}\n"),
            "Pulumi.zz-impossible-stack.yaml has no entry in stacks.yaml: add one",
        ),
        (
            lambda p: (p / "Pulumi.dev.yaml").unlink(),
            "stacks.yaml lists dev, but there is no Pulumi.dev.yaml",
        ),
        (
            lambda p: add_stack(p, "zz-impossible-stack", {"policyConfig": "policy/none.json"}),
            "stacks.yaml: zz-impossible-stack.policyConfig: name a file of the repository",
        ),
        (
            lambda p: add_stack(
                p, "zz-impossible-stack", {"policyConfig": "policy/config/default.json", "x": 1}
            ),
            "stacks.yaml: zz-impossible-stack: unknown option x",
        ),
        (
            lambda p: add_stack(
                p,
                "zz-impossible-stack",
                {"policyConfig": "policy/config/default.json", "smokeSigv4": "yes please"},
            ),
            "stacks.yaml: zz-impossible-stack.smokeSigv4: true or false",
        ),
        (
            lambda p: (p / "stacks.yaml").write_text("dev: [\n"),
            "stacks.yaml: ",
        ),
    ],
)
def test_a_bad_stacks_file_exits_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], change: Any, message: str
) -> None:
    before = {name: (project / name).read_bytes() for name in generate.generated(project)}
    change(project)
    assert generate.main([], project_dir=project) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: " + message)
    assert {name: (project / name).read_bytes() for name in before} == before
