"""Property-based tests: exact forms pass, nothing else does, and no input makes a rule raise."""

from __future__ import annotations

import string
from typing import Any

import pulumi_aws
import rules
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

from tests.pack_client import Resource
from tests.policy import support
from tests.policy.support import INTEGRATION, VPC_LINK, check, check_stack
from tools.pack_messages import UNKNOWN

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Any character a property can hold: the engine sends properties as protobuf Structs, whose
#: strings are UTF-8, so a lone surrogate (which `st.characters()` may draw) never reaches a rule,
#: and the gRPC client cannot encode one.
CHARACTERS = st.characters(codec="utf-8")


def text(*, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.text(CHARACTERS, min_size=min_size, max_size=max_size)


# --- connectionId ---------------------------------------------------------------------------------

VARIABLE_NAMES = st.text(string.ascii_letters + string.digits + "_", min_size=1, max_size=20)


def near_misses(name: str) -> st.SearchStrategy[str]:
    """Strings that look like the expression: edits of it, and other variables' expressions."""
    exact = "${stageVariables." + name + "}"
    return st.one_of(
        st.builds(lambda i, c: exact[:i] + c + exact[i:], st.integers(0, len(exact)), CHARACTERS),
        st.builds(lambda i: exact[:i] + exact[i + 1 :], st.integers(0, len(exact) - 1)),
        st.builds(
            lambda i, c: exact[:i] + c + exact[i + 1 :],
            st.integers(0, len(exact) - 1),
            CHARACTERS,
        ),
        st.builds(lambda other: "${stageVariables." + other + "}", VARIABLE_NAMES),
        st.builds(lambda a, b: a + exact + b, text(max_size=3), text(max_size=3)),
        text(),
    )


@SETTINGS
@given(data=st.data(), name=VARIABLE_NAMES)
def test_only_the_exact_stage_variable_expression_passes(data: st.DataObject, name: str) -> None:
    exact = "${stageVariables." + name + "}"
    value = data.draw(near_misses(name))
    props = {"type": "HTTP_PROXY", "connectionType": "VPC_LINK", "connectionId": value}
    outcome = check(
        "vpc-link-connection-id-uses-stage-variable",
        INTEGRATION,
        props,
        config={"stageVariable": name},
    )
    assert outcome.deferred is None
    if value == exact:
        assert outcome.messages == []
    else:
        assert len(outcome.messages) == 1
        assert outcome.messages[0].startswith("Integration 'orders-get' ")
        assert f"'{exact}'" in outcome.messages[0]


NON_STRINGS = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53),
        st.floats(allow_nan=False, allow_infinity=False),
        st.just("${stageVariables.vpcLinkId}"),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
).filter(lambda value: not isinstance(value, str))


@SETTINGS
@given(value=NON_STRINGS, proxied=st.booleans())
def test_no_value_that_is_not_a_string_passes(value: Any, proxied: bool) -> None:
    """Numbers, booleans, null, lists and objects (even holding the exact expression) fail."""
    props = {"type": "HTTP_PROXY", "connectionType": "VPC_LINK", "connectionId": value}
    outcome = check(
        "vpc-link-connection-id-uses-stage-variable", INTEGRATION, props, proxied=proxied
    )
    assert outcome.deferred is None
    assert len(outcome.messages) == 1, outcome.messages
    assert outcome.messages[0].startswith("Integration 'orders-get' ")
    assert "'${stageVariables.vpcLinkId}'" in outcome.messages[0]


# --- NLB ARNs -------------------------------------------------------------------------------------

HEX = "0123456789abcdef"
NAME_CHARS = string.ascii_letters + string.digits + "-"


def is_nlb_arn(arn: str) -> bool:
    """An oracle written apart from the rule's regular expression."""
    parts = arn.split(":")
    if len(parts) != 6:
        return False
    prefix, partition, service, region, account, resource = parts
    words = partition.split("-")
    if prefix != "arn" or words[0] != "aws" or not all(_lower(w) for w in words[1:]):
        return False
    pieces = region.split("-")
    if len(pieces) < 3 or len(pieces[0]) != 2 or not all(_lower(p) for p in pieces[:-1]):
        return False
    if not _digits(pieces[-1]) or service != "elasticloadbalancing":
        return False
    # Only regions the provider knows, each in its own partition (by the SDKs' region prefixes).
    if region not in {r.value for r in pulumi_aws.Region} or partition != _partition_of(region):
        return False
    if len(account) != 12 or not _digits(account):
        return False
    kind = resource.split("/")
    if len(kind) != 4 or kind[0] != "loadbalancer" or kind[1] != "net":
        return False
    name, ident = kind[2], kind[3]
    name_ok = 1 <= len(name) <= 32 and all(c in NAME_CHARS for c in name)
    name_ok = name_ok and not name.startswith("-") and not name.endswith("-")
    return name_ok and len(ident) == 16 and all(c in HEX for c in ident)


