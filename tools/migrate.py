"""Move a stage to another VPC link in canary steps, judged by the canary's own metrics.

    python -m tools.migrate prod --to green [--schedule Canary10Percent5Minutes] [--json]
    make migrate STACK=prod TO=green

Each step is a config change and a `pulumi up` that touches the stage; between steps the canary
bakes and its gates (tools/gates.py) are judged once per minute; a breach rolls back at once.
Exit 0: promoted or nothing to do; 1: rolled back (the breach is named); 2: error; 130:
interrupted (the state is named; a rerun resumes, `--rollback` ends the canary).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, TextIO

from tools import gates, smoke, smoke_http
from tools.migration import (
    EXIT,
    SCHEDULES,
    Event,
    Migration,
    Plan,
    Result,
    parse_schedule,
    safe_state,
)
from tools.stack_cli import PROJECT_DIR, Stack, StackError

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class RealClock:
    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def cloudwatch_metrics(stack: Stack) -> gates.CloudWatch:
    """The stack's `canaryGates` output (components/observability.py) read through botocore."""
    found = stack.outputs().get("canaryGates")
    if not isinstance(found, dict) or "namespace" not in found:
        raise StackError(
            f"stack {stack.name} has no canaryGates output: set its observability key "
            "(docs/configuration.md) and `pulumi up` before migrating"
        )
    import botocore.session  # noqa: PLC0415 (only here: `--help` and tests need no AWS SDK)

    client = botocore.session.get_session().create_client("cloudwatch")
    return gates.CloudWatch(client, str(found["namespace"]), dict(found["alarms"]))


def show(event: Event, out: TextIO, as_json: bool) -> None:
    """The live view: step, percent, time left in the bake, each gate against its limit."""
    verdict = event.verdict
    if as_json:
        record: dict[str, Any] = {
            "event": event.kind,
            "step": event.step,
            "steps": event.steps,
            "percent": event.percent,
            "bakeLeftSeconds": event.bake_left,
            "status": verdict.status.value if verdict else None,
            "gates": [
                {
                    "gate": g.name,
                    "value": g.value,
                    "threshold": g.threshold,
                    "status": g.status.value,
                }
                for g in (verdict.gates if verdict else [])
            ],
        }
        print(json.dumps(record), file=out, flush=True)
        return
    status = verdict.status.value.upper() if verdict else ""
    print(
        f"step {event.step}/{event.steps} {event.percent:g}% | bake {event.bake_left:.0f}s left | "
        f"{status} | {gates.summary(verdict.gates) if verdict else event.note}",
        file=out,
        flush=True,
    )


def report(result: Result, out: TextIO, as_json: bool) -> None:
    if as_json:
        record = asdict(result)
        record["outcome"] = result.outcome.value
        print(json.dumps(record), file=out)
        return
    print(
        f"{result.outcome.value}: {result.source} -> {result.target}, state {result.state}, "
        f"{result.updates} update(s), {result.evaluations} evaluation(s)"
        + (f"; breached: {result.detail}" if result.detail else ""),
        file=out,
    )


def smoke_probe(stack: Stack, sigv4: bool) -> Callable[[float], str | None]:
    """The smoke check's canary probes (tools/smoke.py) as one more gate at the end of a bake:
    enough GET / requests to reach a canary of that share with 99 % confidence, all answering."""
    url = smoke_http.target_url(smoke.stack_invoke_url(stack.name), "/")
    sign = smoke_http.signer(smoke_http.url_region(url, os.environ)) if sigv4 else None

    def probe(percent: float) -> str | None:
        ok = smoke.check_canary(
            url,
            probe=smoke.Probe(smoke.Expect.parse("200"), timeout=10, out=sys.stderr, sign=sign),
            percent=percent,
            max_requests=smoke.MAX_REQUESTS,
            deadline=120,
        )
        return None if ok else f"a GET / failed at {percent:g} %"

    return probe


def policy_config(stack: str) -> str | None:
    """The pack config `make up` uses for the stack (scripts/policy-config.sh)."""
    script = PROJECT_DIR / "scripts" / "policy-config.sh"
    done = subprocess.run([str(script), stack], capture_output=True, text=True, check=False)
    return done.stdout.strip() or None if done.returncode == 0 else None


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.migrate", description=__doc__)
    parser.add_argument("stack")
    parser.add_argument("--to", required=True, help="the link to move the stage to")
    parser.add_argument(
        "--schedule",
        default="Canary10Percent5Minutes",
        help=f"{', '.join(SCHEDULES)}, or steps percent:bake such as 5:10m,25:10m,50:5m",
    )
    parser.add_argument("--min-requests", type=int, default=100, help="canary requests per step")
    parser.add_argument(
        "--max-wait", type=float, default=600, help="seconds past the bake to wait for requests"
    )
    parser.add_argument(
        "--rollback", action="store_true", help="end the canary, all on the old link"
    )
    parser.add_argument("--json", action="store_true", help="JSON lines, then a JSON summary")
    parser.add_argument("--smoke", action="store_true", help="the smoke check's probes per step")
    parser.add_argument("--sigv4", action="store_true", help="sign the probes (AWS_IAM routes)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, clock: Any = None, metrics: Any = None) -> int:
    """`clock` and `metrics` are injected by the tests (a fake clock, stubbed CloudWatch)."""
    args = parse_args(argv)
    out = sys.stdout
    try:
        schedule = parse_schedule(args.schedule)
        stack = Stack(
            args.stack,
            os.environ.get("PULUMI", "pulumi"),
            policy_config=policy_config(args.stack),
        )
        if args.rollback:
            placed = stack.config()
            if placed.canary_link is not None and placed.active != args.to:
                stack.remove_canary()
                stack.up()
            print(f"rolled back: all traffic on '{placed.active}'", file=out)
            return 0
        migration = Migration(
            stack,
            metrics or (lambda: cloudwatch_metrics(stack)),
            clock or RealClock(),
            Plan(args.to, schedule, args.min_requests, args.max_wait),
            view=lambda event: show(event, sys.stderr if args.json else out, args.json),
            probe=smoke_probe(stack, args.sigv4) if args.smoke else None,
        )
        try:
            result = migration.run()
        except KeyboardInterrupt:
            state = safe_state(stack.config(), args.to)
            print(
                f"interrupted in state {state} (the stack's config); rerun to resume, or "
                f"`python -m tools.migrate {args.stack} --to {args.to} --rollback`",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    except (StackError, smoke_http.SmokeError, ValueError, LookupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    report(result, out, args.json)
    return EXIT.get(result.outcome, EXIT_ERROR)


if __name__ == "__main__":
    sys.exit(main())
