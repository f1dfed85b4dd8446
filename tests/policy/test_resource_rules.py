"""Resource rules, called as the pack's server calls them (`ResourceValidationArgs`, real proxy)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policy.support import (
    ALB,
    INTEGRATION,
    METHOD,
    METHOD_SETTINGS,
    NLB_A,
    NLB_B,
    STAGE,
    VPC_LINK,
    VPC_LINK_V2,
    Outcome,
    check,
)
from tools.pack_messages import UNKNOWN, Secret

PRIVATE = {
    "type": "HTTP_PROXY",
    "uri": "http://orders.internal.example.com/",
    "connectionType": "VPC_LINK",
    "connectionId": "${stageVariables.vpcLinkId}",
    "timeoutMilliseconds": 29000,
}
LAMBDA = {
    "type": "AWS_PROXY",
    "integrationHttpMethod": "POST",
    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:orders/invocations",
}
MOCK = {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}}


def integration(**changes: Any) -> dict[str, Any]:
    return {k: v for k, v in {**PRIVATE, **changes}.items() if v is not None}


def only(outcome_messages: list[str]) -> str:
    assert len(outcome_messages) == 1, outcome_messages
    return outcome_messages[0]


# --- private-integration-uses-vpc-link ----------------------------------------------------------

RULE_LINK = "private-integration-uses-vpc-link"


@pytest.mark.parametrize("kind", ["HTTP", "HTTP_PROXY"])
def test_vpc_link_integration_passes(kind: str) -> None:
    outcome = check(RULE_LINK, INTEGRATION, integration(type=kind))
    assert outcome.messages == []
    assert outcome.deferred is None


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"connectionType": "INTERNET", "connectionId": None}, "has connectionType 'INTERNET'"),
        ({"connectionType": None, "connectionId": None}, "has no connectionType (so INTERNET)"),
        ({"connectionType": None, "connectionId": "gim7c3"}, "sets connectionId to 'gim7c3'"),
        ({"connectionType": "INTERNET"}, "sets connectionId to '${stageVariables.vpcLinkId}'"),
        ({"connectionType": "vpc_link", "connectionId": None}, "has connectionType 'vpc_link'"),
    ],
)
def test_internet_integration_is_a_violation(changes: dict[str, Any], says: str) -> None:
    message = only(check(RULE_LINK, INTEGRATION, integration(**changes)).messages)
    assert message.startswith("Integration 'orders-get' ")
    assert says in message
    assert "Set connectionType to 'VPC_LINK'" in message


@pytest.mark.parametrize(
    ("uri", "hosts", "passes"),
    [
        ("https://api.partner.com/v1", ["api.partner.com"], True),
        ("https://API.Partner.com/v1", ["api.partner.com"], True),
        ("https://eu.api.partner.com/", ["*.partner.com"], True),
        ("https://partner.com/", ["*.partner.com"], False),
        ("https://evil-partner.com/", ["*.partner.com"], False),
        ("https://api.partner.com.evil.io/", ["api.partner.com"], False),
        ("https://other.com/", ["api.partner.com"], False),
        ("not a url", ["api.partner.com"], False),
        ("http://[broken/", ["api.partner.com"], False),
    ],
)
def test_public_hosts_allowlist(uri: str, hosts: list[str], passes: bool) -> None:
    props = integration(uri=uri, connectionType="INTERNET", connectionId=None)
    outcome = check(RULE_LINK, INTEGRATION, props, config={"publicHosts": hosts})
    assert (outcome.messages == []) is passes
    if not passes:
        assert "add its host to this rule's publicHosts" in only(outcome.messages)


def test_connection_id_without_vpc_link_is_a_violation_even_for_a_public_host() -> None:
    props = integration(uri="https://api.partner.com/", connectionType="INTERNET")
    outcome = check(RULE_LINK, INTEGRATION, props, config={"publicHosts": ["api.partner.com"]})
    assert "sets connectionId to" in only(outcome.messages)


@pytest.mark.parametrize(
    ("changes", "config", "path"),
    [
        ({"type": UNKNOWN, "connectionType": "INTERNET", "connectionId": None}, {}, ".type"),
        ({"connectionType": UNKNOWN}, {}, ".connectionType"),
        ({"type": "AWS_PROXY", "connectionType": UNKNOWN}, {}, ".connectionType"),
        ({**LAMBDA, "connectionType": None, "connectionId": UNKNOWN}, {}, ".connectionId"),
        (
            {"connectionType": "INTERNET", "connectionId": None, "uri": UNKNOWN},
            {"publicHosts": ["api.partner.com"]},
            ".uri",
        ),
        (
            {
                "connectionType": "INTERNET",
                "connectionId": UNKNOWN,
                "uri": "https://api.partner.com/",
            },
            {"publicHosts": ["api.partner.com"]},
            ".connectionId",
        ),
    ],
)
def test_unknown_deciding_value_defers_to_crossguard(
    changes: dict[str, Any], config: dict[str, Any], path: str
) -> None:
    outcome = check(RULE_LINK, INTEGRATION, integration(**changes), config=config)
    assert outcome.messages == []
    assert outcome.deferred is not None
    assert f"at {path} can't be known during preview" in outcome.deferred


def test_unknown_value_that_cannot_change_the_verdict_still_reports() -> None:
    """INTERNET with no allowlist fails whatever the URI and connectionId turn out to be."""
    props = integration(connectionType="INTERNET", connectionId=UNKNOWN, uri=UNKNOWN)
    assert "public internet" in only(check(RULE_LINK, INTEGRATION, props).messages)


def test_an_unknown_type_does_not_matter_once_the_verdict_is_known() -> None:
    """VPC_LINK passes and a stray connectionId fails, whatever the type turns out to be."""
    assert check(RULE_LINK, INTEGRATION, integration(type=UNKNOWN)) == Outcome()
    props = integration(type=UNKNOWN, connectionType="INTERNET", connectionId="gim7c3")
    assert "sets connectionId to 'gim7c3'" in only(check(RULE_LINK, INTEGRATION, props).messages)


@pytest.mark.parametrize(
    ("props", "kind"),
    [
        ({**LAMBDA, "connectionId": "gim7c3"}, " ('AWS_PROXY')"),
        (
            {**LAMBDA, "type": "AWS", "connectionId": "gim7c3", "connectionType": "INTERNET"},
            "'AWS'",
        ),
        ({**MOCK, "connectionId": "gim7c3"}, " ('MOCK')"),
        ({**MOCK, "connectionId": "${stageVariables.vpcLinkId}"}, " ('MOCK')"),
        (integration(connectionType=None, connectionId="gim7c3"), "'orders-get' sets"),
        (integration(type="HTTP", connectionType="INTERNET"), "'orders-get' sets"),
    ],
)
def test_connection_id_without_vpc_link_is_a_violation_for_every_type(
    props: dict[str, Any], kind: str
) -> None:
    message = only(check(RULE_LINK, INTEGRATION, props).messages)
    assert message.startswith("Integration 'orders-get'")
    assert kind in message
    assert "API Gateway uses connectionId only with connectionType VPC_LINK" in message
    assert "remove connectionId" in message
    http = props["type"] in ("HTTP", "HTTP_PROXY")
    assert ("its requests go over the internet" in message) is http


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (INTEGRATION, LAMBDA),
        (INTEGRATION, MOCK),
        (INTEGRATION, {**MOCK, "connectionId": ""}),
        (INTEGRATION, {**MOCK, "connectionType": "INTERNET"}),
        (INTEGRATION, {**LAMBDA, "connectionType": UNKNOWN}),
        (STAGE, {"type": "HTTP", "connectionType": "INTERNET"}),
        (METHOD, {"httpMethod": "GET", "connectionId": "gim7c3"}),
    ],
)
def test_other_integrations_and_resources_are_left_alone(type_: str, props: dict[str, Any]) -> None:
    for rule in (RULE_LINK, RULE_ID):
        outcome = check(rule, type_, props)
        assert outcome.messages == []
        assert outcome.deferred is None


@pytest.mark.parametrize(
    "props",
    [
        integration(connectionType="INTERNET", connectionId=None),
        integration(connectionType="INTERNET", connectionId="gim7c3"),
        {**MOCK, "connectionId": "gim7c3"},
    ],
)
def test_the_suggested_connection_id_uses_the_configured_stage_variable(
    props: dict[str, Any],
) -> None:
    config = {"stageVariable": "activeLink"}
    message = only(check(RULE_LINK, INTEGRATION, props, config=config).messages)
    assert "'${stageVariables.activeLink}'" in message
    assert "vpcLinkId" not in message
    default = only(check(RULE_LINK, INTEGRATION, props).messages)
    assert "'${stageVariables.vpcLinkId}'" in default
    for bad in (None, "", "has space", 7, ["x"]):
        fallback = only(
            check(RULE_LINK, INTEGRATION, props, config={"stageVariable": bad}).messages
        )
        assert "'${stageVariables.vpcLinkId}'" in fallback


# --- vpc-link-connection-id-uses-stage-variable -------------------------------------------------

RULE_ID = "vpc-link-connection-id-uses-stage-variable"


def test_stage_variable_connection_id_passes() -> None:
    outcome = check(RULE_ID, INTEGRATION, integration())
    assert outcome.messages == []
    assert outcome.deferred is None


def test_literal_link_id_names_the_resource_and_the_fix() -> None:
    message = only(check(RULE_ID, INTEGRATION, integration(connectionId="gim7c3")).messages)
    assert message == (
        "Integration 'orders-get' sets connectionId to the literal 'gim7c3'; set it to "
        "'${stageVariables.vpcLinkId}' so the stage variable chooses the VPC link, and switch "
        "links by changing the stage variable."
    )


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("${stageVariables.vpcLinkId} ", "must be the whole value, with nothing around it"),
        ("prefix-${stageVariables.vpcLinkId}", "must be the whole value"),
        ("$stageVariables.vpcLinkId", "it has no braces"),
        ("${stageVariables.vpcLinkId", "it has no braces"),
        ("${stagevariables.vpcLinkId}", "'stageVariables' is case-sensitive"),
        ("${st\u0430geVariables.vpcLinkId}", "CYRILLIC SMALL LETTER A (U+0430) at position 5"),
        ("${stageVariables.vpcLinkId\u200b}", "ZERO WIDTH SPACE (U+200B)"),
        (None, "with no connectionId"),
        ("", "with no connectionId"),
        (42, "not a string"),
        (["gim7c3"], "not a string"),
        (Secret("gim7c3"), "the literal [secret]"),
    ],
)
def test_anything_but_the_exact_expression_is_a_violation(value: Any, says: str) -> None:
    message = only(check(RULE_ID, INTEGRATION, integration(connectionId=value)).messages)
    assert message.startswith("Integration 'orders-get' ")
    assert says in message
    assert "'${stageVariables.vpcLinkId}'" in message


def test_the_stage_variable_name_comes_from_config() -> None:
    config = {"stageVariable": "linkId"}
    props = integration(connectionId="${stageVariables.linkId}")
    assert check(RULE_ID, INTEGRATION, props, config=config).messages == []
    message = only(check(RULE_ID, INTEGRATION, integration(), config=config).messages)
    assert "set it to '${stageVariables.linkId}'" in message


@pytest.mark.parametrize("bad", [None, "", "has space", 7, ["x"]])
def test_a_malformed_stage_variable_setting_falls_back_to_the_default(bad: Any) -> None:
    config = {"stageVariable": bad}
    assert check(RULE_ID, INTEGRATION, integration(), config=config).messages == []


@pytest.mark.parametrize("prop", ["connectionId", "connectionType", "type"])
def test_unknown_connection_defers_to_crossguard(prop: str) -> None:
    outcome = check(RULE_ID, INTEGRATION, integration(**{prop: UNKNOWN}))
    assert outcome.messages == []
    assert outcome.deferred is not None
    assert f".{prop} can't be known" in outcome.deferred


def test_internet_integrations_are_the_other_rules_business() -> None:
    props = integration(connectionType="INTERNET", connectionId="gim7c3")
    assert check(RULE_ID, INTEGRATION, props).messages == []


# --- vpc-link-targets-nlb -----------------------------------------------------------------------

RULE_NLB = "vpc-link-targets-nlb"


@pytest.mark.parametrize(
    "props",
    [
        {"name": "blue", "targetArn": NLB_A},
        {"name": "blue", "targetArns": [NLB_B]},
        {
            "name": "blue",
            "targetArn": NLB_A.replace("arn:aws:", "arn:aws-cn:").replace(
                "us-east-1", "cn-north-1"
            ),
        },
    ],
)
def test_link_to_one_nlb_passes(props: dict[str, Any]) -> None:
    outcome = check(RULE_NLB, VPC_LINK, props, name="blue")
    assert outcome.messages == []
    assert outcome.deferred is None


@pytest.mark.parametrize(
    ("props", "says"),
    [
        ({"targetArn": ALB}, "is not a Network Load Balancer ARN"),
        ({"targetArn": NLB_A.replace("/net/", "/gwy/")}, "is not a Network Load Balancer ARN"),
        ({"targetArn": NLB_A + "/listener/1"}, "is not a Network Load Balancer ARN"),
        ({"targetArn": "orders-a"}, "is not a Network Load Balancer ARN"),
        ({"targetArn": 7}, "is not a Network Load Balancer ARN"),
        ({"targetArns": [NLB_A, NLB_B]}, "names 2 targets"),
        ({"targetArns": []}, "names 0 targets"),
        ({}, "names 0 targets"),
    ],
)
def test_link_to_anything_but_one_nlb_is_a_violation(props: dict[str, Any], says: str) -> None:
    message = only(check(RULE_NLB, VPC_LINK, props, name="blue").messages)
    assert message.startswith("VPC link 'blue' ")
    assert says in message


@pytest.mark.parametrize("props", [{"targetArn": UNKNOWN}, {"targetArns": [UNKNOWN]}])
def test_unknown_target_defers_to_crossguard(props: dict[str, Any]) -> None:
    outcome = check(RULE_NLB, VPC_LINK, props)
    assert outcome.messages == []
    assert outcome.deferred is not None


@pytest.mark.parametrize("target", [ALB, NLB_A])
def test_v2_integration_target_may_be_an_alb_or_an_nlb(target: str) -> None:
    props = integration(connectionId="${stageVariables.vpcLinkId}", integrationTarget=target)
    assert check(RULE_NLB, INTEGRATION, props).messages == []


def test_v2_integration_target_that_is_not_a_load_balancer_is_a_violation() -> None:
    target = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"
    message = only(check(RULE_NLB, INTEGRATION, integration(integrationTarget=target)).messages)
    assert message.startswith("Integration 'orders-get' sets integrationTarget to 'arn:aws:ec2")
    assert "not a load balancer ARN" in message


def test_unknown_v2_integration_target_defers() -> None:
    outcome = check(RULE_NLB, INTEGRATION, integration(integrationTarget=UNKNOWN))
    assert outcome.messages == []
    assert outcome.deferred is not None


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (VPC_LINK_V2, {"name": "v2", "subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}),
        (INTEGRATION, integration()),
        (INTEGRATION, {**LAMBDA, "integrationTarget": "junk"}),
        (INTEGRATION, {**MOCK, "integrationTarget": "junk"}),
        (STAGE, {"targetArn": "junk"}),
    ],
)
def test_link_rule_leaves_other_resources_alone(type_: str, props: dict[str, Any]) -> None:
    outcome = check(RULE_NLB, type_, props)
    assert outcome.messages == []
    assert outcome.deferred is None


# --- integration-timeout-within-limit ----------------------------------------------------------

RULE_TIMEOUT = "integration-timeout-within-limit"


@pytest.mark.parametrize("timeout", [50, 1000, 29000, None, "29000"])
def test_timeout_within_limits_passes(timeout: Any) -> None:
    assert check(RULE_TIMEOUT, INTEGRATION, integration(timeoutMilliseconds=timeout)).messages == []


@pytest.mark.parametrize(
    ("timeout", "says"),
    [
        (49, "below API Gateway's minimum of 50 ms"),
        (0, "below API Gateway's minimum of 50 ms"),
        (29001, "above the 29000 ms limit"),
        (120000, "above the 29000 ms limit"),
        ("soon", "which is not a number"),
        (True, "which is not a number"),
    ],
)
def test_timeout_out_of_limits_is_a_violation(timeout: Any, says: str) -> None:
    message = only(
        check(RULE_TIMEOUT, INTEGRATION, integration(timeoutMilliseconds=timeout)).messages
    )
    assert message.startswith("Integration 'orders-get' sets timeoutMilliseconds to ")
    assert says in message


def test_config_raises_the_maximum() -> None:
    props = integration(timeoutMilliseconds=60000)
    assert check(RULE_TIMEOUT, INTEGRATION, props, config={"maxTimeoutMs": 90000}).messages == []
    message = only(check(RULE_TIMEOUT, INTEGRATION, props, config={"maxTimeoutMs": 50000}).messages)
    assert "above the 50000 ms limit" in message


def test_unknown_timeout_defers() -> None:
    outcome = check(RULE_TIMEOUT, INTEGRATION, integration(timeoutMilliseconds=UNKNOWN))
    assert outcome.messages == []
    assert outcome.deferred is not None


def test_timeout_rule_covers_every_integration_type_and_nothing_else() -> None:
    """API Gateway's limit applies to Lambda and mock integrations too."""
    assert check(RULE_TIMEOUT, INTEGRATION, {**LAMBDA, "timeoutMilliseconds": 29000}).messages == []
    assert check(RULE_TIMEOUT, INTEGRATION, MOCK).messages == []
    assert check(RULE_TIMEOUT, INTEGRATION, {**LAMBDA, "timeoutMilliseconds": 60000}).messages
    assert check(RULE_TIMEOUT, STAGE, {"timeoutMilliseconds": 1}).messages == []


