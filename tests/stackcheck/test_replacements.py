"""The replacement table (tools/replacements.json) against the program and the pulumi_aws SDK.

Every resource type the program can register must be in the table, or `--compare` would show its
replacements as updates; every input named there must be an input of that type in the installed
SDK, spelled as the engine receives it (camelCase).
"""

from __future__ import annotations

import importlib
import importlib.resources
import inspect
import json
from typing import Any

import pulumi
import pulumi_aws
import pytest

from tests.program.harness import evaluate, shipped
from tests.stackcheck.test_stackcheck import SHIPPED_STACKS
from tools import mockrun, preview

TABLE: dict[str, Any] = json.loads(preview.TABLE_PATH.read_text())["types"]
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_EXAMPLE"
#: prod with every option on that prod leaves off: authorizers (and their Lambda permission),
#: a canary, an existing link (read, not created).
EVERY_OPTION: dict[str, Any] = {
    "authorizers": {
        "token": {"type": "TOKEN", "functionArn": LAMBDA},
        "users": {"type": "COGNITO_USER_POOLS", "providerArns": [POOL]},
    },
    "routes": [
        {"path": "/", "method": "GET", "authorization": "CUSTOM", "authorizer": "token"},
        {
            "path": "/orders/{id}",
            "method": "GET",
            "authorization": "COGNITO_USER_POOLS",
            "authorizer": "users",
            "authorizationScopes": ["orders/read"],
        },
        {"path": "/{proxy+}", "method": "ANY", "authorization": "AWS_IAM"},
    ],
    "canary": {"vpcLink": "green", "percent": 10},
    "vpcLinks": {
        "blue": {
            "targetArn": (
                "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/orders-blue/"
                "0a1b2c3d4e5f6a7b"
            )
        },
        "green": {"id": "abc123"},
    },
}
PRIVATE: dict[str, Any] = {
    "endpointType": "PRIVATE",
    "vpcEndpointIds": ["vpce-0123456789abcdef0"],
    "webAclArn": "",
}


def registered_types() -> set[str]:
    runs = [shipped(stack) for stack in SHIPPED_STACKS]
    # Both API definitions: openapi (prod's) registers no per-route resources, resources does.
    for mode in ("openapi", "resources"):
        runs += [
            evaluate("prod", {**options, "apiDefinition": mode})
            for options in (EVERY_OPTION, PRIVATE)
        ]
    runs += [evaluate("staging", {"apiDefinition": "resources"})]
    return {r.type for run in runs for r in run.resources if r.custom and not r.read}


def test_every_type_the_program_registers_has_replacement_rules() -> None:
    missing = registered_types() - TABLE.keys()
    assert not missing, f"add these types to tools/replacements.json: {sorted(missing)}"


def test_every_option_run_registers_what_it_is_meant_to() -> None:
    """The every-option stack is not silently smaller than it claims."""
    types = registered_types()
    for token in (
        "aws:apigateway/authorizer:Authorizer",
        "aws:lambda/permission:Permission",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:wafv2/webAclAssociation:WebAclAssociation",
        "aws:apigateway/clientCertificate:ClientCertificate",
        "aws:apigateway/methodSettings:MethodSettings",
        "aws:apigateway/restApiPolicy:RestApiPolicy",
    ):
        assert token in types


def sdk_class(token: str) -> type:
    """The pulumi_aws class registered under a type token."""
    package, module_type = token.split(":", 1)
    module_path, class_name = module_type.split(":")
    module_name = module_path.split("/")[0]
    module = importlib.import_module(
        f"pulumi_aws.{'lambda_' if module_name == 'lambda' else module_name}"
    )
    found = getattr(module, class_name)
    assert package == "aws"
    assert inspect.isclass(found)
    assert issubclass(found, pulumi.CustomResource)
    return found


def input_names(cls: type) -> set[str]:
    """The camelCase names of the resource's properties, from the SDK's getters."""
    names = set()
    for attribute in vars(cls).values():
        if isinstance(attribute, property) and attribute.fget is not None:
            names.add(getattr(attribute.fget, "_pulumi_name", attribute.fget.__name__))
    return names


