"""The characters a tag may hold on every service this program tags.

Every stack tags API Gateway resources, and a stack with `accessLogging` also tags a CloudWatch
Logs group, the strictest of them: botocore's `logs` model (2014-03-28) gives `TagKey` the pattern
`^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+)$` and `TagValue` `^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`.
API Gateway's developer guide ("Tagging your API Gateway resources") names the same class:
letters, numbers, spaces and `_ . : / = + - @`. Checking the one class for every stack keeps a
tag valid when access logging is switched on later. Python's `re` has no `\\p{...}`, so the
Unicode general categories are read with `unicodedata` (L*: letters, Z*: separators, N*: numbers).
"""

from __future__ import annotations

import unicodedata

#: The punctuation the pattern allows besides letters, separators and numbers.
ALLOWED_PUNCTUATION = frozenset("_.:/=+-@")


def allowed(character: str) -> bool:
    """Whether one character matches `[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]`."""
    return character in ALLOWED_PUNCTUATION or unicodedata.category(character)[0] in "LZN"


def refused_characters(text: str) -> list[str]:
    """The distinct characters of `text` AWS refuses in a tag, in order of appearance."""
    seen: list[str] = []
    for character in text:
        if not allowed(character) and character not in seen:
            seen.append(character)
    return seen


def character_problem(what: str, text: str) -> str | None:
    """A sentence naming the refused characters of a tag key or value, or None."""
    refused = refused_characters(text)
    if not refused:
        return None
    shown = ", ".join(repr(c) for c in refused)
    return (
        f"the tag {what} has {shown}, which CloudWatch Logs and API Gateway refuse in tags "
        "(only letters, numbers, spaces and _ . : / = + - @ are allowed); replace "
        f"{'it' if len(refused) == 1 else 'them'}."
    )
