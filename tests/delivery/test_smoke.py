"""`python -m tools.smoke`: against a local HTTP server that answers, answers late, and fails.

Every server listens on 127.0.0.1 only; deadlines and intervals are fractions of a second so the
whole module takes a few seconds.
"""

from __future__ import annotations

import contextlib
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools import smoke, smoke_http


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: str = "hello from the private service"
    delay: float = 0.0
    headers: tuple[tuple[str, str], ...] = ()


@dataclass
class Server:
    url: str
    #: Headers of every request received, in order.
    requests: list[dict[str, str]] = field(default_factory=list)


@contextlib.contextmanager
def local_server(respond: Callable[[int], Reply], *, start_after: float = 0.0) -> Iterator[Server]:
    """A loopback HTTP server; `respond(n)` says how to answer the n-th request (1-based).

    With `start_after`, the port is bound at once but only listens after that many seconds, so
    earlier connections are refused: a service that is not up yet.
    """
    release = threading.Event()  # ends every pending delay at teardown
    lock = threading.Lock()
    requests: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                requests.append(dict(self.headers))
                number = len(requests)
            reply = respond(number)
            if reply.delay:
                release.wait(reply.delay)
            body = reply.body.encode()
            with contextlib.suppress(OSError):  # the client may have given up already
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output clean."""

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = ThreadingHTTPServer(sock.getsockname(), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    server.server_address = sock.getsockname()
    port = server.server_address[1]

    def run() -> None:
        if start_after:
            if release.wait(start_after):
                return
            server.server_activate()  # listen(): connections are accepted from here on
        server.serve_forever(poll_interval=0.05)

    if not start_after:
        server.server_activate()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield Server(url=f"http://127.0.0.1:{port}/dev", requests=requests)
    finally:
        release.set()
        if not start_after or thread.is_alive():
            with contextlib.suppress(Exception):
                server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback requests must never go through a proxy configured in the environment."""
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def run_smoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str, float]:
    started = time.monotonic()
    code = smoke.main(["dev", *args])
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    return code, captured.out, captured.err, elapsed


FAST = ("--interval", "0.05", "--timeout", "1")


# --- success ------------------------------------------------------------------------------------


def test_success_on_first_answer(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply()) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    assert f"smoke: GET {server.url}/ (expect HTTP 200" in out
    assert "attempt 1 at 0.0s: HTTP 200 OK in " in out
    assert "hello from the private service" in out
    assert "smoke: OK, HTTP 200 after 1 attempt in " in out
    assert len(server.requests) == 1


def test_path_is_appended_to_the_invoke_url(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply()) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url + "/", "--path", "orders", *FAST)
    assert code == smoke.EXIT_OK
    assert f"GET {server.url}/orders " in out


