"""The IAM documents in iam/: valid policies, no wildcard action, exactly the documented actions.

The documents carry `${AWS_REGION}`, `${AWS_ACCOUNT_ID}` and `${GITHUB_REPOSITORY}`, rendered with
`envsubst` (iam/README.md); the tests render them the same way with sample values first. The set
of actions each policy may hold is the table in iam/README.md, so the docs and the policies cannot
drift apart.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.delivery.test_workflows import stack_files

ROOT = Path(__file__).resolve().parents[2]
IAM = ROOT / "iam"
README = IAM / "README.md"
PERMISSION_POLICIES = {"deployer": "deployer-policy.json", "previewer": "previewer-policy.json"}
TRUST_POLICY = "github-oidc-trust-policy.json"
PREVIEWER_TRUST_POLICY = "github-oidc-previewer-trust-policy.json"
SAMPLE = {
    "AWS_REGION": "eu-west-1",
    "AWS_ACCOUNT_ID": "123456789012",
    "GITHUB_REPOSITORY": "acme/private-api",
}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_:]*)\}")
ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
#: Actions AWS authorizes only against "*" (no resource-level permissions, or API Gateway calls
#: made on the caller's behalf); each such statement must be scoped by aws:RequestedRegion.
RESOURCE_STAR_ALLOWED = {
    # No resource-level permission (Service Authorization Reference, CloudWatch): make migrate.
    "cloudwatch:GetMetricData",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "ec2:CreateVpcEndpointServiceConfiguration",
    "ec2:DeleteVpcEndpointServiceConfigurations",
    "ec2:DescribeVpcEndpointServiceConfigurations",
    "ec2:ModifyVpcEndpointServicePermissions",
}
#: Services whose ARNs have an account field; API Gateway's management ARNs do not.
ACCOUNT_SCOPED_SERVICES = {"logs", "lambda", "wafv2", "execute-api", "iam", "cloudwatch"}


def render(text: str, values: dict[str, str] = SAMPLE) -> str:
    """What `envsubst '${AWS_REGION} ${AWS_ACCOUNT_ID} ${GITHUB_REPOSITORY}'` produces."""
    return VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def load(name: str, values: dict[str, str] = SAMPLE) -> dict[str, Any]:
    document = json.loads(render((IAM / name).read_text(), values))
    assert isinstance(document, dict)
    return document


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def actions_of(document: dict[str, Any]) -> set[str]:
    return {a for statement in document["Statement"] for a in as_list(statement["Action"])}


def documented_actions() -> dict[str, set[str]]:
    """The README's action table: policy name -> the actions it documents for that policy."""
    text = README.read_text()
    table = text.split("<!-- iam-actions:begin -->", 1)[1].split("<!-- iam-actions:end -->", 1)[0]
    documented: dict[str, set[str]] = {name: set() for name in PERMISSION_POLICIES}
    rows = [line for line in table.strip().splitlines() if line.startswith("| `")]
    assert rows, "no action rows in iam/README.md"
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        action = cells[0].strip("`")
        policies = {p.strip() for p in cells[1].split(",")}
        assert policies <= set(PERMISSION_POLICIES), row
        assert cells[2], f"no reason given: {row}"
        for policy in policies:
            assert action not in documented[policy], f"listed twice: {row}"
            documented[policy].add(action)
    return documented


DEMO_POLICY = "demo-policy.json"
ALL_DOCUMENTS = [*PERMISSION_POLICIES.values(), TRUST_POLICY, PREVIEWER_TRUST_POLICY, DEMO_POLICY]


@pytest.mark.parametrize("name", ALL_DOCUMENTS)
def test_documents_use_only_the_documented_variables(name: str) -> None:
    raw = (IAM / name).read_text()
    assert set(VARIABLE.findall(raw)) <= set(SAMPLE), name
    assert "${" not in render(raw)  # nothing left for IAM to misread as a policy variable
    assert not re.search(r"<[a-z-]+>", raw)  # no hand-edited placeholders


