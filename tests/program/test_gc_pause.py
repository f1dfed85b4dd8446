"""The heap freeze of a one-shot evaluation (tools/mockrun.py), which the test session turns off."""

from __future__ import annotations

import gc

import pytest

from tests.program.harness import evaluate
from tools import mockrun


def recorded(run: mockrun.ProgramRun) -> dict[str, tuple[object, object]]:
    """URN -> (inputs, state): registration order varies with the SDK's threads."""
    return {r.urn: (r.inputs, r.state) for r in run.resources}


def test_a_frozen_evaluation_records_the_same_stack_and_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unfrozen = evaluate("dev")
    monkeypatch.setattr(mockrun, "FREEZE", True)
    frozen = evaluate("dev")
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0, "what the evaluation allocated was not frozen"
    again = evaluate("dev")  # collects what the first one left behind, then freezes again
    assert gc.isenabled()
    assert recorded(frozen) == recorded(unfrozen)
    assert recorded(again) == recorded(frozen)
    monkeypatch.setattr(mockrun, "FREEZE", False)
    evaluate("dev")  # the next evaluation of the session unfreezes and collects
    assert gc.get_freeze_count() == 0
