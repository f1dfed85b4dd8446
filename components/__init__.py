"""Reusable components of the private-api project. They take typed args and never read config."""

from components.args import PrivateRestApiArgs
from components.authorizer_spec import AuthorizerSpec, AuthorizerType
from components.canary_spec import CanarySpec
from components.definition_spec import ApiDefinition
from components.endpoint_spec import EndpointType, IpAddressType
from components.integration_spec import ResponseTransferMode
from components.link_spec import VpcLinkKind, VpcLinkSpec
from components.observability_spec import ObservabilitySpec
from components.private_rest_api import PrivateRestApi
from components.route_spec import Authorization, RouteSpec
from components.stage_spec import LoggingLevel

__all__ = [
    "ApiDefinition",
    "Authorization",
    "AuthorizerSpec",
    "AuthorizerType",
    "CanarySpec",
    "EndpointType",
    "IpAddressType",
    "LoggingLevel",
    "ObservabilitySpec",
    "PrivateRestApi",
    "PrivateRestApiArgs",
    "ResponseTransferMode",
    "RouteSpec",
    "VpcLinkKind",
    "VpcLinkSpec",
]
