"""The rule `method-requires-authorization`: its function and its metadata (`POLICY`).

Why: A method with authorization NONE is open to anyone who can reach the API.
"""

from __future__ import annotations

from typing import Final

import pack_values as pv
from pack_graph import StackGraph
from pulumi_policy import (
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from rule_support import (
    ADVISORY,
    METHOD,
    config_strings,
    schema,
)


def _normal_path(path: str) -> str:
    return "/" + path.strip().strip("/")


def method_requires_authorization(args: StackValidationArgs, report: ReportViolation) -> None:
    """A method with authorization NONE is open to anyone who can reach the API."""
    graph = StackGraph(args.resources)
    public_paths = {_normal_path(p) for p in config_strings(args, "publicPaths")}
    for method in graph.of_type(METHOD):
        authorization = pv.get(method.props, "authorization")
        if not isinstance(authorization, str) or authorization.upper() != "NONE":
            continue
        http_method = pv.get(method.props, "httpMethod")
        if isinstance(http_method, str) and http_method.upper() == "OPTIONS":
            continue  # CORS preflight, as Checkov allows
        path = graph.path_of(method)
        if public_paths and (path is None or _normal_path(path) in public_paths):
            continue  # allowlisted, or its path is unknown and might be
        route = [http_method if isinstance(http_method, str) else "", path or ""]
        where = f" ({' '.join(p for p in route if p)})" if any(route) else ""
        allow = f"'{path}'" if path else "its path"
        report(
            f"Method '{method.name}'{where} has authorization NONE, so anyone who can reach the "
            "API can call it; set authorization to AWS_IAM, CUSTOM or COGNITO_USER_POOLS, or add "
            f"{allow} to this rule's publicPaths if it is meant to be public.",
            method.urn,
        )


#: The rule as the pack declares it: name, default level, description, settings.
POLICY: Final = StackValidationPolicy(
    name="method-requires-authorization",
    description="Methods must not use authorization NONE outside publicPaths (CKV_AWS_59).",
    validate=method_requires_authorization,
    enforcement_level=ADVISORY,
    config_schema=schema(
        publicPaths={
            "type": "array",
            "items": {"type": "string", "pattern": "^/"},
            "default": [],
            "description": "Resource paths (such as /health) whose methods may be public.",
        }
    ),
)
