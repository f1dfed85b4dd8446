"""How fast a link migration reacts, and how long its gates need to see a rise in errors.

    venv/bin/python -m benchmarks.migration [--threshold 1] [--min-requests 100] [--json]

1. Reaction: a scripted migration (tools/migration.py with an in-memory stack and a fake clock)
   whose canary starts failing at step 2. Reported: evaluation periods from the first breached
   evaluation to the rollback's update, and the calls made on the way (CLI calls; control-plane
   calls of the update, by a stated model: one UpdateStage and one GetStage read back, as
   terraform-provider-aws's aws_api_gateway_stage update does), beside the alternative of a
   direct UpdateStage followed by reconciling config.
2. Detection: per canary share p and request rate r, the periods (minutes) until the 5XX gate
   breaches with 95 % probability when the canary's true error rate rises to e, and the chance
   of a false breach per period at the baseline rate. Binomial arithmetic: a period holds
   n = r * 60 * p / 100 canary requests, the gate breaches when errors > n * threshold / 100,
   and judges nothing before `--min-requests` canary requests (tools/smoke.py's canary_requests
   uses the same independence of requests).

It prints figures; it asserts nothing. Not covered: CloudWatch's delay between a log event and
its metric datapoint, and the duration of `pulumi up` itself, which only a real account shows.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass, field
from typing import Any

from tools.gates import PERIOD_SECONDS, Reading, Thresholds
from tools.migration import Event, Migration, Plan, Step
from tools.stack_cli import Placement


@dataclass
class MemoryStack:
    """The stack as tools/stack_cli.Stack shows it, in memory, counting calls."""

    name: str = "bench"
    active: str = "blue"
    canary: tuple[str, float] | None = None
    deployed: tuple[str, tuple[str, float] | None] = ("blue", None)
    updates: int = 0
    calls: list[str] = field(default_factory=list)

    def config(self) -> Placement:
        self.calls.append("config")
        link, percent = self.canary or (None, 0.0)
        return Placement(self.active, ["blue", "green"], link, percent)

    def set_canary(self, link: str, percent: float) -> None:
        self.calls += ["config set", "config set"]
        self.canary = (link, percent)

    def remove_canary(self) -> None:
        self.calls.append("config rm")
        self.canary = None

    def set_active(self, link: str) -> None:
        self.calls.append("config set")
        self.active = link

    def up(self) -> None:
        self.calls.append("up")
        self.updates += 1
        self.deployed = (self.active, self.canary)


class Clock:
    def __init__(self) -> None:
        self.time = 0.0

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.time += seconds


@dataclass
class FailingAtStep2:
    stack: MemoryStack
    clock: Clock
    first_breach: float | None = None

    def thresholds(self, min_requests: int) -> Thresholds:
        return Thresholds(1.0, 2000.0, min_requests)

    def read(self, step_start: float, now: float) -> Reading:
        del step_start
        percent = self.stack.deployed[1][1] if self.stack.deployed[1] else 0.0
        requests = 100 * percent
        errors = requests * 0.05 if percent >= 50 else 0.0
        if errors and self.first_breach is None:
            self.first_breach = now
        return Reading(requests * 10, requests, errors, 100.0)


def reaction() -> dict[str, Any]:
    stack, clock = MemoryStack(), Clock()
    metrics = FailingAtStep2(stack, clock)
    calls_at_breach: list[int] = []

    def view(event: Event) -> None:
        if event.verdict and event.verdict.breached() and not calls_at_breach:
            calls_at_breach.append(len(stack.calls))

    migration = Migration(
        stack,  # type: ignore[arg-type]  # the same methods as tools.stack_cli.Stack
        lambda: metrics,
        clock,
        Plan("green", [Step(10, 120), Step(50, 120)], min_requests=100, max_wait_seconds=600),
        view=view,
    )
    result = migration.run()
    after = stack.calls[calls_at_breach[0] :]
    assert metrics.first_breach is not None
    return {
        "outcome": result.outcome.value,
        "periodsFromFirstBreachedEvaluationToRollback": (clock.time - metrics.first_breach)
        / PERIOD_SECONDS,
        "cliCallsAfterBreach": after,
        "controlPlaneCallsOfTheRollbackUpdate": {"UpdateStage": 1, "GetStage": 1},
        "directUpdateStageAlternative": {
            "controlPlaneCallsBeforeTrafficIsBack": 1,
            "thenCliCalls": ["config rm", "up (no change)"],
        },
        "stageAfter": stack.deployed,
    }


def log_binomial_pmf(k: int, n: int, p: float) -> float:
    if p <= 0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1:
        return 0.0 if k == n else -math.inf
    log_comb = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    return log_comb + k * math.log(p) + (n - k) * math.log1p(-p)


def breach_probability(n: int, rate: float, threshold_percent: float) -> float:
    """P(errors > n * threshold / 100) for n requests failing independently at `rate`."""
    if n == 0:
        return 0.0
    limit = math.floor(n * threshold_percent / 100)
    return sum(math.exp(log_binomial_pmf(k, n, rate)) for k in range(limit + 1, n + 1))


def detection(
    percent: float, rps: float, rate: float, threshold: float, min_requests: int
) -> float | None:
    """Minutes until the gate breaches with 95 % probability (None: not within a day)."""
    n = round(rps * PERIOD_SECONDS * percent / 100)
    if n == 0:
        return None
    waiting = max(0, math.ceil(min_requests / n) - 1)  # periods before any judgement
    q = breach_probability(n, rate, threshold)
    if q <= 0:
        return None
    periods = 1 if q >= 0.95 else math.ceil(math.log(0.05) / math.log1p(-q))
    total = waiting + periods
    return total * PERIOD_SECONDS / 60 if total <= 24 * 60 else None


def table(threshold: float, min_requests: int) -> list[dict[str, Any]]:
    rows = []
    for percent in (1, 5, 10, 25, 50):
        for rps in (1, 10, 100):
            n = round(rps * PERIOD_SECONDS * percent / 100)
            rows.append(
                {
                    "percent": percent,
                    "rps": rps,
                    "canaryRequestsPerPeriod": n,
                    "minutesToSee2Percent": detection(percent, rps, 0.02, threshold, min_requests),
                    "minutesToSee5Percent": detection(percent, rps, 0.05, threshold, min_requests),
                    "falseBreachPerPeriodAt0.1Percent": round(
                        breach_probability(n, 0.001, threshold), 6
                    ),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.migration")
    parser.add_argument("--threshold", type=float, default=1.0, help="5XX %% limit")
    parser.add_argument("--min-requests", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    found: dict[str, Any] = {
        "reaction": reaction(),
        "detection": table(args.threshold, args.min_requests),
    }
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    r = found["reaction"]
    periods = r["periodsFromFirstBreachedEvaluationToRollback"]
    print(f"reaction: {r['outcome']}; {periods:g} evaluation periods from the first breached")
    print("  evaluation to the rollback update (it starts within the breached evaluation);")
    print(f"  CLI calls after it: {', '.join(r['cliCallsAfterBreach'])};")
    print("  control-plane calls of that update: UpdateStage 1, GetStage 1 (stated model)")
    print(
        f"detection, 5XX limit {args.threshold:g} %, {args.min_requests} canary requests "
        "before any judgement (minutes to breach with 95 % probability; - : not within a day)"
    )
    print("  canary %   rps   req/period   2 % errors   5 % errors   false breach/period")
    for row in found["detection"]:
        two, five = row["minutesToSee2Percent"], row["minutesToSee5Percent"]
        print(
            f"  {row['percent']:>8}  {row['rps']:>4}  {row['canaryRequestsPerPeriod']:>11}  "
            f"{'-' if two is None else f'{two:g}':>11}  {'-' if five is None else f'{five:g}':>11}"
            f"  {row['falseBreachPerPeriodAt0.1Percent']:>20g}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