@pytest.mark.parametrize("name", ALL_DOCUMENTS)
def test_documents_are_policy_documents(name: str) -> None:
    document = load(name)
    assert set(document) == {"Version", "Statement"}
    assert document["Version"] == "2012-10-17"
    statements = document["Statement"]
    assert isinstance(statements, list)
    assert statements
    sids = [statement.get("Sid") for statement in statements]
    assert all(isinstance(sid, str) and re.fullmatch(r"[A-Za-z0-9]+", sid) for sid in sids)
    assert len(set(sids)) == len(sids), "duplicate Sid"
    for statement in statements:
        assert statement["Effect"] == "Allow"
        assert "Action" in statement, statement["Sid"]
        assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
        for action in as_list(statement["Action"]):
            assert not set(action) & {"*", "?"}, f"wildcard action {action}"
            assert ACTION.match(action), action


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_policies_hold_exactly_the_documented_actions(policy: str) -> None:
    document = load(PERMISSION_POLICIES[policy])
    documented = documented_actions()[policy]
    assert actions_of(document) == documented, (
        f"in {PERMISSION_POLICIES[policy]} but not documented: "
        f"{sorted(actions_of(document) - documented)}; documented but missing: "
        f"{sorted(documented - actions_of(document))}"
    )


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_every_statement_is_explained(policy: str) -> None:
    text = README.read_text()
    for statement in load(PERMISSION_POLICIES[policy])["Statement"]:
        assert f"`{statement['Sid']}`" in text, statement["Sid"]


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_resources_are_scoped_by_region_and_account(policy: str) -> None:
    region, account = SAMPLE["AWS_REGION"], SAMPLE["AWS_ACCOUNT_ID"]
    for statement in load(PERMISSION_POLICIES[policy])["Statement"]:
        assert "Principal" not in statement
        resources = as_list(statement["Resource"])
        if resources == ["*"]:
            assert set(as_list(statement["Action"])) <= RESOURCE_STAR_ALLOWED, statement["Sid"]
            condition = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
            assert condition == region, statement["Sid"]
            continue
        for arn in resources:
            parts = arn.split(":", 5)
            assert len(parts) == 6, arn
            assert parts[:2] == ["arn", "aws"], arn
            service, arn_region, arn_account = parts[2], parts[3], parts[4]
            # IAM is global, and so are CloudWatch dashboards (`arn:aws:cloudwatch::<account>:
            # dashboard/<name>`, Service Authorization Reference): an account but no region.
            if service == "iam" or arn.startswith("arn:aws:cloudwatch::"):
                assert not arn_region, arn
                assert arn_account == account, arn
                continue
            assert arn_region == region, arn
            if service in ACCOUNT_SCOPED_SERVICES:
                assert arn_account == account, arn
            else:
                assert service == "apigateway", arn
                assert not arn_account, arn


def test_previewer_only_reads() -> None:
    for action in actions_of(load(PERMISSION_POLICIES["previewer"])):
        service, name = action.split(":")
        if service == "apigateway":
            assert name == "GET", action
        else:
            assert name.startswith(("Get", "Describe", "List")), action


def test_previewer_reads_nothing_the_deployer_does_not_manage() -> None:
    previewer = actions_of(load(PERMISSION_POLICIES["previewer"]))
    assert previewer <= actions_of(load(PERMISSION_POLICIES["deployer"]))


def test_deployer_covers_the_vpc_link_requirements() -> None:
    """AWS's "Grant permissions for API Gateway to create a VPC link", verbatim."""
    required = {
        "apigateway:POST",
        "apigateway:GET",
        "apigateway:PATCH",
        "apigateway:DELETE",
        "elasticloadbalancing:DescribeLoadBalancers",
        "ec2:CreateVpcEndpointServiceConfiguration",
        "ec2:DeleteVpcEndpointServiceConfigurations",
        "ec2:DescribeVpcEndpointServiceConfigurations",
        "ec2:ModifyVpcEndpointServicePermissions",
    }
    document = load(PERMISSION_POLICIES["deployer"])
    links = next(s for s in document["Statement"] if s["Sid"] == "ApiGatewayVpcLinks")
    region = SAMPLE["AWS_REGION"]
    assert set(links["Resource"]) == {
        f"arn:aws:apigateway:{region}::/vpclinks",
        f"arn:aws:apigateway:{region}::/vpclinks/*",
    }
    assert required <= actions_of(document)


