"""Issue 20, items 16 to 18, over gRPC: aws-native links, secrets never printed, V1 target counts.

16. A stage variable holding the id of an `aws-native` VPC link (V1 or V2) is a link id, and the
    not-judged note covers `aws-native:apigatewayv2:*`.
17. A secret's value is never in a message: a literal `connectionId` inside a secret `body`, a
    secret `targetArn` (`vpc-link-target-unique`), a secret `region`, a secret
    `timeoutMilliseconds`.
18. A V1 link with two or more targets is refused whatever its unknown targets turn out to be.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tests.policy.support import NLB_A, REGION, STAGE, VPC_LINK, private_api, urn, with_props
from tests.policy.test_pack_bodies import openapi_body, private, rest_api
from tools.pack_messages import UNKNOWN, Secret

pytestmark = pytest.mark.slow

NATIVE_V1 = "aws-native:apigateway:VpcLink"
NATIVE_V2 = "aws-native:apigatewayv2:VpcLink"
NOT_JUDGED = "aws-native-apigateway-not-judged"
TARGETS = "vpc-link-targets-nlb"
INTEGRATION = "aws:apigateway/integration:Integration"


def of(found: Sequence[Diagnostic], rule: str, level: str | None = None) -> list[Diagnostic]:
    return [d for d in found if d.policy_name == rule and level in (None, d.enforcement_level)]


def mandatory(found: Sequence[Diagnostic]) -> list[Diagnostic]:
    return [d for d in found if d.enforcement_level == "mandatory"]


def link(name: str, **props: Any) -> Resource:
    return Resource(urn=urn(VPC_LINK, name), type=VPC_LINK, name=name, properties=props)


# --- 16: aws-native VPC links ---------------------------------------------------------------------


@pytest.mark.parametrize("native", [NATIVE_V1, NATIVE_V2])
def test_a_stage_variable_holding_an_aws_native_link_id_passes(
    pack: PolicyPackClient, native: str
) -> None:
    native_link = Resource(
        urn=urn(native, "native-link"),
        type=native,
        name="native-link",
        properties={"id": "nat1v3", "name": "native"},
    )
    stack = with_props(
        private_api(with_ids=True), STAGE, "stage", variables={"vpcLinkId": "nat1v3"}
    )
    found = pack.analyze_stack([*stack, native_link])
    assert of(found, "stage-defines-vpc-link-variable") == []
    notes = of(found, NOT_JUDGED)
    assert [d.urn for d in notes] == [native_link.urn]
    assert [d.enforcement_level for d in notes] == ["advisory"]


def test_the_not_judged_note_covers_aws_native_apigatewayv2(pack: PolicyPackClient) -> None:
    route = Resource(
        urn=urn("aws-native:apigatewayv2:Integration", "i"),
        type="aws-native:apigatewayv2:Integration",
        name="i",
        properties={"connectionType": "INTERNET"},
    )
    assert [d.urn for d in of(pack.analyze_stack([*private_api(), route]), NOT_JUDGED)] == [
        route.urn
    ]


# --- 17: secrets ----------------------------------------------------------------------------------


def test_a_literal_connection_id_inside_a_secret_body_is_not_printed(
    pack: PolicyPackClient,
) -> None:
    body = openapi_body(
        {
            "/hidden-path": {
                "get": {"x-amazon-apigateway-integration": private("GET", "/", "gim7c3")}
            }
        }
    )
    found = pack.analyze(rest_api(Secret(body)))
    caught = of(found, "vpc-link-connection-id-uses-stage-variable", "mandatory")
    assert len(caught) == 1
    assert "secret body of RestApi 'orders-api'" in caught[0].detail
    for diagnostic in found:
        assert "gim7c3" not in diagnostic.message
        assert "hidden-path" not in diagnostic.message


def test_a_secret_target_arn_is_not_printed_by_vpc_link_target_unique(
    pack: PolicyPackClient,
) -> None:
    found = pack.analyze_stack(
        [link("one", targetArn=Secret(NLB_A)), link("two", targetArn=Secret(NLB_A))]
    )
    caught = of(found, "vpc-link-target-unique", "mandatory")
    assert len(caught) == 1
    assert "[secret]" in caught[0].detail
    assert NLB_A not in caught[0].message


def test_a_secret_region_is_not_printed(pack: PolicyPackClient) -> None:
    assert REGION == "us-east-1"
    found = of(
        pack.analyze(link("blue", targetArn=NLB_A, region=Secret("eu-west-1"))),
        TARGETS,
        "mandatory",
    )
    assert len(found) == 1
    assert "eu-west-1" not in found[0].message
    assert "created in [secret] (its region input)" in found[0].detail


def test_a_secret_timeout_is_not_printed(pack: PolicyPackClient) -> None:
    integration = Resource(
        urn=urn(INTEGRATION, "get"),
        type=INTEGRATION,
        name="get",
        properties={"type": "MOCK", "timeoutMilliseconds": Secret(123457)},
    )
    found = of(pack.analyze(integration), "integration-timeout-within-limit")
    assert len(found) == 1
    assert "123457" not in found[0].message
    assert "secret" in found[0].detail
    fine = replace(integration, properties={"timeoutMilliseconds": Secret(500)})
    assert of(pack.analyze(fine), "integration-timeout-within-limit") == []


# --- 18: V1 targets -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "targets", [[NLB_A, UNKNOWN], [UNKNOWN, UNKNOWN, UNKNOWN]], ids=["nlb+unknown", "3 unknowns"]
)
def test_two_or_more_v1_targets_are_refused_whatever_the_unknowns(
    pack: PolicyPackClient, targets: list[Any]
) -> None:
    found = of(pack.analyze(link("blue", targetArns=targets)), TARGETS, "mandatory")
    assert len(found) == 1
    assert f"names {len(targets)} targets" in found[0].detail


def test_one_unknown_v1_target_still_defers(pack: PolicyPackClient) -> None:
    found = of(pack.analyze(link("blue", targetArns=[UNKNOWN])), TARGETS)
    assert [d.enforcement_level for d in found] == ["advisory"]
    assert mandatory(found) == []


def test_a_stage_variable_named_in_a_secret_body_is_not_printed(pack: PolicyPackClient) -> None:
    hidden = "${stageVariables.hiddenVar}"
    body = openapi_body(
        {"/": {"get": {"x-amazon-apigateway-integration": private("GET", "/", hidden)}}}
    )
    api = rest_api(Secret(body))
    stage = Resource(
        urn=urn(STAGE, "stage"),
        type=STAGE,
        name="stage",
        properties={"restApi": "abc123", "stageName": "dev", "variables": {}},
        dependencies=(api.urn,),
        property_dependencies={"restApi": [api.urn]},
    )
    found = of(pack.analyze_stack([api, stage]), "stage-defines-vpc-link-variable", "mandatory")
    assert len(found) == 1
    assert "hiddenVar" not in found[0].message
    assert "'[secret]'" in found[0].detail


def test_why_a_secret_body_was_refused_is_not_printed(pack: PolicyPackClient) -> None:
    found = pack.analyze(rest_api(Secret("openapi: 3.0.1\nx: *privateAnchorName\n")))
    assert [d.policy_name for d in found] == ["rest-api-body-parses"]
    assert "privateAnchorName" not in found[0].message
    assert "it is secret" in found[0].detail
