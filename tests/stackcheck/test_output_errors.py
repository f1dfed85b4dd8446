"""Output that cannot be written (a closed pipe, a full disk) ends quietly: one line, exit 2.

Exit 1 means "a mandatory violation"; a traceback's exit 1 after `| head -1` would read as one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.stackcheck.conftest import PROJECT_DIR
from tools import stackcheck

# 299 routes and the root: 300 API Gateway resources, the default quota, so no quota warning adds
# a line to stderr (one more route and the program warns, as it should).
ROUTES = json.dumps([{"path": f"/r{i}", "method": "GET"} for i in range(299)])


def closed_before_the_output(*args: str) -> tuple[int, str]:
    """`python -m tools.stackcheck ... | head -1` where head has gone before the answer is written.

    Made deterministic: the reading end is closed at once, and the check takes a few seconds
    before it writes anything. (Whether a real `| head -1` sees the write fail is a race: a pipe
    can take the whole answer before head exits, which the next test allows.)
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.stackcheck", *args],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode()
    return process.wait(timeout=300), err


@pytest.mark.parametrize("form", ["table", "json"])
def test_a_closed_pipe_on_a_300_route_stack_exits_2_with_one_line(form: str) -> None:
    args = ["dev", "--set", f"routes={ROUTES}"] + (["--json"] if form == "json" else [])
    code, err = closed_before_the_output(*args)
    assert code == 2, err
    assert err.splitlines() == ["error: cannot write the stack check's output: Broken pipe"]


def test_head_1_through_a_shell_never_shows_a_traceback() -> None:
    """The pipe as a shell builds it: whether the rest fits in the pipe in time is a race, so
    the status is 0 (all written) or 2 (not), never a traceback's 1."""
    result = subprocess.run(
        [
            "bash",
            "-c",
            f'"{sys.executable}" -m tools.stackcheck dev --json --set "routes=$ROUTES" | head -1;'
            ' exit "${PIPESTATUS[0]}"',
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "ROUTES": ROUTES},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout == "{\n"
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1


def test_a_full_disk_exits_2_with_one_line() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tools.stackcheck", "dev"],
            cwd=PROJECT_DIR,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: cannot write the stack check's output: No space left on device"
    ]


def test_an_error_message_that_cannot_be_written_still_exits_2() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tools.stackcheck", "no-such-stack"],
            cwd=PROJECT_DIR,
            stdout=subprocess.PIPE,
            stderr=full,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 2
    assert result.stdout == ""


def test_a_failure_of_the_check_itself_exits_2_without_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug in the check")

    monkeypatch.setattr(stackcheck, "check", broken)
    code = stackcheck.run(["dev"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err == "error: the stack check itself failed: RuntimeError: a bug in the check\n"