@pytest.mark.parametrize("token", sorted(TABLE))
def test_every_replacing_input_is_an_input_of_the_type_in_the_sdk(token: str) -> None:
    cls = sdk_class(token)
    init = inspect.signature(cls._internal_init)  # type: ignore[attr-defined]
    snake = {
        p for p in init.parameters if p not in ("__self__", "resource_name", "opts", "__props__")
    }
    names = input_names(cls)
    for key in [*TABLE[token]["replaceOn"], *TABLE[token].get("replaceWhen", {})]:
        assert key in names, f"{token}: {key} is not a property of {cls.__name__}"
        as_snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
        assert as_snake in snake, f"{token}: {key} is an output, not an input"


def test_the_table_names_its_source_and_version() -> None:
    data = json.loads(preview.TABLE_PATH.read_text())
    assert pulumi_aws.__name__ == "pulumi_aws"
    plugin = json.loads(
        (importlib.resources.files("pulumi_aws") / "pulumi-plugin.json").read_text()
    )
    assert plugin["version"] in data["provider"]
    assert "terraform-provider-aws" in data["source"]
    for entry in data["types"].values():
        assert entry["file"].startswith("internal/service/")
        assert entry["replaceOn"] == sorted(entry["replaceOn"])
        assert not entry["checked"] or entry["read"], "a checked entry says what was read"


def test_an_unknown_type_is_shown_as_an_update_with_a_warning() -> None:
    def resource(inputs: dict[str, Any]) -> mockrun.RecordedResource:
        return mockrun.RecordedResource(
            urn="urn:pulumi:dev::p::aws:new/thing:Thing::t",
            type="aws:new/thing:Thing",
            name="t",
            inputs=inputs,
            parent="",
            dependencies=(),
            property_dependencies={},
            custom=True,
        )

    before = mockrun.ProgramRun(resources=[resource({"a": 1})])
    after = mockrun.ProgramRun(resources=[resource({"a": 2})])
    change = preview.plan(before, after)
    assert [s.op for s in change.steps] == ["update"]
    assert change.unknown_types == ["aws:new/thing:Thing"]
    assert any(
        "aws:new/thing:Thing are not known" in line for line in preview.render(change, "dev")
    )


AUTHORIZER = "aws:apigateway/authorizer:Authorizer"


def _authorizer(inputs: dict[str, Any]) -> mockrun.RecordedResource:
    return mockrun.RecordedResource(
        urn=f"urn:pulumi:prod::private-api::{AUTHORIZER}::api-authorizer-users",
        type=AUTHORIZER,
        name="api-authorizer-users",
        inputs={"restApi": "api-id", "name": "users", **inputs},
        parent="",
        dependencies=(),
        property_dependencies={},
        custom=True,
    )


@pytest.mark.parametrize(
    ("old", "new", "op"),
    [
        ({"type": "TOKEN"}, {"type": "REQUEST"}, "update"),
        ({"type": "REQUEST"}, {"type": "TOKEN"}, "update"),
        ({"type": "TOKEN"}, {"type": "COGNITO_USER_POOLS"}, "replace"),
        ({"type": "COGNITO_USER_POOLS"}, {"type": "REQUEST"}, "replace"),
        # An absent type is the provider's default, TOKEN.
        ({}, {"type": "COGNITO_USER_POOLS"}, "replace"),
        ({}, {"type": "REQUEST"}, "update"),
        ({"type": "TOKEN"}, {}, "update"),
    ],
)
def test_an_authorizer_is_replaced_only_when_its_type_moves_to_or_from_cognito(
    old: dict[str, Any], new: dict[str, Any], op: str
) -> None:
    """terraform-provider-aws resourceAuthorizerCustomizeDiff: ForceNew on type only then."""
    change = preview.plan(
        mockrun.ProgramRun(resources=[_authorizer(old)]),
        mockrun.ProgramRun(resources=[_authorizer(new)]),
    )
    (step,) = change.steps
    assert step.op == op
    assert step.replace_keys == (("type",) if op == "replace" else ())


def test_an_integration_changing_type_or_credentials_is_replaced() -> None:
    """Integration type, credentials, integrationHttpMethod, passthroughBehavior are ForceNew."""
    rules = preview.replacement_table()["aws:apigateway/integration:Integration"]
    assert {"type", "credentials", "integrationHttpMethod", "passthroughBehavior"} <= rules
    assert not {"uri", "connectionId", "connectionType", "timeoutMilliseconds"} & rules
