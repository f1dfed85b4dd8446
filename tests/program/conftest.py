"""Fixtures for the program's tests."""

import pytest

from tests.program.harness import RunStack, shared_or_evaluated


@pytest.fixture
def run_stack() -> RunStack:
    """`evaluate`; a shipped stack as it stands is evaluated once per process and shared."""
    return shared_or_evaluated
