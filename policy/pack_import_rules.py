"""What API Gateway's import refuses in an OpenAPI body: data, with each rule's source.

The program validates the documents it generates and reads against the same rules before it
registers anything; the pack runs in its own virtualenv and may not import the program, so it keeps
this copy; tests/policy/test_import_rules_bound.py keeps the two equal, as test_regions does for
the region table. Each check returns findings as predicates of the body
("has the path '/a b', whose part 'a b' ..."), which `rest-api-body-parses` reports (advisory: API
Gateway refuses such a body at `pulumi up` anyway, so a finding here warns early rather than
guards; the strict profile makes it mandatory).

Sources: AWS developer guide, "Import a REST API" / "OpenAPI extensions"
(x-amazon-apigateway-integration object) and API Gateway's own error messages, quoted below; the
6 MB limit is in pack_body.py. Not verified here against a live account (there is none): the
error strings are as API Gateway words them in its responses as documented and reported, and the
required fields follow PutIntegration's reference (type always; httpMethod and uri for every type
but MOCK).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

#: CreateResource's pathPart, as API Gateway's error says: "Resource's path part only allow
#: a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before
#: the closing brace". A literal part may also hold ':' (AWS's important notes for REST APIs as
#: aws-amplify/amplify-category-api#2719 quotes them, getmoto/moto#6148, aws-cdk#22477), as the
#: program's copy (components/import_rules.py) accepts; tests/policy/test_import_rules_bound.py
#: keeps the two equal.
PATH_PART: Final = re.compile(r"[a-zA-Z0-9._:-]+|\{[a-zA-Z0-9._-]+\+?\}")
#: A greedy path variable ("{proxy+}"): the last part of its path (developer guide, "Set up a proxy
#: integration with a proxy resource").
GREEDY_PART: Final = re.compile(r"\{[^{}]+\+\}")
VARIABLE_PART: Final = re.compile(r"\{[^{}]+\}")
#: Path item keys API Gateway imports as methods (OpenAPI's operations but TRACE, and its ANY).
IMPORTABLE_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch")
ANY_METHOD: Final = "x-amazon-apigateway-any-method"
#: x-amazon-apigateway-integration `type` (case-insensitive in the extension: "http_proxy").
INTEGRATION_TYPES: Final = ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK")
#: Types that need `httpMethod` and `uri` (every type but MOCK; PutIntegration: "Specifies the
#: integration's HTTP method type" and uri "required" for HTTP, HTTP_PROXY, AWS, AWS_PROXY).
NEEDS_BACKEND: Final = ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY")
CONNECTION_TYPES: Final = ("INTERNET", "VPC_LINK")
#: Integration fields that are strings when present.
STRING_FIELDS: Final = (
    "type",
    "httpMethod",
    "uri",
    "connectionType",
    "connectionId",
    "credentials",
    "passthroughBehavior",
    "contentHandling",
    "integrationTarget",
    "responseTransferMode",
)
#: CreateDeployment's refusal when nothing was imported: "The REST API doesn't contain any
#: methods".
NO_METHODS: Final = "The REST API doesn't contain any methods"


def path_problems(paths: Mapping[Any, Any]) -> list[str]:
    """Each path's parts, greedy variable, repeated parameters; one variable child per resource."""
    found: list[str] = []
    variables: dict[str, set[str]] = {}  # parent path -> its variable children
    for path in paths:
        if not isinstance(path, str):
            found.append(f"has a path that is not a string ({type(path).__name__})")
        elif path != "/":
            found.extend(_one_path_problems(path, variables))
    found.extend(_sibling_variable_problems(variables))
    return found


def _one_path_problems(path: str, variables: dict[str, set[str]]) -> list[str]:
    """One path's form, parts and parameters; its variable parts are added to `variables`."""
    shown = path if len(path) <= 80 else path[:76] + "..."
    parts = path.strip("/").split("/")
    if not path.startswith("/") or "" in parts:
        return [f"has the path '{shown}', which is not '/' followed by non-empty parts"]
    found: list[str] = []
    for index, part in enumerate(parts):
        found.extend(_part_problems(shown, part, last=index == len(parts) - 1))
        if VARIABLE_PART.fullmatch(part):
            parent = "/" + "/".join(parts[:index])
            variables.setdefault(parent, set()).add(part)
    names = [p.strip("{}").rstrip("+") for p in parts if VARIABLE_PART.fullmatch(p)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        found.append(f"has the path '{shown}', which repeats the path parameter '{repeated[0]}'")
    return found


def _part_problems(shown: str, part: str, *, last: bool) -> list[str]:
    """A path part API Gateway refuses, or a greedy variable before the last part."""
    if not PATH_PART.fullmatch(part):
        return [
            f"has the path '{shown}', whose part '{part[:40]}' API Gateway refuses "
            "(\"Resource's path part only allow a-zA-Z0-9._- and curly braces at the "
            'beginning and the end and an optional plus sign before the closing brace")'
        ]
    if GREEDY_PART.fullmatch(part) and not last:
        return [f"has the path '{shown}', whose greedy variable '{part}' is not its last part"]
    return []


def _sibling_variable_problems(variables: dict[str, set[str]]) -> list[str]:
    """A resource with more than one variable child, which API Gateway refuses."""
    return [
        f"gives the resource '{parent[:80]}' more than one variable child "
        f"({', '.join(sorted(children)[:3])}): "
        'API Gateway allows one ("A sibling ({...}) of this resource already has a '
        'variable path part -- only one is allowed")'
        for parent, children in sorted(variables.items())
        if len(children) > 1
    ]


def integration_problems(operation: str, spec: Mapping[Any, Any]) -> list[str]:
    """An x-amazon-apigateway-integration's required fields and allowed values."""
    found: list[str] = []
    where = f"the integration of '{operation}'"
    for key in STRING_FIELDS:
        if key in spec and spec[key] is not None and not isinstance(spec[key], str):
            found.append(f"gives {where} a {key} that is {kind_of(spec[key])}, not a string")
    kind = spec.get("type")
    if kind is None:
        found.append(f"gives {where} no type (one of {', '.join(INTEGRATION_TYPES)})")
    elif isinstance(kind, str) and kind.upper() not in INTEGRATION_TYPES:
        found.append(
            f"gives {where} the type '{kind[:40]}', not one of {', '.join(INTEGRATION_TYPES)}"
        )
    elif isinstance(kind, str) and kind.upper() in NEEDS_BACKEND:
        for key in ("httpMethod", "uri"):
            if spec.get(key) in (None, ""):
                found.append(f"gives {where} ({kind.upper()}) no {key}, which that type requires")
    connection = spec.get("connectionType")
    if isinstance(connection, str) and connection.upper() not in CONNECTION_TYPES:
        found.append(
            f"gives {where} the connectionType '{connection[:40]}', not INTERNET or VPC_LINK"
        )
    timeout = spec.get("timeoutInMillis")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int | float)):
        found.append(f"gives {where} a timeoutInMillis that is {kind_of(timeout)}, not a number")
    return found


def kind_of(value: object) -> str:
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string" if isinstance(value, str) else type(value).__name__