def test_failures_are_retried_until_the_service_answers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A just-switched stage answering 502 for a moment, then 200."""
    replies = {1: Reply(502, '{"message": "Internal server error"}'), 2: Reply(503, "busy")}
    with local_server(lambda n: replies.get(n, Reply())) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    assert "attempt 1 at 0.0s: HTTP 502 Bad Gateway in " in out
    assert '{"message": "Internal server error"}' in out
    assert "attempt 2 at " in out
    assert "HTTP 503 Service Unavailable" in out
    assert "smoke: OK, HTTP 200 after 3 attempts" in out


# --- slow answers -------------------------------------------------------------------------------


def test_slow_answer_within_the_timeout_is_a_success(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply(delay=0.3)) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    attempt = next(line for line in out.splitlines() if "attempt 1" in line)
    seconds = float(attempt.split(" in ")[1].split("s")[0])
    assert seconds >= 0.3
    assert "after 1 attempt" in out


def test_answer_later_than_the_timeout_is_retried(capsys: pytest.CaptureFixture[str]) -> None:
    """The first answer comes after the per-request timeout; the second in time."""
    with local_server(lambda n: Reply(delay=2.0) if n == 1 else Reply()) as server:
        code, out, _, elapsed = run_smoke(
            capsys, "--url", server.url, "--deadline", "5", "--timeout", "0.3", "--interval", "0.05"
        )
    assert code == smoke.EXIT_OK
    assert re.search(r"attempt 1 at 0\.0s: no answer: timed out in 0\.3\ds\n", out)
    assert "smoke: OK, HTTP 200 after 2 attempts" in out
    assert elapsed < 2.0  # did not wait for the late answer


def test_service_that_starts_late(capsys: pytest.CaptureFixture[str]) -> None:
    """Connections are refused until the service listens, 0.4 s in."""
    with local_server(lambda _n: Reply(), start_after=0.4) as server:
        code, out, _, elapsed = run_smoke(
            capsys, "--url", server.url, "--deadline", "5", "--interval", "0.1", "--timeout", "1"
        )
    assert code == smoke.EXIT_OK
    assert "attempt 1 at 0.0s: no answer: [Errno 111] Connection refused" in out
    assert "smoke: OK, HTTP 200" in out
    assert 0.4 <= elapsed < 3


def test_deadline_bounds_a_service_that_never_answers(capsys: pytest.CaptureFixture[str]) -> None:
    """The per-request timeout (10 s) is cut to what is left of the deadline (0.6 s)."""
    with local_server(lambda _n: Reply(delay=5.0)) as server:
        code, out, _, elapsed = run_smoke(
            capsys, "--url", server.url, "--deadline", "0.6", "--interval", "0.1", "--timeout", "9"
        )
    assert code == smoke.EXIT_FAILED
    assert "no answer: timed out" in out
    assert "smoke: FAILED, no HTTP 200" in out
    assert elapsed < 2.0


# --- failures -----------------------------------------------------------------------------------


def test_server_error_until_the_deadline_fails(capsys: pytest.CaptureFixture[str]) -> None:
    body = '{"message": "Internal server error"}'
    with local_server(lambda _n: Reply(500, body)) as server:
        code, out, _, elapsed = run_smoke(capsys, "--url", server.url, "--deadline", "0.5", *FAST)
    assert code == smoke.EXIT_FAILED
    assert out.count("HTTP 500 Internal Server Error") >= 3  # retried, each attempt printed
    assert len(server.requests) >= 2
    last = out.strip().splitlines()[-1]
    assert last.startswith(f"smoke: FAILED, no HTTP 200 from {server.url}/ within 0.5s (")
    assert "last: HTTP 500 Internal Server Error in " in last
    assert body in last
    assert elapsed < 2.0


def test_forbidden_shows_api_gateway_error_type_and_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An IAM-authorized route called unsigned: API Gateway's 403, with its error type."""
    reply = Reply(
        403,
        '{"message":"Missing Authentication Token"}',
        headers=(
            ("x-amzn-ErrorType", "MissingAuthenticationTokenException"),
            ("x-amzn-RequestId", "8f3c-example"),
        ),
    )
    with local_server(lambda _n: reply) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--deadline", "0.3", *FAST)
    assert code == smoke.EXIT_FAILED
    assert (
        "HTTP 403 Forbidden x-amzn-ErrorType=MissingAuthenticationTokenException "
        "x-amzn-RequestId=8f3c-example in "
    ) in out
    assert '{"message":"Missing Authentication Token"}' in out


def test_expected_status_other_than_200(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply(403, "denied")) as server:
        code, out, _, _ = run_smoke(
            capsys, "--url", server.url, "--expect-status", "403", "--deadline", "2", *FAST
        )
    assert code == smoke.EXIT_OK
    assert "smoke: OK, HTTP 403 after 1 attempt" in out


def test_redirect_is_reported_not_followed(capsys: pytest.CaptureFixture[str]) -> None:
    reply = Reply(302, "", headers=(("Location", "http://127.0.0.1:9/elsewhere"),))
    with local_server(lambda _n: reply) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--deadline", "0.2", *FAST)
    assert code == smoke.EXIT_FAILED
    assert "HTTP 302 Found" in out
    assert all(r.get("Host", "").startswith("127.0.0.1:") for r in server.requests)


def test_body_excerpt_is_one_short_line() -> None:
    raw = ("line one\r\n\x1b[31mred\x1b[0m\n::error::x " + "y" * 500).encode()
    text = smoke_http.excerpt(raw)
    assert not set(text) & {"\n", "\r", "\x1b"}
    assert len(text) == smoke_http.BODY_EXCERPT_CHARS
    assert text.endswith("…")
    assert smoke_http.excerpt(b"\xff\xfe ok") == "\ufffd\ufffd ok"


