"""The client certificate the stage presents to the backend, and how it is rotated.

API Gateway's client certificates are valid for 365 days ("Generate and configure an SSL
certificate for backend authentication in API Gateway": "the certificate is valid for 365 days";
the API's `ClientCertificate.expirationDate`), and nothing renews them. AWS's rotation ("Rotate
an expiring client certificate" on the same page) is: generate a new certificate, make the backend
trust it, point the stage at it, delete the old one. Here each certificate is named by a label
(`clientCertificateRotation`, "" for the first), so changing the label replaces the certificate,
and `clientCertificateNext` creates the next one ahead, unused, so the backend can trust it before
the stage presents it (docs/operations.md, 'Rotating the client certificate').
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class ClientCertificates:
    """The certificate the stage presents and, during a rotation, the next one."""

    current: aws.apigateway.ClientCertificate
    upcoming: aws.apigateway.ClientCertificate | None


def certificate_name(name: str, label: str) -> str:
    """The child's name: the first certificate keeps the name it always had (no replacement on
    upgrade); a labelled one is a resource of its own, so a new label is a new certificate."""
    return f"{name}-client-certificate" + (f"-{label}" if label else "")


def client_certificates(
    name: str,
    current: str,
    upcoming: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> ClientCertificates:
    def make(label: str) -> aws.apigateway.ClientCertificate:
        # One description whether next or presented: promoting the next one changes nothing.
        return aws.apigateway.ClientCertificate(
            certificate_name(name, label),
            description=f"{name}: presented to the backend behind the VPC link"
            + (f" ({label})" if label else ""),
            tags=dict(tags),
            opts=opts,
        )

    return ClientCertificates(current=make(current), upcoming=make(upcoming) if upcoming else None)
