"""What the mocked AWS provider answers to the program's invokes, and what stack references hold.

`tools.mockrun` replaces the engine; this module is the little of AWS the program looks up before
it builds anything (`preflight.py`): the caller's account, the provider's region, and load
balancers by ARN. By default the world is consistent: the account is `mockrun`'s, the region the
stack's, every load balancer ARN exists and is what its ARN says, and a stack reference reads a
deployed backend. A test changes that for one evaluation with `scenario(...)` (a load balancer
missing, of another type, in another account; a backend stack with other outputs, or none).

The answers follow the provider's data sources (pulumi-aws v7 `get_caller_identity`, `get_region`,
`lb.get_load_balancer`, fields as their result types name them), and a missing load balancer fails
as the real provider fails (see `not_found_error`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import grpc

CALLER_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"
REGION = "aws:index/getRegion:getRegion"
LOAD_BALANCER = "aws:lb/getLoadBalancer:getLoadBalancer"
ZONES = "aws:index/getAvailabilityZones:getAvailabilityZones"
OFFERINGS = "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings"
VPC_LINK = "aws:apigateway/getVpcLink:getVpcLink"
#: The name an existing link has in the mocked cloud: `VpcLink.get` reads it, `get_vpc_link` (which
#: finds links by name only) is given it back.
LINK_NAME_PREFIX = "existing-link-"

_LB_ARN = re.compile(
    r"^arn:(?P<partition>[a-z-]+):elasticloadbalancing:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"loadbalancer/(?P<kind>net|app|gwy)/(?P<name>[^/]+)/(?P<id>[0-9a-f]+)$"
)
#: The ARN's type segment and the `loadBalancerType` DescribeLoadBalancers reports for it.
_TYPES = {"net": "network", "app": "application", "gwy": "gateway"}


@dataclass
class Scenario:
    """How the mocked AWS differs from the consistent default, for one evaluation."""

    #: The caller's account (None: the account of the ARNs, `mockrun.ACCOUNT`).
    account_id: str | None = None
    #: Load balancer ARNs that do not exist.
    missing: set[str] = field(default_factory=set)
    #: Per ARN, fields of the lookup's answer that differ (`loadBalancerType`, `internal`, ...).
    load_balancers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Per fully qualified stack name, the outputs a `StackReference` to it reads.
    stacks: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Per link id, fields of `get_vpc_link`'s answer that differ (`status`, `statusMessage`);
    #: by default every link is AVAILABLE.
    vpc_links: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Every invoke's token, in order (what the program asked the provider).
    calls: list[str] = field(default_factory=list)


_current = Scenario()


@contextmanager
def scenario(
    *,
    account_id: str | None = None,
    missing: set[str] | None = None,
    load_balancers: Mapping[str, dict[str, Any]] | None = None,
    stacks: Mapping[str, dict[str, Any]] | None = None,
    vpc_links: Mapping[str, dict[str, Any]] | None = None,
) -> Iterator[Scenario]:
    """Evaluate the program against this AWS instead of the default one, then restore it."""
    global _current  # noqa: PLW0603 (one mocked cloud per process, as there is one engine)
    previous = _current
    _current = Scenario(
        account_id=account_id,
        missing=set(missing or ()),
        load_balancers=dict(load_balancers or {}),
        stacks=dict(stacks or {}),
        vpc_links=dict(vpc_links or {}),
    )
    try:
        yield _current
    finally:
        _current = previous


class ProviderError(grpc.RpcError):  # type: ignore[misc]  # grpc has no type stubs
    """An invoke the provider failed, as the engine returns it: a gRPC error with the details."""

    def __init__(self, details: str) -> None:
        super().__init__(details)
        self._details = details

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNKNOWN

    def details(self) -> str:
        return self._details


def not_found_error(arn: str) -> ProviderError:
    """What pulumi-aws reports for `get_load_balancer(arn=...)` when there is no such LB.

    terraform-provider-aws `internal/service/elbv2/load_balancer_data_source.go` calls
    DescribeLoadBalancers with the ARN; AWS answers LoadBalancerNotFound, which `findLoadBalancers`
    (`load_balancer.go`) turns into a `retry.NotFoundError` whose text is "couldn't find resource"
    (terraform-plugin-sdk `helper/retry/error.go`), and the data source wraps it as "reading ELBv2
    Load Balancers: ...". pulumi-terraform-bridge (`pkg/tfbridge/provider.go`, `Invoke`) returns
    that as an error "invoking <token>: ...". The ARN itself is not in the message.
    """
    del arn
    return ProviderError(
        f"invoking {LOAD_BALANCER}: 1 error occurred:\n"
        "\t* reading ELBv2 Load Balancers: couldn't find resource\n\n"
    )


def answer(token: str, args: Mapping[str, Any], *, region: str, account_id: str) -> dict[str, Any]:
    """The provider's answer to one invoke; unknown tokens get an empty answer, as before."""
    world = _current
    world.calls.append(token)
    account = world.account_id or account_id
    if token == CALLER_IDENTITY:
        return {
            "accountId": account,
            "arn": f"arn:aws:iam::{account}:user/mock",
            "userId": "AIDAMOCKUSER",
            "id": account,
        }
    if token == REGION:
        return {"region": region, "name": region, "id": region, "endpoint": ""}
    if token == LOAD_BALANCER:
        return _load_balancer(str(args.get("arn") or ""), world)
    if token == ZONES:  # examples/backend: two zones, as every commercial region has at least
        names = [f"{region}a", f"{region}b", f"{region}c"]
        return {"names": names, "id": region}
    if token == OFFERINGS:  # the first zone offers no instance type: the backend must look
        zones = [f"{region}b", f"{region}c"]
        return {"locations": zones, "instanceTypes": ["t4g.nano"] * 2, "id": region}
    if token == VPC_LINK:
        return _vpc_link(str(args.get("name") or ""), world)
    return {}


