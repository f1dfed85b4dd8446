"""Smoke check after `pulumi up` or a link switch: GET the stack's invoke URL until it answers.

    python -m tools.smoke [<stack>] [--url URL] [--path /] [--deadline SECONDS]
                          [--interval SECONDS] [--timeout SECONDS] [--expect 200|2xx] [--sigv4]
                          [--canary-percent P] [--max-requests N] [--canary-deadline SECONDS]

Reads the stack output `invokeUrl` with `pulumi stack output invokeUrl --stack <stack>` (or takes
`--url`, which needs no stack) and sends the walkthrough's `GET /` until the expected status (one
status, or a class such as `2xx`) comes back or the deadline passes. A stage that was just
updated, or a link that was just switched, can answer 5xx or time out for a few seconds, so every
failure is retried; each attempt is printed (status, the API Gateway error type and request id
when present, a short body excerpt, elapsed time).

During a canary, one good answer proves little: with a canary of p percent, only that share of
requests takes the canary's link, and a canary whose every request fails still lets most
requests through. So once the stage answers, the check sends n = ceil(ln 0.01 / ln(1 - p/100))
more requests (44 for 10 %), enough that at least one of them reaches a failing canary with 99 %
probability, and every one must succeed. n is capped (`--max-requests`) and the requests are
bounded in time (`--canary-deadline`); the check prints how many it sends and why, and what
probability a cap leaves. The percent is `--canary-percent`, or, for a stack, its config
`canary.percent` (`pulumi config get --path canary.percent`).

`--sigv4` signs each request with AWS Signature Version 4 (botocore's signer and credentials:
`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, as
`aws-actions/configure-aws-credentials` exports them, or a profile), for routes with
`authorization: AWS_IAM`.

Standard library only without `--sigv4`, so it runs before (or without) any install step;
`--sigv4` needs botocore (`python -m pip install -r requirements-tools.txt`).

Exit status: 0 the expected status came back (and, during a canary, every one of the n requests
did), 1 it did not before the deadline (or a canary request failed, or the n requests did not fit
in their time), 2 nothing to check (no stack and no `--url`, no `pulumi` CLI, no `invokeUrl`
output, a bad URL, a bad `--expect`, missing credentials for `--sigv4`).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

from tools import cert_expiry
from tools.smoke_http import (
    Answer,
    SmokeError,
    fetch,
    signer,
    target_url,
    url_region,
)

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
OUTPUT_NAME = "invokeUrl"
#: The stack config key holding the canary's share of traffic (Pulumi.yaml: canary.percent).
CANARY_PERCENT_KEY = "canary.percent"
#: The probability with which a canary that fails every request must be caught.
CANARY_CONFIDENCE = 0.99
MAX_REQUESTS = 1000


@dataclass(frozen=True)
class Expect:
    """What counts as success: one status (`200`) or a class of them (`2xx`)."""

    text: str

    @classmethod
    def parse(cls, text: str) -> Expect:
        text = text.strip().lower()
        if re.fullmatch(r"[1-5]\d\d|[1-5]xx", text) is None:
            raise SmokeError(
                f"--expect {text!r} is neither a status (200) nor a class of them (2xx)"
            )
        return cls(text)

    def matches(self, status: int | None) -> bool:
        if status is None:
            return False
        if self.text.endswith("xx"):
            return status // 100 == int(self.text[0])
        return status == int(self.text)

    def __str__(self) -> str:
        return f"HTTP {self.text}"


def canary_requests(percent: float, confidence: float = CANARY_CONFIDENCE) -> int:
    """How many requests catch a canary of `percent` that fails every request, with `confidence`.

    Each request reaches the canary with probability p = percent / 100, independently (API
    Gateway picks per request), so n requests all miss it with probability (1 - p)^n; the
    smallest n with (1 - p)^n <= 1 - confidence is ceil(ln(1 - confidence) / ln(1 - p)).
    """
    if not 0 < percent <= 100:
        raise ValueError(f"a canary's percent is in (0, 100], not {percent}")
    share = percent / 100
    if share >= 1:
        return 1
    return max(1, math.ceil(math.log(1 - confidence) / math.log(1 - share) - 1e-9))


def detection_probability(percent: float, requests: int) -> float:
    """The probability that `requests` requests reach a canary of `percent` at least once."""
    return 1 - (1 - percent / 100) ** requests


# --- the invoke URL ---------------------------------------------------------------------------


def stack_invoke_url(stack: str, pulumi: str = "pulumi") -> str:
    """The stack's `invokeUrl` output, read with the Pulumi CLI as an operator would."""
    executable = shutil.which(pulumi)
    if executable is None:
        raise SmokeError(
            f"the pulumi CLI is not on PATH, so the stack's {OUTPUT_NAME} output cannot be read; "
            "install it (https://www.pulumi.com/docs/install/) or pass --url"
        )
    command = [executable, "stack", "output", OUTPUT_NAME, "--stack", stack]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SmokeError(f"could not run {' '.join(command[1:])}: {error}") from None
    if done.returncode != 0:
        detail = done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}"
        raise SmokeError(f"pulumi stack output {OUTPUT_NAME} --stack {stack} failed: {detail}")
    url = done.stdout.strip()
    if not url:
        raise SmokeError(f"stack {stack} has no {OUTPUT_NAME} output; has it been deployed?")
    return url


