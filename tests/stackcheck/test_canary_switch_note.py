"""The stack check notes a canary at 100 % (issue 21): that is a switch, not a canary."""

from __future__ import annotations

from tests.stackcheck.conftest import run_cli


def test_a_canary_at_100_percent_is_noted_with_the_fix() -> None:
    result = run_cli("prod", "--set", "canary={vpcLink: green, percent: 100}")
    assert result.returncode == 0, result.stderr
    both = result.stdout + result.stderr
    assert (
        "private-api:canary.percent: a canary at 100 % sends every request through 'green'" in both
    )
    assert "Set activeVpcLink to 'green' and remove the canary" in both


def test_a_canary_below_100_percent_is_not_noted() -> None:
    result = run_cli("prod", "--set", "canary={vpcLink: green, percent: 10}")
    assert result.returncode == 0, result.stderr
    assert "a canary at 100 %" not in result.stdout + result.stderr
