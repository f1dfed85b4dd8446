"""A VPC link the API sends traffic through (`VpcLinkSpec`): V1 or V2, created or existing, with
the checks API Gateway and EC2 would make on its target, subnets and security groups.
"""

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components.arns import check_load_balancer_arn, check_nlb_arn
from components.input_text import StrInput, known_text
from components.problems import Problem, checked


class VpcLinkKind(enum.StrEnum):
    """A link's generation: V1 reaches an NLB (`aws.apigateway.VpcLink`), V2 an ALB or NLB from
    subnets and security groups (`aws.apigatewayv2.VpcLink`)."""

    V1 = "v1"
    """An NLB, through `aws.apigateway.VpcLink` (the walkthrough's)."""
    V2 = "v2"
    """An ALB or NLB, from subnets and security groups (`aws.apigatewayv2.VpcLink`)."""


VPC_LINK_KINDS: tuple[str, ...] = tuple(VpcLinkKind)

#: An adjustable quota of the REST API quotas page: past it the program warns (an increase first).
QUOTA_VPC_LINKS = ("VPC links per account per Region", 20)

#: VPC links V2 have quotas of their own, both adjustable: "Quotas for configuring and running an
#: HTTP API in API Gateway" (docs.aws.amazon.com/apigateway/latest/developerguide/
#: http-api-quotas.html): "VPC links per account per Region | 10" and "Subnets per VPC link | 10".
QUOTA_VPC_LINKS_V2 = ("VPC links per account per Region", 10)

QUOTA_SUBNETS_PER_VPC_LINK_V2 = ("Subnets per VPC link", 10)

#: EC2 ids: the 8-hex form of older resources and the 17-hex form of newer ones.
SUBNET_ID = re.compile(r"^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")

SECURITY_GROUP_ID = re.compile(r"^sg-(?:[0-9a-f]{8}|[0-9a-f]{17})$")

VPC_LINK_ID = re.compile(r"^[a-z0-9]{1,32}$")

# Names we turn into Pulumi resource names and stage-variable values.
LINK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def _check_ids(
    ids: Sequence[str], form: re.Pattern[str], what: str, example: str, missing: str
) -> list[tuple[int | None, str]]:
    """Problems of a V2 link's id list, as (position or None, message): none, bad, repeated."""
    if not ids:
        return [(None, missing)]
    found: list[tuple[int | None, str]] = [
        (index, f"'{value}' is not {what}; use the form {example}.")
        for index, value in enumerate(ids)
        if form.match(value) is None
    ]
    found.extend(
        (index, f"'{value}' is listed twice; keep one.")
        for index, value in enumerate(ids)
        if value in ids[:index]
    )
    return found


def check_subnet_ids(ids: Sequence[str]) -> list[tuple[int | None, str]]:
    """Problems of a V2 link's subnets, as (position or None, message)."""
    return _check_ids(
        ids,
        SUBNET_ID,
        "a subnet id",
        "subnet-0123456789abcdef0",
        "a new VPC link V2 needs the subnets it places its network interfaces in; give "
        "subnetIds, such as [subnet-0123456789abcdef0] (one per Availability Zone the "
        "load balancer serves).",
    )


def check_security_group_ids(ids: Sequence[str]) -> list[tuple[int | None, str]]:
    """Problems of a V2 link's security groups, as (position or None, message)."""
    return _check_ids(
        ids,
        SECURITY_GROUP_ID,
        "a security group id",
        "sg-0123456789abcdef0",
        "a new VPC link V2 needs security groups for its network interfaces (the load "
        "balancer's own security group must allow them); give securityGroupIds, such as "
        "[sg-0123456789abcdef0].",
    )


def check_vpc_link_id(link_id: str) -> None:
    if VPC_LINK_ID.match(link_id) is None:
        raise ValueError(
            f"'{link_id}' is not a VPC link id; use the id that `aws apigateway get-vpc-links` "
            "prints (lowercase letters and digits, such as 'gim7c3')."
        )


def check_link_name(name: str) -> None:
    if LINK_NAME.match(name) is None:
        raise ValueError(
            f"'{name}' is not a usable link name; use letters, digits, '-' and '_' "
            "(up to 64, starting with a letter or digit), such as 'blue'."
        )


def vpc_link_v2_quota_warnings(links: Mapping[str, "VpcLinkSpec"]) -> list[tuple[str, str]]:
    """The V2 links' own quotas: links per account and Region, subnets per link."""
    found: list[tuple[str, str]] = []
    quota, limit = QUOTA_VPC_LINKS_V2
    created = sum(1 for link in links.values() if link.kind == "v2" and link.creates)
    if created > limit:
        found.append(
            (
                "vpc_links",
                f"this stack creates {created} VPC links V2, more than the quota '{quota}' of "
                f"VPC links V2 ({limit} by default, shared with every other V2 link of the "
                "account in the region); raise it in Service Quotas before `pulumi up`.",
            )
        )
    quota, limit = QUOTA_SUBNETS_PER_VPC_LINK_V2
    for name, link in links.items():
        if link.kind == "v2" and len(link.subnet_ids) > limit:
            found.append(
                (
                    f"vpc_links.{name}.subnet_ids",
                    f"the VPC link V2 has {len(link.subnet_ids)} subnets, more than the quota "
                    f"'{quota}' ({limit} by default); raise it in Service Quotas before `pulumi "
                    "up`, or use fewer subnets (one per Availability Zone is enough).",
                )
            )
    return found


