"""TLS to an HTTPS backend behind the VPC link: what API Gateway verifies, and the opt-out.

API Gateway verifies an HTTPS integration endpoint's certificate: it must be "issued by a
supported certificate authority" (API reference, `TlsConfig.insecureSkipVerification`; the
developer guide's "API Gateway-supported certificate authorities for HTTP and HTTP proxy
integrations" lists them: public CAs) and its name must match the integration URI's host, which is
also the TLS server name ("Private integrations for REST APIs": "To use HTTPS, specify an uri
that contains a secure server name, such as https://example.com:443/test"). A backend with a
private-CA or self-signed certificate fails every request until `insecureSkipVerification` is set;
with it set, API Gateway "still performs basic certificate validation, which includes checking the
certificate's expiration date, hostname, and presence of a root certificate authority" (the same
page), and the extension's page adds that a private root must carry keyUsage keyCertSign and
basicConstraints CA:TRUE ("x-amazon-apigateway-integration.tlsConfig object").
"""

from __future__ import annotations


def insecure_tls_warning(integration_uri: str, skip: bool) -> str | None:
    """A warning for `insecureSkipVerification: true`: what it gives up, or that it does nothing."""
    if not skip:
        return None
    if not integration_uri.startswith("https://"):
        return (
            "has no effect: the integration URI is not https://, so there is no certificate to "
            "verify; remove the key."
        )
    return (
        "API Gateway will not check that the backend's certificate comes from a publicly trusted "
        "certificate authority (it still checks its expiry, its name against the URI's host and "
        "that it has a root CA), which AWS does not recommend: anyone who can answer for that "
        "host inside the VPC can read the traffic. Use it only for a private-CA or self-signed "
        "certificate, and prefer a public one (docs/configuration.md, 'HTTPS backends')."
    )
