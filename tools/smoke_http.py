"""The smoke check's requests: one GET that reports rather than raises, and SigV4 signing.

Standard library only, as tools/smoke.py is (it runs before any install step).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


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


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Credentials:
        access_key = environ.get("AWS_ACCESS_KEY_ID", "")
        secret_key = environ.get("AWS_SECRET_ACCESS_KEY", "")
        if not access_key or not secret_key:
            raise SmokeError(
                "--sigv4 needs AWS credentials in the environment (AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, plus AWS_SESSION_TOKEN for a role); in GitHub Actions, "
                "aws-actions/configure-aws-credentials exports them"
            )
        return cls(access_key, secret_key, environ.get("AWS_SESSION_TOKEN") or None)


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


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def _quote(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.~")


def sigv4_headers(
    method: str,
    url: str,
    *,
    region: str,
    credentials: Credentials,
    now: dt.datetime,
    service: str = "execute-api",
) -> dict[str, str]:
    """Headers that sign a body-less request (AWS SigV4, as botocore signs execute-api calls)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.lower()
    amz_date = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    canonical_uri = urllib.parse.quote(parts.path or "/", safe="/~")
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    canonical_query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(query))
    signed = {"host": host, "x-amz-date": amz_date}
    if credentials.session_token:
        signed["x-amz-security-token"] = credentials.session_token
    names = sorted(signed)
    canonical_headers = "".join(f"{name}:{signed[name].strip()}\n" for name in names)
    signed_headers = ";".join(names)
    canonical_request = "\n".join(
        [method, canonical_uri, canonical_query, canonical_headers, signed_headers, _EMPTY_SHA256]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
        ]
    )
    key = ("AWS4" + credentials.secret_key).encode("utf-8")
    for part in (day, region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    headers = {
        "X-Amz-Date": amz_date,
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}"
        ),
    }
    if credentials.session_token:
        headers["X-Amz-Security-Token"] = credentials.session_token
    return headers


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


def signer(credentials: Credentials, region: str) -> Callable[[str], Mapping[str, str]]:
    """Sign each attempt afresh: a signature is valid for five minutes, a deadline can be longer."""

    def sign(url: str) -> Mapping[str, str]:
        now = dt.datetime.now(dt.UTC)
        return sigv4_headers("GET", url, region=region, credentials=credentials, now=now)

    return sign
