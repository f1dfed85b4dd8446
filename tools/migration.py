"""A progressive link switch: canary steps judged by gates, rollback on a breach, then promotion.

States, all written to the stack's config before `pulumi up` applies them, so that config is the
truth at every step and a rerun starts from it:

- `START`: no canary, the stage on the old link.
- `CANARY p%`: `canary: {vpcLink: <to>, percent: p}`; a rerun re-bakes that step and goes on.
- `PROMOTING`: `activeVpcLink: <to>` with the canary still set (an interrupted promotion);
  a rerun removes the canary.
- `DONE`: `activeVpcLink: <to>`, no canary; a rerun does nothing.
- `ROLLED BACK`: no canary, the stage on the old link (START again).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tools.gates import PERIOD_SECONDS, Gate, Metrics, Status, Thresholds, Verdict, judge
from tools.stack_cli import Placement, Stack, StackError


class Outcome(enum.Enum):
    PROMOTED = "promoted"
    NOTHING_TO_DO = "nothing to do"
    ROLLED_BACK = "rolled back"
    INTERRUPTED = "interrupted"


EXIT = {Outcome.PROMOTED: 0, Outcome.NOTHING_TO_DO: 0, Outcome.ROLLED_BACK: 1}


@dataclass(frozen=True)
class Step:
    percent: float
    bake_seconds: float


# CodeDeploy's predefined deployment configurations, by the names users know ("Deployment
# configurations in CodeDeploy": Canary10Percent5/10/15/30Minutes, Linear10PercentEvery1/2/3/
# 10Minute(s), AllAtOnce). Each ends with promotion (100 %), which is not a canary step.
SCHEDULES: dict[str, list[Step]] = {"AllAtOnce": []}
for _minutes in (5, 10, 15, 30):
    SCHEDULES[f"Canary10Percent{_minutes}Minutes"] = [Step(10, _minutes * 60)]
for _minutes, _unit in ((1, "Minute"), (2, "Minutes"), (3, "Minutes"), (10, "Minutes")):
    SCHEDULES[f"Linear10PercentEvery{_minutes}{_unit}"] = [
        Step(p, _minutes * 60) for p in range(10, 100, 10)
    ]


def parse_schedule(text: str) -> list[Step]:
    """A named schedule, or custom steps `percent:bake` such as `5:10m,25:10m,50:5m`."""
    if text in SCHEDULES:
        return SCHEDULES[text]
    steps: list[Step] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?):(\d+)([sm])\s*", part)
        if not match:
            names = ", ".join(SCHEDULES)
            raise ValueError(f"schedule {text!r}: use one of {names}, or steps like 5:10m,25:10m")
        percent = float(match[1])
        seconds = int(match[2]) * (60 if match[3] == "m" else 1)
        if not 0 < percent < 100:
            raise ValueError(f"schedule step {part.strip()!r}: percent must be above 0, below 100")
        if steps and percent <= steps[-1].percent:
            raise ValueError(f"schedule {text!r}: percents must rise step by step")
        steps.append(Step(percent, seconds))
    return steps


class Clock(Protocol):
    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


@dataclass
class Event:
    """One line of the live view, and the JSON record of it."""

    kind: str
    step: int
    steps: int
    percent: float
    bake_left: float = 0.0
    verdict: Verdict | None = None
    note: str = ""


@dataclass
class Result:
    outcome: Outcome
    source: str
    target: str
    state: str
    detail: str = ""
    updates: int = 0
    evaluations: int = 0
    breached: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    """What to do: the link to move to, the canary steps, and how each step is judged."""

    target: str
    schedule: list[Step]
    #: Requests a step's canary must have served before any gate judges it.
    min_requests: int
    #: How long past its bake a step may wait for enough requests before it rolls back.
    max_wait_seconds: float


class Migration:
    def __init__(
        self,
        stack: Stack,
        metrics: Callable[[], Metrics],
        clock: Clock,
        plan: Plan,
        *,
        view: Callable[[Event], None],
        probe: Callable[[float], str | None] | None = None,
    ) -> None:
        self.stack = stack
        self.metrics = metrics
        self.clock = clock
        self.target = plan.target
        self.schedule = plan.schedule
        self.min_requests = plan.min_requests
        self.max_wait = plan.max_wait_seconds
        self.view = view
        #: Optional extra gate per step (the smoke check's probes): None or what failed.
        self.probe = probe
        self.evaluations = 0

    def run(self) -> Result:
        placed = self.stack.config()
        if self.target not in placed.links:
            raise StackError(
                f"'{self.target}' is not a link of stack {self.stack.name}; its links: "
                f"{', '.join(placed.links) or 'none'} (vpcLinks)"
            )
        if placed.active == self.target:
            if placed.canary_link is None:
                return self._result(Outcome.NOTHING_TO_DO, placed.active, "DONE")
            self.stack.remove_canary()  # an interrupted promotion: finish it
            self.stack.up()
            return self._result(Outcome.PROMOTED, placed.active, "DONE")
        source = placed.active
        if placed.canary_link not in (None, self.target):
            raise StackError(
                f"stack {self.stack.name} has a canary through '{placed.canary_link}', not "
                f"'{self.target}': end it (`pulumi config rm canary` and `pulumi up`) first"
            )
        if placed.canary_link is not None:
            self.stack.up()  # resume: the stage as the config says, whatever was interrupted
        steps = [s for s in self.schedule if s.percent >= placed.canary_percent]
        if placed.canary_link is not None and all(
            s.percent != placed.canary_percent for s in steps
        ):
            # A canary the schedule does not name (another schedule, set by hand): judged as it
            # is before anything moves, never promoted unjudged.
            bake = (steps or self.schedule or [Step(0, PERIOD_SECONDS)])[-1].bake_seconds
            steps = [Step(placed.canary_percent, bake), *steps]
        limits = self.metrics().thresholds(self.min_requests) if steps else None
        for index, step in enumerate(steps, start=1):
            if step.percent != placed.canary_percent or placed.canary_link is None:
                self.stack.set_canary(self.target, step.percent)
                self._apply(source)
            assert limits is not None
            breach = self._bake(index, len(steps), step, limits)
            if breach is not None:
                return self._roll_back(source, breach)
        self.stack.set_active(self.target)
        self.stack.remove_canary()
        self._up_or_explain(f"config names '{self.target}' with no canary (state DONE)")
        return self._result(Outcome.PROMOTED, source, "DONE")

    def _up_or_explain(self, state: str) -> None:
        """An update after config already moved: a failure says what config holds and that
        `pulumi up` applies it (a rerun would find the state and do nothing more)."""
        try:
            self.stack.up()
        except StackError as error:
            raise StackError(
                f"{error}; {state}: run `pulumi up --stack {self.stack.name}` to apply it"
            ) from None

    def _apply(self, source: str) -> None:
        try:
            self.stack.up()
        except StackError as error:
            self.stack.remove_canary()
            self._up_or_explain(f"config has no canary, all traffic on '{source}'")
            raise StackError(f"{error}; rolled back: all traffic on '{source}'") from None

    def _bake(self, index: int, count: int, step: Step, limits: Thresholds) -> Verdict | None:
        """Evaluate once per period until the bake is over with a passing verdict; a breach
        returns at once. Waiting past the bake by more than `max_wait` is a breach too."""
        metrics = self.metrics()
        start = self.clock.now()
        while True:
            self.clock.sleep(PERIOD_SECONDS)
            now = self.clock.now()
            verdict = judge(metrics.read(start, now), limits)
            self.evaluations += 1
            left = max(0.0, step.bake_seconds - (now - start))
            self.view(Event("evaluate", index, count, step.percent, left, verdict))
            if verdict.status is Status.BREACH:
                return verdict
            if verdict.status is Status.PASS and left == 0:
                failed = self.probe(step.percent) if self.probe else None
                if failed:
                    return Verdict(Status.BREACH, [_probe_gate(failed)])
                return None
            if now - start > step.bake_seconds + self.max_wait:
                return Verdict(
                    Status.BREACH,
                    [
                        g
                        if g.status is not Status.WAIT
                        else Gate(g.name, g.value, g.threshold, Status.BREACH)
                        for g in verdict.gates
                    ],
                )

    def _roll_back(self, source: str, verdict: Verdict) -> Result:
        self.stack.remove_canary()
        self._up_or_explain(f"config has no canary, all traffic on '{source}' (rolled back)")
        result = self._result(Outcome.ROLLED_BACK, source, "ROLLED BACK")
        result.breached = [
            {"gate": g.name, "value": g.value, "threshold": g.threshold} for g in verdict.breached()
        ]
        result.detail = "; ".join(g.describe() for g in verdict.breached())
        return result

    def _result(self, outcome: Outcome, source: str, state: str) -> Result:
        return Result(
            outcome,
            source,
            self.target,
            state,
            updates=self.stack.updates,
            evaluations=self.evaluations,
        )


def _probe_gate(failed: str) -> Gate:
    return Gate("smoke probes", failed, "all answer", Status.BREACH)


def safe_state(placed: Placement, target: str) -> str:
    """Name the state an interruption left, from the config (the truth)."""
    if placed.active == target:
        return "PROMOTING" if placed.canary_link else "DONE"
    if placed.canary_link == target:
        return f"CANARY {placed.canary_percent:g}%"
    return "START"
