"""Cases the pack's authors never saw, over gRPC with the pack started as the CLI starts it.

Secrets at any depth, every region of every partition, cross-region links (by the link's own
`region` or its provider's), aws-native resources, messages that name the real mistake,
misspelt settings refused, `publicHosts` with a trailing dot, the pack and the program agreeing.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.pack_client import Diagnostic, PolicyPackClient, Provider, Resource
from tests.policy.support import (
    INTEGRATION,
    STAGE,
    VPC_LINK,
    find,
    private_api,
    urn,
    with_props,
)
from tools import stackcheck
from tools.pack_config import PolicyPackError
from tools.pack_messages import Secret

pytestmark = pytest.mark.slow

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
EUSC_NLB = (
    "arn:aws-eusc:elasticloadbalancing:eusc-de-east-1:123456789012:loadbalancer/net/orders/"
    "0a1b2c3d4e5f6a7b"
)
NLB_EU = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/orders/0a1b2c3d4e5f6a7b"
)
PLAINTEXT = "hunter2-plaintext"


def link(target: Any, **props: Any) -> Resource:
    return Resource(
        urn=urn(VPC_LINK, "blue"),
        type=VPC_LINK,
        name="blue",
        properties={"name": "blue", "targetArn": target, **props},
    )


def integration(**props: Any) -> Resource:
    base = {
        "restApi": "abc123",
        "resourceId": "res1",
        "httpMethod": "GET",
        "type": "HTTP_PROXY",
        "uri": "http://orders.internal.example.com/",
        "connectionType": "VPC_LINK",
        "connectionId": "${stageVariables.vpcLinkId}",
    }
    return Resource(
        urn=urn(INTEGRATION, "orders-get"),
        type=INTEGRATION,
        name="orders-get",
        properties={**base, **props},
    )


def of(diagnostics: list[Diagnostic], rule: str) -> list[Diagnostic]:
    return [d for d in diagnostics if d.policy_name == rule]


# --- Secrets --------------------------------------------------------------------------------


SECRET_CASES = {
    "a secret connectionId": integration(connectionId=Secret(PLAINTEXT)),
    "a secret connectionId on an INTERNET integration": integration(
        connectionType="INTERNET", connectionId=Secret(PLAINTEXT)
    ),
    "a secret link target": link(Secret(PLAINTEXT)),
    "a link target inside a secret list": link(None, targetArns=Secret([PLAINTEXT])),
    "a secret timeout": integration(timeoutMilliseconds=Secret(PLAINTEXT)),
}


@pytest.mark.parametrize("resource", SECRET_CASES.values(), ids=SECRET_CASES.keys())
def test_a_secret_is_shown_as_secret_never_as_its_plaintext(
    pack: PolicyPackClient, resource: Resource
) -> None:
    found = pack.analyze(resource)
    assert found, "the case must produce a message to be meaningful"
    for diagnostic in found:
        assert PLAINTEXT not in diagnostic.message
    assert any("[secret]" in d.message for d in found)


def test_a_secret_stage_variable_deep_in_a_stack_is_shown_as_secret(
    pack: PolicyPackClient,
) -> None:
    stack = with_props(private_api(), STAGE, "stage", variables={"vpcLinkId": Secret("arn:x")})
    found = of(pack.analyze_stack(stack), "stage-defines-vpc-link-variable")
    assert len(found) == 1
    assert "arn:x" not in found[0].message
    assert "[secret]" in found[0].message


# --- Regions ----------------------------------------------------------------------------------


def test_a_link_in_the_european_sovereign_cloud_is_valid(pack: PolicyPackClient) -> None:
    assert of(pack.analyze(link(EUSC_NLB)), "vpc-link-targets-nlb") == []


@pytest.mark.parametrize(
    ("arn", "says"),
    [
        (EUSC_NLB.replace("arn:aws-eusc:", "arn:aws:"), "in the partition 'aws-eusc', not 'aws'"),
        (EUSC_NLB.replace("eusc-de-east-1", "eusc-de-east-9"), "not a region of any partition"),
    ],
)
def test_a_region_the_provider_does_not_know_or_in_another_partition_is_refused(
    pack: PolicyPackClient, arn: str, says: str
) -> None:
    found = of(pack.analyze(link(arn)), "vpc-link-targets-nlb")
    assert len(found) == 1
    assert found[0].enforcement_level == "mandatory"
    assert says in found[0].message


def test_a_link_to_an_nlb_of_another_region_than_its_own_region_input_fails(
    pack: PolicyPackClient,
) -> None:
    found = of(pack.analyze(link(NLB_EU, region="us-east-1")), "vpc-link-targets-nlb")
    assert len(found) == 1
    assert "created in us-east-1 (its region input)" in found[0].message
    assert "Network Load Balancer in eu-west-1" in found[0].message
    assert of(pack.analyze(link(NLB_EU, region="eu-west-1")), "vpc-link-targets-nlb") == []


def test_a_link_to_an_nlb_of_another_region_than_its_provider_fails(
    pack: PolicyPackClient,
) -> None:
    provider = Provider(
        urn="urn:pulumi:dev::shop::pulumi:providers:aws::default",
        type="pulumi:providers:aws",
        name="default",
        properties={"region": "us-east-1"},
    )
    found = of(pack.analyze(replace(link(NLB_EU), provider=provider)), "vpc-link-targets-nlb")
    assert len(found) == 1
    assert "its provider's region (aws:region)" in found[0].message
    in_eu = replace(provider, properties={"region": "eu-west-1"})
    assert of(pack.analyze(replace(link(NLB_EU), provider=in_eu)), "vpc-link-targets-nlb") == []


# --- Other providers ----------------------------------------------------------------------------


def test_aws_native_api_gateway_resources_are_reported_as_not_judged(
    pack: PolicyPackClient,
) -> None:
    native = [
        Resource(
            urn=urn("aws-native:apigateway:Method", "m"),
            type="aws-native:apigateway:Method",
            name="m",
            properties={"integration": {"type": "HTTP_PROXY", "connectionType": "INTERNET"}},
        ),
        Resource(
            urn=urn("aws-native:apigateway:Stage", "s"),
            type="aws-native:apigateway:Stage",
            name="s",
            properties={"variables": {}},
        ),
    ]
    found = of(pack.analyze_stack(private_api() + native), "aws-native-apigateway-not-judged")
    assert {d.urn.rsplit("::", 1)[-1] for d in found} == {"m", "s"}
    assert all(d.enforcement_level == "advisory" for d in found)
    assert "does not judge" in found[0].message
    assert of(pack.analyze_stack(private_api()), "aws-native-apigateway-not-judged") == []


# --- Messages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("$stageVariables.vpcLinkId", "it has no braces"),
        ("${st\u0430geVariables.vpcLinkId}", "CYRILLIC SMALL LETTER A (U+0430)"),
        ("x${stageVariables.vpcLinkId}", "with nothing around it"),
    ],
)
def test_the_connection_id_message_names_the_real_mistake(
    pack: PolicyPackClient, value: str, says: str
) -> None:
    found = of(
        pack.analyze(integration(connectionId=value)), "vpc-link-connection-id-uses-stage-variable"
    )
    assert len(found) == 1
    assert says in found[0].message


def test_links_sharing_an_alb_are_not_told_it_is_an_nlb(pack: PolicyPackClient) -> None:
    alb = (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1234567890abcdef"
    )
    stack = private_api(links={"blue": alb, "green": alb})
    found = of(pack.analyze_stack(stack), "vpc-link-target-unique")
    assert len(found) == 1
    assert "targets the Application Load Balancer" in found[0].message
    assert "Network Load Balancer arn" not in found[0].message


def test_public_hosts_match_a_host_written_with_a_trailing_dot(pack: PolicyPackClient) -> None:
    pack.configure({"private-integration-uses-vpc-link": {"publicHosts": ["api.example.com"]}})
    internet = integration(
        connectionType="INTERNET", connectionId=None, uri="https://api.example.com./v1"
    )
    assert of(pack.analyze(internet), "private-integration-uses-vpc-link") == []
    pack.configure({"private-integration-uses-vpc-link": {"publicHosts": ["api.example.com."]}})
    plain = integration(connectionType="INTERNET", connectionId=None, uri="https://api.example.com")
    assert of(pack.analyze(plain), "private-integration-uses-vpc-link") == []


# --- Misspelt settings fail closed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "says"),
    [
        (
            {"private-integration-uses-vpc-link": {"publicHost": ["api.example.com"]}},
            "the setting 'publicHost', which it does not have; did you mean 'publicHosts'?",
        ),
        (
            {"vpc-link-targets-nlb": {"enforcementLevel": "mandatory", "stageVariable": "x"}},
            "it takes no settings, only an enforcement level",
        ),
    ],
)
def test_a_misspelt_setting_stops_the_pack_naming_the_nearest(
    pack: PolicyPackClient, config: dict[str, Any], says: str
) -> None:
    pack.configure(config)
    rule = next(iter(config))
    resource = integration() if rule == "private-integration-uses-vpc-link" else link(EUSC_NLB)
    with pytest.raises(PolicyPackError, match="Analyze failed") as caught:
        pack.analyze(resource)
    assert says in str(caught.value)


# --- The pack and the program agree --------------------------------------------------------------


def test_any_stage_variable_the_stage_defines_passes_unless_the_config_pins_one(
    pack: PolicyPackClient,
) -> None:
    other = integration(connectionId="${stageVariables.activeLink}")
    rule = "vpc-link-connection-id-uses-stage-variable"
    assert of(pack.analyze(other), rule) == []
    pack.configure({rule: {"stageVariable": "vpcLinkId"}})
    found = of(pack.analyze(other), rule)
    assert len(found) == 1
    assert "pins the links' variable to 'vpcLinkId'" in found[0].message


@pytest.mark.parametrize(("stack", "profile"), [("dev", "default"), ("prod", "prod")])
def test_the_program_with_another_stage_variable_passes_the_stack_check(
    capsys: pytest.CaptureFixture[str], stack: str, profile: str
) -> None:
    """`stageVariable` is a documented key: any value passes `make check` under the stack's
    profile, as it passes CI (it used to exit 1 under the default config)."""
    config = PACK_DIR / "config" / f"{profile}.json"
    code = stackcheck.main(
        [stack, "--set", "stageVariable=activeLink", "--policy-pack-config", str(config)],
        project_dir=PACK_DIR.parent,
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err


def test_the_stage_rule_still_requires_the_variable_the_integrations_use(
    pack: PolicyPackClient,
) -> None:
    stack = private_api()
    for name in ("get-root", "get-orders"):
        stack = with_props(stack, INTEGRATION, name, connectionId="${stageVariables.activeLink}")
    found = of(pack.analyze_stack(stack), "stage-defines-vpc-link-variable")
    assert len(found) == 1
    assert "does not define the stage variable 'activeLink'" in found[0].message
    assert find(stack, STAGE, "stage")


def test_a_long_timeout_needs_the_stacks_own_pack_config_raising_max_timeout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """allowLongTimeout is resolved one way: the stack's policy/config/<stack>.json raises
    maxTimeoutMs too. Under strict.json alone the stack fails locally exactly as in CI."""
    long = ["prod", "--set", "timeoutMs=60000", "--set", "allowLongTimeout=true"]
    strict = PACK_DIR / "config" / "prod.json"  # prod's own: strict, V1 links kept
    code = stackcheck.main(
        [*long, "--policy-pack-config", str(strict)], project_dir=PACK_DIR.parent
    )
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "raise this rule's maxTimeoutMs" in out + err
    raised = json.loads(strict.read_text())
    # The profile holds no setting of its own: the stack adds the rule's entry, and "all" keeps
    # it mandatory (an entry without enforcementLevel keeps the level it had).
    assert "integration-timeout-within-limit" not in raised
    raised["integration-timeout-within-limit"] = {"maxTimeoutMs": 60000}
    own = tmp_path / "prod.json"
    own.write_text(json.dumps(raised))
    code = stackcheck.main([*long, "--policy-pack-config", str(own)], project_dir=PACK_DIR.parent)
    out, err = capsys.readouterr()
    assert code == 0, out + err


def test_a_secret_connection_id_that_is_the_expression_passes(pack: PolicyPackClient) -> None:
    secret = integration(connectionId=Secret("${stageVariables.vpcLinkId}"))
    found = pack.analyze(secret)
    assert [d for d in found if d.enforcement_level == "mandatory"] == []


def test_a_stage_lacking_a_variable_named_by_a_secret_does_not_quote_its_name(
    pack: PolicyPackClient,
) -> None:
    stack = private_api()
    for name in ("get-root", "get-orders"):
        stack = with_props(
            stack, INTEGRATION, name, connectionId=Secret("${stageVariables.hiddenName}")
        )
    found = of(pack.analyze_stack(stack), "stage-defines-vpc-link-variable")
    assert len(found) == 1
    assert "hiddenName" not in found[0].message
    assert "'[secret]'" in found[0].message
