"""Fixtures for the program's tests."""

import pytest

from tests.program.harness import RunStack, evaluate


@pytest.fixture
def run_stack() -> RunStack:
    return evaluate
