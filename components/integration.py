"""What every private integration, authorizer and API policy holds, whichever way the API is
defined.

Both modes (`routes.py`, one resource per call; `openapi.py`, one document) build their
integrations from these, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.arns import LAMBDA_ARN
from components.authorizer_spec import AuthorizerSpec
from components.backend_uri import check_integration_uri
from components.endpoint_spec import endpoint_id_texts
from components.input_text import StrInput
from components.route_spec import RouteSpec

#: The request validator both modes attach to every method: path parameters must be present.
VALIDATOR_NAME = "validate-request-parameters"


def connection_id_expression(stage_variable: str) -> str:
    """What every integration's connectionId holds: the stage variable, never a literal link id."""
    return "${stageVariables." + stage_variable + "}"


def route_uri(integration_uri: str, route: RouteSpec) -> str:
    """The backend URL for a route: same path, a greedy `{proxy+}` becoming `{proxy}`."""
    return backend_uri(integration_uri, route.path_parts)


def backend_uri(integration_uri: str, path_parts: tuple[str, ...]) -> str:
    """The backend URL for a path: the base URL plus the path, `{proxy+}` as `{proxy}`."""
    base = check_integration_uri(integration_uri)
    suffix = "/".join(part.replace("+}", "}") for part in path_parts)
    return f"{base}/{suffix}"


def authorizer_invoke_uri(spec: AuthorizerSpec) -> str | None:
    """API Gateway's invocation URI of a Lambda authorizer's function (None for Cognito)."""
    if spec.function_arn is None:
        return None
    match = LAMBDA_ARN.match(spec.function_arn)
    assert match is not None  # checked by AuthorizerSpec
    partition = spec.function_arn.split(":")[1]
    return (
        f"arn:{partition}:apigateway:{match.group('region')}:lambda:path/2015-03-31/"
        f"functions/{spec.function_arn}/invocations"
    )


def authorizer_permission(
    resource_name: str,
    spec: AuthorizerSpec,
    source_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> aws.lambda_.Permission:
    """Let API Gateway call the authorizer's function, as this API's authorizer only."""
    assert spec.function_arn is not None
    return aws.lambda_.Permission(
        resource_name,
        action="lambda:InvokeFunction",
        function=spec.function_arn,
        principal="apigateway.amazonaws.com",
        source_arn=source_arn,
        opts=opts,
    )


def private_api_policy(vpc_endpoint_ids: Sequence[str]) -> str:
    """Resource policy of a PRIVATE API: callable only through the given VPC endpoints.

    `"Resource": "*"`, not AWS's `execute-api:/*` shorthand: API Gateway stores the shorthand
    expanded to the API's ARN (`arn:aws:execute-api:<region>:<account>:<id>/*`), and the
    provider compares policies with awspolicyequivalence (terraform-provider-aws
    internal/service/apigateway rest_api.go and rest_api_policy.go: `DiffSuppressFunc:
    verify.SuppressEquivalentPolicyDiffs`, `SecondJSONUnlessEquivalent` on read), which knows
    nothing of that expansion: every refresh would show `~ policy`. A resource policy is
    attached to this one API, so "*" covers the same methods. Not verified against a live
    account: that API Gateway stores "*" as written (third-party drift tools record the
    shorthand's expansion; none records one of "*").
    """
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "*",
                },
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpce": sorted(vpc_endpoint_ids)}},
                },
            ],
        },
        sort_keys=True,
    )


def private_api_policy_input(vpc_endpoint_ids: Sequence[StrInput]) -> StrInput:
    """`private_api_policy` of ids that may be Outputs: the same text, as text where every id is
    text, or as an Output of it (a string built in `apply`, no resource) that carries the ids'
    dependencies and is unknown in a preview until they are known."""
    texts = endpoint_id_texts(vpc_endpoint_ids)
    if texts is not None:
        return private_api_policy(texts)
    return pulumi.Output.all(*vpc_endpoint_ids).apply(private_api_policy)
