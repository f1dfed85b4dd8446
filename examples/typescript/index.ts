// The orders service's private REST API (docs/package.md): two VPC links V2 to its internal
// Application Load Balancer, so no Network Load Balancer is needed. blue carries the traffic;
// set activeVpcLink to "green" and run `pulumi up` to move it (docs/switching-links.md).
// tests/cli/test_gen_sdk.py compiles this file against the SDK `pulumi package gen-sdk` makes
// from package/schema.json, and tests/package/test_examples.py checks its property names.
import * as privateApi from "@pulumi/private-api";

const albArn =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/3c4d5e6f7a8b9c0d";
const securityGroupIds = ["sg-0c3d4e5f60718293a"];

const api = new privateApi.PrivateRestApi("api", {
    vpcLinks: {
        blue: {
            kind: privateApi.VpcLinkKind.V2,
            targetArn: albArn,
            subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
            securityGroupIds,
        },
        green: {
            kind: privateApi.VpcLinkKind.V2,
            targetArn: albArn,
            subnetIds: ["subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"],
            securityGroupIds,
        },
    },
    activeVpcLink: "blue",
    integrationUri: "https://orders.internal.example.com",
    routes: [
        { path: "/", method: "GET" },
        { path: "/{proxy+}", method: "ANY", authorization: privateApi.Authorization.AWS_IAM },
    ],
    stageName: "prod",
    accessLogging: true,
    loggingLevel: privateApi.LoggingLevel.ERROR,
    tracingEnabled: true,
    tags: { team: "orders", "managed-by": "pulumi" },
});

export const invokeUrl = api.invokeUrl;
export const restApiId = api.restApiId;
export const activeVpcLink = api.activeVpcLink;
