"""The collector pause of a one-shot evaluation (tools/mockrun.py), which the session turns off."""

from __future__ import annotations

import gc

import pytest

from tests.program.harness import evaluate
from tools import mockrun


def recorded(run: mockrun.ProgramRun) -> dict[str, tuple[object, object]]:
    """URN -> (inputs, state): registration order varies with the SDK's threads."""
    return {r.urn: (r.inputs, r.state) for r in run.resources}


def test_a_paused_evaluation_records_the_same_stack_and_leaves_the_collector_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unpaused = evaluate("dev")
    monkeypatch.setattr(mockrun, "PAUSE_GC", True)
    paused = evaluate("dev")
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0, "what the evaluation allocated was not frozen"
    again = evaluate("dev")  # collects what the first one left behind, then freezes again
    assert gc.isenabled()
    assert recorded(paused) == recorded(unpaused)
    assert recorded(again) == recorded(paused)
    monkeypatch.setattr(mockrun, "PAUSE_GC", False)
    evaluate("dev")  # the next evaluation of the session unfreezes and collects
    assert gc.get_freeze_count() == 0
