"""The backend's base URL (`integrationUri`): an encoded http(s) URL with a DNS name or an IP
address, no credentials, query or fragment, as the provider's `uri` requires.
"""

import re
from urllib.parse import urlsplit, urlunsplit

# RFC 3986: what may appear unencoded in a URI (unreserved, gen-delims, sub-delims, '%').
_URI_CHARACTER = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")

_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def _without_credentials(uri: str) -> str:
    parts = urlsplit(uri)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, "[credentials removed]@" + host, parts.path, "", ""))


def check_integration_uri(uri: str) -> str:
    """Return the URI without a trailing slash; it sets the Host header and the TLS server name.

    The provider's `uri` docstring: for HTTP integrations "the URI must be a fully formed,
    encoded HTTP(S) URL according to the RFC-3986 specification".
    """
    parts = urlsplit(uri)
    host = _check_uri_origin(uri, parts.scheme, parts.netloc, parts.hostname)
    _check_uri_encoding(uri)
    if parts.query or parts.fragment:
        raise ValueError(f"'{uri}' has a query or fragment; give a scheme, host and optional path.")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"'{uri}' has an invalid port; use 1 to 65535.") from None
    if port == 0:
        raise ValueError(f"'{uri}' has port 0, which nothing can listen on; use 1 to 65535.")
    _check_dns_name(uri, host)
    return uri.rstrip("/")


def _check_uri_origin(uri: str, scheme: str, netloc: str, host: str | None) -> str:
    """An http(s) URL with an ASCII host and no credentials; returns the host."""
    if scheme not in ("http", "https") or not host:
        raise ValueError(
            f"'{uri}' is not an http(s) URL; give the address your backend answers to, such as "
            "'https://orders.internal.example.com' (it sets the Host header and, for https, the "
            "name the certificate must match; traffic still goes through the VPC link)."
        )
    if "@" in netloc:
        raise ValueError(
            f"'{_without_credentials(uri)}' carries credentials (user:password@); they would "
            "sit in plain text in every integration and in the Pulumi state. Remove them and "
            "authenticate API Gateway to the backend another way (the stage's client "
            "certificate, or a header the backend checks)."
        )
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
            hint = f"use its ASCII (punycode) form '{ascii_host}'"
        except UnicodeError:
            hint = "use its ASCII (punycode) form"
        raise ValueError(
            f"'{uri}' has the non-ASCII host '{host}', which an encoded URI cannot carry; {hint}."
        )
    return host


def _check_uri_encoding(uri: str) -> None:
    """RFC 3986 characters only, and every '%' the start of a %XX escape."""
    for position, character in enumerate(uri):
        if _URI_CHARACTER.fullmatch(character) is None:
            raise ValueError(
                f"'{uri}' is not an encoded URI: {character!r} at position {position + 1} must be "
                f"percent-encoded (as {''.join(f'%{b:02X}' for b in character.encode())})."
            )
    if re.search(r"%(?![0-9A-Fa-f]{2})", uri):
        raise ValueError(f"'{uri}' has a '%' that does not start a %XX escape; encode it as %25.")


def _check_dns_name(uri: str, host: str) -> None:
    """A host that is not an IP address is a DNS name: labels of letters, digits and '-'."""
    if host.startswith("[") or re.fullmatch(r"[0-9.]+", host):
        return
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise ValueError(
            f"'{uri}' has the host '{host}', which is not a DNS name: use labels of letters, "
            "digits and '-' (up to 63 each), separated by dots."
        )
