"""scripts/pulumi-cli.sh without building anything: where the binary goes, and its reuse."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "pulumi-cli.sh"


def run(*args: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**os.environ, "PULUMI_CLI_CACHE": str(cache), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_path_names_the_pinned_version(tmp_path: Path) -> None:
    pinned = re.search(
        r"^(?:require )?\s*github.com/pulumi/pulumi/pkg/v3 (v\S+)$",
        (PROJECT_DIR / "cli" / "go.mod").read_text(),
        re.M,
    )
    assert pinned is not None
    out = run("--path", cache=tmp_path).stdout.strip()
    assert re.fullmatch(rf"{tmp_path}/pulumi-{re.escape(pinned[1])}-[0-9a-f]{{12}}/pulumi", out)


def test_a_cached_binary_is_reused_not_rebuilt(tmp_path: Path) -> None:
    binary = Path(run("--path", cache=tmp_path).stdout.strip())
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\necho v0.0.0-cached\n")
    binary.chmod(0o755)
    done = run(cache=tmp_path, GO="/nonexistent/go")  # a build would fail: no Go there
    assert (done.returncode, done.stdout) == (0, "v0.0.0-cached\n"), done.stderr


def test_no_go_is_one_clear_error(tmp_path: Path) -> None:
    done = run(cache=tmp_path, GO="/nonexistent/go")
    assert done.returncode == 2
    assert done.stderr.startswith("error: no Go toolchain")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("changed", "comment"),
    [
        # The hosts beside a cached CLI are always the ones the source describes.
        (Path("cli") / "langhost" / "main.go", "// changed\n"),
        # The script decides what the directory holds (the links, codegen-python/): a directory
        # an older script built is never taken for one this one would build.
        (Path("scripts") / SCRIPT.name, "# changed\n"),
    ],
)
def test_the_cache_key_covers_the_hosts_source_and_the_script(
    tmp_path: Path, changed: Path, comment: str
) -> None:
    """A change to either builds a new directory, as a new pin does."""
    copy = tmp_path / "repo"
    (copy / "scripts").mkdir(parents=True)
    shutil.copy(SCRIPT, copy / "scripts")
    shutil.copytree(PROJECT_DIR / "cli", copy / "cli")
    env = {**os.environ, "PULUMI_CLI_CACHE": str(tmp_path / "cache")}

    def where() -> str:
        done = subprocess.run(
            [str(copy / "scripts" / SCRIPT.name), "--path"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    before = where()
    assert before == run("--path", cache=tmp_path / "cache").stdout.strip()
    with (copy / changed).open("a") as edited:
        edited.write(comment)
    assert where() != before


def test_the_workflow_caches_the_cli_by_what_the_script_hashes() -> None:
    hashed = re.search(r'hash="\$\(cat ([^|]+)\|', SCRIPT.read_text())
    workflow = (PROJECT_DIR / ".github" / "workflows" / "pull-request.yml").read_text()
    key = re.search(r"key: pulumi-cli-.*hashFiles\(([^)]*)\)", workflow)
    assert hashed is not None
    assert key is not None
    assert [name.strip(" '") for name in key[1].split(",")] == hashed[1].split()