def test_deployer_may_create_only_api_gateways_service_linked_role() -> None:
    """The first VPC link V2 (or API) of an account creates AWSServiceRoleForAPIGateway with the
    caller's permissions ("Using service-linked roles for API Gateway"); no other role."""
    document = load(PERMISSION_POLICIES["deployer"])
    statements = [s for s in document["Statement"] if "iam:CreateServiceLinkedRole" in s["Action"]]
    assert [s["Sid"] for s in statements] == ["ApiGatewayServiceLinkedRole"]
    [statement] = statements
    assert statement["Action"] == ["iam:CreateServiceLinkedRole"]
    account = SAMPLE["AWS_ACCOUNT_ID"]
    assert statement["Resource"] == [
        f"arn:aws:iam::{account}:role/aws-service-role/ops.apigateway.amazonaws.com/"
        "AWSServiceRoleForAPIGateway"
    ]
    assert statement["Condition"] == {
        "StringEquals": {"iam:AWSServiceName": "ops.apigateway.amazonaws.com"}
    }


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_policies_fit_a_managed_policy(policy: str) -> None:
    """IAM's limit for a managed policy: 6,144 characters, whitespace not counted."""
    text = render((IAM / PERMISSION_POLICIES[policy]).read_text())
    assert len(re.sub(r"\s", "", text)) <= 6144


