"""Reading a REST API's OpenAPI `body`: the integrations an import would create, one per operation.

A `RestApi` defined by a body (this project's `apiDefinition: openapi`, Pulumi's `aws-apigateway`
component, any program that imports OpenAPI) has no `Integration` resources: its integrations are
`x-amazon-apigateway-integration` objects inside the body, a JSON or YAML string in OpenAPI 3 or
Swagger 2 (the extension is the same in both). Each is presented to the integration rules with the
`Integration` resource's property names, so one rule judges both forms. A body not known yet (an
output, at preview) is skipped, never guessed; one that does not parse is reported by the advisory
rule `rest-api-body-parses`, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import pack_values as pv
import yaml
from pulumi_policy import ReportViolation, ResourceValidationArgs

REST_API: Final = "aws:apigateway/restApi:RestApi"
INTEGRATION: Final = "aws:apigateway/integration:Integration"
EXTENSION: Final = "x-amazon-apigateway-integration"
ANY_METHOD: Final = "x-amazon-apigateway-any-method"
#: Path item keys API Gateway imports as methods (OpenAPI's operations and its own ANY).
OPERATION_KEYS: Final = ("get", "put", "post", "delete", "options", "head", "patch", ANY_METHOD)
#: The extension's names for what an `Integration` resource calls otherwise.
_RENAMED: Final = {"timeoutInMillis": "timeoutMilliseconds", "httpMethod": "integrationHttpMethod"}


@dataclass(frozen=True)
class BodyIntegration:
    """One operation's integration, as an `Integration` resource would hold it."""

    #: How messages name it: "GET /orders/{id}".
    operation: str
    #: The extension's fields under the `Integration` resource's names, `type` upper-cased.
    props: Mapping[str, Any]


@dataclass(frozen=True)
class Body:
    """What a RestApi's body says: its integrations, or why it could not be read."""

    integrations: tuple[BodyIntegration, ...] = ()
    #: Why the body could not be read ("" when it was, or when there is none).
    problem: str = ""


NO_BODY: Final = Body()


def read_body(props: object) -> Body | pv.Unknown:
    """The body of a RestApi's properties: absent, unknown (at preview), unreadable, or read."""
    value = pv.get(props, "body")
    if isinstance(value, pv.Unknown):
        return value
    if pv.is_absent(value):
        return NO_BODY
    if not isinstance(value, str):
        return Body(problem=f"is {pv.shown(value)}, not a JSON or YAML string")
    return parse_body(value)


def parse_body(text: str) -> Body:
    """Parse a body (JSON first, the common case, then YAML) and collect its integrations."""
    try:
        document: object = json.loads(text)
    except ValueError:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            return Body(problem=f"is neither JSON nor YAML{where}")
    if not isinstance(document, Mapping):
        return Body(problem="is not an OpenAPI document (its top level is not a map)")
    if not ("openapi" in document or "swagger" in document):
        return Body(problem="has neither an 'openapi' nor a 'swagger' version")
    paths = document.get("paths", {})
    if not isinstance(paths, Mapping):
        return Body(problem="has 'paths' that is not a map")
    found: list[BodyIntegration] = []
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for key in OPERATION_KEYS:
            operation = item.get(key)
            if not isinstance(operation, Mapping) or EXTENSION not in operation:
                continue
            spec = operation[EXTENSION]
            method = "ANY" if key == ANY_METHOD else key.upper()
            found.append(BodyIntegration(f"{method} {path}", _as_integration(spec)))
    return Body(integrations=tuple(found))


def _as_integration(spec: object) -> dict[str, Any]:
    if not isinstance(spec, Mapping):
        return {"type": spec}
    props = {_RENAMED.get(str(k), str(k)): v for k, v in spec.items()}
    kind = props.get("type")
    if isinstance(kind, str):
        props["type"] = kind.upper()
    return props


Rule = Callable[[ResourceValidationArgs, ReportViolation], None]


def judge_body(args: ResourceValidationArgs, report: ReportViolation, rule: Rule) -> None:
    """Run an integration rule on each integration of a RestApi's body, naming the operation."""
    body = read_body(args.props)
    if isinstance(body, pv.Unknown):
        return  # known at `pulumi up`; never guessed
    for integration in body.integrations:
        label = f"Operation '{integration.operation}' in the body of RestApi '{args.name}'"
        token = f"\0{integration.operation}\0"

        def named(
            message: str, urn: str | None = None, *, _token: str = token, _label: str = label
        ) -> None:
            report(message.replace(f"Integration '{_token}'", _label), urn)

        rule(
            ResourceValidationArgs(
                INTEGRATION,
                integration.props,
                args.urn,
                token,
                args.opts,
                args.provider,
                args.get_config(),
                args.stack_tags,
            ),
            named,
        )