def stack_canary_percent(stack: str, pulumi: str = "pulumi") -> float:
    """The stack's canary share from its config (`canary.percent`), 0 when it has no canary."""
    executable = shutil.which(pulumi)
    if executable is None:
        raise SmokeError("the pulumi CLI is not on PATH; pass --canary-percent")
    command = [executable, "config", "get", "--path", CANARY_PERCENT_KEY, "--stack", stack]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SmokeError(f"could not run {' '.join(command[1:])}: {error}") from None
    if done.returncode != 0:
        detail = done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}"
        # No canary configured: the CLI's "configuration key '...' not found for stack '...'"
        # (pulumi/pulumi, pkg/cmd/pulumi/config: `config get`); checked against CLI v3.276.0 in
        # tests/cli/test_real_cli_callers.py.
        if "not found for stack" in detail:
            return 0.0
        raise SmokeError(f"pulumi {' '.join(command[1:])} failed: {detail}")
    text = done.stdout.strip()
    try:
        percent = float(text) if text else 0.0
    except ValueError:
        raise SmokeError(
            f"stack {stack}'s {CANARY_PERCENT_KEY} is {text!r}, not a number; pass --canary-percent"
        ) from None
    if not 0 <= percent <= 100:
        raise SmokeError(f"stack {stack}'s {CANARY_PERCENT_KEY} is {percent:g}, not 0 to 100")
    return percent


# --- the loop ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """How each request is sent and judged, and where the attempts are printed."""

    expect: Expect
    #: Seconds for one answer (never past the deadline).
    timeout: float
    out: TextIO
    #: Headers for a URL (SigV4), or None to send none.
    sign: Callable[[str], Mapping[str, str]] | None = None

    def send(self, url: str, remaining: float) -> Answer:
        headers = self.sign(url) if self.sign is not None else None
        return fetch(url, max(0.05, min(self.timeout, remaining)), headers)


def check(url: str, probe: Probe, *, deadline: float, interval: float) -> bool:
    """GET `url` until it answers as the probe expects or `deadline` passes; print each attempt."""
    expect, out = probe.expect, probe.out
    started = time.monotonic()
    print(f"smoke: GET {url} (expect {expect}, deadline {deadline:g}s)", file=out)
    last: Answer | None = None
    attempt = 0
    while True:
        attempt += 1
        offset = time.monotonic() - started
        last = probe.send(url, deadline - offset)  # never waits past the deadline
        print(f"  attempt {attempt} at {offset:.1f}s: {last.describe()}", file=out, flush=True)
        elapsed = time.monotonic() - started
        if expect.matches(last.status):
            print(
                f"smoke: OK, HTTP {last.status} after {attempt} attempt"
                f"{'s' if attempt > 1 else ''} in {elapsed:.1f}s",
                file=out,
            )
            return True
        remaining = deadline - elapsed
        if remaining <= 0:
            break
        time.sleep(min(interval, remaining))
    print(
        f"smoke: FAILED, no {expect} from {url} within {deadline:g}s "
        f"({attempt} attempt{'s' if attempt > 1 else ''}); last: {last.describe()}",
        file=out,
    )
    return False


