"""What API Gateway's import accepts, as data and pure checks: one validator for every definition.

Every API, from `routes` or from `openApiFile`, becomes one OpenAPI 3.0 document; the rules below
judge that document (and a route's path, through `path_problem`) before any resource exists, so a
path refused through `routes` is refused through a file with the same sentence and the same fix.
Each rule names its source. The module imports nothing from Pulumi or the program: the policy pack
keeps its own copy (separate venv), and a test binds the two.

Sources named below:
- IMPORT: the messages API Gateway's import returns (issue 18 quotes them): "Resource's path part
  only allow a-zA-Z0-9._- and curly braces at the beginning and the end"; "A sibling ({id}) of
  this resource already has a variable path part -- only one is allowed"; CreateDeployment's
  "The REST API doesn't contain any methods".
- EXTENSION: developer guide, "x-amazon-apigateway-integration object" (`type`: "http,
  http_proxy, aws, aws_proxy, mock"; `timeoutInMillis`: "between 50 and 29,000 milliseconds").
- PUT_INTEGRATION: API reference, PutIntegration (`integrationHttpMethod`: optional for MOCK only,
  "for all other types, you must specify this property"; `uri`: required for HTTP and AWS types;
  `connectionId` with `connectionType` VPC_LINK).
- QUOTAS: developer guide, "Amazon API Gateway quotas" ("Resources per API: 300", adjustable;
  "API definition file size: 6 MB"; integration timeout "50 milliseconds - 29 seconds", raisable
  for Regional and private APIs to 300,000 ms buffered; 900,000 ms streaming per "Stream the
  integration response for your proxy integrations").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: A literal path part. The import's message lists a-zA-Z0-9._- (IMPORT, as issue 18 quotes it);
#: ':' is accepted as well: AWS's "important notes" for REST APIs list colons among a path
#: segment's characters (as aws-amplify/amplify-category-api#2719 quotes them), moto's maintainers
#: found CreateResource takes it "based on some cursory testing against AWS" (getmoto/moto#6148),
#: and aws-cdk#22477 reports `events:batch` working in the console. Not verified by a deploy here.
LITERAL_PATH_PART = re.compile(r"^[A-Za-z0-9._:-]+$")
#: IMPORT (curly braces around the whole part); names as `method.request.path.<name>` takes them.
PARAM_PATH_PART = re.compile(r"^\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<greedy>\+?)\}$")
#: Path item keys the import turns into methods: OpenAPI's operations without `trace` (API
#: Gateway has no TRACE method: PutMethod's httpMethod is "DELETE, GET, HEAD, OPTIONS, PATCH,
#: POST, PUT or ANY") and the extension `x-amazon-apigateway-any-method`.
ANY_METHOD = "x-amazon-apigateway-any-method"
OPERATION_KEYS = ("get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD)
HTTP_METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
INTEGRATION = "x-amazon-apigateway-integration"
#: EXTENSION: integration types, in the extension's (case-insensitive) spelling.
INTEGRATION_TYPES = ("http", "http_proxy", "aws", "aws_proxy", "mock")
#: QUOTAS.
RESOURCES_PER_API = 300
MAX_BODY_BYTES = 6 * 1024 * 1024
#: QUOTAS: "Integration timeout: 50 milliseconds - 29 seconds", raisable for Regional and
#: private APIs.
MIN_TIMEOUT_MS = 50
MAX_TIMEOUT_MS = 29_000
#: The most any quota increase allows: pulumi-aws `apigateway.Integration.timeout_milliseconds`
#: ("The maximum value is 300,000 when response_transfer_mode is BUFFERED"), as AWS's quotas
#: page says of the raised quota.
MAX_LONG_TIMEOUT_MS = 300_000
#: A STREAM integration's most: "you can configure the integration timeout up to 15 minutes"
#: without a quota increase (developer guide, "Set up an HTTP proxy integration with payload
#: response streaming"; pulumi-aws `timeout_milliseconds`: "900,000 when ... STREAM").
MAX_STREAM_TIMEOUT_MS = 900_000
#: How many `$ref`s a path item may chain through before it is refused as a loop.
MAX_REF_HOPS = 32


@dataclass(frozen=True)
class Limits:
    """The stack's settings the timeout rule reads (timeoutMs's own keys)."""

    allow_long: bool = False
    endpoint_type: str = "REGIONAL"
    transfer_mode: str | None = None


@dataclass(frozen=True)
class Finding:
    """One refusal: the JSON pointer in the document and a sentence with the fix."""

    pointer: str
    message: str


def pointer(*parts: object) -> str:
    """RFC 6901: `/paths/~1orders~1{id}/get`."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def path_problem(path: str) -> str | None:
    """Why the import refuses `path` on its own, with the fix; None when it takes it."""
    if not path.startswith("/"):
        return f"'{path}' must start with '/', such as '/orders'."
    if path == "/":
        return None
    if path.endswith("/") or "//" in path:
        return f"'{path}' has an empty path part; remove the extra '/'."
    parts = path[1:].split("/")
    names: set[str] = set()
    for index, part in enumerate(parts):
        param = PARAM_PATH_PART.match(part)
        if param is None:
            if part.startswith("{") and part.endswith("}") and "{" not in part[1:-1]:
                return (
                    f"'{path}' has the parameter '{part}', whose name this program cannot map "
                    "(it becomes method.request.path.<name> and the backend URL's {name}): "
                    "use letters, digits and '_', starting with a letter or '_', such as "
                    "'{orderId}'."
                )
            if LITERAL_PATH_PART.match(part) is None:
                return (
                    f"'{path}' has the path part '{part}', which API Gateway rejects (\"only "
                    'allow a-zA-Z0-9._- and curly braces at the beginning and the end"); use '
                    "letters, digits, '.', '_', ':', '-', or a parameter such as '{id}' or "
                    "'{proxy+}' (no spaces, no percent-encoding)."
                )
            continue
        name = param.group("name")
        if name in names:
            return f"'{path}' uses the path parameter '{{{name}}}' twice; rename one."
        names.add(name)
        if param.group("greedy") and index != len(parts) - 1:
            return f"'{path}' has the greedy parameter '{part}' before its end; it must be last."
    return None


