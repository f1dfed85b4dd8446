// The orders service's private REST API (docs/package.md): two VPC links V2 to its internal
// Application Load Balancer, so no Network Load Balancer is needed. blue carries the traffic;
// set ActiveVpcLink to "green" and run `pulumi up` to move it (docs/switching-links.md).
// tests/cli/test_gen_sdk.py vets (type-checks and builds) this file against the SDK
// `pulumi package gen-sdk` makes from package/schema.json.
package main

import (
	"example.com/pulumi-private-api/sdk/go/privateapi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		albArn := "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/orders/3c4d5e6f7a8b9c0d"
		v2 := privateapi.VpcLinkKindV2
		securityGroupIds := []string{"sg-0c3d4e5f60718293a"}
		authorization := privateapi.Authorization_AWS_IAM
		loggingLevel := privateapi.LoggingLevelERROR

		api, err := privateapi.NewPrivateRestApi(ctx, "api", &privateapi.PrivateRestApiArgs{
			VpcLinks: map[string]privateapi.VpcLinkArgs{
				"blue": {
					Kind:             &v2,
					TargetArn:        pulumi.String(albArn),
					SubnetIds:        []string{"subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"},
					SecurityGroupIds: securityGroupIds,
				},
				"green": {
					Kind:             &v2,
					TargetArn:        pulumi.String(albArn),
					SubnetIds:        []string{"subnet-0d4e5f60718293a4b", "subnet-0e5f60718293a4b5c"},
					SecurityGroupIds: securityGroupIds,
				},
			},
			ActiveVpcLink:  "blue",
			IntegrationUri: "https://orders.internal.example.com",
			Routes: []privateapi.RouteArgs{
				{Path: pulumi.StringRef("/"), Method: pulumi.StringRef("GET")},
				{Path: pulumi.StringRef("/{proxy+}"), Method: pulumi.StringRef("ANY"), Authorization: &authorization},
			},
			StageName:      "prod",
			AccessLogging:  pulumi.BoolRef(true),
			LoggingLevel:   &loggingLevel,
			TracingEnabled: pulumi.BoolRef(true),
			Tags:           map[string]string{"team": "orders", "managed-by": "pulumi"},
		})
		if err != nil {
			return err
		}
		ctx.Export("invokeUrl", api.InvokeUrl)
		ctx.Export("restApiId", api.RestApiId)
		ctx.Export("activeVpcLink", api.ActiveVpcLink)
		return nil
	})
}
