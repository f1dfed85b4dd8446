"""`tools.policy_client`: the wire format, the CLI's config rules, and the subprocess's lifetime."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tools.pack_config import (
    PackInfo,
    PolicyConfig,
    PolicyConfigError,
    PolicyInfo,
    PolicyPackError,
    load_policy_config,
    pack_interpreter,
    parse_policy_config,
    reconcile_policy_config,
)
from tools.pack_messages import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    UNKNOWN_SENTINEL,
    Secret,
    StackContext,
    serialize,
    to_struct,
)

# --- Properties -----------------------------------------------------------------------------------


def test_unknowns_and_secrets_are_sent_as_the_engine_sends_them() -> None:
    sent = serialize(
        {
            "connectionId": UNKNOWN,
            "variables": {"vpcLinkId": Secret("gim7c3"), "gone": None},
            "types": ("REGIONAL", UNKNOWN),
            "timeoutMilliseconds": 29000,
        }
    )
    assert sent == {
        "connectionId": UNKNOWN_SENTINEL,
        "variables": {"vpcLinkId": {SIG_KEY: SECRET_SIG, "value": "gim7c3"}},
        "types": ["REGIONAL", UNKNOWN_SENTINEL],
        "timeoutMilliseconds": 29000,
    }


def test_a_struct_carries_every_number_as_a_float() -> None:
    struct = to_struct({"timeoutMilliseconds": 29000, "nested": [{"a": True}]})
    assert struct["timeoutMilliseconds"] == 29000.0
    assert isinstance(struct["timeoutMilliseconds"], float)
    assert struct["nested"][0]["a"] is True


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"settings": {"when": object()}}, "settings.when"),
        ({"items": [1, b"x"]}, r"items\[1\]"),
        ({"map": {1: "x"}}, "map"),
    ],
)
def test_values_the_engine_cannot_carry_are_refused_naming_the_property(
    value: dict[str, Any], where: str
) -> None:
    with pytest.raises(TypeError, match=where):
        serialize(value)


def test_a_diagnostics_detail_is_the_rules_own_message() -> None:
    diagnostic = Diagnostic(
        policy_name="p",
        policy_pack_name="pack",
        enforcement_level="mandatory",
        message="What the rule checks.\nStage 'prod' is wrong.",
        urn="urn:x",
        description="What the rule checks.",
    )
    assert diagnostic.detail == "Stage 'prod' is wrong."


# --- The CLI's --policy-pack-config ------------------------------------------------------------


def info(*policies: PolicyInfo) -> PackInfo:
    return PackInfo("pack", "0.0.1", "", True, policies)


def policy(name: str, level: str = "advisory", **schema: dict[str, Any]) -> PolicyInfo:
    return PolicyInfo(name, "d.", level, "resource", "", schema)


PACK = info(
    policy("a", "mandatory", hosts={"type": "array", "items": {"type": "string"}, "default": []}),
    policy("b", limit={"type": "integer", "minimum": 50, "default": 29000}),
    policy("c"),
)


def test_parse_reads_levels_and_objects_as_the_cli_does() -> None:
    assert parse_policy_config(
        {
            "a": "disabled",
            "b": {"enforcementLevel": "mandatory", "limit": 60000},
            "c": {"limit": 1},
            "empty": {},
        }
    ) == {
        "a": PolicyConfig("disabled", {}),
        "b": PolicyConfig("mandatory", {"limit": 60000}),
        "c": PolicyConfig(None, {"limit": 1}),
    }


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ({"a": "blocking"}, "not a valid enforcement level"),
        ({"a": {"enforcementLevel": 1}}, "not a valid enforcement level"),
        ({"a": 3}, "must be a string or object"),
        (["a"], "must be a JSON object"),
    ],
)
def test_parse_refuses_what_the_cli_refuses(raw: Any, says: str) -> None:
    with pytest.raises(PolicyConfigError, match=says):
        parse_policy_config(raw)


def test_reconcile_fills_defaults_then_all_then_each_policy() -> None:
    given = parse_policy_config(
        {"all": "mandatory", "b": {"limit": 60000}, "c": "advisory", "typo": "mandatory"}
    )
    assert reconcile_policy_config(PACK, given) == {
        "a": PolicyConfig("mandatory", {"hosts": []}),
        "b": PolicyConfig("mandatory", {"limit": 60000}),
        "c": PolicyConfig("advisory", {}),
    }
    assert reconcile_policy_config(PACK, {}) == {
        "a": PolicyConfig("mandatory", {"hosts": []}),
        "b": PolicyConfig("advisory", {"limit": 29000}),
        "c": PolicyConfig("advisory", {}),
    }


def test_reconcile_validates_against_each_schema() -> None:
    given = parse_policy_config({"a": {"hosts": "x"}, "b": {"limit": 10}})
    with pytest.raises(PolicyConfigError) as raised:
        reconcile_policy_config(PACK, given)
    assert "a: hosts: 'x' is not of type 'array'" in str(raised.value)
    assert "b: limit: 10 is less than the minimum of 50" in str(raised.value)


def test_load_reads_a_file_and_treats_empty_as_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    assert load_policy_config(empty) == {}
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(PolicyConfigError, match="not valid JSON"):
        load_policy_config(broken)
    with pytest.raises(PolicyConfigError, match="cannot read"):
        load_policy_config(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"a": "advisory"}))
    assert load_policy_config(good) == {"a": PolicyConfig("advisory", {})}


# --- The subprocess -------------------------------------------------------------------------------


def fake_pack(tmp_path: Path, main: str) -> Path:
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text(textwrap.dedent(main))
    return tmp_path


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()


def test_a_directory_without_a_pack_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyPackError, match=r"PulumiPolicy\.yaml is missing"):
        PolicyPackClient.start(tmp_path)


def test_a_pack_that_fails_reports_what_it_printed(tmp_path: Path) -> None:
    pack = fake_pack(tmp_path, "raise RuntimeError('no rules here')\n")
    with pytest.raises(PolicyPackError, match="exited with status 1") as raised:
        PolicyPackClient.start(pack, start_timeout=30)
    assert "no rules here" in str(raised.value)


def test_a_pack_that_prints_before_its_port_is_refused(tmp_path: Path) -> None:
    pack = fake_pack(tmp_path, "print('hello from the pack')\nimport time\ntime.sleep(60)\n")
    with pytest.raises(PolicyPackError, match="printed 'hello from the pack' where the CLI"):
        PolicyPackClient.start(pack, start_timeout=30)


@pytest.mark.slow
def test_a_pack_that_never_serves_is_ended(tmp_path: Path) -> None:
    marker = tmp_path / "pid"
    pack = fake_pack(
        tmp_path,
        f"""
        import os, time
        open({str(marker)!r}, "w").write(str(os.getpid()))
        time.sleep(60)
        """,
    )
    with pytest.raises(PolicyPackError, match="did not print its port within 2 s"):
        PolicyPackClient.start(pack, start_timeout=2)
    assert not alive(int(marker.read_text()))


@pytest.mark.slow
def test_the_pack_runs_in_its_directory_with_the_given_env_and_is_always_ended() -> None:
    pack = Path(__file__).resolve().parents[2] / "policy"
    client = PolicyPackClient.start(pack, env={"PULUMI_STACK": "prod-like"})
    pid = client.pid

    def inspect_then_fail() -> None:
        with client:
            assert Path(os.readlink(f"/proc/{pid}/cwd")) == pack
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert b"PULUMI_STACK=prod-like" in environ
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            address = b"127.0.0.1:0"
            # As the CLI's shim: the pack directory is "." and the working directory.
            assert command[1:6] == [b"-u", b"-m", b"pulumi.policy", address, b"."]
            venv_python = pack / "venv" / "bin" / "python"
            expected = venv_python if venv_python.is_file() else Path(sys.executable)
            assert command[0] == str(expected).encode()
            assert client.memory_kib() is not None
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        inspect_then_fail()
    assert client.process.poll() is not None
    assert not alive(pid)
    assert client.peak_memory_kib is not None
    with pytest.raises(PolicyPackError, match="closed"):
        client.analyze_stack([])
    client.close()  # twice is fine


# --- The interpreter and the stack, as the CLI gives them -----------------------------------------

TINY_PACK = """
    from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

    def report_stack(args, report):
        report(f"tags={sorted(args.stack_tags.items())}")

    PolicyPack(
        name="tiny",
        enforcement_level=EnforcementLevel.ADVISORY,
        policies=[
            ResourceValidationPolicy(
                name="report-stack", description="Reports the stack.", validate=report_stack
            )
        ],
    )
