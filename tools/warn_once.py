"""Each program warning once per stack, however often the stack check evaluates the program.

`--compare` evaluates the stack as it is and as changed (and `--base` each stack at two commits),
so a warning the program logs during evaluation (`pulumi.log.warn`: a quota, an insecure TLS
setting) came out once per evaluation, the same sentence two or three times.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pulumi


@contextmanager
def warnings_once() -> Iterator[None]:
    """Within the block, `pulumi.log.warn` passes a (stack, message) pair on only the first time."""
    original = pulumi.log.warn
    seen: set[tuple[str, str]] = set()

    def warn(msg: str, *args: Any, **kwargs: Any) -> None:
        try:
            stack = pulumi.get_stack()
        except Exception:  # noqa: BLE001 (outside a program run: no stack to key on)
            stack = ""
        if (stack, msg) in seen:
            return
        seen.add((stack, msg))
        original(msg, *args, **kwargs)

    pulumi.log.warn = warn
    try:
        yield
    finally:
        pulumi.log.warn = original
