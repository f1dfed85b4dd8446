"""A canary (`CanarySpec`): a share of the stage's traffic through another link."""

from dataclasses import dataclass


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