# --- Stage and method parity rules ---------------------------------------------------------------

STAGE_OK = {
    "restApi": "a1b2c3d4e5",
    "stageName": "prod",
    "xrayTracingEnabled": True,
    "clientCertificateId": "ab12cd",
    "accessLogSettings": {"destinationArn": "arn:aws:logs:us-east-1:1:log-group:l", "format": "x"},
}


@pytest.mark.parametrize(
    ("rule", "type_", "props"),
    [
        ("stage-has-access-logging", STAGE, STAGE_OK),
        ("stage-has-access-logging", STAGE, {**STAGE_OK, "accessLogSettings": UNKNOWN}),
        (
            "stage-has-access-logging",
            STAGE,
            {**STAGE_OK, "accessLogSettings": {"destinationArn": UNKNOWN}},
        ),
        ("stage-has-xray-tracing", STAGE, STAGE_OK),
        ("stage-has-client-certificate", STAGE, STAGE_OK),
        ("stage-has-client-certificate", STAGE, {**STAGE_OK, "clientCertificateId": UNKNOWN}),
        ("method-has-request-validator", METHOD, {"requestValidatorId": "v1"}),
        ("method-has-request-validator", METHOD, {"requestValidatorId": UNKNOWN}),
        ("method-settings-no-data-trace", METHOD_SETTINGS, {"settings": {"loggingLevel": "ERROR"}}),
        (
            "method-settings-no-data-trace",
            METHOD_SETTINGS,
            {"settings": {"dataTraceEnabled": False}},
        ),
    ],
)
def test_parity_rules_pass(rule: str, type_: str, props: dict[str, Any]) -> None:
    outcome = check(rule, type_, props, name="prod")
    assert outcome.messages == []
    assert outcome.deferred is None