# --- reading the stack output -------------------------------------------------------------------


NO_CANARY = (
    "if sys.argv[1] == 'config':\n"
    "    sys.stderr.write(\"error: configuration key 'canary.percent' not found for stack "
    "'dev'\\n\")\n"
    "    sys.exit(1)\n"
)


def fake_pulumi(directory: Path, script: str) -> None:
    """A `pulumi` executable on PATH that records its arguments (a line per call, in args.txt)
    and runs `script` (Python, with `sys` imported)."""
    path = directory / "pulumi"
    path.write_text(
        f"#!{sys.executable}\n"
        "import pathlib, sys\n"
        f"with open({str(directory / 'args.txt')!r}, 'a') as log:\n"
        "    log.write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"{script}\n"
    )
    path.chmod(0o755)


def test_reads_invoke_url_from_the_stack_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_server(lambda _n: Reply()) as server:
        fake_pulumi(tmp_path, NO_CANARY + f"print({server.url!r})")
        monkeypatch.setenv("PATH", str(tmp_path))
        code, out, _, _ = run_smoke(capsys, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    assert (tmp_path / "args.txt").read_text().splitlines() == [
        "stack output invokeUrl --stack dev",
        "config get --path canary.percent --stack dev",
        # The client certificate's expiry (tools/cert_expiry.py): this fake answers the URL,
        # which is not a time, so the check says so rather than staying silent.
        "stack output clientCertificateExpiry --stack dev",
    ]
    assert "clientCertificateExpiry is" in out
    assert "canary" not in out  # no canary configured: one good answer is enough
    assert f"GET {server.url}/ " in out


def test_missing_pulumi_cli_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no pulumi
    code, out, err, _ = run_smoke(capsys)
    assert code == smoke.EXIT_ERROR
    assert out == ""
    assert "the pulumi CLI is not on PATH" in err
    assert "pass --url" in err


def test_failing_stack_output_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_pulumi(
        tmp_path, "sys.stderr.write(\"error: no stack named 'dev' found\\n\"); sys.exit(255)"
    )
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err, _ = run_smoke(capsys)
    assert code == smoke.EXIT_ERROR
    assert "pulumi stack output invokeUrl --stack dev failed: error: no stack named 'dev'" in err


def test_empty_stack_output_is_reported(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_pulumi(tmp_path, "print('')")
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err, _ = run_smoke(capsys)
    assert code == smoke.EXIT_ERROR
    assert "stack dev has no invokeUrl output" in err


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/", "not a url"])
def test_only_http_urls_are_checked(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err, _ = run_smoke(capsys, "--url", url)
    assert code == smoke.EXIT_ERROR
    assert out == ""
    assert "not an http(s) URL" in err


def test_invoke_url_and_path_are_joined_with_one_slash() -> None:
    base = "https://a1b2c3.execute-api.us-east-1.amazonaws.com/prod"
    assert smoke_http.target_url(base, "/") == base + "/"
    assert smoke_http.target_url(base + "/", "/orders/1") == base + "/orders/1"
    assert smoke_http.target_url(base, "orders") == base + "/orders"


# --- SigV4 --------------------------------------------------------------------------------------


def test_signed_request_through_the_local_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLOCAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "session")
    monkeypatch.setenv("AWS_REGION", "us-west-2")  # a loopback URL names no region
    with local_server(lambda _n: Reply()) as server:
        code, _, _, _ = run_smoke(capsys, "--url", server.url, "--sigv4", "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    [request] = server.requests
    assert request["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDLOCAL/")
    assert "/us-west-2/execute-api/aws4_request, " in request["Authorization"]
    assert request["X-Amz-Security-Token"] == "session"
    assert request["X-Amz-Date"].endswith("Z")


def test_sigv4_without_credentials_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    # botocore's other sources: no files, no instance metadata (this machine's own must not count).
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code, out, err, _ = run_smoke(
        capsys, "--url", "https://a1.execute-api.us-east-1.amazonaws.com/prod", "--sigv4"
    )
    assert code == smoke.EXIT_ERROR
    assert out == ""
    assert "--sigv4 needs AWS credentials" in err


def test_region_comes_from_the_execute_api_host() -> None:
    url = "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/prod/"
    assert smoke_http.url_region(url, {}) == "eu-central-1"
    assert (
        smoke_http.url_region("https://api.example.com/", {"AWS_REGION": "us-east-2"})
        == "us-east-2"
    )
    with pytest.raises(smoke_http.SmokeError, match="set AWS_REGION"):
        smoke_http.url_region("https://api.example.com/", {})


# --- during a canary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "requests"), [(10, 44), (1, 459), (5, 90), (25, 17), (50, 7), (100, 1)]
)
def test_canary_request_count(percent: float, requests: int) -> None:
    assert smoke.canary_requests(percent) == requests


@given(st.floats(min_value=0.05, max_value=99.9))
def test_the_count_is_the_smallest_that_reaches_99_percent(percent: float) -> None:
    n = smoke.canary_requests(percent)
    miss = 1 - percent / 100
    assert miss**n <= 0.01 + 1e-12
    assert n == 1 or miss ** (n - 1) > 0.01 - 1e-12


def canary_share_fails(every: int) -> Callable[[int], Reply]:
    """A stage with a canary: every `every`-th request goes through the canary, which fails."""

    def respond(number: int) -> Reply:
        if number % every == 0:
            return Reply(502, '{"message": "Internal server error"}')
        return Reply()

    return respond


def test_a_failing_canary_share_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    """10 % of requests through a canary whose link is broken: one 200 used to be enough."""
    with local_server(canary_share_fails(10)) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--canary-percent", "10", *FAST)
    assert code == smoke.EXIT_FAILED
    assert "smoke: OK, HTTP 200 after 1 attempt" in out  # the first answer was fine
    assert "smoke: canary of 10%: sending 44 requests, each must answer HTTP 200" in out
    assert "n = ceil(ln 0.01 / ln(1 - 10/100)) = 44" in out
    assert "caught with 99% probability" in out
    assert "smoke: FAILED, canary check request 9 of 44 got HTTP 502" in out
    assert len(server.requests) == 10  # it stops at the first failure


def test_a_healthy_canary_passes_after_every_request(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply()) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--canary-percent", "10", *FAST)
    assert code == smoke.EXIT_OK
    assert "smoke: OK, 44 of 44 canary check requests answered HTTP 200" in out
    assert len(server.requests) == 1 + 44


def test_a_randomly_routed_failing_canary_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    """As API Gateway routes: each request to the canary with probability p, independently."""
    chooser = random.Random(20261201)  # noqa: S311 (routing, not cryptography)
    with local_server(
        lambda n: Reply(502, "canary") if n > 1 and chooser.random() < 0.1 else Reply()
    ) as server:
        code, out, _, _ = run_smoke(capsys, "--url", server.url, "--canary-percent", "10", *FAST)
    assert code == smoke.EXIT_FAILED
    assert "smoke: FAILED, canary check request" in out


def test_the_cap_says_what_it_leaves(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda _n: Reply()) as server:
        code, out, _, _ = run_smoke(
            capsys, "--url", server.url, "--canary-percent", "1", "--max-requests", "10", *FAST
        )
    assert code == smoke.EXIT_OK
    assert "sending 10 requests" in out
    assert "= 459: with 459 requests" in out
    assert "capped at 10 (--max-requests), which catches it with 9.6% probability only" in out
    assert len(server.requests) == 1 + 10


def test_the_canary_requests_are_bounded_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    with local_server(lambda n: Reply(delay=0.1 if n > 1 else 0.0)) as server:
        code, out, _, elapsed = run_smoke(
            capsys,
            "--url",
            server.url,
            "--canary-percent",
            "10",
            "--canary-deadline",
            "0.35",
            *FAST,
        )
    assert code == smoke.EXIT_FAILED
    assert re.search(r"smoke: FAILED, only \d of 44 canary requests in 0.35s", out)
    assert "raise --canary-deadline" in out
    assert elapsed < 3


def test_the_stack_config_gives_the_canary_percent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_server(canary_share_fails(4)) as server:
        fake_pulumi(
            tmp_path,
            f"if sys.argv[1] == 'config':\n    print('25')\nelse:\n    print({server.url!r})",
        )
        monkeypatch.setenv("PATH", str(tmp_path))
        code, out, _, _ = run_smoke(capsys, *FAST)
    assert code == smoke.EXIT_FAILED
    assert "smoke: canary of 25%: sending 17 requests" in out


def test_a_bad_canary_percent_in_the_stack_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_pulumi(tmp_path, "print('lots' if sys.argv[1] == 'config' else 'http://127.0.0.1:9/dev')")
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err, _ = run_smoke(capsys, *FAST)
    assert code == smoke.EXIT_ERROR
    assert "canary.percent is 'lots', not a number; pass --canary-percent" in err


# --- what success is, and --url alone ----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expect", "ok"),
    [(204, "2xx", True), (201, "2XX", True), (302, "2xx", False), (204, "200", False)],
)
def test_a_status_class_or_one_status(
    capsys: pytest.CaptureFixture[str], status: int, expect: str, ok: bool
) -> None:
    with local_server(lambda _n: Reply(status, "")) as server:
        code, out, _, _ = run_smoke(
            capsys, "--url", server.url, "--expect", expect, "--deadline", "0.3", *FAST
        )
    assert code == (smoke.EXIT_OK if ok else smoke.EXIT_FAILED)
    assert f"(expect HTTP {expect.lower()}," in out


@pytest.mark.parametrize("expect", ["2x", "200x", "600", "ok"])
def test_a_bad_expectation_is_an_error(capsys: pytest.CaptureFixture[str], expect: str) -> None:
    code, out, err, _ = run_smoke(capsys, "--url", "http://127.0.0.1:9/", "--expect", expect)
    assert code == smoke.EXIT_ERROR
    assert out == ""
    assert "is neither a status (200) nor a class of them (2xx)" in err


def test_the_url_stands_alone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pulumi: not needed with --url
    with local_server(lambda _n: Reply()) as server:
        code = smoke.main(["--url", server.url, *FAST])
    out = capsys.readouterr().out
    assert code == smoke.EXIT_OK
    assert "smoke: OK, HTTP 200 after 1 attempt" in out


def test_neither_stack_nor_url_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = smoke.main([])
    err = capsys.readouterr().err
    assert code == smoke.EXIT_ERROR
    assert "name a stack (its invokeUrl output is checked) or pass --url" in err


# --- The client certificate's expiry (issue 20, item 4) ---------------------------------------


def expiry_pulumi(url: str, expiry: str | None) -> str:
    """A fake CLI: the invoke URL, no canary, and `expiry` as clientCertificateExpiry (None: the
    stack has no such output, as without clientCertificate)."""
    answer = (
        f"    print({expiry!r})"
        if expiry is not None
        else "    sys.stderr.write('error: current stack does not have output property')\n"
        "    sys.exit(255)"
    )
    return (
        NO_CANARY
        + "if sys.argv[1:3] == ['stack', 'output'] and sys.argv[3] == 'clientCertificateExpiry':\n"
        + answer
        + f"\nelse:\n    print({url!r})"
    )


@pytest.mark.parametrize(
    ("days_left", "warned"),
    [(400, False), (31, False), (29, True), (-1, True)],
)
def test_the_client_certificate_is_warned_from_30_days_before_expiry(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    days_left: int,
    warned: bool,
) -> None:
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    expiry = (datetime.now(UTC) + timedelta(days=days_left, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with local_server(lambda _n: Reply()) as server:
        fake_pulumi(tmp_path, expiry_pulumi(server.url, expiry))
        monkeypatch.setenv("PATH", str(tmp_path))
        code, out, _, _ = run_smoke(capsys, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK  # a warning, not a failed deploy
    assert ("warning: stack dev's client certificate" in out) is warned
    if warned:
        assert "Rotating the client certificate" in out
        assert ("expired" in out) is (days_left < 0)


def test_a_stack_without_a_client_certificate_gets_no_warning(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_server(lambda _n: Reply()) as server:
        fake_pulumi(tmp_path, expiry_pulumi(server.url, None))
        monkeypatch.setenv("PATH", str(tmp_path))
        code, out, _, _ = run_smoke(capsys, "--deadline", "5", *FAST)
    assert code == smoke.EXIT_OK
    assert "warning" not in out