def trust_subjects(name: str) -> list[str]:
    """The OIDC subjects a trust document admits, after checking everything else it says."""
    [statement] = load(name)["Statement"]
    account = SAMPLE["AWS_ACCOUNT_ID"]
    assert statement["Principal"] == {
        "Federated": f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
    }
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert set(statement["Condition"]) == {"StringEquals"}  # no StringLike: no wildcard subjects
    claims = statement["Condition"]["StringEquals"]
    assert claims["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    subjects = claims["token.actions.githubusercontent.com:sub"]
    assert isinstance(subjects, list)
    return sorted(subjects)


def test_deploy_trust_admits_exactly_the_environment_of_every_deployed_stack() -> None:
    """deploy-stack.yml runs in the environment deploy.yml passes it, so the token's subject
    names it; a stack whose environment the trust leaves out fails its deploy at
    AssumeRoleWithWebIdentity. Both are written from stacks.yaml (`make generate`)."""
    repository = SAMPLE["GITHUB_REPOSITORY"]
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    calls = [job["with"] for job in deploy["jobs"].values() if "with" in job]
    assert sorted(call["stack"] for call in calls) == stack_files()
    expected = sorted(f"repo:{repository}:environment:{call['environment']}" for call in calls)
    assert trust_subjects(TRUST_POLICY) == expected
    deploy_stack = (ROOT / ".github" / "workflows" / "deploy-stack.yml").read_text()
    assert "environment: ${{ inputs.environment }}" in deploy_stack


def test_preview_trust_admits_pull_requests_and_main_only() -> None:
    """pull-request.yml's preview jobs (no environment: subject `pull_request`) and drift.yml on
    its schedule (subject `ref:refs/heads/main`); never an environment's deploy subject."""
    repository = SAMPLE["GITHUB_REPOSITORY"]
    assert trust_subjects(PREVIEWER_TRUST_POLICY) == [
        f"repo:{repository}:pull_request",
        f"repo:{repository}:ref:refs/heads/main",
    ]
    for name in ("pull-request.yml", "drift.yml"):
        assert "environment:" not in (ROOT / ".github" / "workflows" / name).read_text(), name


def test_readme_documents_rendering_and_attaching() -> None:
    text = README.read_text()
    assert "envsubst '${AWS_REGION} ${AWS_ACCOUNT_ID} ${GITHUB_REPOSITORY}'" in text
    for command in (
        "aws iam create-open-id-connect-provider",
        "aws iam create-role",
        "aws iam create-policy",
        "aws iam attach-role-policy",
    ):
        assert command in text
    for name in ALL_DOCUMENTS:
        assert name in text


#: Action names as AWS's Service Authorization Reference lists them, for the services the documents
#: use (only the ones this program could need). Independent of iam/README.md: an action that is
#: misspelled, or does not exist, fails here even when the table and the policy agree on it.
AWS_ACTIONS = {
    "apigateway": {"DELETE", "GET", "PATCH", "POST", "PUT", "SetWebACL", "UpdateRestApiPolicy"},
    "wafv2": {"AssociateWebACL", "DisassociateWebACL", "GetWebACL", "GetWebACLForResource"},
    "logs": {
        "CreateLogGroup",
        "DeleteLogGroup",
        "DeleteMetricFilter",
        "DeleteRetentionPolicy",
        "DescribeLogGroups",
        "DescribeMetricFilters",
        "ListTagsForResource",
        "ListTagsLogGroup",
        "PutMetricFilter",
        "PutRetentionPolicy",
        "TagResource",
        "UntagResource",
    },
    "lambda": {"AddPermission", "GetPolicy", "RemovePermission"},
    "cloudwatch": {
        "DeleteAlarms",
        "DeleteDashboards",
        "DescribeAlarms",
        "GetDashboard",
        "GetMetricData",
        "ListTagsForResource",
        "PutDashboard",
        "PutMetricAlarm",
        "TagResource",
        "UntagResource",
    },
    "elasticloadbalancing": {
        "DescribeLoadBalancerAttributes",
        "DescribeLoadBalancers",
        "DescribeTags",
    },
    "ec2": {
        "CreateVpcEndpointServiceConfiguration",
        "DeleteVpcEndpointServiceConfigurations",
        "DescribeVpcEndpointServiceConfigurations",
        "ModifyVpcEndpointServicePermissions",
    },
    "execute-api": {"Invoke"},
    "iam": {"CreateServiceLinkedRole"},
}


#: Actions AWS checks but the Service Authorization Reference does not list, each with where it
#: was observed. Only these may appear beyond AWS_ACTIONS, and only for the reason given.
OBSERVED_ACTIONS = {
    # Creating a tagged API Gateway V2 resource: CloudFormation's resource schema for
    # AWS::ApiGatewayV2::VpcLink lists it in the create handler's permissions (issue 20; the
    # schema itself could not be opened here); deploy logs refused it on tagged V2 creates:
    # "is not authorized to perform: apigateway:TagResource on resource:
    # arn:aws:apigateway:eu-west-3::/apis/<id>/stages" (github.com/aws-amplify/amplify-studio
    # issue 889), Terraform's default_tags on aws_apigatewayv2_stage (github.com/hashicorp/
    # terraform-provider-aws issue 20634), and V1 CreateDomainName with tags (github.com/
    # cloudtools/awacs issue 254).
    "apigateway:TagResource",
}


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_every_action_exists_in_aws(policy: str) -> None:
    for action in actions_of(load(PERMISSION_POLICIES[policy])):
        if action in OBSERVED_ACTIONS:
            continue
        service, name = action.split(":")
        assert name in AWS_ACTIONS.get(service, set()), f"{action} is not an AWS action"


def statements_granting(document: dict[str, Any], action: str, arn: str) -> list[str]:
    """Sids of the statements that allow `action` on `arn` (IAM's `*` wildcard in Resource)."""
    return [
        s["Sid"]
        for s in document["Statement"]
        if action in as_list(s["Action"])
        and any(fnmatch.fnmatchcase(arn, pattern) for pattern in as_list(s["Resource"]))
    ]


def test_deployer_may_tag_a_new_vpc_link_v2_and_retag_it() -> None:
    """Creating a tagged V2 link checks apigateway:TagResource on the collection (OBSERVED_ACTIONS);
    changing a V2 resource's tags later is TagResource, `POST /v2/tags/{resource-arn}` (botocore
    `apigatewayv2` service-2.json), authorized as apigateway:POST on /tags/<arn> (the ARN in
    "not authorized to perform: apigateway:POST on resource: ...::/tags/", github.com/
    aws-cloudformation/cloudformation-coverage-roadmap issue 997); V1's is `PUT /tags/{arn}`."""
    document = load(PERMISSION_POLICIES["deployer"])
    region = SAMPLE["AWS_REGION"]
    link = f"arn:aws:apigateway:{region}::/vpclinks/abc123"
    assert statements_granting(
        document, "apigateway:TagResource", f"arn:aws:apigateway:{region}::/vpclinks"
    )
    assert statements_granting(
        document, "apigateway:POST", f"arn:aws:apigateway:{region}::/tags/{link}"
    )
    assert statements_granting(
        document, "apigateway:PUT", f"arn:aws:apigateway:{region}::/tags/{link}"
    )
    assert statements_granting(
        document, "apigateway:DELETE", f"arn:aws:apigateway:{region}::/tags/{link}"
    )


def test_deployer_manages_the_execution_log_groups() -> None:
    """The program creates API Gateway's execution-log groups (components/stage.py), names it
    cannot prefix: the logs statement must reach them, and only log groups."""
    from components.stage import execution_log_group_names  # noqa: PLC0415

    document = load(PERMISSION_POLICIES["deployer"])
    region, account = SAMPLE["AWS_REGION"], SAMPLE["AWS_ACCOUNT_ID"]
    for name in execution_log_group_names("a1b2c3d4e5", "prod"):
        arn = f"arn:aws:logs:{region}:{account}:log-group:{name}"
        for action in ("logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DeleteLogGroup"):
            assert statements_granting(document, action, arn), f"{action} on {arn}"
            assert statements_granting(document, action, f"{arn}:*"), f"{action} on {arn}:*"


#: Authorizer functions the tests register (EVERYTHING below) besides those the stack files name.
TEST_AUTHORIZER_FUNCTIONS = [
    "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer",
    "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer:live",
]


def named_authorizer_functions() -> list[str]:
    """Every authorizer `functionArn` the stack files name."""
    import yaml  # noqa: PLC0415

    found = []
    for stack in stack_files():
        text = (ROOT / f"Pulumi.{stack}.yaml").read_text()
        config = (yaml.safe_load(text) or {}).get("config") or {}
        for authorizer in (config.get("private-api:authorizers") or {}).values():
            if isinstance(authorizer, dict) and authorizer.get("functionArn"):
                found.append(str(authorizer["functionArn"]))
    return found


def test_deployer_grants_lambda_permissions_to_api_gateway_on_authorizers_only() -> None:
    """lambda:AddPermission on any function for any principal would let the deploy role open any
    function to anyone; the Service Authorization Reference gives AddPermission the condition key
    `lambda:Principal`, and the program's permission names `apigateway.amazonaws.com`
    (components/integration.py)."""
    document = load(PERMISSION_POLICIES["deployer"], {**SAMPLE, "AWS_REGION": "us-east-1"})
    adds = [s for s in document["Statement"] if "lambda:AddPermission" in as_list(s["Action"])]
    assert adds, "no statement allows lambda:AddPermission"
    for statement in adds:
        assert statement["Condition"] == {
            "StringEquals": {"lambda:Principal": "apigateway.amazonaws.com"}
        }, statement["Sid"]
        assert not any(r.endswith(":function:*") for r in as_list(statement["Resource"]))
    for arn in [*named_authorizer_functions(), *TEST_AUTHORIZER_FUNCTIONS]:
        for action in ("lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"):
            assert statements_granting(document, action, arn), f"{action} on {arn}"
    other = "arn:aws:lambda:us-east-1:123456789012:function:payments"
    assert not statements_granting(document, "lambda:AddPermission", other)


#: What the deployer needs for each resource type the program registers. A type the program
#: starts to register without an entry here fails the test below: extend the policy first.
DEPLOYER_NEEDS = {
    "aws:apigateway/vpcLink:VpcLink": {"apigateway:POST", "apigateway:GET", "apigateway:DELETE"},
    # A V2 link: CreateVpcLink is POST /v2/vpclinks, authorized as apigateway:POST on
    # arn:aws:apigateway:<region>::/vpclinks (the Service Authorization Reference gives V1 and V2
    # links the same ARN); API Gateway's service-linked role makes the network interfaces, and
    # creating the first link of an account creates that role with the caller's permissions
    # (CloudFormation's AWS::ApiGatewayV2::VpcLink handlers list iam:CreateServiceLinkedRole and
    # no ec2 action).
    "aws:apigatewayv2/vpcLink:VpcLink": {
        "apigateway:POST",
        "apigateway:GET",
        "apigateway:DELETE",
        "iam:CreateServiceLinkedRole",
        "apigateway:TagResource",  # created with tags (OBSERVED_ACTIONS)
    },
    "aws:apigateway/restApi:RestApi": {"apigateway:POST", "apigateway:GET", "apigateway:PATCH"},
    # rest_api_policy.go: create, update and delete are UpdateRestApi (PATCH /restapis/{id},
    # `replace /policy`), read is GetRestApi; a policy change also needs UpdateRestApiPolicy.
    "aws:apigateway/restApiPolicy:RestApiPolicy": {
        "apigateway:GET",
        "apigateway:PATCH",
        "apigateway:UpdateRestApiPolicy",
    },
    "aws:apigateway/requestValidator:RequestValidator": {"apigateway:POST", "apigateway:DELETE"},
    "aws:apigateway/resource:Resource": {"apigateway:POST", "apigateway:DELETE"},
    "aws:apigateway/method:Method": {"apigateway:PUT", "apigateway:DELETE"},
    "aws:apigateway/integration:Integration": {"apigateway:PUT", "apigateway:DELETE"},
    "aws:apigateway/authorizer:Authorizer": {"apigateway:POST", "apigateway:PATCH"},
    "aws:apigateway/deployment:Deployment": {"apigateway:POST", "apigateway:DELETE"},
    "aws:apigateway/stage:Stage": {"apigateway:POST", "apigateway:PATCH", "apigateway:DELETE"},
    "aws:apigateway/methodSettings:MethodSettings": {"apigateway:PATCH"},
    "aws:apigateway/clientCertificate:ClientCertificate": {"apigateway:POST", "apigateway:DELETE"},
    "aws:wafv2/webAclAssociation:WebAclAssociation": {
        "apigateway:SetWebACL",
        "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL",
        "wafv2:GetWebACLForResource",
    },
    "aws:cloudwatch/logGroup:LogGroup": {"logs:CreateLogGroup", "logs:DeleteLogGroup"},
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
        "logs:PutMetricFilter",
        "logs:DeleteMetricFilter",
        "logs:DescribeMetricFilters",
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DescribeAlarms",
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        "cloudwatch:PutDashboard",
        "cloudwatch:GetDashboard",
        "cloudwatch:DeleteDashboards",
    },
    "aws:lambda/permission:Permission": {"lambda:AddPermission", "lambda:RemovePermission"},
}

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:orders-authorizer"
POOL = "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"
#: prod with every optional part switched on, so every type the program can register appears.
EVERYTHING = {
    "authorizers": {
        "token": {"type": "TOKEN", "functionArn": LAMBDA},
        "users": {"type": "COGNITO_USER_POOLS", "providerArns": [POOL]},
    },
    "routes": [
        {"path": "/", "method": "GET", "authorization": "CUSTOM", "authorizer": "token"},
        {
            "path": "/{proxy+}",
            "method": "ANY",
            "authorization": "COGNITO_USER_POOLS",
            "authorizer": "users",
        },
    ],
}


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [
        pytest.param("prod", {}, id="prod"),
        pytest.param("prod", EVERYTHING, id="prod-with-authorizers"),
        pytest.param(
            "prod",
            {
                "endpointType": "PRIVATE",
                "vpcEndpointIds": ["vpce-0123456789abcdef0"],
                "webAclArn": "",
            },
            id="prod-private",
        ),
        pytest.param(
            "prod",
            {
                "apiDefinition": "resources",
                "endpointType": "PRIVATE",
                "vpcEndpointIds": ["vpce-0123456789abcdef0"],
                "webAclArn": "",
            },
            id="prod-private-resources",
        ),
        pytest.param("staging", {}, id="staging"),  # VPC links V2
        pytest.param("staging", {"apiDefinition": "resources"}, id="staging-resources"),
    ],
)
def test_deployer_covers_every_resource_type_the_program_creates(
    stack: str, overrides: dict[str, Any]
) -> None:
    from tests.program.harness import evaluate  # noqa: PLC0415 (runs the program: only here)

    deployer = actions_of(load(PERMISSION_POLICIES["deployer"]))
    run = evaluate(stack, overrides)
    types = {r.type for r in run.resources if r.custom and not r.read}
    assert types <= set(DEPLOYER_NEEDS), f"no IAM entry for {sorted(types - set(DEPLOYER_NEEDS))}"
    for type_ in types:
        missing = DEPLOYER_NEEDS[type_] - deployer
        assert not missing, f"{type_} needs {sorted(missing)}"
    if overrides.get("endpointType") == "PRIVATE":
        assert "apigateway:UpdateRestApiPolicy" in deployer


