"""Reusable components of the private-api project. They take typed args and never read config."""

from components.args import PrivateRestApiArgs
from components.authorizer_spec import AuthorizerSpec
from components.canary_spec import CanarySpec
from components.link_spec import VpcLinkSpec
from components.private_rest_api import PrivateRestApi
from components.route_spec import RouteSpec

__all__ = [
    "AuthorizerSpec",
    "CanarySpec",
    "PrivateRestApi",
    "PrivateRestApiArgs",
    "RouteSpec",
    "VpcLinkSpec",
]
