"""`PrivateRestApi` as the package's provider hosts it: the inputs of `package_args`, the
outputs other languages read, and the very component the Python program builds.

The analyzer (pulumi 3.272, `pulumi/provider/experimental/analyzer.py`, `analyze_component` and
`analyze_type`) reads the `args` annotation of `__init__` and every public annotation along the
class's MRO; `components.private_rest_api.PrivateRestApi` declares its children there (a
`VpcLink` union, AWS resources) under `from __future__ import annotations`, which it refuses. So
this class, of the same name and type token, declares only the schema, and `__new__` returns the
program's component built from `package_adapter.to_args`: one component, two front doors.
"""

from collections.abc import Mapping
from typing import Any

import pulumi

from components import private_rest_api
from components.package_adapter import to_args
from components.package_args import PrivateRestApiInputs

#: The package's name: the first part of the component's type token, `private-api:index:...`.
PACKAGE = private_rest_api.TYPE_TOKEN.split(":", maxsplit=1)[0]


class PrivateRestApi(pulumi.ComponentResource):
    """An API Gateway REST API whose HTTP_PROXY integrations reach private load balancers
    through a VPC link chosen by a stage variable, so switching links touches only the stage."""

    invoke_url: pulumi.Output[str]
    """The stage's invoke URL."""
    rest_api_id: pulumi.Output[str]
    """The REST API's id."""
    stage_name: pulumi.Output[str]
    """The stage's name."""
    vpc_link_ids: pulumi.Output[dict[str, str]]
    """Link name to link id, for every link (created or existing)."""
    active_vpc_link: pulumi.Output[str]
    """Name of the link the stage variable points at."""
    active_vpc_link_id: pulumi.Output[str]
    """Id of that link."""
    dashboard_url: pulumi.Output[str] | None
    """The stage's CloudWatch dashboard (console URL); none without `observability`."""
    canary_gates: pulumi.Output[dict[str, Any]] | None
    """The canary's metric namespace and alarm names a migration watches; none without
    `observability`."""
    client_certificate_expiry: pulumi.Output[str] | None
    """Expiry (RFC 3339) of the client certificate the stage presents; none without
    `clientCertificate`."""
    client_certificate_pem: pulumi.Output[str] | None
    """PEM of that certificate, for the backend's trust; none without `clientCertificate`."""
    next_client_certificate_expiry: pulumi.Output[str] | None
    """Expiry of the next client certificate during a rotation; none otherwise."""
    next_client_certificate_pem: pulumi.Output[str] | None
    """PEM of the next client certificate during a rotation; none otherwise."""

    def __new__(  # type: ignore[misc]
        cls,
        name: str,
        args: Mapping[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> private_rest_api.PrivateRestApi:
        """The host passes a dict (pulumi/pulumi#18526): the program's component, from it."""
        return private_rest_api.PrivateRestApi(name, to_args(args), opts)

    def __init__(
        self,
        name: str,
        args: PrivateRestApiInputs,  # noqa: ARG002 -- read by the analyzer only
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Never runs (`__new__` returns another class); here for the analyzer's `args`."""
        super().__init__(private_rest_api.TYPE_TOKEN, name, None, opts)