#: What the deployer (pulumi up) and the previewer (pulumi preview) need for each invoke the program
#: makes: the provider's data sources call these (terraform-provider-aws, `aws_lb`:
#: load_balancer_data_source.go reads the LB, its attributes and, being tagged, its tags;
#: `aws_caller_identity` calls sts:GetCallerIdentity, which needs no permission; `aws_region`
#: reads the provider's configuration).
INVOKE_NEEDS = {
    "aws:lb/getLoadBalancer:getLoadBalancer": {
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeTags",
    },
    # `aws_api_gateway_vpc_link` (vpc_link_data_source.go) pages GetVpcLinks, GET /vpclinks: the
    # status of every link the stack uses (components/links.py).
    "aws:apigateway/getVpcLink:getVpcLink": {"apigateway:GET"},
    "aws:index/getCallerIdentity:getCallerIdentity": set(),
    "aws:index/getRegion:getRegion": set(),
}


@pytest.mark.parametrize("policy", sorted(PERMISSION_POLICIES))
def test_both_roles_cover_every_invoke_the_program_makes(policy: str) -> None:
    from tests.program.harness import evaluate  # noqa: PLC0415 (runs the program: only here)
    from tools import mockcloud  # noqa: PLC0415

    actions = actions_of(load(PERMISSION_POLICIES[policy]))
    with mockcloud.scenario() as world:
        evaluate("prod")
        evaluate("orders")  # an existing link, read by id
    assert "aws:lb/getLoadBalancer:getLoadBalancer" in world.calls
    assert "aws:apigateway/getVpcLink:getVpcLink" in world.calls
    tokens = set(world.calls)
    assert tokens <= set(INVOKE_NEEDS), f"no IAM entry for {sorted(tokens - set(INVOKE_NEEDS))}"
    for token in tokens:
        missing = INVOKE_NEEDS[token] - actions
        assert not missing, f"{token} needs {sorted(missing)}"


