"""Adjustable API Gateway quotas the args exceed: a warning naming the quota, since `pulumi up`
fails unless AWS raised it first.
"""

from components.args import PrivateRestApiArgs
from components.authorizer_spec import QUOTA_AUTHORIZERS
from components.link_spec import QUOTA_VPC_LINKS, vpc_link_v2_quota_warnings

QUOTA_RESOURCES = ("Resources per API", 300)

QUOTA_RESOURCE_POLICY = ("Length, in characters, of API Gateway resource policy", 8192)


def quota_warnings(args: PrivateRestApiArgs) -> list[tuple[str, str]]:
    """(field, message) for each adjustable API Gateway quota the args exceed by default."""
    found: list[tuple[str, str]] = []
    quota, limit = QUOTA_AUTHORIZERS
    if len(args.authorizers) > limit:
        found.append(
            (
                "authorizers",
                f"{len(args.authorizers)} authorizers exceed API Gateway's quota '{quota}' "
                f"({limit} by default); ask AWS Support to raise it before `pulumi up`, or the "
                "authorizer beyond it fails to create.",
            )
        )
    quota, limit = QUOTA_VPC_LINKS
    # V1 links here; V2 links count against the HTTP API quotas (vpc_link_v2_quota_warnings).
    created = sum(1 for link in args.vpc_links.values() if link.kind == "v1" and link.creates)
    if created > limit:
        found.append(
            (
                "vpc_links",
                f"this stack creates {created} VPC links, more than the quota '{quota}' "
                f"({limit} by default, shared with every other link of the account in the "
                "region); raise it in Service Quotas before `pulumi up`.",
            )
        )
    found.extend(vpc_link_v2_quota_warnings(args.vpc_links))
    # Resources per API: the component warns, since only it counts an openApiFile's paths.
    return found


def resource_policy_warning(policy: str) -> str | None:
    """A warning when a REST API's resource policy is longer than the default quota allows."""
    quota, limit = QUOTA_RESOURCE_POLICY
    if len(policy) <= limit:
        return None
    return (
        f"the PRIVATE API's resource policy is {len(policy)} characters, more than the quota "
        f"'{quota}' ({limit} by default); raise it in Service Quotas before `pulumi up`, or "
        "allow fewer VPC endpoints."
    )
