"""One route (`RouteSpec`): a method on a path, proxied through the VPC link, with the
path rules the OpenAPI import holds every path to.
"""

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from components.authorizer_spec import AuthorizerSpec
from components.import_rules import HTTP_METHODS, PARAM_PATH_PART, path_problem, sibling_problems
from components.problems import Problem


class Authorization(enum.StrEnum):
    """Who may call a route: anyone, IAM-signed callers, a Lambda authorizer, a Cognito pool."""

    NONE = "NONE"
    """Anyone may call the route."""
    AWS_IAM = "AWS_IAM"
    """Callers sign requests with IAM credentials (SigV4)."""
    CUSTOM = "CUSTOM"
    """A Lambda authorizer decides (the route's `authorizer`)."""
    COGNITO_USER_POOLS = "COGNITO_USER_POOLS"
    """A Cognito user pool's token decides (the route's `authorizer`)."""


AUTHORIZATIONS: tuple[str, ...] = tuple(Authorization)


def check_http_method(method: str) -> None:
    if method not in HTTP_METHODS:
        raise ValueError(f"'{method}' is not one of {', '.join(HTTP_METHODS)}.")


def parse_route_path(path: str) -> tuple[str, ...]:
    """Split a route path into API Gateway resource path parts, rejecting what the import would
    (`import_rules.path_problem`, the rule an openApiFile's paths are held to)."""
    problem = path_problem(path)
    if problem is not None:
        raise ValueError(problem)
    return () if path == "/" else tuple(path[1:].split("/"))


def path_parameters(parts: tuple[str, ...]) -> tuple[str, ...]:
    """The parameter names of a parsed path, in order ('proxy' for '{proxy+}')."""
    names = []
    for part in parts:
        param = PARAM_PATH_PART.match(part)
        if param is not None:
            names.append(param.group("name"))
    return tuple(names)


@dataclass(frozen=True)
class RouteSpec:
    """One method on one path, proxied to the same path on the backend through the VPC link."""

    #: Resource path; `{name}` is a parameter, a last `{name+}` is greedy. Default: "/".
    path: str = "/"
    #: HTTP method, or ANY. Default: "GET" (the walkthrough's `GET /`).
    method: str = "GET"
    #: NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS. Default: "NONE".
    authorization: Authorization = Authorization.NONE
    #: Name of an authorizer in `PrivateRestApiArgs.authorizers`, for CUSTOM and COGNITO_USER_POOLS.
    #: Default: None.
    authorizer: str | None = None
    #: OAuth scopes a COGNITO_USER_POOLS route requires. Default: [].
    authorization_scopes: list[str] = field(default_factory=list)
    #: Method the backend receives. Default: None (the route's method).
    integration_http_method: str | None = None

    def __post_init__(self) -> None:
        parse_route_path(self.path)
        if self.method not in HTTP_METHODS:
            raise ValueError(f"method '{self.method}' is not one of {', '.join(HTTP_METHODS)}.")
        if (
            self.integration_http_method is not None
            and self.integration_http_method not in HTTP_METHODS
        ):
            raise ValueError(
                f"integrationHttpMethod '{self.integration_http_method}' is not one of "
                f"{', '.join(HTTP_METHODS)}."
            )
        if self.authorization not in AUTHORIZATIONS:
            raise ValueError(
                f"authorization '{self.authorization}' is not one of {', '.join(AUTHORIZATIONS)}."
            )
        object.__setattr__(self, "authorization", Authorization(self.authorization))
        object.__setattr__(self, "authorization_scopes", list(self.authorization_scopes))
        needs_authorizer = self.authorization in ("CUSTOM", "COGNITO_USER_POOLS")
        if needs_authorizer and not self.authorizer:
            raise ValueError(
                f"authorization {self.authorization} needs an authorizer: name one of the "
                "stack's authorizers in the route's 'authorizer' field."
            )
        if not needs_authorizer and self.authorizer:
            raise ValueError(
                f"authorizer '{self.authorizer}' is set but authorization is {self.authorization}; "
                "set authorization to CUSTOM or COGNITO_USER_POOLS, or remove the authorizer."
            )
        if self.authorization_scopes and self.authorization != "COGNITO_USER_POOLS":
            raise ValueError("authorizationScopes only apply to COGNITO_USER_POOLS routes.")

    @property
    def path_parts(self) -> tuple[str, ...]:
        return parse_route_path(self.path)

    @property
    def backend_method(self) -> str:
        return self.integration_http_method or self.method


def route_problems(
    routes: Sequence[RouteSpec], authorizers: Mapping[str, AuthorizerSpec]
) -> list[Problem]:
    """The routes together: at least one, paths API Gateway can hold side by side, each method
    once per path, each authorizer defined and of the route's authorization."""
    found: list[Problem] = []
    if not routes:
        found.append(("routes", "no route is defined; add at least one, such as GET /."))
    found.extend(
        (f"routes[{index}].path", problem)
        for index, problem in sibling_problems([route.path for route in routes])
    )
    seen: set[tuple[str, str]] = set()
    for index, route in enumerate(routes):
        where = f"routes[{index}]"
        if (route.path, route.method) in seen:
            found.append((where, f"{route.method} {route.path} is defined twice; keep one."))
        seen.add((route.path, route.method))
        found.extend(_authorizer_problems(route, authorizers, f"{where}.authorizer"))
    return found


def _authorizer_problems(
    route: RouteSpec, authorizers: Mapping[str, AuthorizerSpec], where: str
) -> list[Problem]:
    """The route's authorizer: one of the API's, of the kind its authorization uses."""
    if route.authorizer is None:
        return []
    authorizer = authorizers.get(route.authorizer)
    if authorizer is None:
        return [
            (
                where,
                f"'{route.authorizer}' is not one of the authorizers "
                f"({', '.join(sorted(authorizers)) or 'none defined'}).",
            )
        ]
    if authorizer.is_lambda != (route.authorization == "CUSTOM"):
        return [
            (
                where,
                f"'{route.authorizer}' is a {authorizer.type} authorizer; use it with "
                f"authorization {'CUSTOM' if authorizer.is_lambda else 'COGNITO_USER_POOLS'}.",
            )
        ]
    return []
