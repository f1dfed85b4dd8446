"""`make up`, `make preview`, `make demo`: the scripts, with a stand-in `pulumi` that records calls.

The real CLI is not available here, so each test puts a `pulumi` on PATH that appends its working
directory and arguments to a log and answers the few queries the scripts make. The scripts run in
a copy of the project (their own files, the stack files, `tools/`, the venv linked), so a test can
give a stack file that does or does not carry the placeholder account.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.local_api import serving
from tools import placeholders, stackfiles

ROOT = Path(__file__).resolve().parents[2]
REAL_ACCOUNT = "111122223333"
STAND_IN = r"""#!/usr/bin/env bash
# A stand-in for the pulumi CLI: records each call, answers the queries the scripts make, and
# writes `config set` into the stack file as the CLI does (namespaced, under config:).
printf '%s|%s\n' "$PWD" "$*" >> "$PULUMI_CALLS"
case "$*" in
  whoami*) echo tester ;;
  "stack --show-name --fully-qualify-stack-names"*) echo "organization/private-api-backend/demo" ;;
  "stack output invokeUrl"*) echo "${INVOKE_URL:-https://abc123.example.invalid/dev}" ;;
  "config set "*) printf '  private-api:%s: %s\n' "$3" "$4" >> "Pulumi.$6.yaml" ;;
esac
exit "${PULUMI_EXIT:-0}"
"""


@dataclass
class Project:
    root: Path
    calls: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=self.root, env=self.env, capture_output=True, text=True, check=False
        )

    def recorded(self) -> list[tuple[str, str]]:
        """(directory relative to the project, arguments) of every pulumi call, in order."""
        if not self.calls.exists():
            return []
        result = []
        for line in self.calls.read_text().splitlines():
            where, _, argv = line.partition("|")
            relative = os.path.relpath(where, self.root)
            result.append((relative, argv))
        return result


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("scripts", "tools", "examples"):
        if (ROOT / name).exists():
            shutil.copytree(
                ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "venv")
            )
    for path in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(path, root / path.name)
    (root / "venv").symlink_to(ROOT / "venv")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pulumi = bin_dir / "pulumi"
    pulumi.write_text(STAND_IN)
    pulumi.chmod(0o755)
    calls = tmp_path / "pulumi-calls.log"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PULUMI_CALLS": str(calls),
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example",
        "AWS_REGION": "us-east-1",
    }
    return Project(root=root, calls=calls, env=env)


def own_account(project: Project, stack: str) -> None:
    """Make a stack file name a real account, as a team's fork would."""
    path = project.root / f"Pulumi.{stack}.yaml"
    path.write_text(path.read_text().replace("123456789012", REAL_ACCOUNT))


def test_placeholders_are_found_in_the_shipped_stacks() -> None:
    dev = placeholders.placeholder_keys(stackfiles.load(ROOT, "dev"))
    assert dev == ["vpcLinks.main.targetArn"]
    prod = placeholders.placeholder_keys(stackfiles.load(ROOT, "prod"))
    assert prod == ["vpcLinks.blue.targetArn", "vpcLinks.green.targetArn", "webAclArn"]


def test_a_backend_stack_replaces_the_active_links_placeholder() -> None:
    config = stackfiles.load(ROOT, "dev", {"backendStack": "organization/private-api-backend/demo"})
    assert placeholders.placeholder_keys(config) == []


@pytest.mark.parametrize("mode", [(), ("--preview",)], ids=["up", "preview"])
def test_up_and_preview_refuse_the_placeholder_before_calling_pulumi(
    project: Project, mode: tuple[str, ...]
) -> None:
    result = project.run("scripts/up.sh", *mode, "dev")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "placeholder account 123456789012 in vpcLinks.main.targetArn" in line
    assert "pulumi config set --path vpcLinks.main.targetArn <your NLB ARN> --stack dev" in line
    assert "make demo" in line
    assert project.recorded() == []


def test_up_runs_pulumi_once_the_stack_names_a_real_account(project: Project) -> None:
    own_account(project, "dev")
    result = project.run("scripts/up.sh", "dev")
    assert result.returncode == 0, result.stderr
    assert [argv for _, argv in project.recorded()] == [
        "whoami",
        "stack select --create dev",
        "up --stack dev --policy-pack policy --policy-pack-config policy/config/default.json",
    ]


def test_preview_of_prod_uses_its_strict_policy_config(project: Project) -> None:
    """prod's policyConfig in stacks.yaml (strict, V1 links allowed), by policy-config.sh."""
    own_account(project, "prod")
    (project.root / "policy" / "config").mkdir(parents=True)
    (project.root / "policy" / "config" / "prod.json").write_text("{}")
    result = project.run("scripts/up.sh", "--preview", "prod")
    assert result.returncode == 0, result.stderr
    assert project.recorded()[-1] == (
        ".",
        "preview --stack prod --diff --policy-pack policy --policy-pack-config "
        "policy/config/prod.json",
    )


@pytest.fixture
def private_api(project: Project) -> Iterator[list[str]]:
    """A local server standing in for the deployed API: the demo's smoke check reaches it."""
    with serving(b'{"service": "private-api demo backend", "ok": true}') as (url, paths):
        project.env["INVOKE_URL"] = url
        yield paths


BACKEND = "--cwd examples/backend"


