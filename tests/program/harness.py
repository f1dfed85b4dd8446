"""Evaluate the real program with the real stack files, under Pulumi's mocks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import mockrun, stackfiles

PROJECT_DIR = Path(__file__).resolve().parents[2]

RunStack = Callable[..., mockrun.ProgramRun]


def evaluate(
    stack: str,
    overrides: dict[str, Any] | None = None,
    *,
    preview: bool = False,
    into: mockrun.ProgramRun | None = None,
) -> mockrun.ProgramRun:
    """Load a shipped stack as the CLI would, apply `pulumi config set`-style overrides, run it."""
    config = stackfiles.load(PROJECT_DIR, stack, overrides)
    return mockrun.run_program(
        PROJECT_DIR,
        project=config.project,
        stack=stack,
        config=config.values,
        secret_keys=config.secret_keys,
        preview=preview,
        into=into,
    )
