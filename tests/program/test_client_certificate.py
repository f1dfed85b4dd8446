"""The client certificate's rotation path and expiry outputs (issue 20, item 4)."""

from __future__ import annotations

from tests.program.harness import evaluate
from tests.program.test_config_errors import config_error

CERTIFICATE = "aws:apigateway/clientCertificate:ClientCertificate"
STAGE = "aws:apigateway/stage:Stage"


def test_prod_exports_its_certificates_expiry_and_pem() -> None:
    run = evaluate("prod")
    assert {"clientCertificateExpiry", "clientCertificatePem"} <= set(run.outputs)
    assert "nextClientCertificatePem" not in run.outputs
    [certificate] = run.by_type(CERTIFICATE)
    assert certificate.name == "private-api-prod-client-certificate"  # unchanged on upgrade


def test_a_stack_without_a_certificate_exports_none() -> None:
    run = evaluate("prod", {"clientCertificate": False})
    assert not {k for k in run.outputs if "ClientCertificate" in k or "clientCert" in k}


def test_the_next_certificate_is_created_ahead_and_not_presented() -> None:
    run = evaluate("prod", {"clientCertificateNext": "2026-12"})
    certificates = {r.name: r for r in run.by_type(CERTIFICATE)}
    assert set(certificates) == {
        "private-api-prod-client-certificate",
        "private-api-prod-client-certificate-2026-12",
    }
    presented = run.one(STAGE).inputs["clientCertificateId"]
    assert presented == certificates["private-api-prod-client-certificate"].id
    assert {"nextClientCertificatePem", "nextClientCertificateExpiry"} <= set(run.outputs)


def test_rotating_to_the_next_label_presents_that_certificate_and_drops_the_old() -> None:
    ahead = evaluate("prod", {"clientCertificateNext": "2026-12"})
    rotated = evaluate("prod", {"clientCertificateRotation": "2026-12"})
    [certificate] = rotated.by_type(CERTIFICATE)
    assert certificate.name == "private-api-prod-client-certificate-2026-12"
    # Same child, same inputs: the certificate made ahead is the one now presented.
    before = {r.name: r.inputs for r in ahead.by_type(CERTIFICATE)}
    assert before[certificate.name] == certificate.inputs
    assert rotated.one(STAGE).inputs["clientCertificateId"] == certificate.id


def test_bad_labels_are_refused_naming_the_key() -> None:
    message = config_error({"clientCertificateRotation": "2026 december"})
    assert "private-api:clientCertificateRotation: '2026 december' is not a certificate label" in (
        message
    )
    message = config_error(
        {"clientCertificateNext": "2026-12", "clientCertificateRotation": "2026-12"}
    )
    assert "private-api:clientCertificateNext: '2026-12' is already the certificate" in message
    message = config_error({"clientCertificate": False, "clientCertificateNext": "x"})
    assert "private-api:clientCertificateNext: labels a client certificate, but" in message
