"""ARNs the specs take (load balancers, Lambda functions, Cognito pools, web ACLs): their
forms, and a region the provider knows in that region's own partition.
"""

import re

from components.regions import PARTITION_OF_REGION

ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>[0-9]{12})?:(?P<resource>.+)$"
)

_REGION_GROUP = r"(?P<region>[a-z]{2,4}(?:-[a-z]+)+-\d+)"

NLB_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):elasticloadbalancing:" + _REGION_GROUP + r":"
    r"(?P<account>\d{12}):loadbalancer/net/(?P<name>[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?)"
    r"/(?P<id>[0-9a-f]{16})$"
)

NLB_ARN_FORM = "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<id>"

#: An ALB or NLB: what a VPC link V2 reaches, and what an integration's `integrationTarget` names
#: (developer guide, "Set up a private integration": "provide the ARN of an Network Load Balancer
#: or an Application Load Balancer", its put-integration example `loadbalancer/app/...`).
LOAD_BALANCER_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):elasticloadbalancing:" + _REGION_GROUP + r":"
    r"(?P<account>\d{12}):loadbalancer/(?P<type>app|net)/"
    r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?)/(?P<id>[0-9a-f]{16})$"
)

LOAD_BALANCER_ARN_FORM = (
    "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id> (an ALB) or "
    ".../loadbalancer/net/<name>/<id> (an NLB)"
)

LAMBDA_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):lambda:" + _REGION_GROUP + r":\d{12}:function:"
    r"[A-Za-z0-9_-]{1,64}(?::[A-Za-z0-9_$-]+)?$"
)

COGNITO_POOL_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):cognito-idp:" + _REGION_GROUP + r":\d{12}:"
    r"userpool/[\w-]+_[0-9A-Za-z]+$"
)

WAF_ACL_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):wafv2:" + _REGION_GROUP + r":\d{12}:"
    r"(?P<scope>regional|global)/webacl/[\w-]+/[\w-]+$"
)


def check_arn_region(arn: str, partition: str, region: str) -> None:
    """An ARN names a region the provider knows, in that region's own partition."""
    expected = PARTITION_OF_REGION.get(region)
    if expected is None:
        raise ValueError(
            f"'{arn}' names the region '{region}', which is not an AWS region the provider "
            "knows (components/regions.py lists them); check the ARN for a typo."
        )
    if expected != partition:
        fixed = arn.replace(f"arn:{partition}:", f"arn:{expected}:", 1)
        raise ValueError(
            f"'{arn}' names the partition '{partition}' but the region '{region}', which is in "
            f"'{expected}'; no such resource can exist: use '{fixed}', or the region of the "
            f"'{partition}' partition the resource is in."
        )


def check_nlb_arn(arn: str) -> str:
    """Return the load balancer's region; only NLBs can sit behind a REST API's VPC link (V1)."""
    match = NLB_ARN.match(arn)
    if match is None:
        if ":loadbalancer/app/" in arn:
            raise ValueError(
                f"'{arn}' is an Application Load Balancer; a REST API VPC link (V1) targets "
                f"a Network Load Balancer: give an ARN of the form {NLB_ARN_FORM}."
            )
        raise ValueError(
            f"'{arn}' is not a Network Load Balancer ARN; use the form {NLB_ARN_FORM}."
        )
    check_arn_region(arn, match.group("partition"), match.group("region"))
    return match.group("region")


def check_load_balancer_arn(arn: str) -> str:
    """Return the region of an ALB or NLB: what a VPC link V2 reaches (integrationTarget)."""
    match = LOAD_BALANCER_ARN.match(arn)
    if match is None:
        if ":loadbalancer/gwy/" in arn:
            raise ValueError(
                f"'{arn}' is a Gateway Load Balancer; a VPC link V2 reaches an Application or "
                f"Network Load Balancer: give an ARN of the form {LOAD_BALANCER_ARN_FORM}."
            )
        raise ValueError(
            f"'{arn}' is not a load balancer ARN; use the form {LOAD_BALANCER_ARN_FORM}."
        )
    check_arn_region(arn, match.group("partition"), match.group("region"))
    return match.group("region")


def check_lambda_arn(arn: str) -> str:
    """Return the function's region."""
    match = LAMBDA_ARN.match(arn)
    if match is None:
        raise ValueError(
            f"'{arn}' is not a Lambda function ARN; use the form "
            "arn:aws:lambda:<region>:<account>:function:<name>."
        )
    check_arn_region(arn, match.group("partition"), match.group("region"))
    return match.group("region")


def check_cognito_pool_arn(arn: str) -> str:
    """Return the user pool's region."""
    match = COGNITO_POOL_ARN.match(arn)
    if match is None:
        raise ValueError(
            f"'{arn}' is not a Cognito user pool ARN; use the form "
            "arn:aws:cognito-idp:<region>:<account>:userpool/<region>_<id>."
        )
    check_arn_region(arn, match.group("partition"), match.group("region"))
    return match.group("region")


def check_web_acl_arn(arn: str) -> str:
    """Return the web ACL's region; only a REGIONAL-scope WAFv2 web ACL can protect a stage."""
    match = WAF_ACL_ARN.match(arn)
    if match is None:
        raise ValueError(
            f"'{arn}' is not a WAFv2 web ACL ARN; use the form "
            "arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>."
        )
    if match.group("scope") == "global":
        # AWS WAF developer guide, "Associating or disassociating a web ACL with an AWS
        # resource": a regional web ACL protects an API Gateway REST API and "must be in the same
        # region as your resource"; a global web ACL goes with CloudFront distributions only.
        raise ValueError(
            f"'{arn}' is a CloudFront (global scope) web ACL, which AWS WAF associates only with "
            "CloudFront distributions; create a REGIONAL-scope web ACL in the stage's region and "
            "give its ARN (...:regional/webacl/...)."
        )
    check_arn_region(arn, match.group("partition"), match.group("region"))
    return match.group("region")
