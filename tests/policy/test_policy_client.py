"""`tools.policy_client`: the wire format, the CLI's config rules, and the subprocess's lifetime."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tools.policy_client import (
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN,
    UNKNOWN_SENTINEL,
    Diagnostic,
    PackInfo,
    PolicyConfig,
    PolicyConfigError,
    PolicyInfo,
    PolicyPackClient,
    PolicyPackError,
    Secret,
    load_policy_config,
    parse_policy_config,
    reconcile_policy_config,
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
            assert command[1:6] == [b"-u", b"-m", b"pulumi.policy", address, str(pack).encode()]
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
