"""`pulumi package gen-sdk` from the committed schema (package/schema.json) with the pinned CLI and
the codegen-only language hosts beside it (scripts/pulumi-cli.sh, cli/langhost), then the
examples compiled against the SDKs it made: examples/typescript with `tsc --noEmit`, from its
committed package-lock.json, and examples/go with `go vet` (which builds it). Each check is also
shown to fail on a misspelt property. Without npm or Go these fail under CI=true and skip
otherwise, as a missing CLI does (conftest.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli.conftest import PROJECT_DIR, PulumiCli

SCHEMA = PROJECT_DIR / "package" / "schema.json"
EXAMPLES = PROJECT_DIR / "examples"
# Where `pulumi package add` puts the nodejs SDK, and the name its package.json gives it.
TS_SDK_DIR = Path("sdks") / "private-api"


def tool(name: str) -> str:
    found = shutil.which(name) or (
        "/usr/local/go/bin/go" if name == "go" and Path("/usr/local/go/bin/go").is_file() else None
    )
    if found is None:
        reason = f"no {name} on PATH: the example cannot be compiled"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must have it", pytrace=False)
        pytest.skip(reason)
    return found


def run(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def sdks(pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """<out>/nodejs and <out>/go, as `pulumi package gen-sdk` writes them."""
    out = tmp_path_factory.mktemp("sdks")
    for language in ("nodejs", "go"):
        pulumi_cli.run(
            "package", "gen-sdk", str(SCHEMA), "--language", language, "--out", str(out), cwd=out
        )
    return out


def test_gen_sdk_writes_the_nodejs_sdk(sdks: Path) -> None:
    component = (sdks / "nodejs" / "privateRestApi.ts").read_text()
    assert "export class PrivateRestApi extends pulumi.ComponentResource" in component
    assert "vpcLinks: {[key: string]: inputs.VpcLinkArgs}" in component


def test_gen_sdk_writes_the_go_sdk(sdks: Path) -> None:
    go_files = list((sdks / "go").rglob("privateRestApi.go"))
    assert len(go_files) == 1, sorted(p.name for p in (sdks / "go").rglob("*"))
    assert "func NewPrivateRestApi(" in go_files[0].read_text()


def test_gen_sdk_refuses_a_wrong_type_but_not_a_dangling_reference(
    pulumi_cli: PulumiCli, tmp_path: Path
) -> None:
    """The CLI binds the schema before any host runs: `"type": "bool"` is refused. A `$ref` to a
    type the schema lacks is not (the hosts bind with AllowDanglingReferences, as the real ones
    do): the committed schema's guard is tests/package/test_schema.py (it must be exactly what
    the analyzer infers, and valid against the metaschema), not gen-sdk."""
    text = SCHEMA.read_text()
    wrong_type = tmp_path / "wrong-type.json"
    wrong_type.write_text(text.replace('"type": "boolean"', '"type": "bool"', 1))
    dangling = tmp_path / "dangling.json"
    dangling.write_text(
        text.replace('"#/types/private-api:index:Canary"', '"#/types/nope:index:X"')
    )
    outcomes = {}
    for schema in (wrong_type, dangling):
        done = pulumi_cli.run(
            "package",
            "gen-sdk",
            str(schema),
            "--language",
            "nodejs",
            "--out",
            str(tmp_path / schema.stem),
            cwd=tmp_path,
            check=False,
        )
        outcomes[schema.stem] = (done.returncode, "unknown type kind bool" in done.stderr)
    assert outcomes == {"wrong-type": (1, True), "dangling": (0, False)}


def typescript_project(sdks: Path, root: Path, index: str | None = None) -> Path:
    """A copy of examples/typescript with the generated SDK where `pulumi package add` puts it,
    installed with `npm ci` (npm's download cache is the user's, so a second run is offline)."""
    npm = tool("npm")
    project = root / "typescript"
    shutil.copytree(
        EXAMPLES / "typescript", project, ignore=shutil.ignore_patterns("node_modules", "sdks")
    )
    shutil.copytree(sdks / "nodejs", project / TS_SDK_DIR)
    if index is not None:
        (project / "index.ts").write_text(index)
    done = run([npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"], cwd=project)
    assert done.returncode == 0, done.stderr + done.stdout
    return project


def tsc(project: Path) -> subprocess.CompletedProcess[str]:
    return run([str(project / "node_modules" / ".bin" / "tsc"), "--noEmit", "-p", "."], cwd=project)


@pytest.fixture(scope="module")
def ts_project(sdks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return typescript_project(sdks, tmp_path_factory.mktemp("ts"))


def test_the_typescript_example_compiles_against_the_generated_sdk(ts_project: Path) -> None:
    done = tsc(ts_project)
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def edited(copy: Path, example: Path, old: str, new: str) -> Iterator[None]:
    """The example's copy with one edit (`old` must be there), restored afterwards."""
    source = example.read_text()
    assert old in source
    try:
        copy.write_text(source.replace(old, new, 1))
        yield
    finally:
        copy.write_text(source)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("stageName:", "stageNmae:", "'stageNmae' does not exist"),
        ("privateApi.VpcLinkKind.V2", "privateApi.VpcLinkKind.V3", "Property 'V3' does not exist"),
        ("api.restApiId;", "api.restApi;", "Property 'restApi' does not exist"),
    ],
)
def test_tsc_fails_on_a_wrong_example(ts_project: Path, old: str, new: str, error: str) -> None:
    with edited(ts_project / "index.ts", EXAMPLES / "typescript" / "index.ts", old, new):
        done = tsc(ts_project)
    assert done.returncode != 0
    assert error in done.stdout, done.stdout