# --- The demo's policy (examples/backend, run by a person with `make demo`) ---------------------

#: Action names as the Service Authorization Reference lists them, for the demo's services.
AWS_DEMO_ACTIONS = {
    "ec2": {
        "AuthorizeSecurityGroupEgress",
        "AuthorizeSecurityGroupIngress",
        "CreateSecurityGroup",
        "CreateSubnet",
        "CreateTags",
        "CreateVpc",
        "DeleteSecurityGroup",
        "DeleteSubnet",
        "DeleteTags",
        "DeleteVpc",
        "DescribeAvailabilityZones",
        "DescribeImages",
        "DescribeInstanceAttribute",
        "DescribeInstanceCreditSpecifications",
        "DescribeInstanceTypeOfferings",
        "DescribeInstanceTypes",
        "DescribeInstances",
        "DescribeNetworkAcls",
        "DescribeNetworkInterfaces",
        "DescribeRouteTables",
        "DescribeSecurityGroupRules",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeTags",
        "DescribeVolumes",
        "DescribeVpcAttribute",
        "DescribeVpcs",
        "ModifyInstanceAttribute",
        "ModifySubnetAttribute",
        "ModifyVpcAttribute",
        "RevokeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RunInstances",
        "TerminateInstances",
    },
    "elasticloadbalancing": {
        "AddTags",
        "CreateListener",
        "CreateLoadBalancer",
        "CreateTargetGroup",
        "DeleteListener",
        "DeleteLoadBalancer",
        "DeleteTargetGroup",
        "DeregisterTargets",
        "DescribeListenerAttributes",
        "DescribeListeners",
        "DescribeLoadBalancerAttributes",
        "DescribeLoadBalancers",
        "DescribeTags",
        "DescribeTargetGroupAttributes",
        "DescribeTargetGroups",
        "DescribeTargetHealth",
        "ModifyLoadBalancerAttributes",
        "ModifyTargetGroupAttributes",
        "RegisterTargets",
        "RemoveTags",
    },
    "ssm": {"GetParameters"},
    "iam": {"CreateServiceLinkedRole"},
}
#: What each resource type examples/backend registers needs (create, read, delete), and its
#: invoke. A type the backend starts to register without an entry fails the test below.
DEMO_NEEDS = {
    "aws:ec2/vpc:Vpc": {
        "ec2:CreateVpc",
        "ec2:DeleteVpc",
        "ec2:DescribeVpcs",
        "ec2:DescribeVpcAttribute",
        "ec2:ModifyVpcAttribute",
        "ec2:CreateTags",
    },
    "aws:ec2/subnet:Subnet": {"ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:DescribeSubnets"},
    "aws:ec2/securityGroup:SecurityGroup": {
        "ec2:CreateSecurityGroup",
        "ec2:DeleteSecurityGroup",
        "ec2:DescribeSecurityGroups",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
    },
    "aws:ec2/instance:Instance": {
        "ec2:RunInstances",
        "ec2:TerminateInstances",
        "ec2:DescribeInstances",
        "ssm:GetParameters",
    },
    "aws:lb/loadBalancer:LoadBalancer": {
        "elasticloadbalancing:CreateLoadBalancer",
        "elasticloadbalancing:DeleteLoadBalancer",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "iam:CreateServiceLinkedRole",
    },
    "aws:lb/targetGroup:TargetGroup": {
        "elasticloadbalancing:CreateTargetGroup",
        "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:DescribeTargetGroups",
    },
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": {
        "elasticloadbalancing:RegisterTargets",
        "elasticloadbalancing:DeregisterTargets",
        "elasticloadbalancing:DescribeTargetHealth",
    },
    "aws:lb/listener:Listener": {
        "elasticloadbalancing:CreateListener",
        "elasticloadbalancing:DeleteListener",
        "elasticloadbalancing:DescribeListeners",
    },
    "aws:index/getAvailabilityZones:getAvailabilityZones": {"ec2:DescribeAvailabilityZones"},
    # The zone for the instance is one that offers its type (examples/backend/__main__.py).
    "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
        "ec2:DescribeInstanceTypeOfferings"
    },
}