@dataclass(frozen=True)
class VpcLinkSpec:
    """A VPC link the API can send traffic through: one this stack creates, or an existing one.

    V1 (the walkthrough's, "legacy" in AWS's developer guide): `for_network_load_balancer(arn)` or
    `from_vpc_link_id(id)`, as the CDK's `VpcLink` and `VpcLink.fromVpcLinkId`. V2 (placed on
    subnets and security groups, reaching an ALB or an NLB of its VPC):
    `for_load_balancer_v2(arn, subnet_ids, security_group_ids)` or `from_vpc_link_v2_id(id, arn)`.
    The component treats all four alike: each becomes a link whose `id` the stage variable holds.
    """

    #: V1: the NLB a new link targets. V2: the ALB or NLB the integrations reach through the link
    #: (their `integrationTarget`), required for new and existing V2 links alike. A V1 link's
    #: may be an Output (an NLB of the same program); a V2 link's is written into the API's
    #: OpenAPI body and its deployment trigger, so it is a plain string. Default: None.
    target_arn: StrInput | None = None
    #: Id of an existing link, owned by another stack or team; may be an Output. Default: None
    #: (create one).
    vpc_link_id: StrInput | None = None
    #: Link generation: "v1" (an NLB, `aws.apigateway.VpcLink`) or "v2" (subnets and security
    #: groups, `aws.apigatewayv2.VpcLink`). Default: "v1".
    kind: VpcLinkKind = VpcLinkKind.V1
    #: Description of a new V1 link (V2 links have none). Default: None.
    description: str | None = None
    #: Subnets a new V2 link places its network interfaces in. Default: [].
    subnet_ids: list[str] = field(default_factory=list)
    #: Security groups of a new V2 link's network interfaces. Default: [].
    security_group_ids: list[str] = field(default_factory=list)

    @classmethod
    def for_network_load_balancer(
        cls, target_arn: StrInput, description: str | None = None
    ) -> "VpcLinkSpec":
        return cls(target_arn=target_arn, description=description)

    @classmethod
    def from_vpc_link_id(cls, vpc_link_id: StrInput) -> "VpcLinkSpec":
        return cls(vpc_link_id=vpc_link_id)

    @classmethod
    def for_load_balancer_v2(
        cls, target_arn: str, subnet_ids: Sequence[str], security_group_ids: Sequence[str]
    ) -> "VpcLinkSpec":
        return cls(
            target_arn=target_arn,
            kind=VpcLinkKind.V2,
            subnet_ids=list(subnet_ids),
            security_group_ids=list(security_group_ids),
        )

    @classmethod
    def from_vpc_link_v2_id(cls, vpc_link_id: StrInput, target_arn: str) -> "VpcLinkSpec":
        return cls(target_arn=target_arn, vpc_link_id=vpc_link_id, kind=VpcLinkKind.V2)

    def __post_init__(self) -> None:
        if self.kind not in VPC_LINK_KINDS:
            raise ValueError(f"kind '{self.kind}' is not supported; use 'v1' or 'v2'.")
        # Any spelling the enum takes, held as the enum (a plain "v2" from a program or config),
        # and any sequence of ids held as a list.
        object.__setattr__(self, "kind", VpcLinkKind(self.kind))
        object.__setattr__(self, "subnet_ids", list(self.subnet_ids))
        object.__setattr__(self, "security_group_ids", list(self.security_group_ids))
        if self.kind == "v2":
            self._check_v2()
            return
        if self.subnet_ids or self.security_group_ids:
            raise ValueError(
                "subnetIds and securityGroupIds belong to a VPC link V2; set kind: v2, or give "
                "a V1 link only targetArn (an NLB)."
            )
        if (self.target_arn is None) == (self.vpc_link_id is None):
            raise ValueError(
                "give exactly one of targetArn (create a link to that NLB) or id (use an "
                "existing link)."
            )
        # An Output's text is left to AWS: CreateVpcLink takes an NLB's ARN of the account
        # (API reference, `targetArns`); whether it refuses another ARN or leaves the link FAILED
        # (which `links.watch_created_link` reports) was not verified here. `VpcLink.get`
        # (GetVpcLink) fails on an id that does not exist.
        if (target := known_text(self.target_arn)) is not None:
            check_nlb_arn(target)
        if (link_id := known_text(self.vpc_link_id)) is not None:
            check_vpc_link_id(link_id)

    def _check_v2(self) -> None:
        if self.target_arn is None:
            raise ValueError(
                "a VPC link V2 needs targetArn, the ALB or NLB its integrations reach "
                "(API Gateway refuses a V2 integration without it: 'IntegrationTarget is "
                "required for VpcLinkV2')."
            )
        if not isinstance(self.target_arn, str):
            raise ValueError(
                "a VPC link V2's targetArn must be a plain string, not an output of another "
                "resource: it is written into every integration of the API's OpenAPI body "
                "(integrationTarget) and into the deployment's redeploy trigger, both settled "
                "before any resource is registered. Give the load balancer's ARN as text, or use "
                "a V1 link (kind: v1, an NLB), whose target may be an output."
            )
        check_load_balancer_arn(self.target_arn)
        if self.description is not None:
            raise ValueError(
                "a VPC link V2 has no description (aws.apigatewayv2.VpcLink takes a name, "
                "subnets, security groups and tags); remove it."
            )
        if self.vpc_link_id is not None:
            if (link_id := known_text(self.vpc_link_id)) is not None:
                check_vpc_link_id(link_id)
            if self.subnet_ids or self.security_group_ids:
                raise ValueError(
                    "an existing VPC link V2 (id) keeps the subnets and security groups it was "
                    "created with; remove subnetIds and securityGroupIds, or remove id to "
                    "create a new link."
                )
            return
        for _, message in check_subnet_ids(self.subnet_ids)[:1]:
            raise ValueError(message)
        for _, message in check_security_group_ids(self.security_group_ids)[:1]:
            raise ValueError(message)

    @property
    def creates(self) -> bool:
        """Whether the stack creates this link (an existing one is only read)."""
        return self.vpc_link_id is None

    @property
    def integration_target(self) -> str | None:
        """What integrations through this link set as `integrationTarget`: the V2 link's load
        balancer; None for V1, whose link itself names its NLB."""
        return known_text(self.target_arn) if self.kind == "v2" else None

    @property
    def region(self) -> str | None:
        """The load balancer's region, where it is known: a REST API can only use links of its
        own region (an Output's is not known here, and not checked before `pulumi up`)."""
        target = known_text(self.target_arn)
        if target is None:
            return None
        if self.kind == "v2":
            return check_load_balancer_arn(target)
        return check_nlb_arn(target)