"""


def venv_pack(tmp_path: Path, virtualenv: str) -> Path:
    """A pack whose PulumiPolicy.yaml names a virtualenv, as this project's does."""
    pack = fake_pack(tmp_path, TINY_PACK)
    (pack / "PulumiPolicy.yaml").write_text(
        f"runtime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {virtualenv}\n"
    )
    return pack


def fake_virtualenv(root: Path, marker: Path) -> Path:
    """`<root>/bin/python`: records how it was called, then runs this interpreter."""
    python = root / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\necho "$0 $*" > {marker}\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    return python


@pytest.mark.parametrize(
    ("project", "venv_at", "expected"),
    [
        ("runtime: python\n", None, "sys"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: venv\n", None, "sys"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: venv\n", "venv", "venv"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: venv/\n", "venv", "venv"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: .env\n", "venv", "sys"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: ABSOLUTE\n", "abs", "venv"),
        ("runtime: [\n", "venv", "sys"),
        ("runtime:\n  name: python\n  options:\n    virtualenv: 7\n", "venv", "sys"),
    ],
)
def test_the_interpreter_is_the_one_the_clis_shim_would_run(
    tmp_path: Path, project: str, venv_at: str | None, expected: str
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    root = {"venv": pack / "venv", "abs": tmp_path / "elsewhere"}.get(venv_at or "")
    if root is not None:
        fake_virtualenv(root, tmp_path / "marker")
    (pack / "PulumiPolicy.yaml").write_text(
        project.replace("ABSOLUTE", str(tmp_path / "elsewhere"))
    )
    python, virtualenv = pack_interpreter(pack)
    if expected == "sys":
        assert (python, virtualenv) == (sys.executable, None)
    else:
        assert root is not None
        assert (python, virtualenv) == (str(root / "bin" / "python"), root)


@pytest.mark.slow
def test_the_pack_starts_with_its_virtualenvs_python_as_the_shim_runs_it(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    pack = venv_pack(tmp_path / "pack", "venv")
    marker = tmp_path / "marker"
    fake_virtualenv(pack / "venv", marker)
    with PolicyPackClient.start(pack, env={"PYTHONHOME": "/nowhere"}) as client:
        assert client.get_info().name == "tiny"
        environ = Path(f"/proc/{client.pid}/environ").read_bytes().split(b"\0")
    assert marker.read_text().split() == [
        str(pack / "venv" / "bin" / "python"),
        *["-u", "-m", "pulumi.policy", "127.0.0.1:0", "."],
    ]
    path = next(e for e in environ if e.startswith(b"PATH="))
    assert path.startswith(f"PATH={pack / 'venv' / 'bin'}{os.pathsep}".encode())
    assert not any(e.startswith(b"PYTHONHOME=") for e in environ)


@pytest.mark.slow
def test_the_stack_reaches_the_pack_through_configure_stack(tmp_path: Path) -> None:
    """pulumi_policy hands the tags of `ConfigureStack` to every rule."""
    pack = fake_pack(tmp_path, TINY_PACK)
    stack = StackContext("shop", "prod", dry_run=True, tags={"team": "payments"})
    resource = Resource("urn:pulumi:prod::shop::t::r", "t", "r")
    with PolicyPackClient.start(pack, stack=stack) as client:
        [diagnostic] = client.analyze(resource)
    assert diagnostic.detail == "tags=[('team', 'payments')]"


RECORDING_PACK = """
    import json, sys
    from concurrent import futures
    import grpc
    from google.protobuf import empty_pb2, json_format
    from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

    def record(name, request=None):
        fields = {}
        if request is not None:
            fields = json_format.MessageToDict(request, preserving_proto_field_name=True)
        with open("calls.jsonl", "a") as out:
            out.write(json.dumps([name, fields]) + "\\n")

    class Recording(analyzer_pb2_grpc.AnalyzerServicer):
        def GetAnalyzerInfo(self, request, context):
            record("GetAnalyzerInfo")
            return analyzer_pb2.AnalyzerInfo(name="recording", supportsConfig=True)

        def Configure(self, request, context):
            record("Configure")
            return empty_pb2.Empty()

    if WITH_CONFIGURE_STACK:
        def configure_stack(self, request, context):
            record("ConfigureStack", request)
            return analyzer_pb2.AnalyzerStackConfigureResponse()
        Recording.ConfigureStack = configure_stack

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(Recording(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    server.wait_for_termination()
"""


def calls(pack: Path) -> list[tuple[str, dict[str, Any]]]:
    lines = (pack / "calls.jsonl").read_text().splitlines()
    return [tuple(json.loads(line)) for line in lines]


@pytest.mark.slow
def test_configure_stack_comes_first_with_what_the_cli_sends(tmp_path: Path) -> None:
    pack = fake_pack(tmp_path, "WITH_CONFIGURE_STACK = True\n" + textwrap.dedent(RECORDING_PACK))
    env = {
        "PULUMI_PROJECT": "shop",
        "PULUMI_STACK": "prod",
        "PULUMI_ORGANIZATION": "acme",
        "PULUMI_DRY_RUN": "true",
        "PULUMI_CONFIG": json.dumps({"shop:region": "eu-west-1", "shop:routes": 3}),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(["shop:token"]),
    }
    with PolicyPackClient.start(pack, env=env):
        pass
    assert calls(pack) == [
        (
            "ConfigureStack",
            {
                "stack": "prod",
                "project": "shop",
                "organization": "acme",
                "dry_run": True,
                "config": {"shop:region": "eu-west-1", "shop:routes": "3"},
                "config_secret_keys": ["shop:token"],
            },
        ),
        ("GetAnalyzerInfo", {}),
        ("Configure", {}),
    ]


@pytest.mark.slow
def test_without_a_stack_or_configure_stack_the_pack_still_starts(tmp_path: Path) -> None:
    pack = fake_pack(tmp_path, "WITH_CONFIGURE_STACK = False\n" + textwrap.dedent(RECORDING_PACK))
    with PolicyPackClient.start(pack, env={"PULUMI_DRY_RUN": "true"}) as client:
        assert [name for name, _ in calls(pack)] == ["GetAnalyzerInfo", "Configure"]
        assert not client.configure_stack(StackContext("shop", "prod"))  # UNIMPLEMENTED
        assert client.get_info().name == "recording"


def test_a_stack_context_sets_the_same_variables_as_the_cli() -> None:
    stack = StackContext("shop", "prod", "acme", dry_run=False, config={"shop:a": "1"})
    assert stack.env() == {
        "PULUMI_PROJECT": "shop",
        "PULUMI_STACK": "prod",
        "PULUMI_DRY_RUN": "false",
        "PULUMI_ORGANIZATION": "acme",
        "PULUMI_CONFIG": '{"shop:a": "1"}',
    }
    assert StackContext.from_env(stack.env()) == stack
    assert StackContext.from_env({"PULUMI_STACK": "prod"}) is None