def documented_demo_actions() -> set[str]:
    text = README.read_text()
    table = text.split("<!-- iam-demo-actions:begin -->", 1)[1].split(
        "<!-- iam-demo-actions:end -->", 1
    )[0]
    rows = [line for line in table.strip().splitlines() if line.startswith("| `")]
    actions = [row.strip("|").split("|")[0].strip().strip("`") for row in rows]
    assert len(actions) == len(set(actions)), "an action is listed twice"
    return set(actions)


def test_demo_policy_holds_exactly_the_documented_actions() -> None:
    assert actions_of(load(DEMO_POLICY)) == documented_demo_actions()
    for statement in load(DEMO_POLICY)["Statement"]:
        assert f"`{statement['Sid']}`" in README.read_text(), statement["Sid"]


def test_every_demo_action_exists_in_aws() -> None:
    for action in actions_of(load(DEMO_POLICY)):
        service, name = action.split(":")
        assert name in AWS_DEMO_ACTIONS.get(service, set()), f"{action} is not an AWS action"


def test_demo_statements_stay_in_the_region_and_account() -> None:
    region, account = SAMPLE["AWS_REGION"], SAMPLE["AWS_ACCOUNT_ID"]
    for statement in load(DEMO_POLICY)["Statement"]:
        resources = as_list(statement["Resource"])
        if resources == ["*"]:
            condition = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
            assert condition == region, statement["Sid"]
            continue
        for arn in resources:
            service, arn_region, arn_account = arn.split(":")[2:5]
            if service == "iam":  # global: scoped by account and by the service it is for
                assert arn_account == account, arn
                assert statement["Condition"]["StringEquals"]["iam:AWSServiceName"]
            else:
                assert arn_region == region, arn


