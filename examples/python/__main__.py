"""The orders service's private REST API (docs/package.md): two VPC links V2 to its internal
Application Load Balancer, so no Network Load Balancer is needed. blue carries the traffic; set
active_vpc_link to "green" and run `pulumi up` to move it (docs/switching-links.md).

The same inputs as examples/typescript/index.ts. tests/cli/test_gen_sdk.py type-checks this file
with mypy against the SDK `pulumi package gen-sdk --language python` makes from
package/schema.json, and tests/package/test_examples.py checks its arguments against the schema.
"""

import pulumi
import pulumi_private_api as private_api

ALB_ARN = (
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/3c4d5e6f7a8b9c0d"
)
SECURITY_GROUP_IDS = ["sg-0c3d4e5f60718293a"]

api = private_api.PrivateRestApi(
    "api",
    vpc_links={
        "blue": private_api.VpcLinkArgs(
            kind=private_api.VpcLinkKind.V2,
            target_arn=ALB_ARN,
            subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
            security_group_ids=SECURITY_GROUP_IDS,
        ),
        "green": private_api.VpcLinkArgs(
            kind=private_api.VpcLinkKind.V2,
            target_arn=ALB_ARN,
            subnet_ids=["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"],
            security_group_ids=SECURITY_GROUP_IDS,
        ),
    },
    active_vpc_link="blue",
    integration_uri="https://orders.internal.example.com",
    routes=[
        private_api.RouteArgs(path="/", method="GET"),
        # AWS_IAM: the Python generator spells upper-case names with underscores this way
        # (pulumi/pulumi#6463, docs/package.md); the value is "AWS_IAM".
        private_api.RouteArgs(
            path="/{proxy+}", method="ANY", authorization=private_api.Authorization.AW_S_IAM
        ),
    ],
    stage_name="prod",
    access_logging=True,
    logging_level=private_api.LoggingLevel.ERROR,
    tracing_enabled=True,
    tags={"team": "orders", "managed-by": "pulumi"},
)

pulumi.export("invokeUrl", api.invoke_url)
pulumi.export("restApiId", api.rest_api_id)
pulumi.export("activeVpcLink", api.active_vpc_link)
