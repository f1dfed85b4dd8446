"""Session-wide settings for every test process (each xdist worker is one)."""

from __future__ import annotations

import pytest

from tools import mockrun


def pytest_configure(config: pytest.Config) -> None:
    """Evaluations leave their garbage to the collector instead of freezing the heap.

    Frozen (the one-shot default), each of the session's ~1,000 evaluations would start with a
    full collection of the whole test process's heap (tools/mockrun.py). The collector is still
    paused during each evaluation. The freezing path is what every `python -m tools.stackcheck`
    subprocess of the suite runs, and tests/program/test_gc_pause.py runs it in process.
    """
    del config
    mockrun.FREEZE = False
