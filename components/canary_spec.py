"""A canary (`CanarySpec`): a share of the stage's traffic through another link."""

from collections.abc import Mapping
from dataclasses import dataclass

from components.link_spec import VpcLinkSpec, not_a_link
from components.problems import Problem


@dataclass(frozen=True)
class CanarySpec:
    """Send a share of the stage's traffic through another link, to migrate gradually.

    Between links to one load balancer the canary shares the stage's deployment and overrides
    only the stage variable; to another load balancer, or across link versions, it serves a
    deployment of its own (`PrivateRestApiArgs.canary_deploys`)."""

    #: Name of the link (a key of `vpc_links`) the canary share goes through. Required.
    vpc_link: str
    #: Share of requests, 0 to 100. Required.
    percent: float

    def __post_init__(self) -> None:
        if not 0 <= self.percent <= 100:
            raise ValueError(f"percent {self.percent} is outside 0 to 100.")

    def link_problems(self, links: Mapping[str, VpcLinkSpec], active: str) -> list[Problem]:
        """The canary's link: one of the links, and not the active one."""
        if self.vpc_link not in links:
            return [("canary.vpc_link", not_a_link(self.vpc_link, links))]
        if self.vpc_link == active:
            return [
                (
                    "canary.vpc_link",
                    f"the canary goes through '{self.vpc_link}', which is already the active "
                    "link; name the other link, or remove the canary.",
                )
            ]
        return []
