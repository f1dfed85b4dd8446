"""`--base REF`: what a commit does to every stack, in a throwaway repository.

Each test copies the project into a new git repository, commits it (the base), changes it as a
pull request would, commits again, and runs the stack check with `--base HEAD~1` there, as the
pull-request workflow runs it against the pull request's base commit: in this process (`run_main`,
the command's own `main`), and through `python -m tools.stackcheck` where the test is about the
command itself (the markdown the workflow posts, a base that does not exist).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.stackcheck.conftest import PROJECT_DIR, run_cli, run_main
from tools import mockrun, preview, prplan, report

#: Left out of the copy: what the command does not need (the pack's venv is linked instead).
IGNORED = shutil.ignore_patterns(
    ".git",
    "venv",
    ".venv",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    ".hypothesis",
    "tests",
    "benchmarks",
)


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding the project, committed once: the base of the change a test makes."""
    root = tmp_path / "repo"
    shutil.copytree(PROJECT_DIR, root, ignore=IGNORED, symlinks=True)
    (root / ".gitignore").write_text("venv\n__pycache__/\n")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "--message", "base")
    if (PROJECT_DIR / "policy" / "venv").is_dir():
        (root / "policy" / "venv").symlink_to(PROJECT_DIR / "policy" / "venv")
    return root


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def plan_json(repo: Path, *args: str) -> dict[str, Any]:
    code, out, err = run_main(*args, "--base", "HEAD~1", "--json", project_dir=repo)
    assert code == 0, out + err
    document: dict[str, Any] = json.loads(out)
    return document


