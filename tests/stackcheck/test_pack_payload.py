"""What the pack receives: inputs to `Analyze`, final outputs (state, with `id`) to `AnalyzeStack`.

"Unlike Analyze, AnalyzeStack is called on the final outputs of each resource" (the Analyzer
service's own documentation). A test pack (tests/fixtures/echo_pack) reports the property names
it is given for each VPC link, so these tests see exactly what went over the wire.
"""

from __future__ import annotations

import json

import pytest

from tests.program.harness import evaluate, shipped
from tests.stackcheck.conftest import DEV_STACK, FIXTURES, WriteProject
from tools import mockrun, stackcheck

LINK = "aws:apigateway/vpcLink:VpcLink"


def echoed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    write_project: WriteProject,
) -> dict[str, list[str]]:
    monkeypatch.setattr(stackcheck, "PACK_DIR", FIXTURES / "echo_pack")
    project = write_project(DEV_STACK)
    code = stackcheck.main(["test", "--json"], project_dir=project)
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    said = {}
    for violation in document["violations"]:
        kind, _, names = violation["message"].rpartition("\n")[2].partition(" ")
        said[kind] = json.loads(names)
    return said


def test_analyze_gets_the_inputs_and_analyze_stack_the_outputs(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    write_project: WriteProject,
) -> None:
    said = echoed(capsys, monkeypatch, write_project)
    # What the program passed: no id, no arn (the provider computes them).
    assert "targetArn" in said["inputs"]
    assert "id" not in said["inputs"]
    assert "arn" not in said["inputs"]
    # The final outputs: the inputs, the computed arn, and the id as bridged providers return it.
    assert set(said["state"]) >= set(said["inputs"]) | {"id", "arn"}


def test_recorded_state_holds_the_mocks_outputs_and_the_id() -> None:
    run = shipped("prod")
    link = run.by_type(LINK)[0]
    assert link.state["id"] == link.id == mockrun.fake_id(link.name)
    assert link.state["arn"].endswith(f"/vpclinks/{link.id}")
    assert "id" not in link.inputs
    assert "arn" not in link.inputs
    assert {k: link.state[k] for k in link.inputs} == link.inputs
    stage = run.one("aws:apigateway/stage:Stage")
    assert stage.state["invokeUrl"].startswith("https://")


def test_a_component_has_no_id_and_its_state_is_what_it_registered() -> None:
    run = shipped("dev")
    component = run.one("private-api:index:PrivateRestApi")
    assert component.id == ""
    assert "id" not in component.state
    assert component.state["restApiId"] == run.outputs["restApiId"]


def test_in_a_preview_a_new_resources_id_is_unknown() -> None:
    run = evaluate("dev", preview=True)
    link = run.by_type(LINK)[0]
    assert link.id is mockrun.UNKNOWN
    assert link.state["id"] is mockrun.UNKNOWN