def read_outputs(typ: str, res_id: str) -> dict[str, Any]:
    """What a `Resource.get` reads beyond its inputs: an existing link's name."""
    if typ == "aws:apigateway/vpcLink:VpcLink":
        return {"name": LINK_NAME_PREFIX + res_id}
    return {}


def _vpc_link(name: str, world: Scenario) -> dict[str, Any]:
    """`get_vpc_link(name=...)`: pulumi-aws `GetVpcLinkResult` fields. An existing link's id is in
    its name; a link the program created is named by its logical name (tools/mockrun.py), and a
    test's `vpc_links` key is then that name."""
    link_id = name.removeprefix(LINK_NAME_PREFIX)
    result: dict[str, Any] = {
        "id": link_id,
        "name": name,
        "status": "AVAILABLE",
        "statusMessage": "Your vpc link is ready for use",
        "targetArns": [],
        "tags": {},
        "description": "",
    }
    result.update(world.vpc_links.get(link_id, {}))
    return result


def resource_outputs(
    typ: str, name: str, res_id: str, *, region: str, account_id: str
) -> dict[str, Any]:
    """Computed outputs of the load-balancing resources examples/backend creates and exports."""
    prefix = f"arn:aws:elasticloadbalancing:{region}:{account_id}"
    short = name[:24].rstrip("-")
    hex_id = res_id.ljust(16, "0")[:16]
    if typ == "aws:lb/loadBalancer:LoadBalancer":
        return {
            "arn": f"{prefix}:loadbalancer/net/{short}/{hex_id}",
            "dnsName": f"{short}-{hex_id}.elb.{region}.amazonaws.com",
        }
    if typ == "aws:lb/targetGroup:TargetGroup":
        return {"arn": f"{prefix}:targetgroup/{short}/{hex_id}"}
    if typ == "aws:lb/listener:Listener":
        return {"arn": f"{prefix}:listener/net/{short}/{hex_id}/{hex_id}"}
    return {}


def stack_outputs(stack_name: str, *, region: str, account_id: str) -> dict[str, Any]:
    """What a `StackReference` to this stack reads: the scenario's outputs for it, else those of a
    deployed examples/backend stack (an NLB in the stack's region and account), so a stack file
    with `backendStack` set still checks without credentials."""
    if stack_name in _current.stacks:
        return dict(_current.stacks[stack_name])
    account = _current.account_id or account_id
    suffix = hashlib.sha256(stack_name.encode()).hexdigest()[:16]
    dns = f"private-api-backend-{suffix}.elb.{region}.amazonaws.com"
    return {
        "loadBalancerArn": (
            f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/net/"
            f"private-api-backend/{suffix}"
        ),
        "loadBalancerDnsName": dns,
        "integrationUri": f"http://{dns}",
    }


def _load_balancer(arn: str, world: Scenario) -> dict[str, Any]:
    match = _LB_ARN.match(arn)
    if match is None or arn in world.missing:
        raise not_found_error(arn)
    name, lb_id = match.group("name"), match.group("id")
    region = match.group("region")
    result: dict[str, Any] = {
        "arn": arn,
        "id": arn,
        "name": name,
        "loadBalancerType": _TYPES[match.group("kind")],
        "internal": True,
        "dnsName": f"{name}-{lb_id}.elb.{region}.amazonaws.com",
        "vpcId": "vpc-0123456789abcdef0",
        "ipAddressType": "ipv4",
        "tags": {},
    }
    result.update(world.load_balancers.get(arn, {}))
    return result
