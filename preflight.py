"""Look-ups before anything is built: the stack's NLBs through the provider, a backend stack's NLB.

`stack_config` checks what config alone can tell; this module asks the provider what only AWS
knows, with synchronous invokes that return (or fail) before the component registers anything, so
a wrong NLB fails `pulumi preview` naming its key instead of failing `pulumi up` minutes later on
the VPC link, with half a stack behind it.

For every link created from a `targetArn` it checks, in this order, that the NLB is in the
stack's region and account (`aws.get_region`, `aws.get_caller_identity`: AWS's "The Network Load
Balancer and API must be owned by the same AWS account", developer guide, "Private integrations
for REST APIs"), that it exists, and that it is of the type the link needs
(`aws.lb.get_load_balancer`). An internet-facing NLB works but is reachable around the API, so it
is a warning, not an error.

The look-up needs `elasticloadbalancing:DescribeLoadBalancers`, `DescribeLoadBalancerAttributes`
and `DescribeTags` (the provider's `aws_lb` data source reads all three; iam/README.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime.sync_await import _sync_await

from components.args import PrivateRestApiArgs
from components.arns import LOAD_BALANCER_ARN
from components.input_text import known_text
from config_keys import NAMESPACE
from stack_config import BACKEND_ARN_OUTPUT, ConfigError

#: What a link of each kind can target (DescribeLoadBalancers' `Type`). REST API VPC links V1
#: target NLBs only (developer guide, "Private integration using VPC links V1"); a V2 link's
#: integrations reach an ALB or an NLB ("Set up a private integration": "provide the ARN of an
#: Network Load Balancer or an Application Load Balancer").
LOAD_BALANCER_TYPES: dict[str, frozenset[str]] = {
    "v1": frozenset({"network"}),
    "v2": frozenset({"application", "network"}),
}
#: What the provider says when DescribeLoadBalancers finds no such ARN: "couldn't find resource"
#: (terraform-provider-aws `findLoadBalancers` and terraform-plugin-sdk `retry.NotFoundError`; see
#: `tools/mockcloud.py`), AWS's error code itself, and older providers' "Search returned 0 results".
_NOT_FOUND = ("couldn't find resource", "LoadBalancerNotFound", "returned 0 results")


def check_load_balancers(args: PrivateRestApiArgs) -> None:
    """Refuse, with one ConfigError naming each key, NLBs the links could not use."""
    # Stack config gives text; an Output (a program's own NLB, through the package) is not looked
    # up: it names a load balancer that program manages.
    targets = {
        name: target
        for name, link in args.vpc_links.items()
        if (target := known_text(link.target_arn))
    }
    if not targets:
        return
    try:
        region = aws.get_region().region
        account = aws.get_caller_identity().account_id
    except Exception as error:  # noqa: BLE001 (an invoke failure is a plain Exception)
        raise pulumi.RunError(
            f"Could not ask AWS which account and region this stack deploys to ({error}); "
            "configure credentials (`aws sts get-caller-identity` must work) and a region "
            "(AWS_REGION, or `pulumi config set aws:region <region>`)."
        ) from None
    problems: list[tuple[str, str]] = []
    for name, arn in targets.items():
        key = f"vpcLinks.{name}.targetArn"
        match = LOAD_BALANCER_ARN.match(arn)
        assert match is not None  # VpcLinkSpec checked the form
        what = "NLB" if args.vpc_links[name].kind == "v1" else "load balancer"
        if match.group("region") != region:
            problems.append(
                (
                    key,
                    f"the {what} is in {match.group('region')} but the stack deploys to "
                    f"{region}; a REST API can only use VPC links of its own region: use "
                    f"{'an' if what == 'NLB' else 'a'} {what} in {region}, "
                    "or set aws:region (`pulumi config set aws:region "
                    f"{match.group('region')}`).",
                )
            )
            continue
        if match.group("account") != account:
            problems.append(
                (
                    key,
                    f"the {what} belongs to account {match.group('account')} but this stack "
                    f"deploys with credentials of account {account}; AWS requires the {what} and "
                    f"the API in one account: set your {what}'s ARN (`pulumi config set --path "
                    f"{key} <your {what} ARN>`), or run with credentials of the {what}'s account. "
                    "No NLB yet? `make demo` deploys one (README.md, 'Start').",
                )
            )
            continue
        problem = _load_balancer_problem(arn, args.vpc_links[name].kind, key)
        if problem is not None:
            problems.append((key, problem))
    if problems:
        lines = [f"{NAMESPACE}:{key}: {message}" for key, message in problems]
        if len(lines) == 1:
            raise ConfigError(f"Invalid stack configuration: {lines[0]}")
        raise ConfigError(
            f"Invalid stack configuration ({len(lines)} problems):\n"
            + "\n".join(f"  - {line}" for line in lines)
        )


def _load_balancer_problem(arn: str, kind: str, key: str) -> str | None:
    try:
        found = aws.lb.get_load_balancer(arn=arn)
    except Exception as error:  # noqa: BLE001 (an invoke failure is a plain Exception)
        reason = str(error)
        if any(marker in reason for marker in _NOT_FOUND):
            return (
                f"no load balancer {arn} exists in this account and region; create the NLB first "
                f"or set the ARN of one that exists (`pulumi config set --path {key} <your NLB "
                "ARN>`; `aws elbv2 describe-load-balancers` lists them). No NLB yet? `make demo` "
                "deploys one (README.md, 'Start')."
            )
        return (
            f"the NLB could not be looked up ({reason.strip()}); the credentials need "
            "elasticloadbalancing:DescribeLoadBalancers, DescribeLoadBalancerAttributes and "
            "DescribeTags (iam/README.md)."
        )
    allowed = LOAD_BALANCER_TYPES.get(kind, frozenset({"network"}))
    if found.load_balancer_type not in allowed:
        wanted = "a Network Load Balancer's" if kind == "v1" else "an Application or Network Load"
        wanted += "" if kind == "v1" else " Balancer's"
        return (
            f"{arn} is a load balancer of type '{found.load_balancer_type}', but a {kind} VPC "
            f"link needs one of type {', '.join(sorted(allowed))}: give {wanted} ARN."
        )
    if not found.internal:
        pulumi.log.warn(
            f"{NAMESPACE}:{key}: {arn} is internet-facing; the VPC link works, but clients can "
            "reach the backend around the API. An internal load balancer keeps it private."
        )
    return None


def stack_outputs(stack_name: str) -> Mapping[str, Any]:
    """The outputs of another stack (a `StackReference`), read now: config needs plain values.

    The wait is the one `pulumi.runtime.invoke` uses to make invokes synchronous.
    """
    reference = pulumi.StackReference(stack_name)
    details = _sync_await(reference.get_output_details(BACKEND_ARN_OUTPUT))
    value = details.value if details.value is not None else details.secret_value
    return {} if value is None else {BACKEND_ARN_OUTPUT: value}
