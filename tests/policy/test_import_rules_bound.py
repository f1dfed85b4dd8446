"""The pack's copy of API Gateway's import rules (policy/pack_import_rules.py) equals the
program's (components/import_rules.py): the pack runs in its own virtualenv and imports nothing
from the program, so the facts are written twice and bound here, as the region table is."""

from __future__ import annotations

import pack_body
import pack_import_rules as pack
import pack_openapi
import rule_support
from hypothesis import given
from hypothesis import strategies as st

from components import import_rules as program

#: Characters around the edges of what either copy accepts: the allowed ones, and look-alikes.
PART_ALPHABET = st.sampled_from(list("aZ09._-:{}+ ~%/é\t"))


@given(st.text(PART_ALPHABET, min_size=1, max_size=6))
def test_a_literal_path_part_is_accepted_by_both_or_neither(part: str) -> None:
    if part.startswith("{"):
        return
    assert bool(program.LITERAL_PATH_PART.match(part)) == bool(pack.PATH_PART.fullmatch(part))


@given(st.text(PART_ALPHABET, min_size=1, max_size=6))
def test_a_parameter_the_program_accepts_the_pack_accepts(part: str) -> None:
    """The program's parameter names are narrower on purpose (each becomes
    method.request.path.<name>); the pack, judging any program, keeps AWS's wider rule."""
    if program.PARAM_PATH_PART.match(part):
        assert pack.PATH_PART.fullmatch(part)
        assert pack.VARIABLE_PART.fullmatch(part)
        greedy = part.endswith("+}")
        assert bool(pack.GREEDY_PART.fullmatch(part)) == greedy


def test_the_same_methods_import() -> None:
    assert (*pack.IMPORTABLE_METHODS, pack.ANY_METHOD) == program.OPERATION_KEYS
    assert program.OPERATION_KEYS == pack_openapi.OPERATION_KEYS
    assert program.ANY_METHOD == pack.ANY_METHOD == pack_openapi.ANY_METHOD
    assert program.INTEGRATION == pack_openapi.EXTENSION


def test_the_same_integration_types() -> None:
    assert {kind.upper() for kind in program.INTEGRATION_TYPES} == set(pack.INTEGRATION_TYPES)


def test_the_same_limits() -> None:
    assert program.MAX_BODY_BYTES == pack_body.MAX_BODY_BYTES
    assert program.MIN_TIMEOUT_MS == rule_support.MIN_TIMEOUT_MS
    assert program.MAX_TIMEOUT_MS == rule_support.DEFAULT_MAX_TIMEOUT_MS
    assert program.MAX_LONG_TIMEOUT_MS == rule_support.MAX_LONG_TIMEOUT_MS
    assert program.MAX_STREAM_TIMEOUT_MS == rule_support.MAX_STREAM_TIMEOUT_MS
