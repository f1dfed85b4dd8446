"""The shipped stacks, evaluated with the real program, component and pulumi_aws classes."""

from __future__ import annotations

import pytest

from tests.program.harness import MODES, RunStack, document, integrations
from tools.mockrun import ProgramRun, fake_id

COMPONENT = "private-api:index:PrivateRestApi"
VPC_LINK = "aws:apigateway/vpcLink:VpcLink"
REST_API = "aws:apigateway/restApi:RestApi"
RESOURCE = "aws:apigateway/resource:Resource"
METHOD = "aws:apigateway/method:Method"
INTEGRATION = "aws:apigateway/integration:Integration"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
STAGE = "aws:apigateway/stage:Stage"


def component_urn(run: ProgramRun) -> str:
    return run.one(COMPONENT).urn


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_resource_is_a_child_of_the_one_component(run_stack: RunStack, stack: str) -> None:
    run = run_stack(stack)
    component = run.one(COMPONENT)
    assert component.name == f"private-api-{stack}"
    assert component.parent.endswith(f"::pulumi:pulumi:Stack::private-api-{stack}")
    children = [r for r in run.resources if r is not component]
    assert children
    assert {r.parent for r in children} == {component.urn}
    assert all(r.name.startswith(f"private-api-{stack}-") for r in children)


def test_dev_is_the_walkthrough(run_stack: RunStack) -> None:
    """One link to the NLB, GET / with no authorization, an HTTP_PROXY integration through it."""
    run = run_stack("dev")
    link = run.one(VPC_LINK)
    assert link.inputs["targetArn"] == (
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-vpclink-test-nlb/"
        "1f8df693cd094a72"
    )
    assert run.one(REST_API).inputs["endpointConfiguration"] == {"types": "REGIONAL"}
    assert run.by_type(RESOURCE) == []  # GET / sits on the root resource
    method = run.one(METHOD)
    assert method.inputs["httpMethod"] == "GET"
    assert method.inputs["authorization"] == "NONE"
    integration = run.one(INTEGRATION)
    assert integration.inputs["type"] == "HTTP_PROXY"
    assert integration.inputs["connectionType"] == "VPC_LINK"
    assert integration.inputs["connectionId"] == "${stageVariables.vpcLinkId}"
    assert integration.inputs["integrationHttpMethod"] == "GET"
    assert integration.inputs["uri"] == "http://myapi.example.com/"
    assert integration.inputs["timeoutMilliseconds"] == 29000
    assert "tlsConfig" not in integration.inputs  # http backend
    stage = run.one(STAGE)
    assert stage.inputs["stageName"] == "dev"  # the stack name, as no stageName is set
    assert stage.inputs["variables"] == {"vpcLinkId": run.outputs["vpcLinkIds"]["main"]}
    assert "canarySettings" not in stage.inputs


def test_prod_has_two_links_blue_active(run_stack: RunStack) -> None:
    run = run_stack("prod")
    links = {r.name: r for r in run.by_type(VPC_LINK)}
    assert set(links) == {"private-api-prod-link-blue", "private-api-prod-link-green"}
    assert len({r.inputs["targetArn"] for r in links.values()}) == 2
    ids = run.outputs["vpcLinkIds"]
    assert run.outputs["activeVpcLink"] == "blue"
    assert run.outputs["activeVpcLinkId"] == ids["blue"] != ids["green"]
    stage = run.one(STAGE)
    assert stage.inputs["variables"] == {"vpcLinkId": ids["blue"]}
    assert stage.inputs["xrayTracingEnabled"] is True
    assert stage.inputs["accessLogSettings"]["destinationArn"].startswith("arn:aws:logs:us-east-1:")
    assert stage.inputs["clientCertificateId"]
    names = {r.type for r in run.resources}
    assert "aws:apigateway/methodSettings:MethodSettings" in names
    assert "aws:wafv2/webAclAssociation:WebAclAssociation" in names


def test_prod_is_one_openapi_document_and_no_per_route_resources(run_stack: RunStack) -> None:
    run = run_stack("prod")
    api = run.one(REST_API).inputs
    assert api["putRestApiMode"] == "overwrite"
    assert set(document(run)["paths"]) == {"/", "/{proxy+}"}
    assert run.by_type(RESOURCE) == run.by_type(METHOD) == run.by_type(INTEGRATION) == []
    assert run.by_type("aws:apigateway/requestValidator:RequestValidator") == []


