"""Warn ahead of the client certificate's expiry, from the stack's outputs.

API Gateway's client certificates last 365 days and nothing renews them (components/
client_certificate.py); the stack exports `clientCertificateExpiry` (the provider's
`expiration_date`, RFC 3339), and the smoke check after each deploy calls `expiry_warning` so the
deploy log says how long is left, from `WARN_DAYS` before the end.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

#: The stack output that holds the expiry (__main__.py).
OUTPUT = "clientCertificateExpiry"
#: Days before expiry the smoke check starts to warn. tools/ stands alone (the smoke check runs
#: from a checkout without the program's modules), so the figure lives here.
WARN_DAYS = 30


def parse_time(text: str) -> datetime | None:
    """An RFC 3339 time as the provider writes it (`2027-01-31T09:30:00Z`), or None."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def expiry_warning(
    stack: str, expiry: str | None, now: datetime, days: int = WARN_DAYS
) -> str | None:
    """A one-line warning when the certificate expires within `days` (or has), else None."""
    if not expiry:
        return None
    moment = parse_time(expiry)
    if moment is None:
        return f"warning: stack {stack}'s {OUTPUT} is {expiry!r}, not a time; check it by hand"
    left = moment - now
    if left.days >= days:
        return None
    when = moment.strftime("%Y-%m-%d %H:%M UTC")
    state = "expired" if left.total_seconds() <= 0 else f"expires in {left.days} days"
    return (
        f"warning: stack {stack}'s client certificate {state} ({when}); after that API Gateway "
        "cannot authenticate to the backend. Rotate it: docs/operations.md, 'Rotating the client "
        "certificate' (clientCertificateNext, then clientCertificateRotation)."
    )


def stack_expiry(stack: str, pulumi: str = "pulumi") -> str | None:
    """The stack's `clientCertificateExpiry` output, or None where it has none (or unreadable)."""
    executable = shutil.which(pulumi)
    if executable is None:
        return None
    command = [executable, "stack", "output", OUTPUT, "--stack", stack]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    # No clientCertificate: the CLI fails with "current stack does not have output property";
    # nothing to warn about either way.
    return done.stdout.strip() or None if done.returncode == 0 else None


def check_stack(stack: str, now: datetime | None = None, pulumi: str = "pulumi") -> str | None:
    return expiry_warning(stack, stack_expiry(stack, pulumi), now or datetime.now(UTC))
