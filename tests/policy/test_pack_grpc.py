"""The pack as the CLI runs it: a subprocess `python -u -m pulumi.policy <address> <pack dir>`
started in the pack directory, spoken to over the Analyzer gRPC service of the `pulumi` SDK.

One pack serves the whole module; each test configures it first, as the CLI does per run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.pack_client import Diagnostic, PolicyPackClient, Resource
from tests.policy.support import (
    ALB,
    DELETE,
    INTEGRATION,
    NLB_A,
    NLB_B,
    STACK_RULES,
    STAGE,
    VPC_LINK,
    find,
    pack_resource,
    private_api,
    urn,
    with_props,
)
from tests.program.harness import evaluate
from tools.pack_config import PolicyConfigError
from tools.pack_messages import UNKNOWN, UNKNOWN_SENTINEL

pytestmark = pytest.mark.slow

PACK_DIR = Path(__file__).resolve().parents[2] / "policy"
MANDATORY = {
    "private-integration-uses-vpc-link",
    "vpc-link-connection-id-uses-stage-variable",
    "vpc-link-targets-nlb",
    "vpc-link-target-unique",
    "vpc-link-version-matches-target",
    "stage-defines-vpc-link-variable",
}
ADVISORY = {
    "integration-timeout-within-limit",
    "canary-uses-stack-vpc-link",
    "deployment-redeploys-on-change",
    "method-requires-authorization",
    "stage-has-access-logging",
    "stage-has-xray-tracing",
    "stage-has-execution-logging",
    "stage-cache-encrypted",
    "stage-has-waf-web-acl",
    "stage-has-client-certificate",
    "method-has-request-validator",
    "method-settings-no-data-trace",
    "aws-native-apigateway-not-judged",
    "rest-api-body-parses",
    "vpc-link-v1-is-legacy",
}
STACK_POLICIES = set(STACK_RULES)


def analyze_all(pack: PolicyPackClient, resources: Sequence[Resource]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for resource in resources:
        found += pack.analyze(resource)
    return found + pack.analyze_stack(resources)


def summary(diagnostics: Sequence[Diagnostic]) -> set[tuple[str, str, str]]:
    return {(d.policy_name, d.enforcement_level, d.urn.rsplit("::", 1)[-1]) for d in diagnostics}


def test_the_pack_describes_its_rules(pack: PolicyPackClient) -> None:
    info = pack.get_info()
    assert info.name == "private-api-policies"
    assert info.supports_config
    levels = {p.name: p.enforcement_level for p in info.policies}
    assert levels == {
        **dict.fromkeys(MANDATORY, "mandatory"),
        **dict.fromkeys(ADVISORY, "advisory"),
    }
    types = {p.name: p.policy_type for p in info.policies}
    assert {n for n, t in types.items() if t == "stack"} == STACK_POLICIES
    assert {n for n, t in types.items() if t == "resource"} == (
        MANDATORY | ADVISORY
    ) - STACK_POLICIES
    for name in ("vpc-link-connection-id-uses-stage-variable", "private-integration-uses-vpc-link"):
        # No default: only a config that names a variable pins it.
        assert "default" not in info.policy(name).config_schema["stageVariable"]
    assert info.policy("integration-timeout-within-limit").config_schema["maxTimeoutMs"][
        "default"
    ] == pytest.approx(29000)
    assert all(p.description.endswith(".") for p in info.policies)


@pytest.mark.parametrize("preview", [False, True], ids=["update", "preview"])
def test_a_compliant_api_gets_no_diagnostics(pack: PolicyPackClient, preview: bool) -> None:
    """Its link is V1 (the walkthrough's): only the legacy advisory speaks, once per link."""
    legacy = {("vpc-link-v1-is-legacy", "advisory", "link-blue")}
    assert summary(analyze_all(pack, private_api(preview=preview))) == legacy
    pack.configure_from_file(PACK_DIR / "config" / "prod.json")  # strict, V1 kept on purpose
    assert analyze_all(pack, private_api(preview=preview)) == []


def test_the_mistakes_checkov_misses_are_mandatory_violations(pack: PolicyPackClient) -> None:
    stack = private_api(links={"blue": NLB_A, "green": NLB_A})  # two links, one NLB
    stack = with_props(stack, INTEGRATION, "get-root", connectionId="gim7c3")
    stack = with_props(stack, STAGE, "stage", variables=DELETE)
    stack += [
        Resource(
            urn=urn(VPC_LINK, "link-alb"),
            type=VPC_LINK,
            name="link-alb",
            properties={"name": "alb", "targetArn": ALB},
        ),
        Resource(
            urn=urn(INTEGRATION, "get-partner"),
            type=INTEGRATION,
            name="get-partner",
            properties={
                "type": "HTTP",
                "uri": "https://partner.example.com/",
                "timeoutMilliseconds": 29000,
            },
        ),
    ]
    found = analyze_all(pack, stack)
    assert summary(found) == {
        ("vpc-link-connection-id-uses-stage-variable", "mandatory", "get-root"),
        ("private-integration-uses-vpc-link", "mandatory", "get-partner"),
        ("vpc-link-targets-nlb", "mandatory", "link-alb"),
        ("vpc-link-target-unique", "mandatory", "link-green"),
        ("stage-defines-vpc-link-variable", "mandatory", "stage"),
        *(("vpc-link-v1-is-legacy", "advisory", f"link-{n}") for n in ("blue", "green", "alb")),
    }
    by_policy = {d.policy_name: d for d in found}
    literal = by_policy["vpc-link-connection-id-uses-stage-variable"]
    assert literal.policy_pack_name == "private-api-policies"
    assert literal.urn == find(stack, INTEGRATION, "get-root").urn
    assert literal.message.startswith(literal.description + "\n")
    assert literal.detail.startswith(
        "Integration 'get-root' sets connectionId to the literal 'gim7c3'"
    )
    assert by_policy["stage-defines-vpc-link-variable"].detail.startswith(
        "Stage 'stage' of REST API"
    )
    assert "VPC link 'link-green' targets" in by_policy["vpc-link-target-unique"].detail


def test_unknowns_over_the_wire_are_never_mandatory(pack: PolicyPackClient) -> None:
    integration = find(private_api(), INTEGRATION, "get-root")
    unknown = Resource(
        urn=integration.urn,
        type=INTEGRATION,
        name=integration.name,
        properties={**integration.properties, "connectionType": UNKNOWN, "connectionId": UNKNOWN},
    )
    found = pack.analyze(unknown)
    assert summary(found) == {
        ("private-integration-uses-vpc-link", "advisory", "get-root"),
        ("vpc-link-connection-id-uses-stage-variable", "advisory", "get-root"),
    }
    for diagnostic in found:
        assert "can't run policy" in diagnostic.message
        assert ".connectionType can't be known during preview" in diagnostic.message
    # The raw sentinel, as another client would send it, is the same thing.
    raw = Resource(
        urn=integration.urn,
        type=INTEGRATION,
        name=integration.name,
        properties={**integration.properties, "connectionId": UNKNOWN_SENTINEL},
    )
    assert summary(pack.analyze(raw)) == {
        ("vpc-link-connection-id-uses-stage-variable", "advisory", "get-root")
    }


def test_a_preview_stack_with_unknown_link_ids_passes_the_stage_rule(
    pack: PolicyPackClient,
) -> None:
    stack = private_api(preview=True, links={"blue": NLB_A, "green": NLB_B})
    stack = with_props(
        stack,
        STAGE,
        "stage",
        keep_deps=True,
        canarySettings={"percentTraffic": 10, "stageVariableOverrides": {"vpcLinkId": UNKNOWN}},
    )
    assert pack.analyze_stack(stack) == []
    broken = with_props(stack, STAGE, "stage", keep_deps=True, variables={"vpcLinkId": ""})
    assert summary(pack.analyze_stack(broken)) == {
        ("stage-defines-vpc-link-variable", "mandatory", "stage")
    }


def test_links_to_one_load_balancer_of_the_program_fail_at_preview(pack: PolicyPackClient) -> None:
    """Both targetArns are the unknown `arn` of the same new NLB: only their dependencies say so."""
    lb_type = "aws:lb/loadBalancer:LoadBalancer"
    lb = Resource(urn(lb_type, "nlb"), lb_type, "nlb", {"loadBalancerType": "network"})
    links = [
        Resource(
            urn(VPC_LINK, name),
            VPC_LINK,
            name,
            {"name": name, "targetArn": UNKNOWN},
            dependencies=(lb.urn,),
            property_dependencies={"targetArn": [lb.urn]},
        )
        for name in ("link-blue", "link-green")
    ]
    found = pack.analyze_stack([lb, *links])
    assert summary(found) == {("vpc-link-target-unique", "mandatory", "link-green")}
    assert "'nlb' of this stack (its ARN is not known yet)" in found[0].detail


def test_a_stray_connection_id_is_mandatory_on_any_integration_and_names_the_variable(
    pack: PolicyPackClient,
) -> None:
    lambda_ = Resource(
        urn(INTEGRATION, "lambda"),
        INTEGRATION,
        "lambda",
        {"type": "AWS_PROXY", "uri": "arn:aws:lambda:f", "connectionId": "gim7c3"},
    )
    [found] = pack.analyze(lambda_)
    assert (found.policy_name, found.enforcement_level) == (
        "private-integration-uses-vpc-link",
        "mandatory",
    )
    assert "'${stageVariables.vpcLinkId}'" in found.detail
    pack.configure({"private-integration-uses-vpc-link": {"stageVariable": "activeLink"}})
    [found] = pack.analyze(lambda_)
    assert "'${stageVariables.activeLink}'" in found.detail


@pytest.mark.parametrize(
    "properties",
    [
        {
            "type": "AWS_PROXY",
            "integrationHttpMethod": "POST",
            "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations",
        },
        {"type": "MOCK", "requestTemplates": {"application/json": '{"statusCode": 200}'}},
    ],
    ids=["lambda", "mock"],
)
def test_lambda_and_mock_integrations_are_left_alone(
    pack: PolicyPackClient, properties: dict[str, Any]
) -> None:
    resource = Resource(urn(INTEGRATION, "other"), INTEGRATION, "other", properties)
    assert pack.analyze(resource) == []


def test_the_strict_profile_makes_advisory_rules_mandatory(pack: PolicyPackClient) -> None:
    stack = with_props(private_api(), STAGE, "stage", keep_deps=True, xrayTracingEnabled=False)
    stage = find(stack, STAGE, "stage")
    assert summary(pack.analyze(stage)) == {("stage-has-xray-tracing", "advisory", "stage")}
    sent = pack.configure_from_file(PACK_DIR / "config" / "strict.json")
    assert {c.enforcement_level for c in sent.values()} == {"mandatory"}
    assert summary(pack.analyze(stage)) == {("stage-has-xray-tracing", "mandatory", "stage")}
    pack.configure_from_file(PACK_DIR / "config" / "default.json")
    assert summary(pack.analyze(stage)) == {("stage-has-xray-tracing", "advisory", "stage")}


def test_config_properties_reach_the_rules(pack: PolicyPackClient) -> None:
    public = Resource(
        urn(INTEGRATION, "partner"),
        INTEGRATION,
        "partner",
        {"type": "HTTP_PROXY", "uri": "https://api.partner.com/v1", "connectionType": "INTERNET"},
    )
    assert summary(pack.analyze(public)) == {
        ("private-integration-uses-vpc-link", "mandatory", "partner")
    }
    sent = pack.configure(
        {"private-integration-uses-vpc-link": {"publicHosts": ["api.partner.com"]}}
    )
    assert sent["private-integration-uses-vpc-link"].enforcement_level == "mandatory"
    assert pack.analyze(public) == []


def test_all_and_per_policy_levels_combine_as_in_the_cli(pack: PolicyPackClient) -> None:
    stage = find(
        with_props(
            private_api(),
            STAGE,
            "stage",
            keep_deps=True,
            xrayTracingEnabled=False,
            clientCertificateId=DELETE,
        ),
        STAGE,
        "stage",
    )
    pack.configure({"all": "mandatory", "stage-has-xray-tracing": "advisory"})
    assert summary(pack.analyze(stage)) == {
        ("stage-has-xray-tracing", "advisory", "stage"),
        ("stage-has-client-certificate", "mandatory", "stage"),
    }
    pack.configure({"all": "disabled"})
    assert pack.analyze(stage) == []


def test_a_config_the_cli_would_refuse_is_refused(pack: PolicyPackClient) -> None:
    with pytest.raises(PolicyConfigError, match="vpc-link-connection-id-uses-stage-variable"):
        pack.configure({"vpc-link-connection-id-uses-stage-variable": {"stageVariable": "a b"}})
    with pytest.raises(PolicyConfigError, match="not a valid enforcement level"):
        pack.configure({"vpc-link-targets-nlb": "blocking"})


@pytest.mark.parametrize("stack", ["prod", "dev", "staging"])
def test_the_real_programs_preview_under_the_strict_profile(
    pack: PolicyPackClient, stack: str
) -> None:
    """The program under mocks, as a preview of new resources sends it: every id unknown."""
    run = evaluate(stack, preview=True)

    resources = [pack_resource(r) for r in run.resources]
    assert any(r.properties.get("restApi") is UNKNOWN for r in resources)
    pack.configure_from_file(PACK_DIR / "config" / "strict.json")
    found = analyze_all(pack, resources)
    if stack == "prod":
        # prod keeps its V1 links for now: strict says so, prod's own config turns it off.
        assert {(d.policy_name, d.enforcement_level) for d in found} == {
            ("vpc-link-v1-is-legacy", "mandatory")
        }
        pack.configure_from_file(PACK_DIR / "config" / "prod.json")
        assert analyze_all(pack, resources) == []
    elif stack == "staging":  # V2 links and their integrationTarget: every link rule passes
        assert not {d.policy_name for d in found} & (MANDATORY | {"vpc-link-v1-is-legacy"})
    else:  # dev is the walkthrough: none of prod's hardening, but its VPC link setup is right
        assert {(d.policy_name, d.enforcement_level) for d in found} == {
            ("vpc-link-v1-is-legacy", "mandatory"),
            ("method-requires-authorization", "mandatory"),
            ("stage-has-access-logging", "mandatory"),
            ("stage-has-client-certificate", "mandatory"),
            ("stage-has-execution-logging", "mandatory"),
            ("stage-has-waf-web-acl", "mandatory"),
            ("stage-has-xray-tracing", "mandatory"),
        }