@pytest.fixture(scope="module")
def go_project(pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of examples/go with the Go SDK where `pulumi package add` puts it.

    `pulumi package add` generates with SupportPack on (v3.276.0 `cmd/pulumi/packages/
    packages.go`: "We _always_ want SupportPack turned on for `package add`"), which gives the Go
    SDK its go.mod; gen-sdk does so when the schema says `meta.supportPack`, so a copy says it.
    """
    root = tmp_path_factory.mktemp("go")
    schema = json.loads(SCHEMA.read_text())
    schema["meta"] = {"supportPack": True}
    (root / "schema.json").write_text(json.dumps(schema))
    pulumi_cli.run(
        "package", "gen-sdk", "schema.json", "--language", "go", "--out", "out", cwd=root
    )
    project = root / "go"
    shutil.copytree(EXAMPLES / "go", project, ignore=shutil.ignore_patterns("sdks"))
    shutil.copytree(root / "out" / "go", project / "sdks" / "private-api")
    return project


def vet(project: Path) -> str:
    """`go vet ./...` (type-checks and compiles): the exit code, then what it printed. The
    user's module and build caches (HOME is the real one here), the committed go.sum as is."""
    env = {**os.environ, "GOFLAGS": "-mod=readonly"}
    done = run([tool("go"), "vet", "./..."], cwd=project, env=env)
    return f"exit {done.returncode}\n{done.stderr}"


@pytest.fixture(scope="module")
def go_vet(go_project: Path) -> str:
    return vet(go_project)


# The Go generator of pkg/v3 v3.276.0 writes `Authorizers map[string]AuthorizerArgs` into
# PrivateRestApiArgs but no AuthorizerArgs type. Cause (codegen/go/gen.go,
# populateDetailsForPropertyTypes): a plain property marks its type as an input only when the
# property itself is an object (UnwrapType does not look into maps and arrays); plain maps and
# arrays of objects get their Args types only because that branch's `input = true` leaks into
# the loop's later properties. Inputs are bound in name order, so `routes` and `vpcLinks`, after
# `canary` (the first plain object), get theirs and `authorizers` does not. Checked with schema
# copies: without `canary` and `observability` none of the three gets one; with `canary` renamed
# `aaaCanary` all three do. So the SDK does not compile, before the example is looked at;
# docs/package.md says so.
# The line moves with the schema (where `Authorizers` falls among the args); the file, the column
# and the error do not.
GO_SDK_ERROR = "sdks/private-api/privateapi/privateRestApi.go:<line>:25: undefined: AuthorizerArgs"


def test_the_go_sdk_fails_to_compile_only_for_the_known_generator_gap(go_vet: str) -> None:
    errors = [line for line in go_vet.splitlines()[1:] if line and not line.startswith("#")]
    pattern = re.escape(GO_SDK_ERROR).replace("<line>", r"\d+")
    assert go_vet.splitlines()[0] == "exit 1", go_vet
    assert len(errors) == 1, go_vet
    assert re.fullmatch(pattern, errors[0]), go_vet


@pytest.mark.xfail(strict=True, reason=f"pkg/v3 v3.276.0's Go generator: {GO_SDK_ERROR}")
def test_the_go_example_vets_against_the_generated_sdk(go_vet: str) -> None:
    assert go_vet.startswith("exit 0"), go_vet


SHIM = "package privateapi\n\n// Test-only: the type the generator left out.\n" + (
    "type AuthorizerArgs = Authorizer\n"
)


@pytest.fixture(scope="module")
def shimmed_go_project(go_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same project with the one missing type supplied (an alias of the plain `Authorizer`
    struct the generator did write), so the example itself is checked against the rest of the
    SDK until the generator is fixed."""
    project = tmp_path_factory.mktemp("go-shim") / "go"
    shutil.copytree(go_project, project)
    (project / "sdks" / "private-api" / "privateapi" / "zz_shim.go").write_text(SHIM)
    return project


def test_the_go_example_vets_with_the_missing_type_supplied(shimmed_go_project: Path) -> None:
    assert vet(shimmed_go_project) == "exit 0\n"


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("StageName:", "StageNmae:", "unknown field StageNmae in struct literal"),
        (
            "privateapi.VpcLinkKindV2",
            "privateapi.VpcLinkKindV3",
            "undefined: privateapi.VpcLinkKindV3",
        ),
        ("api.RestApiId)", "api.RestApi)", "api.RestApi undefined"),
    ],
)
def test_go_vet_fails_on_a_wrong_example(
    shimmed_go_project: Path, old: str, new: str, error: str
) -> None:
    with edited(shimmed_go_project / "main.go", EXAMPLES / "go" / "main.go", old, new):
        out = vet(shimmed_go_project)
    assert out.startswith("exit 1")
    assert error in out, out