def test_demo_covers_every_resource_type_the_backend_creates() -> None:
    from tests.program.test_backend import run_backend  # noqa: PLC0415 (runs the program)
    from tools import mockcloud  # noqa: PLC0415

    demo = actions_of(load(DEMO_POLICY))
    with mockcloud.scenario() as world:
        run = run_backend()
    needs = {r.type for r in run.resources} | set(world.calls)
    assert needs <= set(DEMO_NEEDS), f"no IAM entry for {sorted(needs - set(DEMO_NEEDS))}"
    for need in needs:
        missing = DEMO_NEEDS[need] - demo
        assert not missing, f"{need} needs {sorted(missing)}"


def test_the_deploy_role_gains_nothing_from_the_demo() -> None:
    """The deployer stays what the program needs: the demo's own actions are only in its policy
    (the NLB look-up, which both need, excepted, and each its own service-linked role)."""
    shared = {
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeTags",
        "iam:CreateServiceLinkedRole",
    }
    deployer = actions_of(load(PERMISSION_POLICIES["deployer"]))
    assert deployer & actions_of(load(DEMO_POLICY)) == shared

    def linked_roles(name: str) -> set[str]:
        return {
            arn
            for statement in load(name)["Statement"]
            if "iam:CreateServiceLinkedRole" in as_list(statement["Action"])
            for arn in as_list(statement["Resource"])
        }

    assert linked_roles(PERMISSION_POLICIES["deployer"]) == {
        f"arn:aws:iam::{SAMPLE['AWS_ACCOUNT_ID']}:role/aws-service-role/"
        "ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway"
    }
    assert not linked_roles(PERMISSION_POLICIES["deployer"]) & linked_roles(DEMO_POLICY)
