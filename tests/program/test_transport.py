"""ipAddressType and responseTransferMode (issue 12): set where AWS reads them, in both modes,
and refused where API Gateway would refuse them."""

from __future__ import annotations

from typing import Any

import pytest

from components.openapi import (
    api_document,
    canonical,
    deployment_trigger,
    operations,
    redeploy_settings,
)
from stack_config import parse
from tests.program.harness import MODES, PROJECT_DIR, REST_API, RunStack, in_mode, integrations
from tests.program.test_config_errors import config_error
from tools import stackfiles

PRIVATE: dict[str, Any] = {
    "endpointType": "PRIVATE",
    "vpcEndpointIds": ["vpce-0123456789abcdef0"],
    "webAclArn": "",
}


@pytest.fixture(params=MODES)
def run_stack(request: pytest.FixtureRequest) -> RunStack:
    return in_mode(request.param)


def endpoint(run: Any) -> dict[str, Any]:
    config: dict[str, Any] = run.one(REST_API).inputs["endpointConfiguration"]
    return config


def test_dualstack_is_set_on_the_rest_apis_endpoint_configuration(run_stack: RunStack) -> None:
    run = run_stack("prod", {"ipAddressType": "DualStack"})
    assert endpoint(run)["ipAddressType"] == "dualstack"
    assert "dualstack" not in str(run.one(REST_API).inputs.get("body", ""))


def test_a_private_api_may_be_dualstack(run_stack: RunStack) -> None:
    run = run_stack("prod", {**PRIVATE, "ipAddressType": "dualstack"})
    assert endpoint(run)["ipAddressType"] == "dualstack"


def test_unset_the_ip_address_type_is_left_to_api_gateway(run_stack: RunStack) -> None:
    assert "ipAddressType" not in endpoint(run_stack("prod"))


def test_ipv4_on_a_private_api_is_refused_saying_why() -> None:
    message = config_error({**PRIVATE, "ipAddressType": "ipv4"})
    assert "private-api:ipAddressType:" in message
    assert "only dualstack for the PRIVATE endpoint type" in message


def test_an_unknown_ip_address_type_is_refused() -> None:
    message = config_error({"ipAddressType": "ipv6"})
    assert "private-api:ipAddressType: 'ipv6' is not one of ipv4, dualstack." in message


def test_streaming_is_set_on_every_integration(run_stack: RunStack) -> None:
    run = run_stack("staging", {"responseTransferMode": "stream", "timeoutMs": 900000})
    found = integrations(run).values()
    assert {spec["responseTransferMode"] for spec in found} == {"STREAM"}
    assert {spec["timeoutMilliseconds"] for spec in found} == {900000}


def test_unset_no_integration_names_a_transfer_mode(run_stack: RunStack) -> None:
    assert {spec["responseTransferMode"] for spec in integrations(run_stack("prod")).values()} == {
        None
    }


def test_buffered_can_be_spelt_out(run_stack: RunStack) -> None:
    run = run_stack("prod", {"responseTransferMode": "BUFFERED"})
    assert {s["responseTransferMode"] for s in integrations(run).values()} == {"BUFFERED"}


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"responseTransferMode": "STREAM", "timeoutMs": 900001}, "above 900000 ms (15 minutes)"),
        (
            {"timeoutMs": 300001, "allowLongTimeout": True},
            "a streaming integration (responseTransferMode STREAM) may take up to 900000 ms",
        ),
        ({"timeoutMs": 29001}, "stream the responses"),
        ({"responseTransferMode": "chunked"}, "'chunked' is not one of BUFFERED, STREAM."),
    ],
    ids=["stream above 15 minutes", "buffered above 300000", "buffered above 29000", "unknown"],
)
def test_timeouts_follow_the_transfer_mode(overrides: dict[str, Any], words: str) -> None:
    message = config_error(overrides)
    assert words in message


def captured_warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []

    def warn(message: str, *_args: object, **_kwargs: object) -> None:
        seen.append(message)

    monkeypatch.setattr("pulumi.log.warn", warn)
    return seen


def test_insecure_skip_verification_reaches_every_https_integration(
    run_stack: RunStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An explicit, warned opt-in (components/backend_tls.py), in both modes; off by default."""
    seen = captured_warnings(monkeypatch)
    default = integrations(run_stack("prod")).values()
    assert {str(spec["tlsConfig"]) for spec in default} == {
        str({"insecureSkipVerification": False})
    }
    assert not [w for w in seen if "insecureSkipVerification" in w]
    found = integrations(run_stack("prod", {"insecureSkipVerification": True})).values()
    assert {str(spec["tlsConfig"]) for spec in found} == {str({"insecureSkipVerification": True})}
    [warning] = [w for w in seen if w.startswith("private-api:insecureSkipVerification:")]
    assert "publicly trusted certificate authority" in warning


def test_insecure_skip_verification_on_http_is_warned_as_doing_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen = captured_warnings(monkeypatch)
    in_mode("openapi")(
        "prod", {"insecureSkipVerification": True, "integrationUri": "http://orders.internal"}
    )
    assert [w for w in seen if "insecureSkipVerification: has no effect" in w]


def trigger(values: dict[str, Any], stack: str) -> str:
    """The deployment's trigger for these stack-file values (`openapi.deployment_trigger`)."""
    args = parse(values, stack=stack)
    digest = deployment_trigger(canonical(api_document(args, title=stack)), redeploy_settings(args))
    assert isinstance(digest, str)  # text ids: text
    return digest


def test_insecure_skip_verification_redeploys() -> None:
    config = stackfiles.load(PROJECT_DIR, "prod", None)
    values = {**config.values, "private-api:insecureSkipVerification": "true"}
    assert trigger(values, "prod") != trigger(config.values, "prod")


def test_a_stack_without_the_new_keys_keeps_its_deployment_digest() -> None:
    """No new field in the document the trigger digests unless set: upgrading the program must
    not redeploy a stack (the trigger is `openapi.deployment_trigger` of this document)."""
    config = stackfiles.load(PROJECT_DIR, "dev", None)
    document = api_document(parse(config.values, stack="dev"), title="dev")
    for _, _, operation in operations(document):
        integration = operation["x-amazon-apigateway-integration"]
        assert not {"integrationTarget", "responseTransferMode"} & set(integration)


# --- binaryMediaTypes (issue 20, item 8) ------------------------------------------------------


def test_binary_media_types_reach_the_rest_api_and_redeploy(run_stack: RunStack) -> None:
    plain = run_stack("prod")
    assert plain.one(REST_API).inputs.get("binaryMediaTypes") is None
    binary = run_stack("prod", {"binaryMediaTypes": ["image/png", "*/*"]})
    assert binary.one(REST_API).inputs["binaryMediaTypes"] == ["image/png", "*/*"]
    deployment = "aws:apigateway/deployment:Deployment"
    assert (
        binary.by_type(deployment)[0].inputs["triggers"]
        != plain.by_type(deployment)[0].inputs["triggers"]
    )


def test_a_bad_binary_media_type_is_refused_naming_its_place() -> None:
    message = config_error({"binaryMediaTypes": ["image/png", "png"]})
    assert "private-api:binaryMediaTypes[1]: 'png' is not a media type" in message