@pytest.mark.parametrize(
    ("rule", "type_", "props", "says"),
    [
        (
            "stage-has-access-logging",
            STAGE,
            {},
            "Stage 'prod' has no access logging: accessLogSettings is not set",
        ),
        (
            "stage-has-access-logging",
            STAGE,
            {"accessLogSettings": {"format": "x"}},
            "Stage 'prod' has no access logging: accessLogSettings has no destinationArn",
        ),
        ("stage-has-xray-tracing", STAGE, {}, "Stage 'prod' does not enable X-Ray tracing"),
        (
            "stage-has-xray-tracing",
            STAGE,
            {"xrayTracingEnabled": False},
            "Stage 'prod' does not enable X-Ray tracing",
        ),
        ("stage-has-client-certificate", STAGE, {}, "Stage 'prod' has no client certificate"),
        (
            "stage-has-client-certificate",
            STAGE,
            {"clientCertificateId": ""},
            "Stage 'prod' has no client certificate",
        ),
        ("method-has-request-validator", METHOD, {}, "Method 'prod' has no request validator"),
        (
            "method-settings-no-data-trace",
            METHOD_SETTINGS,
            {"settings": {"dataTraceEnabled": True}},
            "MethodSettings 'prod' enables data tracing",
        ),
    ],
)
def test_parity_rules_report(rule: str, type_: str, props: dict[str, Any], says: str) -> None:
    assert only(check(rule, type_, props, name="prod").messages).startswith(says)


@pytest.mark.parametrize(
    ("rule", "type_", "props"),
    [
        ("stage-has-xray-tracing", STAGE, {"xrayTracingEnabled": UNKNOWN}),
        (
            "method-settings-no-data-trace",
            METHOD_SETTINGS,
            {"settings": {"dataTraceEnabled": UNKNOWN}},
        ),
    ],
)
def test_parity_rules_defer_on_unknown_booleans(
    rule: str, type_: str, props: dict[str, Any]
) -> None:
    outcome = check(rule, type_, props)
    assert outcome.messages == []
    assert outcome.deferred is not None


@pytest.mark.parametrize(
    ("rule", "type_"),
    [
        ("stage-has-access-logging", INTEGRATION),
        ("stage-has-xray-tracing", METHOD),
        ("stage-has-client-certificate", METHOD_SETTINGS),
        ("method-has-request-validator", INTEGRATION),
        ("method-settings-no-data-trace", STAGE),
    ],
)
def test_parity_rules_leave_other_resources_alone(rule: str, type_: str) -> None:
    for props in ({}, LAMBDA, MOCK, {"settings": {"dataTraceEnabled": True}}):
        assert check(rule, type_, props).messages == []