def changed(stack: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """Resource name -> (op, keys) for every updated or replaced resource."""
    return {c["urn"].rsplit("::", 1)[1]: (c["op"], c["keys"]) for c in stack["changed"]}


def switch_prod_to_green(repo: Path) -> tuple[str, str]:
    """Commit prod's switch from the blue link to the green one; the two links' (mock) ids."""
    edit(repo / "Pulumi.prod.yaml", "activeVpcLink: blue", "activeVpcLink: green")
    commit(repo, "switch prod to green")
    return mockrun.fake_id("private-api-prod-link-blue"), mockrun.fake_id(
        "private-api-prod-link-green"
    )


def test_a_link_switch_plans_one_stage_update_and_leaves_the_tree_alone(repo: Path) -> None:
    blue, green = switch_prod_to_green(repo)
    status_before = git(repo, "status", "--porcelain", "--ignored")
    document = plan_json(repo, "prod")
    assert document["base"]["ref"] == "HEAD~1"
    assert document["base"]["commit"] == git(repo, "rev-parse", "HEAD~1").strip()
    [prod] = document["stacks"]
    assert prod["stack"] == "prod"
    assert prod["status"] == "changed"
    assert changed(prod) == {"private-api-prod-stage": ("update", ["variables"])}
    [stage] = prod["changed"]
    assert stage["diff"]["variables"]["old"]["vpcLinkId"] == blue
    assert stage["diff"]["variables"]["new"]["vpcLinkId"] == green
    assert prod["added"] == prod["removed"] == []
    assert prod["summary"]["update"] == 1
    assert sum(prod["summary"][op] for op in ("create", "replace", "delete")) == 0
    assert not [v for v in prod["violations"] if v["enforcementLevel"] == "mandatory"]
    # The base was read from git's objects: no file, no worktree, nothing else left behind.
    assert git(repo, "status", "--porcelain", "--ignored") == status_before
    assert len(git(repo, "worktree", "list").splitlines()) == 1


def test_a_link_switch_reads_as_one_line_in_the_markdown(repo: Path) -> None:
    blue, green = switch_prod_to_green(repo)
    result = run_cli("prod", "--base", "HEAD~1", "--format", "markdown", cwd=repo)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith(report.MARKER + "\n")
    headline = f"### prod: 1 to update: stage variables vpcLinkId `{blue}` → `{green}`"
    assert headline in text.splitlines()
    # What a reader sees once GitHub renders it (the heading's # and the code spans' backticks).
    shown = headline.removeprefix("### ").replace("`", "")
    assert shown == f"prod: 1 to update: stage variables vpcLinkId {blue} → {green}"
    assert "| `~` | `private-api-prod-stage` | `aws:apigateway/stage:Stage` | update " in text
    assert f'~ vpcLinkId: "{blue}" => "{green}"' in text  # the preview --diff text, open
    assert f"`activeVpcLinkId` `{blue}` → `{green}`" in text
    assert len(text) < 4000


def test_a_new_route_plans_the_api_change_and_a_new_deployment(repo: Path) -> None:
    """The API definition changes (per-resource mode: the route's Resource, Method and Integration
    are created; OpenAPI mode: the RestApi's body is updated), so the deployment is replaced and
    the stage moves to it; nothing else changes."""
    edit(
        repo / "Pulumi.prod.yaml",
        "  private-api:stageName: prod\n",
        "    - path: /health\n      method: GET\n      authorization: AWS_IAM\n"
        "  private-api:stageName: prod\n",
    )
    commit(repo, "add GET /health")
    [prod] = plan_json(repo, "prod")["stacks"]
    added = sorted(urn.rsplit("::", 1)[1] for urn in prod["added"])
    steps = changed(prod)
    api = steps.pop("private-api-prod-api", None)
    if api is None:  # one Resource, Method and Integration per route
        assert added == [
            "private-api-prod-integration-GET-/health",
            "private-api-prod-method-GET-/health",
            "private-api-prod-resource-/health",
        ]
    else:  # one OpenAPI document, the RestApi's body
        assert api[0] == "update"
        assert "body" in api[1]
        assert added == []
    assert steps == {
        "private-api-prod-deployment": ("replace", ["triggers"]),
        "private-api-prod-stage": ("update", ["deployment"]),
    }
    assert prod["removed"] == []
    assert prod["summary"]["replace"] == 1
    assert prod["summary"]["delete"] == 0


def test_every_stack_a_new_one_planned_as_creates_a_removed_one_as_deletes(repo: Path) -> None:
    """Without a stack argument: every stack of either side, each the way the commit left it."""
    shutil.copy2(repo / "Pulumi.dev.yaml", repo / "Pulumi.qa.yaml")
    (repo / "Pulumi.dev.yaml").unlink()
    commit(repo, "rename dev to qa")
    code, out, err = run_main("--base", "HEAD~1", project_dir=repo)
    assert code == 0, out + err
    assert "Stack dev: removed (Pulumi.dev.yaml is not in the working tree)" in out
    assert re.search(r"^Stack qa: \d+ resources \(new: no stack file", out, re.M)
    document = plan_json(repo)
    by_stack = {s["stack"]: s for s in document["stacks"]}
    shipped = {p.name.split(".")[1] for p in PROJECT_DIR.glob("Pulumi.*.yaml")}
    assert list(by_stack) == sorted({*shipped, "qa"})
    dev, qa = by_stack.pop("dev"), by_stack.pop("qa")
    assert dev["status"] == "removed"
    assert dev["added"] == []
    assert dev["changed"] == []
    assert len(dev["removed"]) == dev["summary"]["delete"] > 0
    for other in by_stack.values():  # prod and any other stack: untouched
        assert other["status"] == "changed"
        assert other["added"] == other["removed"] == other["changed"] == []
    assert qa["status"] == "new"
    assert qa["removed"] == []
    assert qa["changed"] == []
    assert len(qa["added"]) == qa["summary"]["create"] == len(qa["resources"])
    # dev's resources, renamed: the same program and config under another stack name.
    names = {re.sub(r"-qa\b", "-dev", u.rsplit("::", 1)[1]) for u in qa["added"]}
    assert names == {u.rsplit("::", 1)[1] for u in dev["removed"]}


@pytest.mark.parametrize("ref", ["no-such-branch", "0123456789abcdef0123456789abcdef01234567"])
def test_a_base_that_does_not_exist_exits_2_with_one_line(repo: Path, ref: str) -> None:
    result = run_cli("prod", "--base", ref, cwd=repo)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: no commit '{ref}' in the git repository at ")


def test_a_base_that_is_no_commit_says_why_without_a_useless_fetch(repo: Path) -> None:
    """A blob, a tree or a ref with a space: "fetch it first" named a command that cannot work."""
    blob = git(repo, "rev-parse", "HEAD:Pulumi.yaml").strip()
    tree = git(repo, "rev-parse", "HEAD^{tree}").strip()
    cases = {
        blob: "names a blob (a file's or directory's content), not a commit",
        tree: "names a tree (a file's or directory's content), not a commit",
        "HEAD:Pulumi.yaml": "names a blob",
        "my branch": "has a space or a control character, which no git ref can hold",
    }
    for ref, words in cases.items():
        result = run_cli("prod", "--base", ref, cwd=repo)
        assert result.returncode == 2, ref
        [line] = result.stderr.splitlines()
        assert words in line, line
        assert "fetch" not in line, line


def test_a_commit_that_breaks_a_stack_exits_2_naming_the_stack_and_the_key(repo: Path) -> None:
    edit(repo / "Pulumi.prod.yaml", "activeVpcLink: blue", "activeVpcLink: purple")
    commit(repo, "a link that does not exist")
    code, out, err = run_main("--base", "HEAD~1", project_dir=repo)
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("error: prod: ")
    assert "activeVpcLink" in line
    assert "purple" in line


def test_each_side_imports_its_own_program_modules(tmp_path: Path) -> None:
    """The base's `stack_config` is the base's even when the head's is loaded, and back after."""
    for side in ("base", "head"):
        (tmp_path / side).mkdir()
        (tmp_path / side / "stackcheck_probe.py").write_text(f"SIDE = {side!r}\n")
    sys.path.insert(0, str(tmp_path / "head"))
    try:
        import stackcheck_probe  # type: ignore[import-not-found]  # noqa: PLC0415

        assert stackcheck_probe.SIDE == "head"
        sys.path.insert(0, str(tmp_path / "base"))
        with prplan.program_modules(tmp_path / "base"):
            import stackcheck_probe as base_probe  # noqa: PLC0415

            assert base_probe.SIDE == "base"
        sys.path.remove(str(tmp_path / "base"))
        assert sys.modules["stackcheck_probe"] is stackcheck_probe
    finally:
        sys.path.remove(str(tmp_path / "head"))
        sys.modules.pop("stackcheck_probe", None)


def test_markdown_too_long_for_a_comment_leaves_the_diff_text_out() -> None:
    """GitHub refuses comments over 65536 characters: past the limit, the tables stay and the
    `preview --diff` text goes, with the command that prints it."""
    steps = [
        preview.Step(
            urn=f"urn:pulumi:prod::private-api::aws:apigateway/method:Method::m{i}",
            type="aws:apigateway/method:Method",
            name=f"m{i}",
            op="create",
            inputs={"httpMethod": "GET", "description": "x" * 200},
        )
        for i in range(40)
    ]
    entry = report.StackPlan("prod", "new", preview.Plan(steps, {}), None, "private-api")
    base = report.Base("main", "0" * 40)
    full = report.render_markdown([entry], base)
    assert "```text" in full
    assert "<details><summary>40 resources</summary>" in full  # a long table is collapsed too
    short = report.render_markdown([entry], base, max_chars=len(full) - 1)
    assert "```text" not in short
    assert "| `+` | `m39` | `aws:apigateway/method:Method` | create |" in short
    assert f"`python -m tools.stackcheck --base {'0' * 40}` prints it" in short
    assert "### prod: new stack, 40 to create" in short


def test_a_route_removed_in_resources_mode_is_flagged_with_the_command_that_finishes_it(
    repo: Path,
) -> None:
    """dev defines its API resource by resource: the removal is unfinished after `pulumi up`."""
    dev = repo / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text() + "  private-api:routes:\n    - path: /\n    - path: /health\n")
    commit(repo, "dev: GET /health")
    edit(dev, "    - path: /health\n", "")
    commit(repo, "dev: drop GET /health")
    code, out, err = run_main("dev", "--base", "HEAD~1", "--format", "markdown", project_dir=repo)
    assert code == 0, err
    [warning] = [line for line in out.splitlines() if "GET /health" in line]
    assert warning.startswith("> Route GET /health is removed, but stays live")
    assert "pulumi up --stack dev --replace 'urn:pulumi:dev::private-api::" in warning


def test_a_pull_request_unsetting_stream_gets_the_note_compare_gives(repo: Path) -> None:
    """--base checks each changed stack as --compare does (stackcheck.check_change), notes too."""
    dev = repo / "Pulumi.dev.yaml"
    dev.write_text(dev.read_text() + "  private-api:responseTransferMode: STREAM\n")
    commit(repo, "dev: stream")
    edit(dev, "  private-api:responseTransferMode: STREAM\n", "")
    commit(repo, "dev: responseTransferMode unset")
    [stack] = plan_json(repo, "dev")["stacks"]
    assert any("the provider keeps STREAM unless told BUFFERED" in n for n in stack["notes"])
