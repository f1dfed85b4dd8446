"""The smoke check's requests: one GET that reports rather than raises, and SigV4 signing.

The GET uses the standard library only, as tools/smoke.py does (it runs before any install step);
`--sigv4` signs with botocore (requirements-tools.txt), imported only then.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import Message

#: How much of a body is read and shown: enough for API Gateway's `{"message": ...}` errors.
BODY_READ_BYTES = 4096
BODY_EXCERPT_CHARS = 200
#: Headers that name what went wrong and let AWS support find the request.
DIAGNOSTIC_HEADERS = ("x-amzn-ErrorType", "x-amzn-RequestId", "x-amz-apigw-id")
_EXECUTE_API_HOST = re.compile(
    r"^[a-z0-9]+\.execute-api\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$"
)


class SmokeError(Exception):
    """Nothing to check (no CLI, no output, bad URL, no credentials): exit 2 with the message."""


@dataclass(frozen=True)
class Answer:
    """What one attempt got back; `status` is None when no HTTP response arrived at all."""

    status: int | None
    summary: str
    body: str = ""
    elapsed: float = 0.0

    def describe(self) -> str:
        text = f"{self.summary} in {self.elapsed:.2f}s"
        return f"{text}: {self.body}" if self.body else text


def target_url(base: str, path: str) -> str:
    """`base` (the stage's invoke URL) joined with `path`; only http(s) URLs are accepted."""
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SmokeError(f"not an http(s) URL: {base!r}")
    if not path.startswith("/"):
        path = "/" + path
    return base.rstrip("/") + path


# --- one attempt --------------------------------------------------------------------------------


def _opener() -> urllib.request.OpenerDirector:
    """urllib's default opener without the redirect handler: a 3xx is reported, not followed."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


_OPENER = _opener()


def excerpt(raw: bytes, limit: int = BODY_EXCERPT_CHARS) -> str:
    """A body as one short line: control characters and runs of whitespace become one space."""
    text = raw.decode("utf-8", errors="replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(status: int, reason: str, headers: Message) -> str:
    parts = [f"HTTP {status} {reason}".rstrip()]
    parts += [f"{name}={headers[name]}" for name in DIAGNOSTIC_HEADERS if headers.get(name)]
    return " ".join(parts)


def fetch(url: str, timeout: float, headers: Mapping[str, str] | None = None) -> Answer:
    """One GET; any failure to get an HTTP answer is reported as an Answer without a status."""
    # target_url let only http and https through, and the opener has no file or ftp handler.
    request = urllib.request.Request(url, headers=dict(headers or {}), method="GET")  # noqa: S310
    started = time.monotonic()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            body = response.read(BODY_READ_BYTES)
            return Answer(
                response.status,
                _summary(response.status, response.reason, response.headers),
                excerpt(body),
                time.monotonic() - started,
            )
    except urllib.error.HTTPError as error:
        # 3xx (redirects are not followed), 4xx and 5xx answers: the status is what we report.
        try:
            body = error.read(BODY_READ_BYTES)
        except (OSError, ValueError):
            body = b""
        finally:
            error.close()
        return Answer(
            error.code,
            _summary(error.code, error.reason, error.headers),
            excerpt(body),
            time.monotonic() - started,
        )
    except TimeoutError:
        return Answer(None, "no answer: timed out", "", time.monotonic() - started)
    except urllib.error.URLError as error:
        reason = "timed out" if isinstance(error.reason, TimeoutError) else error.reason
        return Answer(None, f"no answer: {reason}", "", time.monotonic() - started)
    except (OSError, ValueError, http.client.HTTPException) as error:
        # A reset connection, a malformed status line: retried like any other failure.
        elapsed = time.monotonic() - started
        return Answer(None, f"no answer: {type(error).__name__}: {error}", "", elapsed)


# --- AWS Signature Version 4 ----------------------------------------------------------------------


def url_region(url: str, environ: Mapping[str, str]) -> str:
    """The region to sign for: from an execute-api host name, else AWS_REGION/AWS_DEFAULT_REGION."""
    match = _EXECUTE_API_HOST.match(urllib.parse.urlsplit(url).hostname or "")
    if match:
        return match.group("region")
    region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise SmokeError(
            f"cannot tell the region to sign for from {url}; set AWS_REGION (custom domain names "
            "do not name their region)"
        )
    return region


def signer(region: str) -> Callable[[str], Mapping[str, str]]:
    """Sign each attempt afresh: a signature is valid for five minutes, a deadline can be longer.

    botocore's SigV4 for `execute-api`, with botocore's credentials: the environment's (as
    aws-actions/configure-aws-credentials exports them, a session token included), a profile,
    SSO or a role; refreshable ones are refreshed before each signature.
    """
    try:
        import botocore.session  # noqa: PLC0415 (only --sigv4 needs the AWS SDK)
        from botocore.auth import SigV4Auth  # noqa: PLC0415
        from botocore.awsrequest import AWSRequest  # noqa: PLC0415
        from botocore.exceptions import BotoCoreError  # noqa: PLC0415
    except ImportError:
        raise SmokeError(
            "--sigv4 signs with botocore, which is not installed: "
            "python -m pip install -r requirements-tools.txt"
        ) from None
    try:
        credentials = botocore.session.get_session().get_credentials()
    except BotoCoreError as error:
        raise SmokeError(f"--sigv4 could not read AWS credentials: {error}") from None
    if credentials is None:
        raise SmokeError(
            "--sigv4 needs AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, plus "
            "AWS_SESSION_TOKEN for a role, or a profile); in GitHub Actions, "
            "aws-actions/configure-aws-credentials exports them"
        )
    auth = SigV4Auth(credentials, "execute-api", region)

    def sign(url: str) -> Mapping[str, str]:
        request = AWSRequest(method="GET", url=url)
        auth.add_auth(request)
        return dict(request.headers.items())

    return sign
