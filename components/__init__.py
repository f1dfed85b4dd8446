"""Reusable components of the private-api project. They take typed args and never read config."""

from components.args import (
    AuthorizerSpec,
    CanarySpec,
    PrivateRestApiArgs,
    RouteSpec,
    VpcLinkSpec,
)
from components.private_rest_api import PrivateRestApi

__all__ = [
    "AuthorizerSpec",
    "CanarySpec",
    "PrivateRestApi",
    "PrivateRestApiArgs",
    "RouteSpec",
    "VpcLinkSpec",
]
