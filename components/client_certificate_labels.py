"""The client certificate's rotation labels: what a label may be, and when one makes no sense.

Kept apart from components/client_certificate.py (which builds the resources) so that the args
can check the labels without importing the provider's classes.
"""

from __future__ import annotations

import re

#: A label becomes part of a resource name: short, plain characters.
LABEL = re.compile(r"^[A-Za-z0-9-]{1,32}$")


def label_problems(enabled: bool, current: str, upcoming: str) -> list[tuple[str, str]]:
    """(field, message) for the rotation labels."""
    found: list[tuple[str, str]] = []
    for where, label in (
        ("client_certificate_rotation", current),
        ("client_certificate_next", upcoming),
    ):
        if label and not LABEL.match(label):
            found.append(
                (
                    where,
                    f"'{label}' is not a certificate label: use 1 to 32 letters, digits or '-', "
                    "such as 2026-12.",
                )
            )
    if (current or upcoming) and not enabled:
        found.append(
            (
                "client_certificate_rotation" if current else "client_certificate_next",
                "labels a client certificate, but clientCertificate is false; set it to true, "
                "or remove the label.",
            )
        )
    if upcoming and upcoming == current:
        found.append(
            (
                "client_certificate_next",
                f"'{upcoming}' is already the certificate the stage presents; give the next "
                "certificate a new label, or remove clientCertificateNext.",
            )
        )
    return found