def link_problems(links: Mapping[str, VpcLinkSpec], active: str) -> list[Problem]:
    """The links together: at least one, their names, one V1 link per NLB, one region, the
    active one among them."""
    found: list[Problem] = []
    if not links:
        found.append(("vpc_links", "no VPC link is defined; add at least one."))
    owners: dict[str, str] = {}
    for name, link in links.items():
        found.extend(checked(f"vpc_links.{name}", check_link_name, name))
        found.extend(_shared_nlb_problems(name, link, owners))
    regions = _regions(links)
    if len(regions) > 1:
        found.append(
            (
                "vpc_links",
                f"the links' load balancers are in different regions ({', '.join(regions)}); "
                "a REST API can only use VPC links of its own region.",
            )
        )
    if active not in links:
        found.append(("active_vpc_link", not_a_link(active, links)))
    return found


def _shared_nlb_problems(name: str, link: VpcLinkSpec, owners: dict[str, str]) -> list[Problem]:
    """V1 only: a V1 link owns its NLB's endpoint service; V2 links may share a target.
    `owners` maps each NLB seen so far to its first link. An Output target is not compared: AWS
    leaves a second link to its NLB FAILED, which `links.watch_created_link` reports on the next
    preview."""
    target = known_text(link.target_arn)
    if link.kind != "v1" or target is None:
        return []
    owner = owners.setdefault(target, name)
    if owner == name:
        return []
    return [
        (
            f"vpc_links.{name}.target_arn",
            f"targets the same NLB as '{owner}'; an NLB can back one VPC link only (AWS would "
            "leave the second FAILED: 'NLB is already associated with another VPC Endpoint "
            "Service'), so point it at another NLB.",
        )
    ]


def links_region(links: Mapping[str, VpcLinkSpec]) -> str | None:
    """The region the links' NLBs are in, where any link names its NLB."""
    regions = _regions(links)
    return regions[0] if regions else None


def _regions(links: Mapping[str, VpcLinkSpec]) -> list[str]:
    """The links' regions, sorted; a link whose region is unknown (or whose ARN is already
    reported as wrong) has none."""
    found: set[str] = set()
    for link in links.values():
        try:
            region = link.region
        except ValueError:
            continue
        if region:
            found.add(region)
    return sorted(found)


def not_a_link(name: str, links: Mapping[str, VpcLinkSpec]) -> str:
    return (
        f"'{name}' is not one of the VPC links ({', '.join(sorted(links)) or 'none defined'}); "
        f"name one of them, or add '{name}' to the VPC links."
    )
