"""Issue 18: one model. Both modes are built from one OpenAPI document, so they build the same API.

Every shipped stack that defines `routes` is run in both modes and compared operation by
operation: the integrations (the harness reduces both modes to the Integration resource's
fields), the methods' authorization and parameters, and the deployment's trigger, which digests
the same document in both. A stack with `openApiFile` keeps openapi mode (resources mode from a
file is refused, naming the key and the fix).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from components import openapi
from stack_config import ConfigError
from tests.program.harness import METHOD, PROJECT_DIR, document, evaluate, integrations
from tools.mockrun import ProgramRun

DEPLOYMENT = "aws:apigateway/deployment:Deployment"
SHIPPED = sorted(p.name.split(".")[1] for p in PROJECT_DIR.glob("Pulumi.*.yaml"))
WITH_ROUTES = [
    s for s in SHIPPED if "openApiFile" not in (PROJECT_DIR / f"Pulumi.{s}.yaml").read_text()
]
PRIVATE = {
    "endpointType": "PRIVATE",
    "vpcEndpointIds": ["vpce-0123456789abcdef0"],
    "webAclArn": "",  # WAF cannot be associated with a PRIVATE API's stage
}


def methods(run: ProgramRun) -> dict[str, dict[str, Any]]:
    """'GET /path' to its authorization and path parameters, from either mode."""
    found: dict[str, dict[str, Any]] = {}
    if "body" in run.one("aws:apigateway/restApi:RestApi").inputs:
        for path, method, operation in openapi.operations(document(run)):
            security = operation.get("security") or [{}]
            found[f"{method} {path}"] = {
                "authorization": "AWS_IAM" if "sigv4" in security[0] else "NONE",
                "parameters": sorted(p["name"] for p in operation.get("parameters", [])),
            }
        return found
    for resource in run.by_type(METHOD):
        method, path = resource.name.split("-method-", 1)[1].split("-", 1)
        parameters = resource.inputs.get("requestParameters") or {}
        found[f"{method} {path}"] = {
            "authorization": resource.inputs["authorization"],
            "parameters": sorted(k.rsplit(".", 1)[1] for k in parameters),
        }
    return found


@pytest.mark.parametrize("endpoint", [{}, PRIVATE], ids=["as shipped", "PRIVATE"])
@pytest.mark.parametrize("stack", WITH_ROUTES)
def test_both_modes_build_the_same_api_operation_by_operation(
    stack: str, endpoint: dict[str, Any]
) -> None:
    by_resources = evaluate(stack, {"apiDefinition": "resources", **endpoint})
    by_document = evaluate(stack, {"apiDefinition": "openapi", **endpoint})
    assert integrations(by_resources) == integrations(by_document)
    assert integrations(by_resources)  # not two empty APIs
    assert methods(by_resources) == methods(by_document)
    # One trigger: the digest of the same document and the same policy.
    trigger = by_resources.one(DEPLOYMENT).inputs["triggers"]
    assert trigger == by_document.one(DEPLOYMENT).inputs["triggers"]


def test_every_shipped_stack_is_compared_or_named() -> None:
    assert WITH_ROUTES
    assert set(SHIPPED) - set(WITH_ROUTES) == {"orders"}


def test_resources_mode_from_a_file_is_refused_naming_the_key_and_the_fix() -> None:
    with pytest.raises(ConfigError, match="openApiFile: is imported only with apiDefinition"):
        evaluate("orders", {"apiDefinition": "resources"})


def test_a_private_apis_endpoints_sit_under_servers_and_a_teams_servers_keep_theirs(
    tmp_path: Any,
) -> None:
    """Issue 20 item 2: OpenAPI 3.0 puts x-amazon-apigateway-endpoint-configuration under the
    Server object ("x-amazon-apigateway-endpoint-configuration object")."""
    path = tmp_path / "team.json"
    path.write_text(
        json.dumps(
            {
                "openapi": "3.0.1",
                "info": {"title": "t", "version": "1"},
                "servers": [{"url": "https://orders.example.com/v1", "description": "team"}],
                "paths": {"/": {"get": {"responses": {"default": {"description": "x"}}}}},
            }
        )
    )
    doc = document(evaluate("orders", {"openApiFile": str(path), **PRIVATE}))
    assert doc["servers"] == [
        {
            "url": "https://orders.example.com/v1",
            "description": "team",
            "x-amazon-apigateway-endpoint-configuration": {
                "vpcEndpointIds": ["vpce-0123456789abcdef0"]
            },
        }
    ]
    assert "x-amazon-apigateway-endpoint-configuration" not in doc
