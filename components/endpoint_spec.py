"""Where the API's endpoint lives and who may call it (`EndpointType`, `IpAddressType`), with the
checks API Gateway makes on a PRIVATE API's VPC endpoints and on its IP address type.

The enums are the one source of their values: the args, the config keys' allowed values and the
package's schema all read them.
"""

import enum
import re
from collections.abc import Sequence

from components.input_text import StrInput, known_text
from components.problems import Problem, not_one_of


class EndpointType(enum.StrEnum):
    """Where the API's endpoint lives: a Region, CloudFront's edge, or only inside VPCs."""

    REGIONAL = "REGIONAL"
    """An endpoint in the API's Region."""
    EDGE = "EDGE"
    """An endpoint behind CloudFront's edge locations."""
    PRIVATE = "PRIVATE"
    """Reachable only through interface VPC endpoints (`vpcEndpointIds`)."""


class IpAddressType(enum.StrEnum):
    """Who may call the API: IPv4 callers, or IPv4 and IPv6."""

    IPV4 = "ipv4"
    """IPv4 callers only."""
    DUALSTACK = "dualstack"
    """IPv4 and IPv6 callers (the only choice for PRIVATE APIs)."""


ENDPOINT_TYPES: tuple[str, ...] = tuple(member.value for member in EndpointType)
#: EndpointConfiguration.ipAddressType (botocore apigateway IpAddressType enum; "For the PRIVATE
#: endpoint type, only dualstack is supported").
IP_ADDRESS_TYPES: tuple[str, ...] = tuple(member.value for member in IpAddressType)

VPC_ENDPOINT_ID = re.compile(r"^vpce-[0-9a-f]{8,17}$")


def endpoint_problems(endpoint_type: str, vpc_endpoint_ids: Sequence[StrInput]) -> list[Problem]:
    """The endpoint type, and the VPC endpoint ids a PRIVATE API needs and no other takes.

    An id may be an Output (a `aws.ec2.VpcEndpoint` of the same program): it counts, and its
    form is left to API Gateway, which refuses an id that is not a VPC endpoint's."""
    found = not_one_of("endpoint_type", endpoint_type, ENDPOINT_TYPES)
    private = endpoint_type == EndpointType.PRIVATE
    if private and not vpc_endpoint_ids:
        found.append(
            (
                "vpc_endpoint_ids",
                "a PRIVATE API needs the execute-api VPC endpoint ids that may call it.",
            )
        )
    if not private and vpc_endpoint_ids:
        found.append(("vpc_endpoint_ids", "VPC endpoint ids only apply to PRIVATE APIs."))
    found.extend(
        ("vpc_endpoint_ids", f"'{vpce}' is not a VPC endpoint id (vpce-...).")
        for vpce in map(known_text, vpc_endpoint_ids)
        if vpce is not None and VPC_ENDPOINT_ID.match(vpce) is None
    )
    return found


def endpoint_id_texts(vpc_endpoint_ids: Sequence[StrInput]) -> list[str] | None:
    """The ids as text where every one is text now; None where any is an Output."""
    texts = [known_text(vpce) for vpce in vpc_endpoint_ids]
    return None if None in texts else [text for text in texts if text is not None]


def ip_address_type_problems(ip_address_type: str | None, endpoint_type: str) -> list[Problem]:
    """One of the types, and dual-stack for a PRIVATE API."""
    found = not_one_of("ip_address_type", ip_address_type, IP_ADDRESS_TYPES)
    if not found and ip_address_type == "ipv4" and endpoint_type == EndpointType.PRIVATE:
        # botocore EndpointConfiguration.ipAddressType: "For the PRIVATE endpoint type, only
        # dualstack is supported" (AWS's "IP address types for REST APIs" too).
        found.append(
            (
                "ip_address_type",
                "a PRIVATE API is always dual-stack: API Gateway supports only dualstack for the "
                "PRIVATE endpoint type, so ipv4 would be refused. Set dualstack, or leave the key "
                "unset.",
            )
        )
    return found