def sibling_problems(paths: Sequence[str]) -> Iterator[tuple[int, str]]:
    """(index, problem) for each path whose variable part has a differently named sibling."""
    variable_child: dict[tuple[str, ...], str] = {}
    for index, path in enumerate(paths):
        parts = tuple(p for p in path.strip("/").split("/") if p)
        for depth, part in enumerate(parts):
            if PARAM_PATH_PART.match(part) is None:
                continue
            other = variable_child.setdefault(parts[:depth], part)
            if other != part:
                yield (
                    index,
                    f"'{path}' puts '{part}' beside '{other}' under the same parent; API Gateway "
                    f'allows one parameter per level ("A sibling ({other}) of this resource '
                    'already has a variable path part -- only one is allowed"), so use the '
                    "same name.",
                )
                break


def timeout_problem(timeout_ms: int, limits: Limits) -> str | None:
    """Why a timeout is outside what the stack's settings allow (timeoutMs and every operation's
    own `timeoutInMillis` alike), with the fix."""
    if timeout_ms < MIN_TIMEOUT_MS:
        return f"{timeout_ms} ms is below API Gateway's minimum of {MIN_TIMEOUT_MS} ms."
    if limits.transfer_mode == "STREAM":
        # Streaming needs no quota increase to pass 29 seconds ("Exceed API Gateway's 29 second
        # timeout limit without requesting an integration timeout limit increase", developer
        # guide, "Stream the integration response"), on every endpoint type the guide names.
        if timeout_ms > MAX_STREAM_TIMEOUT_MS:
            return (
                f"{timeout_ms} ms is above {MAX_STREAM_TIMEOUT_MS} ms (15 minutes), the most "
                "API Gateway allows a streaming (STREAM) integration; lower it."
            )
        return None
    if timeout_ms > MAX_LONG_TIMEOUT_MS:
        stream = (
            f"; a streaming integration (responseTransferMode STREAM) may take up to "
            f"{MAX_STREAM_TIMEOUT_MS} ms"
            if timeout_ms <= MAX_STREAM_TIMEOUT_MS
            else ""
        )
        return (
            f"{timeout_ms} ms is above {MAX_LONG_TIMEOUT_MS} ms, the most API Gateway allows "
            f"a buffered integration even with a raised quota; lower it{stream}."
        )
    if timeout_ms > MAX_TIMEOUT_MS and not limits.allow_long:
        return (
            f"{timeout_ms} ms is above API Gateway's default maximum of {MAX_TIMEOUT_MS} ms; "
            "lower it, set allowLongTimeout to true once your account's integration timeout "
            "quota has been raised (REGIONAL and PRIVATE APIs only), or stream the responses "
            f"(responseTransferMode STREAM, up to {MAX_STREAM_TIMEOUT_MS} ms without a quota "
            "increase)."
        )
    if timeout_ms > MAX_TIMEOUT_MS and limits.endpoint_type == "EDGE":
        return (
            f"{timeout_ms} ms is above {MAX_TIMEOUT_MS} ms, which EDGE APIs cannot exceed; "
            "lower it or use a REGIONAL endpoint."
        )
    return None


