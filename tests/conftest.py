"""Session-wide settings for every test process (each xdist worker is one)."""

from __future__ import annotations

import pytest

from tools import mockrun


def pytest_configure(config: pytest.Config) -> None:
    """Leave the cyclic collector running during evaluations, as a long-lived process should.

    Paused (the one-shot default), each of the session's ~1,000 evaluations would start with a
    full collection of the whole test process's heap (tools/mockrun.py). The paused path is still
    what every `python -m tools.stackcheck` subprocess of the suite runs, and
    tests/program/test_gc_pause.py runs it in process.
    """
    del config
    mockrun.PAUSE_GC = False