def check_canary(
    url: str, *, probe: Probe, percent: float, max_requests: int, deadline: float
) -> bool:
    """Send enough requests to catch a failing canary of `percent`; every one must succeed."""
    expect, out = probe.expect, probe.out
    needed = canary_requests(percent)
    count = min(needed, max_requests)
    why = (
        f"n = ceil(ln {1 - CANARY_CONFIDENCE:g} / ln(1 - {percent:g}/100)) = {needed}: with "
        f"{needed} requests, a canary failing every request is caught with "
        f"{CANARY_CONFIDENCE:.0%} probability"
    )
    if count < needed:
        why += (
            f"; capped at {count} (--max-requests), which catches it with "
            f"{detection_probability(percent, count):.1%} probability only"
        )
    print(
        f"smoke: canary of {percent:g}%: sending {count} requests, each must answer {expect} "
        f"({why}; deadline {deadline:g}s)",
        file=out,
    )
    started = time.monotonic()
    for number in range(1, count + 1):
        remaining = deadline - (time.monotonic() - started)
        cut_short = False
        if remaining > 0:
            offset = time.monotonic() - started
            answer = probe.send(url, remaining)
            cut_short = answer.status is None and time.monotonic() - started >= deadline
        if remaining <= 0 or cut_short:  # the time is up, not the service
            sent = number - 1
            print(
                f"smoke: FAILED, only {sent} of {count} canary requests in {deadline:g}s, which "
                f"catch a failing canary with {detection_probability(percent, sent):.1%} "
                "probability; raise --canary-deadline or lower --timeout",
                file=out,
            )
            return False
        if not expect.matches(answer.status):
            print(f"  request {number} at {offset:.1f}s: {answer.describe()}", file=out)
            print(
                f"smoke: FAILED, canary check request {number} of {count} got "
                f"{answer.summary}, not {expect}: with a canary of {percent:g}% on, a share of "
                "requests goes through the canary's deployment and link (its stage variable "
                "overrides), so a failing share usually means the canary's link or its target",
                file=out,
            )
            return False
    elapsed = time.monotonic() - started
    print(
        f"smoke: OK, {count} of {count} canary check requests answered {expect} in {elapsed:.1f}s",
        file=out,
    )
    return True


def _percent(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be 0 to 100, not {text}")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {text}")
    return value


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be greater than 0, not {text}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.smoke",
        description="GET the stack's invoke URL until it answers the expected status.",
    )
    parser.add_argument(
        "stack",
        nargs="?",
        help="the stack whose invokeUrl output to check, e.g. dev (not needed with --url)",
    )
    parser.add_argument("--url", help="check this URL instead of reading a stack's invokeUrl")
    parser.add_argument("--path", default="/", help="path under the invoke URL (default: /)")
    parser.add_argument(
        "--deadline", type=_positive, default=120.0, help="give up after SECONDS (default: 120)"
    )
    parser.add_argument(
        "--interval", type=_positive, default=5.0, help="wait SECONDS between attempts (default: 5)"
    )
    parser.add_argument(
        "--timeout", type=_positive, default=10.0, help="per-request timeout (default: 10)"
    )
    parser.add_argument(
        "--expect",
        help="what means success: a status (200) or a class of them (2xx); default 200",
    )
    parser.add_argument(
        "--expect-status", type=int, help="the status that means success (same as --expect)"
    )
    parser.add_argument(
        "--canary-percent",
        type=_percent,
        help=(
            "the canary's share of traffic; default: the stack's canary.percent config (0 with "
            "--url)"
        ),
    )
    parser.add_argument(
        "--max-requests",
        type=_count,
        default=MAX_REQUESTS,
        help=f"most canary check requests to send (default: {MAX_REQUESTS})",
    )
    parser.add_argument(
        "--canary-deadline",
        type=_positive,
        default=120.0,
        help="time for the canary check requests, SECONDS (default: 120)",
    )
    parser.add_argument(
        "--sigv4",
        action="store_true",
        help="sign requests with AWS credentials as botocore finds them (AWS_IAM routes)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.expect is not None and args.expect_status is not None:
            raise SmokeError("give --expect or --expect-status, not both")
        expect = Expect.parse(
            args.expect if args.expect is not None else str(args.expect_status or 200)
        )
        if args.url is None and args.stack is None:
            raise SmokeError("name a stack (its invokeUrl output is checked) or pass --url")
        url = target_url(args.url or stack_invoke_url(args.stack), args.path)
        percent = args.canary_percent
        if percent is None:
            percent = stack_canary_percent(args.stack) if args.url is None else 0.0
        sign = signer(url_region(url, os.environ)) if args.sigv4 else None
    except SmokeError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    probe = Probe(expect, args.timeout, sys.stdout, sign)
    ok = check(url, probe, deadline=args.deadline, interval=args.interval)
    if args.url is None:
        warning = cert_expiry.check_stack(args.stack)
        if warning:
            print(warning, file=sys.stdout)
    if ok and percent > 0:
        ok = check_canary(
            url,
            probe=probe,
            percent=percent,
            max_requests=args.max_requests,
            deadline=args.canary_deadline,
        )
    return EXIT_OK if ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