def resolve(document: Mapping[str, Any], value: Any) -> tuple[Any, str | None]:
    """`value` with local `$ref`s followed, or (None, problem) for a ref the import cannot take."""
    for _ in range(MAX_REF_HOPS):
        if not (isinstance(value, Mapping) and "$ref" in value):
            return value, None
        ref = value["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return None, (
                f"'$ref: {str(ref)[:200]}' points outside the document; the RestApi's body is "
                "one document, so move what it points at under components in this file and "
                "refer to it as '#/components/...'."
            )
        target: Any = document
        for raw in ref[2:].split("/"):
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(target, Mapping) and key in target:
                target = target[key]
            elif isinstance(target, list) and key.isdigit() and int(key) < len(target):
                target = target[int(key)]
            else:
                return None, (
                    f"'$ref: {ref[:200]}' points at nothing in the document; define it there, "
                    "or fix the reference."
                )
        value = target
    return None, f"the '$ref's chain more than {MAX_REF_HOPS} times (a loop?); break the chain."


def ref_findings(document: Mapping[str, Any]) -> list[Finding]:
    """Every `$ref` that is not a local pointer to something in the document."""
    found: list[Finding] = []
    stack: list[tuple[tuple[object, ...], Any]] = [((), document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, Mapping):
            if "$ref" in value:
                _, problem = resolve(document, {"$ref": value["$ref"]})
                if problem is not None:
                    found.append(Finding(pointer(*where, "$ref"), problem))
            stack.extend(((*where, k), v) for k, v in value.items() if k != "$ref")
        elif isinstance(value, list):
            stack.extend(((*where, i), v) for i, v in enumerate(value))
    return sorted(found, key=lambda f: f.pointer)


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(path, operation key, operation) for every method the import makes, refs followed."""
    paths = document.get("paths")
    if not isinstance(paths, Mapping):
        return
    for path, raw_item in paths.items():
        item, _ = resolve(document, raw_item)
        if not isinstance(item, Mapping):
            continue
        for key in OPERATION_KEYS:
            if key in item:
                operation, _ = resolve(document, item[key])
                yield str(path), key, operation


def integration_problem(integration: Any, limits: Limits) -> tuple[str, str] | None:
    """(field, problem) of an operation's own `x-amazon-apigateway-integration`, if any."""
    if not isinstance(integration, Mapping):
        return "", "must be an object with at least type, httpMethod and uri."
    kind = integration.get("type")
    if not isinstance(kind, str) or kind.lower() not in INTEGRATION_TYPES:
        shown = "no type" if kind is None else f"type '{kind}'"
        return "type", (
            f"has {shown}; give one of {', '.join(INTEGRATION_TYPES)} (http_proxy through the "
            "VPC link, as the program generates it), or remove the integration to get the "
            "private one."
        )
    if kind.lower() != "mock":
        for field, what in (("httpMethod", "the backend's method"), ("uri", "the backend URL")):
            if not isinstance(integration.get(field), str) or not integration[field]:
                return field, f"is missing; a {kind} integration needs {what} in '{field}'."
    if integration.get("connectionType") == "VPC_LINK" and not integration.get("connectionId"):
        return "connectionId", (
            "is missing; a VPC_LINK integration needs connectionId: "
            "'${stageVariables.vpcLinkId}' (the stage variable)."
        )
    timeout = integration.get("timeoutInMillis")
    if timeout is not None:
        if not isinstance(timeout, int) or isinstance(timeout, bool):
            return "timeoutInMillis", f"is {timeout!r}; give a whole number of milliseconds."
        problem = timeout_problem(timeout, limits)
        if problem is not None:
            return "timeoutInMillis", problem
    return None


def document_findings(document: Mapping[str, Any], limits: Limits) -> list[Finding]:
    """Every rule above, on a whole document, as findings with pointers."""
    found = ref_findings(document)
    if found:
        return found  # the rules below read through refs: judge them once the refs resolve
    paths = document.get("paths")
    path_list = [str(p) for p in paths] if isinstance(paths, Mapping) else []
    for path in path_list:
        problem = path_problem(path)
        if problem is not None:
            found.append(Finding(pointer("paths", path), problem))
    found.extend(Finding(pointer("paths", path_list[i]), m) for i, m in sibling_problems(path_list))
    methods = 0
    for path, key, operation in operations(document):
        if not isinstance(operation, Mapping):
            continue
        methods += 1
        if INTEGRATION in operation:
            bad = integration_problem(operation[INTEGRATION], limits)
            if bad is not None:
                field, message = bad
                where = pointer("paths", path, key, INTEGRATION, *([field] if field else []))
                found.append(Finding(where, message))
    if methods == 0:
        found.append(
            Finding(
                "/paths",
                "has no method API Gateway imports (it takes get, put, post, delete, options, "
                "head, patch and x-amazon-apigateway-any-method; not trace), so the deployment "
                'would fail ("The REST API doesn\'t contain any methods"); add at least one '
                "operation.",
            )
        )
    return found


def resource_count(paths: Sequence[str]) -> int:
    """API Gateway resources the paths need: one per distinct path prefix, plus the root."""
    prefixes: set[tuple[str, ...]] = set()
    for path in paths:
        parts = tuple(part for part in path.strip("/").split("/") if part)
        prefixes.update(parts[:depth] for depth in range(1, len(parts) + 1))
    return len(prefixes) + 1


def resource_quota_warning(paths: Sequence[str]) -> str | None:
    """QUOTAS: a warning (the quota is adjustable) when the paths need more than 300 resources."""
    count = resource_count(paths)
    if count <= RESOURCES_PER_API:
        return None
    return (
        f"the API needs {count} API Gateway resources (one per path part, the root included), "
        f"above the default quota of {RESOURCES_PER_API} 'Resources per API' (Service Quotas, "
        "Amazon API Gateway); request an increase before `pulumi up`, or API Gateway refuses "
        "the routes past the quota."
    )


def body_size_problem(body: str) -> str | None:
    """QUOTAS: why the import would refuse a body this large (its UTF-8 bytes), if it would."""
    size = len(body.encode())
    if size <= MAX_BODY_BYTES:
        return None
    return (
        f"the OpenAPI document is {size} bytes, above API Gateway's {MAX_BODY_BYTES} byte limit "
        "for an imported API definition; split the API into several."
    )