def _partition_of(region: str) -> str:
    for prefix, partition in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
        ("eusc-", "aws-eusc"),
    ):
        if region.startswith(prefix):
            return partition
    return "aws"


def _lower(word: str) -> bool:
    return bool(word) and all(c in string.ascii_lowercase for c in word)


def _digits(word: str) -> bool:
    return bool(word) and all(c in string.digits for c in word)


def maybe(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Usually a valid component, sometimes anything."""
    return st.one_of(valid, valid, valid, text(max_size=20))


PARTITIONS = st.sampled_from(["aws", "aws-cn", "aws-us-gov", "aws-iso-b", "aws-eusc"])
REGIONS = st.sampled_from(
    ["us-east-1", "eu-west-3", "us-gov-west-1", "cn-north-1", "ap-southeast-2", "eusc-de-east-1"]
)
ACCOUNTS = st.text(string.digits, min_size=12, max_size=12)
LB_NAMES = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,30}[A-Za-z0-9])?", fullmatch=True)
LB_IDS = st.text(HEX, min_size=16, max_size=16)
ARNS = st.one_of(
    st.builds(
        lambda p, s, r, a, k, n, i: f"arn:{p}:{s}:{r}:{a}:loadbalancer/{k}/{n}/{i}",
        maybe(PARTITIONS),
        maybe(st.just("elasticloadbalancing")),
        maybe(REGIONS),
        maybe(ACCOUNTS),
        maybe(st.sampled_from(["net", "app", "gwy"])),
        maybe(LB_NAMES),
        maybe(LB_IDS),
    ),
    text(),
)


@SETTINGS
@given(arn=ARNS)
def test_only_nlb_arns_pass_the_link_rule(arn: str) -> None:
    outcome = check("vpc-link-targets-nlb", VPC_LINK, {"targetArn": arn}, name="blue")
    assert outcome.deferred is None
    assert (outcome.messages == []) is is_nlb_arn(arn), outcome.messages


def test_the_oracle_agrees_with_known_arns() -> None:
    """Keep the oracle honest: the NLB ARNs used elsewhere pass it, an ALB's does not."""
    assert is_nlb_arn(support.NLB_A)
    assert is_nlb_arn(support.NLB_B)
    assert not is_nlb_arn(support.ALB)
    assert not is_nlb_arn(support.NLB_A.replace("us-east-1", "us-east"))


# --- Malformed input ------------------------------------------------------------------------------

KEYS = [
    "type", "connectionType", "connectionId", "uri", "timeoutMilliseconds", "integrationTarget",
    "targetArn", "targetArns", "name", "restApi", "resourceId", "parentId", "pathPart", "path",
    "httpMethod", "authorization", "requestValidatorId", "triggers", "variables", "vpcLinkId",
    "canarySettings", "stageVariableOverrides", "stageName", "accessLogSettings",
    "destinationArn", "xrayTracingEnabled", "clientCertificateId", "cacheClusterEnabled",
    "settings", "loggingLevel", "metricsEnabled", "cachingEnabled", "cacheDataEncrypted",
    "dataTraceEnabled", "endpointConfiguration", "types", "resourceArn", "webAclArn", "id",
    "rootResourceId",
]  # fmt: skip
WORDS = [
    "HTTP", "HTTP_PROXY", "AWS_PROXY", "MOCK", "VPC_LINK", "INTERNET", "NONE", "OPTIONS", "GET",
    "REGIONAL", "EDGE", "PRIVATE", "ERROR", "INFO", "OFF", "${stageVariables.vpcLinkId}", "",
    "dev", "/", support.NLB_A, support.ALB, "arn:aws:apigateway:us-east-1::/restapis/a/stages/dev",
]  # fmt: skip
TYPES = sorted(
    {
        support.INTEGRATION, support.VPC_LINK, support.VPC_LINK_V2, support.STAGE, support.METHOD,
        support.METHOD_SETTINGS, support.DEPLOYMENT, support.REST_API, support.API_RESOURCE,
        support.WAF_ASSOCIATION, "aws:s3/bucket:Bucket",
    }
)  # fmt: skip


def junk(unknowns: bool, *, wire: bool) -> st.SearchStrategy[Any]:
    """JSON-like values of every shape; `wire` keeps to what a protobuf Struct can carry."""
    leaves: list[st.SearchStrategy[Any]] = [
        st.none(),
        st.booleans(),
        st.integers(-(2**53), 2**53) if wire else st.integers(),
        st.floats(allow_nan=not wire, allow_infinity=not wire),
        text(max_size=12),
        st.sampled_from(WORDS),
    ]
    if unknowns:
        leaves.append(st.just(UNKNOWN))
    if not wire:
        leaves += [st.binary(max_size=4), st.tuples(st.integers(), text(max_size=3))]
    keys = st.one_of(st.sampled_from(KEYS), text(max_size=6))
    return st.recursive(
        st.one_of(*leaves),
        lambda children: st.one_of(
            st.lists(children, max_size=3), st.dictionaries(keys, children, max_size=4)
        ),
        max_leaves=10,
    )


def properties(unknowns: bool, *, wire: bool) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.one_of(st.sampled_from(KEYS), text(max_size=6))
    return st.dictionaries(keys, junk(unknowns, wire=wire), max_size=8)


CONFIGS = st.dictionaries(
    st.sampled_from(
        ["publicHosts", "stageVariable", "maxTimeoutMs", "publicPaths", "requireMetrics"]
    ),
    junk(False, wire=False),
    max_size=3,
)
RESOURCE_RULES = [
    p.name
    for p in rules.POLICIES
    # The legacy advisory judges a link's version, not its values: every V1 link gets it.
    if isinstance(p, ResourceValidationPolicy) and p.name != "vpc-link-v1-is-legacy"
]


def own(rule: str, config: dict[str, Any]) -> dict[str, Any]:
    """The settings of `config` the rule has (it refuses any other: see test_pack_grpc)."""
    schema = next(p for p in rules.POLICIES if p.name == rule).config_schema
    allowed = schema.properties if schema is not None else {}
    return {k: v for k, v in config.items() if k in allowed}


STACK_RULES = [p.name for p in rules.POLICIES if isinstance(p, StackValidationPolicy)]


def has_unknown(value: Any) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        return any(has_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(has_unknown(v) for v in value)
    return False


@SETTINGS
@given(type_=st.sampled_from(TYPES), props=properties(True, wire=True), config=CONFIGS)
def test_no_property_dictionary_makes_a_resource_rule_raise(
    type_: str, props: dict[str, Any], config: dict[str, Any]
) -> None:
    """Through the server's path; the only exception is CrossGuard's own, for a real unknown."""
    for rule in RESOURCE_RULES:
        outcome = check(rule, type_, props, config=own(rule, config))
        if outcome.deferred is not None:
            assert has_unknown(props), rule
        for message in outcome.messages:
            assert message.endswith("."), rule
            assert len(message) < 1000, rule


@SETTINGS
@given(type_=st.sampled_from(TYPES), props=properties(False, wire=False), config=CONFIGS)
def test_no_python_value_makes_a_resource_rule_raise(
    type_: str, props: dict[str, Any], config: dict[str, Any]
) -> None:
    """Called directly with plain dicts of any Python values (no proxy), rules still never raise."""
    for rule in RESOURCE_RULES:
        assert (
            check(rule, type_, props, config=own(rule, config), proxied=False).deferred is None
        ), rule


@st.composite
def stacks(draw: st.DrawFn) -> list[Resource]:
    count = draw(st.integers(1, 6))
    urns = [f"urn:pulumi:dev::shop::t::r{i}" for i in range(count)]
    resources = []
    for i in range(count):
        type_ = draw(st.sampled_from(TYPES))
        props = draw(properties(True, wire=True))
        deps = draw(
            st.dictionaries(
                st.sampled_from(KEYS), st.lists(st.sampled_from(urns), max_size=2), max_size=3
            )
        )
        resources.append(
            Resource(
                urn=urns[i].replace(":t::", f":{type_}::"),
                type=type_,
                name=f"r{i}",
                properties=props,
                parent=draw(st.sampled_from(["", *urns])),
                dependencies=tuple(draw(st.lists(st.sampled_from(urns), max_size=3))),
                property_dependencies=deps,
            )
        )
    # Dependencies name URNs with their real types where the drawn URN matches a resource.
    by_index = {f"r{i}": r.urn for i, r in enumerate(resources)}
    return [
        Resource(
            r.urn,
            r.type,
            r.name,
            r.properties,
            parent=by_index.get(r.parent.rsplit("::", 1)[-1], "") if r.parent else "",
            dependencies=tuple(by_index[d.rsplit("::", 1)[-1]] for d in r.dependencies),
            property_dependencies={
                k: [by_index[d.rsplit("::", 1)[-1]] for d in v]
                for k, v in r.property_dependencies.items()
            },
        )
        for r in resources
    ]


@settings(SETTINGS, max_examples=100)  # each example is a whole stack, through 7 rules
@given(resources=stacks(), config=CONFIGS)
def test_no_stack_makes_a_stack_rule_raise(
    resources: list[Resource], config: dict[str, Any]
) -> None:
    """Stack rules skip unknowns resource by resource: they never raise, not even CrossGuard's."""
    urns = {r.urn for r in resources}
    for rule in STACK_RULES:
        for where, message in check_stack(rule, resources, config=own(rule, config)):
            assert where in urns, rule
            assert message.endswith("."), rule


# --- Unknowns and other integration types are never a mandatory violation -----------------------

#: The issue's mandatory resource rules, named here rather than read from the module under test.
MANDATORY_RESOURCE_RULES = [
    "private-integration-uses-vpc-link",
    "vpc-link-connection-id-uses-stage-variable",
    "vpc-link-targets-nlb",
]


def test_the_mandatory_resource_rules_are_what_the_pack_enforces() -> None:
    """Keep the list above honest: exactly the pack's mandatory resource rules."""
    enforced = [
        p.name
        for p in rules.POLICIES
        if isinstance(p, ResourceValidationPolicy)
        and p.enforcement_level == EnforcementLevel.MANDATORY
    ]
    assert enforced == MANDATORY_RESOURCE_RULES


COMPLIANT = support.private_api()


@SETTINGS
@given(data=st.data())
def test_making_values_of_a_compliant_stack_unknown_never_makes_a_violation(
    data: st.DataObject,
) -> None:
    """Unknowns only take information away: a compliant stack stays free of violations."""
    stack = list(COMPLIANT)
    for index in data.draw(st.sets(st.integers(0, len(stack) - 1), max_size=6)):
        target = stack[index]
        keys = sorted(target.properties)
        hidden = data.draw(st.sets(st.sampled_from(keys), min_size=1)) if keys else set()
        stack[index] = Resource(
            target.urn,
            target.type,
            target.name,
            {k: UNKNOWN if k in hidden else v for k, v in target.properties.items()},
            dependencies=target.dependencies,
            property_dependencies=target.property_dependencies,
        )
    for rule in STACK_RULES:
        assert check_stack(rule, stack) == [], rule
    for resource in stack:
        for rule in RESOURCE_RULES:
            assert check(rule, resource.type, resource.properties).messages == [], rule


@SETTINGS
@given(
    kind=st.sampled_from(["AWS", "AWS_PROXY", "MOCK"]),
    props=properties(True, wire=True),
    config=CONFIGS,
)
def test_lambda_and_mock_integrations_never_break_a_mandatory_rule(
    kind: str, props: dict[str, Any], config: dict[str, Any]
) -> None:
    """Without a connectionId, whatever else they hold (a stray one is the next test's)."""
    props = {k: v for k, v in props.items() if k != "connectionId"}
    for rule in MANDATORY_RESOURCE_RULES:
        outcome = check(rule, INTEGRATION, {**props, "type": kind}, config=own(rule, config))
        assert outcome.messages == [], rule


@SETTINGS
@given(
    kind=st.one_of(st.sampled_from(["AWS", "AWS_PROXY", "MOCK", "HTTP", "HTTP_PROXY"]), text()),
    connection_type=st.one_of(st.none(), st.sampled_from(["INTERNET", "vpc_link", ""]), text()),
    connection_id=st.one_of(
        text(min_size=1).filter(str.strip),
        st.integers(-(2**53), 2**53),
        st.booleans(),
        st.lists(text(), min_size=1, max_size=2),
        st.dictionaries(text(max_size=4), text(), min_size=1, max_size=2),
    ),
    props=properties(False, wire=True),
)
def test_a_connection_id_without_vpc_link_fails_for_every_integration_type(
    kind: str, connection_type: str | None, connection_id: Any, props: dict[str, Any]
) -> None:
    props = {
        **props,
        "type": kind,
        "connectionType": connection_type,
        "connectionId": connection_id,
    }
    outcome = check("private-integration-uses-vpc-link", INTEGRATION, props)
    if connection_type == "VPC_LINK":
        assert outcome.messages == []
    else:
        assert len(outcome.messages) == 1
        assert "sets connectionId to" in outcome.messages[0]
