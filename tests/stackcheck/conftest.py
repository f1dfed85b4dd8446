"""Shared helpers: the stack check as users run it, and throwaway copies of the project."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tools import stackcheck

PROJECT_DIR = Path(__file__).resolve().parents[2]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"

#: Writes `Pulumi.<stack>.yaml` (and optionally `Pulumi.yaml`) into a copy of the project.
WriteProject = Callable[..., Path]


def run_cli(*args: str, cwd: Path = PROJECT_DIR) -> subprocess.CompletedProcess[str]:
    """`python -m tools.stackcheck ...` in a fresh interpreter, as CI and users run it."""
    return subprocess.run(
        [sys.executable, "-m", "tools.stackcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_main(*args: str, project_dir: Path = PROJECT_DIR) -> tuple[int, str, str]:
    """`stackcheck.main(args)` in this process: its exit status, stdout and stderr.

    For tests of what the check finds rather than of the command itself (`run_cli` proves that):
    no second interpreter importing pulumi and pulumi_aws again for every check. The program's
    warnings (`pulumi.log.warn` logs them under the mocks) reach stderr as they do in a process of
    its own, where the logging module's last-resort handler prints them: "%(message)s", WARNING.
    """
    out, err = io.StringIO(), io.StringIO()
    handler = logging.StreamHandler(err)
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = stackcheck.main(list(args), project_dir=project_dir)
    finally:
        root.removeHandler(handler)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def write_project(tmp_path: Path) -> WriteProject:
    """A copy of the project (the real program, linked) with the stack file and Pulumi.yaml given.

    `write_project(stack_text, stack="test", project_text=None)` returns the project directory.
    """
    for name in (
        "__main__.py",
        "config_keys.py",
        "config_values.py",
        "stack_config.py",
        "components",
    ):
        (tmp_path / name).symlink_to(PROJECT_DIR / name)

    def write(stack_text: str, stack: str = "test", project_text: str | None = None) -> Path:
        project = project_text or (PROJECT_DIR / "Pulumi.yaml").read_text()
        (tmp_path / "Pulumi.yaml").write_text(project)
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(stack_text)
        return tmp_path

    return write


DEV_STACK = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()


def compare_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    """`python -m tools.stackcheck ARGS --json`, in process: its document (it must exit 0)."""
    code = stackcheck.main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def steps(document: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    """Resource name -> (op, keys) for every changed resource of a plan."""
    return {c["urn"].rsplit("::", 1)[1]: (c["op"], c["keys"]) for c in document["changed"]}
