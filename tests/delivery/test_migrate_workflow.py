"""The migrate workflow (issue 21): on demand only, with the stack's deploy role, never beside a
deploy of the same stack, the migration's JSON summary kept, and the stack file it changed carried
back to git as a pull request by a job that may write to the repository and nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import generate

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    return loaded


def test_it_runs_only_on_demand() -> None:
    # PyYAML reads the key `on` as True.
    assert set(load("migrate.yml")[True]) == {"workflow_dispatch"}


def test_it_shares_the_deploy_concurrency_group_and_environment() -> None:
    job = load("migrate.yml")["jobs"]["migrate"]
    deploy = load("deploy-stack.yml")["jobs"]["up"]
    assert job["concurrency"]["group"] == "pulumi-up-${{ inputs.stack }}"
    assert job["concurrency"]["group"] == deploy["concurrency"]["group"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert deploy["environment"] == "${{ inputs.environment }}"
    assert job["environment"] == "${{ needs.resolve.outputs.environment }}"


def test_it_runs_in_the_environment_deploy_yml_gives_each_stack(tmp_path: Path) -> None:
    """The resolve step's table (generated from stacks.yaml) answers what deploy.yml passes."""
    [step] = load("migrate.yml")["jobs"]["resolve"]["steps"]
    calls = load("deploy.yml")["jobs"]
    for stack in generate.load():
        output = tmp_path / f"{stack.name}.out"
        env = {"STACK": stack.name, "GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}
        subprocess.run(["bash", "-c", step["run"]], env=env, check=True)
        assert output.read_text() == f"environment={calls[stack.name]['with']['environment']}\n"
    refused = subprocess.run(
        ["bash", "-c", step["run"]],
        env={
            "STACK": "no such stack",
            "GITHUB_OUTPUT": str(tmp_path / "x"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "no stack 'no such stack' in stacks.yaml" in refused.stdout


def test_it_migrates_with_the_deploy_role_and_keeps_the_json_summary() -> None:
    steps = load("migrate.yml")["jobs"]["migrate"]["steps"]
    roles = [s["with"]["role-to-assume"] for s in steps if "configure-aws" in s.get("uses", "")]
    assert roles == ["${{ vars.AWS_DEPLOY_ROLE_ARN }}"]
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert 'python -m tools.migrate "${STACK}" --to "${TO}" --schedule "${SCHEDULE}" --json' in runs
    assert "GITHUB_STEP_SUMMARY" in runs


def test_make_migrate_runs_the_tool_and_needs_the_link() -> None:
    root = WORKFLOWS.parents[1]
    run = ["make", "-n", "migrate", "STACK=prod", "TO=green", "VENV=venv"]
    done = subprocess.run(run, cwd=root, capture_output=True, text=True, check=False)
    assert 'venv/bin/python -m tools.migrate "prod" --to "green"' in done.stdout
    done = subprocess.run(run[:-2], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "name the link: make migrate STACK=prod TO=<link>" in done.stderr


# --- the migration's stack file back to git, as a pull request --------------------------------


def migrate_steps(job_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = load("migrate.yml")["jobs"][job_id]["steps"]
    return found


def named(job_id: str, prefix: str) -> dict[str, Any]:
    return next(s for s in migrate_steps(job_id) if str(s.get("name", "")).startswith(prefix))


def test_the_pull_request_job_may_write_to_the_repository_and_nothing_else() -> None:
    """The workflow's only write token, in a job with no environment, no role and no secret,
    that runs whatever the migration's outcome (never when it did not start)."""
    jobs = load("migrate.yml")["jobs"]
    job = jobs["pull-request"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert jobs["migrate"]["permissions"] == {"contents": "read", "id-token": "write"}
    assert job["needs"] == "migrate"
    assert job["if"] == "always() && needs.migrate.outputs.artifact-id != ''"
    assert "environment" not in job
    assert "secrets." not in yaml.safe_dump(job)
    uses = [s["uses"].split("@")[0] for s in job["steps"] if "uses" in s]
    assert uses == ["actions/checkout", "actions/download-artifact"]  # no setup, no role
    assert job["steps"][0]["with"]["persist-credentials"] is False
    [token] = [s for s in job["steps"] if "GH_TOKEN" in s.get("env", {})]
    assert token["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert "gh pr create" in token["run"]
    assert "push --quiet origin" in token["run"]


def test_no_script_of_the_workflow_interpolates_an_expression() -> None:
    """Inputs, secrets and step outputs reach the scripts through env: only, so none can inject
    shell code; the token is in the env of the one step that pushes and opens the pull request."""
    for job_id, job in load("migrate.yml")["jobs"].items():
        for step in job["steps"]:
            assert "${{" not in str(step.get("run", "")), (job_id, step.get("name"))
            for value in step.get("env", {}).values():
                assert "secrets." not in str(value), (job_id, step.get("name"))
        for name, value in job.get("env", {}).items():
            if "secrets." in str(value):
                assert (job_id, name) == ("migrate", "PULUMI_ACCESS_TOKEN")


def test_the_artifact_flows_from_the_migrate_job_to_the_pull_request_job() -> None:
    """What the keep step writes is what is uploaded, even after a failure or a rollback; what is
    downloaded, outside the checkout, is what the commit step reads."""
    keep = named("migrate", "Keep the stack file")
    migrate = migrate_steps("migrate")
    [upload] = [s for s in migrate if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert migrate.index(upload) == migrate.index(keep) + 1
    assert keep["if"] == upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ runner.temp }}/migration/"
    assert '"${RUNNER_TEMP}/migration/"' in keep["run"]
    assert upload["with"]["if-no-files-found"] == "error"
    # The pull-request job runs whenever the upload happened, whatever else failed.
    outputs = load("migrate.yml")["jobs"]["migrate"]["outputs"]
    assert outputs["artifact-id"] == f"${{{{ steps.{upload['id']}.outputs.artifact-id }}}}"
    steps = migrate_steps("pull-request")
    [download] = [s for s in steps if s.get("uses", "").startswith("actions/download-artifact@")]
    assert download["with"]["name"] == upload["with"]["name"] == "migration"
    assert download["with"]["path"] == "${{ runner.temp }}/migration"
    assert 'artifact="${RUNNER_TEMP}/migration"' in named("pull-request", "Commit")["run"]


FAKE_GH = """#!/usr/bin/env bash
# A stand-in for gh: records each call; `pr create` keeps the body and answers a URL.
printf '%s\\n' "$*" >> "$GH_CALLS"
if [[ "$1 $2" == "pr create" ]]; then
  while (($#)); do [[ "$1" == --body-file ]] && cp "$2" "$GH_BODY"; shift; done
  echo https://github.com/acme/api/pull/9
fi
"""

SUMMARY = '{"outcome": "promoted", "source": "blue", "target": "green", "state": "DONE"}'


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


class Runner:
    """The two jobs' scripts, run as the runner runs them: the migrate job's checkout, the
    artifact's directory, the pull-request job's fresh checkout of the same commit, and origin."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.origin = tmp_path / "origin.git"
        seed = tmp_path / "seed"
        seed.mkdir()
        stack_file = WORKFLOWS.parents[1] / "Pulumi.prod.yaml"
        (seed / "Pulumi.prod.yaml").write_text(stack_file.read_text())
        git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(self.origin))
        git(seed, "init", "--quiet", "--initial-branch=main")
        git(seed, "add", ".")
        git(seed, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed")
        git(seed, "push", "--quiet", str(self.origin), "main")
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir()
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        (bin_dir / "gh").write_text(FAKE_GH)
        (bin_dir / "gh").chmod(0o755)
        self.calls, self.body = tmp_path / "gh-calls", tmp_path / "body.md"
        self.env = {
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "GIT_CONFIG_NOSYSTEM": "1",
            "STACK": "prod",
            "TO": "green",
            "RUNNER_TEMP": str(self.temp),
            "RUN_URL": "https://github.com/acme/api/actions/runs/42",
            "GITHUB_RUN_ID": "42",
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_REPOSITORY": "acme/api",
            "GITHUB_REF_NAME": "main",
            "GH_CALLS": str(self.calls),
            "GH_BODY": str(self.body),
            "GH_TOKEN": "not a real token",
        }

    def checkout(self, name: str) -> Path:
        work = self.tmp / name
        git(self.tmp, "clone", "--quiet", str(self.origin), str(work))
        return work

    def run(self, step: dict[str, Any], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        output, summary = self.tmp / f"output-{step['name'][:4]}", self.tmp / "summary.md"
        return subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            cwd=cwd,
            env={
                **self.env,
                "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def outputs(self, step: dict[str, Any]) -> dict[str, str]:
        path = self.tmp / f"output-{step['name'][:4]}"
        lines = path.read_text().splitlines() if path.exists() else []
        return dict(line.split("=", 1) for line in lines)

    def migrate(self, new_link: str | None, summary: str | None) -> None:
        """The migrate job: the migration's config change (if any) and summary, then keep."""
        work = self.checkout("migrate")
        stack_file = work / "Pulumi.prod.yaml"
        if new_link:
            text = stack_file.read_text()
            stack_file.write_text(text.replace("activeVpcLink: blue", f"activeVpcLink: {new_link}"))
        if summary is not None:
            (self.temp / "migration.json").write_text(summary + "\n")
        kept = self.run(named("migrate", "Keep the stack file"), work)
        assert kept.returncode == 0, kept.stderr

    def pull_request(self) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
        """The pull-request job: commit, then push and open the pull request if there is a
        branch, as the step's `if` says."""
        work = self.checkout("pull-request")
        commit = named("pull-request", "Commit")
        committed = self.run(commit, work)
        outputs = self.outputs(commit)
        push = named("pull-request", "Push")
        assert push["if"] == "steps.commit.outputs.branch != ''"
        if committed.returncode == 0 and outputs.get("branch"):
            pushed = self.run(push, work, BRANCH=outputs["branch"], OUTCOME=outputs["outcome"])
            assert pushed.returncode == 0, pushed.stderr
        return committed, outputs


def test_a_migration_that_changed_the_stack_file_becomes_a_pull_request(tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    runner.migrate("green", SUMMARY)
    committed, outputs = runner.pull_request()
    assert committed.returncode == 0, committed.stderr
    branch = "migrate/prod/run-42-1"
    assert outputs == {"outcome": "promoted", "branch": branch}
    # On origin: one commit on main's, changing the stack file alone, to what the migration left.
    changed = git(runner.origin, "diff", "--name-only", f"main..{branch}").split()
    assert changed == ["Pulumi.prod.yaml"]
    assert git(runner.origin, "rev-list", "--count", f"main..{branch}").strip() == "1"
    shown = git(runner.origin, "show", f"{branch}:Pulumi.prod.yaml")
    assert "private-api:activeVpcLink: green" in shown
    message = git(runner.origin, "log", "-1", "--format=%B", branch)
    assert message.startswith("Pulumi.prod.yaml as migrating prod to green left it (promoted)")
    assert "https://github.com/acme/api/actions/runs/42" in message
    [call] = runner.calls.read_text().splitlines()
    assert call.startswith(f"pr create --repo acme/api --base main --head {branch} --title ")
    assert "--title Pulumi.prod.yaml after migrating prod to green (promoted)" in call
    body = runner.body.read_text()
    assert f"```json\n{SUMMARY}\n" in body
    assert "> [!WARNING]" in body
    assert "the next deploy of `prod` from `main`" in body
    assert "undoes the migration" in body
    assert "https://github.com/acme/api/pull/9" in (tmp_path / "summary.md").read_text()


def test_an_interrupted_migration_is_carried_back_with_its_state(tmp_path: Path) -> None:
    """A failed or interrupted run (no summary on stdout) still commits where traffic is."""
    runner = Runner(tmp_path)
    runner.migrate("green", None)
    committed, outputs = runner.pull_request()
    assert committed.returncode == 0, committed.stderr
    assert outputs["outcome"] == "no summary"
    assert '{"outcome": "no summary"}' in runner.body.read_text()


def test_an_unchanged_stack_file_opens_no_pull_request(tmp_path: Path) -> None:
    """A rollback that restored the file, or a migration that failed before its first step."""
    runner = Runner(tmp_path)
    runner.migrate(None, '{"outcome": "rolled back", "state": "START"}')
    committed, outputs = runner.pull_request()
    assert committed.returncode == 0, committed.stderr
    assert outputs == {"outcome": "rolled back"}
    assert not runner.calls.exists()
    assert git(runner.origin, "branch", "--list", "--format=%(refname:short)").split() == ["main"]
    assert (
        "unchanged (outcome: rolled back): no pull request" in (tmp_path / "summary.md").read_text()
    )


@pytest.mark.parametrize("extra", ["Makefile", ".github/workflows/evil.yml"])
def test_an_artifact_with_anything_else_is_refused(tmp_path: Path, extra: str) -> None:
    runner = Runner(tmp_path)
    runner.migrate("green", SUMMARY)
    (runner.temp / "migration" / extra).parent.mkdir(parents=True, exist_ok=True)
    (runner.temp / "migration" / extra).write_text("x\n")
    committed, outputs = runner.pull_request()
    assert committed.returncode == 2
    assert "the artifact must hold Pulumi.prod.yaml and migration.json only" in committed.stdout
    assert "branch" not in outputs
    assert git(runner.origin, "branch", "--list", "--format=%(refname:short)").split() == ["main"]


def test_an_outcome_that_is_not_a_plain_word_is_not_passed_on(tmp_path: Path) -> None:
    """The outcome goes into GITHUB_OUTPUT, a title and a commit message: a newline in it could
    otherwise set another step output."""
    runner = Runner(tmp_path)
    runner.migrate("green", '{"outcome": "promoted\\nbranch=main"}')
    committed, outputs = runner.pull_request()
    assert committed.returncode == 0, committed.stderr
    assert outputs == {"outcome": "no summary", "branch": "migrate/prod/run-42-1"}