@pytest.mark.parametrize("mode", MODES)
def test_prod_greedy_route_proxies_the_path(run_stack: RunStack, mode: str) -> None:
    run = run_stack("prod", {"apiDefinition": mode})
    greedy = integrations(run)["ANY /{proxy+}"]
    assert greedy["type"] == "HTTP_PROXY"
    assert greedy["uri"] == "https://orders.internal.example.com/{proxy}"
    assert greedy["requestParameters"] == {
        "integration.request.path.proxy": "method.request.path.proxy"
    }
    assert greedy["integrationHttpMethod"] == "ANY"
    assert greedy["tlsConfig"] == {"insecureSkipVerification": False}
    if mode == "resources":
        resource = run.one(RESOURCE)
        assert resource.inputs["pathPart"] == "{proxy+}"
        # Under the API's root resource, whose id the (mocked) cloud assigned to the REST API.
        assert resource.inputs["parentId"] == fake_id(run.one(REST_API).name + "/")
        methods = {r.inputs["httpMethod"]: r for r in run.by_type(METHOD)}
        assert methods["ANY"].inputs["requestParameters"] == {"method.request.path.proxy": True}
        assert methods["ANY"].inputs["authorization"] == "AWS_IAM"
    else:
        operation = document(run)["paths"]["/{proxy+}"]["x-amazon-apigateway-any-method"]
        assert operation["parameters"] == [
            {"name": "proxy", "in": "path", "required": True, "schema": {"type": "string"}}
        ]
        assert operation["security"] == [{"sigv4": []}]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_deployment_waits_for_the_whole_api(run_stack: RunStack, stack: str) -> None:
    """resources: every method and integration; openapi: the RestApi whose body holds them."""
    run = run_stack(stack)
    deployment = run.one(DEPLOYMENT)
    if "body" in run.one(REST_API).inputs:
        needed = {run.one(REST_API).urn}
    else:
        needed = {r.urn for r in run.by_type(METHOD) + run.by_type(INTEGRATION)}
    assert needed
    assert needed <= set(deployment.dependencies)
    assert set(deployment.inputs["triggers"]) == {"redeployment"}
    stage = run.one(STAGE)
    assert deployment.urn in stage.dependencies


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_integrations_name_the_link_only_through_the_stage_variable(
    run_stack: RunStack, stack: str
) -> None:
    run = run_stack(stack)
    link_ids = set(run.outputs["vpcLinkIds"].values())
    found = integrations(run)
    assert found
    for integration in found.values():
        assert integration["connectionType"] == "VPC_LINK"
        assert integration["connectionId"] == "${stageVariables.vpcLinkId}"
        assert not link_ids & {str(v) for v in integration.values()}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_outputs(run_stack: RunStack, stack: str) -> None:
    run = run_stack(stack)
    outputs = run.outputs
    # prod presents a client certificate: its expiry and PEM too (docs/operations.md, 'Rotating
    # the client certificate'); dev has none.
    certificate = {"clientCertificateExpiry", "clientCertificatePem"} if stack == "prod" else set()
    # prod watches its canary (observability): the dashboard and what tools/migrate.py reads.
    watched = {"dashboardUrl", "canaryGates"} if stack == "prod" else set()
    assert set(outputs) == {
        "invokeUrl",
        "restApiId",
        "stageName",
        "vpcLinkIds",
        "activeVpcLink",
        "activeVpcLinkId",
        *certificate,
        *watched,
    }
    assert outputs["invokeUrl"] == (
        f"https://{outputs['restApiId']}.execute-api.us-east-1.amazonaws.com/{outputs['stageName']}"
    )


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_needs_no_cloud_values(run_stack: RunStack, stack: str) -> None:
    """At preview time ids are unknown; the program must still register everything it would."""
    preview = run_stack(stack, preview=True)
    update = run_stack(stack)
    assert sorted(r.urn for r in preview.resources) == sorted(r.urn for r in update.resources)
    assert preview.one(DEPLOYMENT).inputs["triggers"] == update.one(DEPLOYMENT).inputs["triggers"]