def test_demo_deploys_the_backend_then_dev_against_it_then_smoke_checks(
    project: Project, private_api: list[str]
) -> None:
    result = project.run("scripts/demo.sh", "up")
    assert result.returncode == 0, result.stderr
    assert [argv for _, argv in project.recorded()] == [
        "whoami",
        f"install {BACKEND}",
        f"stack select --create demo {BACKEND}",
        f"up --yes --stack demo {BACKEND}",
        f"stack --show-name --fully-qualify-stack-names --stack demo {BACKEND}",
        "stack select --create dev",
        "config set backendStack organization/private-api-backend/demo --stack dev",
        "whoami",
        "stack select --create dev",
        "up --stack dev --yes --policy-pack policy --policy-pack-config policy/config/default.json",
        "stack output invokeUrl --stack dev",
        "config get --path canary.percent --stack dev",
        "stack output clientCertificateExpiry --stack dev",  # dev has none: no warning
    ]
    assert "warning" not in result.stdout
    assert private_api == ["/dev/"], "the smoke check sends GET / through the invoke URL"
    assert "make demo-destroy" in result.stdout


def test_demo_stops_at_the_first_failing_step(project: Project) -> None:
    stand_in = Path(project.env["PATH"].split(":")[0]) / "pulumi"
    stand_in.write_text(
        stand_in.read_text().replace(
            'exit "${PULUMI_EXIT:-0}"', '[[ "$1" == up ]] && exit 255; exit 0'
        )
    )
    result = project.run("scripts/demo.sh", "up")
    assert result.returncode != 0
    calls = [argv for _, argv in project.recorded()]
    assert calls[-1] == f"up --yes --stack demo {BACKEND}", "nothing runs after a failed up"


def test_demo_destroy_removes_dev_before_the_backend(project: Project) -> None:
    result = project.run("scripts/demo.sh", "destroy")
    assert result.returncode == 0, result.stderr
    assert [argv for _, argv in project.recorded()] == [
        "whoami",
        "stack select dev",
        "destroy --yes --stack dev",
        "config rm backendStack --stack dev",
        "stack rm --yes --preserve-config dev",
        f"stack select demo {BACKEND}",
        f"destroy --yes --stack demo {BACKEND}",
        f"stack rm --yes --preserve-config demo {BACKEND}",
    ]


def test_demo_needs_a_region(project: Project) -> None:
    del project.env["AWS_REGION"]
    result = project.run("scripts/demo.sh", "up")
    assert result.returncode == 1
    assert "export AWS_REGION" in result.stderr
    assert [argv for _, argv in project.recorded()] == []


def test_demo_names_its_commands(project: Project) -> None:
    result = project.run("scripts/demo.sh", "deploy")
    assert result.returncode == 1
    assert "usage: scripts/demo.sh up|destroy|check" in result.stderr


@pytest.mark.parametrize("target", ["demo", "demo-destroy"])
def test_make_demo_checks_the_cli_before_building_the_virtual_environments(
    project: Project, tmp_path: Path, target: str
) -> None:
    """Both venvs take a minute and a half to build; a missing CLI must be said first."""
    shutil.copy(ROOT / "Makefile", project.root / "Makefile")
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = {**project.env, "PATH": "/usr/bin:/bin"}  # no pulumi
    result = subprocess.run(
        [make, target, "VENV=" + str(tmp_path / "fresh-venv"), "PYTHON=false"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "the pulumi CLI is not installed" in result.stderr
    assert "-m venv" not in result.stdout + result.stderr  # nothing was built


def test_make_targets_run_the_scripts() -> None:
    makefile = (ROOT / "Makefile").read_text()
    for target, recipe in (
        ("up", "./scripts/up.sh"),
        ("preview", "./scripts/up.sh --preview"),
        ("demo", "./scripts/demo.sh up"),
        ("demo-destroy", "./scripts/demo.sh destroy"),
        ("pulumi-cli", "./scripts/pulumi-cli.sh"),
    ):
        block = makefile.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]
        assert recipe in block, target


def test_a_plan_comment_over_githubs_limit_is_posted_truncated(tmp_path: Path) -> None:
    """GitHub refuses a comment over 65,536 characters (scripts/pr-comment.sh): the script cuts it
    at a line end, keeps the marker first, and says so, instead of failing the job."""
    from tools import report  # noqa: PLC0415

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    posted = tmp_path / "posted.md"
    (bin_dir / "gh").write_text(
        "#!/usr/bin/env bash\n"
        'for arg in "$@"; do [[ "$arg" == body=@* ]] && cp "${arg#body=@}" "$POSTED"; done\n'
        "exit 0\n"
    )
    (bin_dir / "gh").chmod(0o755)
    plan = tmp_path / "plan.md"
    plan.write_text(report.MARKER + "\n" + "| `GET /ä` | 29000 => 20000 |\n" * 3000)
    assert len(plan.read_text()) > 65536
    result = subprocess.run(
        [str(ROOT / "scripts" / "pr-comment.sh"), str(plan)],
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "POSTED": str(posted),
            "REPOSITORY": "acme/api",
            "PULL_REQUEST": "7",
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    body = posted.read_text()
    assert len(body) <= 65536
    assert body.startswith(report.MARKER + "\n")
    assert body.rstrip().endswith("(its job summary and log).")
    assert "**Truncated:**" in body
    assert "more than GitHub's 65536: posting it truncated" in result.stderr
    assert plan.read_text().count("\n") == 3001  # the file itself is left as it was
