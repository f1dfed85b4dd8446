"""Reusable components of the private-api project. They take typed args and never read config."""

from components.args import PrivateRestApiArgs
from components.authorizer_spec import AuthorizerSpec, AuthorizerType
from components.canary_spec import CanarySpec
from components.link_spec import VpcLinkKind, VpcLinkSpec
from components.private_rest_api import PrivateRestApi
from components.route_spec import Authorization, RouteSpec

__all__ = [
    "Authorization",
    "AuthorizerSpec",
    "AuthorizerType",
    "CanarySpec",
    "PrivateRestApi",
    "PrivateRestApiArgs",
    "RouteSpec",
    "VpcLinkKind",
    "VpcLinkSpec",
]
