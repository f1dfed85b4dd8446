"""Stack configuration: read once, checked whole, turned into `PrivateRestApiArgs`.

Values arrive as the CLI hands them to the program: namespaced keys (`private-api:vpcLinks`),
strings for scalars, JSON text for structured values, with `Pulumi.yaml` defaults already applied.
Every problem is collected and reported in one `ConfigError` before any resource is registered.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import pulumi
import pulumi.runtime.config

from components import openapi
from components.args import (
    AuthorizerSpec,
    CanarySpec,
    InvalidArgsError,
    PrivateRestApiArgs,
    RouteSpec,
    VpcLinkSpec,
)

NAMESPACE = "private-api"
T = TypeVar("T")


class ConfigError(pulumi.RunError):
    """Bad stack configuration. Pulumi's Python host prints a RunError as a plain message."""


@dataclass(frozen=True)
class Key:
    """A config key the program reads: its Pulumi.yaml type and default (None: required)."""

    name: str
    type: str
    default: Any = None

    @property
    def full(self) -> str:
        return f"{NAMESPACE}:{self.name}"


#: Every key, with the type and default `Pulumi.yaml` declares (a test keeps the two in step).
KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key("vpcLinks", "object"),
        Key("activeVpcLink", "string"),
        Key("integrationUri", "string"),
        Key("canary", "object", {}),
        # Empty: the walkthrough's GET / (RouteSpec()), unless openApiFile gives the routes.
        Key("routes", "array", []),
        Key("authorizers", "object", {}),
        Key("stageName", "string", ""),
        Key("stageVariable", "string", "vpcLinkId"),
        Key("endpointType", "string", "REGIONAL"),
        Key("vpcEndpointIds", "array", []),
        Key("timeoutMs", "integer", 29000),
        Key("allowLongTimeout", "boolean", False),
        Key("tags", "object", {}),
        Key("tracingEnabled", "boolean", False),
        Key("accessLogging", "boolean", False),
        Key("logRetentionDays", "integer", 30),
        Key("loggingLevel", "string", "OFF"),
        Key("metricsEnabled", "boolean", False),
        Key("clientCertificate", "boolean", False),
        Key("webAclArn", "string", ""),
        Key("apiDefinition", "string", "openapi"),
        Key("openApiFile", "string", ""),
        Key("retainRouteResources", "boolean", False),
        Key("clearImportedRoutes", "boolean", False),
    )
}

# Where PrivateRestApiArgs reports a field, the stack file has this key.
_ARG_FIELD_TO_KEY = {
    "vpc_links": "vpcLinks",
    "active_vpc_link": "activeVpcLink",
    "integration_uri": "integrationUri",
    "canary": "canary",
    "routes": "routes",
    "stage_name": "stageName",
    "stage_variable": "stageVariable",
    "endpoint_type": "endpointType",
    "vpc_endpoint_ids": "vpcEndpointIds",
    "timeout_ms": "timeoutMs",
    "tags": "tags",
    "log_retention_days": "logRetentionDays",
    "logging_level": "loggingLevel",
    "web_acl_arn": "webAclArn",
    "api_definition": "apiDefinition",
    "openapi_document": "openApiFile",
    "retain_route_resources": "retainRouteResources",
    "clear_imported_routes": "clearImportedRoutes",
}

#: Where a relative openApiFile is found: the project directory, the CLI's working directory.
PROJECT_DIR = Path(__file__).resolve().parent


class _Problems:
    """Collects (key, message) pairs so one run reports every mistake at once."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))

    def attempt(self, where: str, build: Callable[..., T], **kwargs: Any) -> T | None:
        """Build a value, recording a ValueError as a problem at `where`."""
        try:
            return build(**kwargs)
        except ValueError as error:
            self.add(where, str(error))
            return None

    def raise_if_any(self) -> None:
        if not self.items:
            return
        lines = [f"{NAMESPACE}:{where}: {message}" for where, message in self.items]
        if len(lines) == 1:
            raise ConfigError(f"Invalid stack configuration: {lines[0]}")
        raise ConfigError(
            f"Invalid stack configuration ({len(lines)} problems):\n"
            + "\n".join(f"  - {line}" for line in lines)
        )


def parse(
    values: Mapping[str, str],
    *,
    stack: str,
    aws_region: str | None = None,
) -> PrivateRestApiArgs:
    """Turn the CLI's config map into component args, or raise one ConfigError listing all problems.

    `values` holds full keys (`private-api:timeoutMs`) and the strings the CLI passes; keys of other
    namespaces are ignored. `aws_region` is where the stack deploys, when known.
    """
    problems = _Problems()
    raw = _decode(values, problems)
    problems.raise_if_any()

    links = _vpc_links(raw["vpcLinks"], problems)
    routes = _routes(raw["routes"], problems)
    authorizers = _authorizers(raw["authorizers"], problems)
    canary = _canary(raw["canary"], problems)
    tags = _string_map(raw["tags"], "tags", problems)
    endpoint_ids = _string_list(raw["vpcEndpointIds"], "vpcEndpointIds", problems)
    document = _openapi_file(raw, problems)
    problems.raise_if_any()

    if aws_region:
        for name, link in links.items():
            if link.region is not None and link.region != aws_region:
                problems.add(
                    f"vpcLinks.{name}.targetArn",
                    f"the NLB is in {link.region} but this stack deploys to {aws_region} "
                    "(aws:region); a REST API can only use VPC links of its own region: use an NLB "
                    f"in {aws_region}, or change aws:region.",
                )

    stage_name = raw["stageName"] or stack
    try:
        args = PrivateRestApiArgs(
            vpc_links=links,
            active_vpc_link=raw["activeVpcLink"],
            integration_uri=raw["integrationUri"],
            stage_name=stage_name,
            routes=tuple(routes) or (RouteSpec(),),
            authorizers=authorizers,
            canary=canary,
            stage_variable=raw["stageVariable"],
            endpoint_type=raw["endpointType"],
            vpc_endpoint_ids=tuple(endpoint_ids),
            timeout_ms=raw["timeoutMs"],
            allow_long_timeout=raw["allowLongTimeout"],
            tags=tags,
            tracing_enabled=raw["tracingEnabled"],
            access_logging=raw["accessLogging"],
            log_retention_days=raw["logRetentionDays"],
            logging_level=raw["loggingLevel"],
            metrics_enabled=raw["metricsEnabled"],
            client_certificate=raw["clientCertificate"],
            web_acl_arn=raw["webAclArn"] or None,
            api_definition=raw["apiDefinition"],
            openapi_document=document,
            retain_route_resources=raw["retainRouteResources"],
            clear_imported_routes=raw["clearImportedRoutes"],
        )
    except InvalidArgsError as error:
        for where, message in error.problems:
            key = _config_path(where)
            note = ""
            if key == "stageName" and not raw["stageName"]:
                note = f" The stage is named after the stack '{stack}' unless stageName is set."
            problems.add(key, message + note)
        problems.raise_if_any()
        raise AssertionError("unreachable") from error
    document = openapi.document_of(args, title=stack)
    problem = openapi.body_size_problem(openapi.canonical(document)) if document else None
    if problem is not None:
        problems.add("openApiFile" if raw["openApiFile"] else "routes", problem)
    problems.raise_if_any()
    return args


def from_runtime() -> PrivateRestApiArgs:
    """Parse the running program's config (what `pulumi up` passed), for `__main__.py`."""
    values: dict[str, Any] = {
        **pulumi.runtime.config.get_config_env(),
        **pulumi.runtime.config.CONFIG.get(),
    }
    region = (
        values.get("aws:region")
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
    )
    return parse(
        {k: v for k, v in values.items() if isinstance(v, str)},
        stack=pulumi.get_stack(),
        aws_region=region,
    )


def _config_path(where: str) -> str:
    match = re.match(r"^(?P<field>[a-z_]+)(?P<rest>.*)$", where)
    if match is None:
        return where
    field, rest = match.group("field"), match.group("rest")
    if field == "canary":
        rest = rest.replace(".vpc_link", ".vpcLink")
    return _ARG_FIELD_TO_KEY.get(field, field) + rest


def _decode(values: Mapping[str, str], problems: _Problems) -> dict[str, Any]:
    """Type-check every key of our namespace; an unknown key is a typo that would go unnoticed."""
    prefix = f"{NAMESPACE}:"
    for full_key in sorted(values):
        if full_key.startswith(prefix) and full_key[len(prefix) :] not in KEYS:
            name = full_key[len(prefix) :]
            close = difflib.get_close_matches(name, KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            problems.add(
                name,
                f"is not a setting of this project; {hint}remove it with `pulumi config rm "
                f"{name}` (the settings are listed in README.md and Pulumi.yaml).",
            )
    decoded: dict[str, Any] = {}
    for key in KEYS.values():
        text = values.get(key.full)
        if text is None:
            if key.default is None:
                problems.add(
                    key.name,
                    "is required; set it in Pulumi.<stack>.yaml (see README.md, 'Configuration').",
                )
            decoded[key.name] = key.default
            continue
        decoded[key.name] = _decode_value(key, text, problems)
    return decoded


def _decode_value(key: Key, text: str, problems: _Problems) -> Any:
    if key.type == "string":
        return text
    if key.type == "integer":
        if re.fullmatch(r"-?\d+", text.strip()) is None:
            problems.add(key.name, f"must be a whole number, not '{text}'.")
            return key.default
        return int(text)
    if key.type == "boolean":
        if text not in ("true", "false"):
            problems.add(key.name, f"must be true or false, not '{text}'.")
            return key.default
        return text == "true"
    expected = dict if key.type == "object" else list
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = text
    if not isinstance(value, expected):
        shape = "a map (YAML keys under it)" if key.type == "object" else "a list (YAML '- ' items)"
        problems.add(
            key.name,
            f"must be {shape} in the stack file, not {json.dumps(value)}; see Pulumi.prod.yaml "
            "for an example, or use `pulumi config set --path`.",
        )
        return key.default
    return value


def _openapi_file(raw: dict[str, Any], problems: _Problems) -> dict[str, Any] | None:
    """The team's OpenAPI document, read and validated, when openApiFile names one."""
    name = raw["openApiFile"]
    if not name:
        return None
    if raw["routes"]:
        problems.add(
            "routes",
            "routes and openApiFile are both set; define the routes in the OpenAPI file, or "
            "remove openApiFile with `pulumi config rm openApiFile`.",
        )
    if raw["apiDefinition"] == "resources":
        problems.add(
            "openApiFile",
            "is imported only with apiDefinition openapi; run `pulumi config set apiDefinition "
            "openapi`, or remove openApiFile and give routes.",
        )
        return None
    path = Path(name)
    return problems.attempt(
        "openApiFile",
        openapi.load_document,
        path=path if path.is_absolute() else PROJECT_DIR / path,
    )


def _vpc_links(raw: dict[str, Any], problems: _Problems) -> dict[str, VpcLinkSpec]:
    links: dict[str, VpcLinkSpec] = {}
    for name, entry in raw.items():
        where = f"vpcLinks.{name}"
        fields = _fields(entry, where, {"targetArn", "id", "kind", "description"}, problems)
        if fields is None:
            continue
        target = _opt(fields, "targetArn", str, where, problems)
        link_id = _opt(fields, "id", str, where, problems)
        kind = _opt(fields, "kind", str, where, problems) or "v1"
        description = _opt(fields, "description", str, where, problems)
        spec = problems.attempt(
            where,
            VpcLinkSpec,
            target_arn=target,
            vpc_link_id=link_id,
            kind=kind,
            description=description,
        )
        if spec is not None:
            links[name] = spec
    return links


def _routes(raw: list[Any], problems: _Problems) -> list[RouteSpec]:
    allowed = {
        "path",
        "method",
        "authorization",
        "authorizer",
        "authorizationScopes",
        "integrationHttpMethod",
    }
    routes = []
    for index, entry in enumerate(raw):
        where = f"routes[{index}]"
        fields = _fields(entry, where, allowed, problems)
        if fields is None:
            continue
        path = _opt(fields, "path", str, where, problems)
        if path is None:
            problems.add(where, "has no path; give one, such as '/' or '/{proxy+}'.")
            continue
        method = (_opt(fields, "method", str, where, problems) or "GET").upper()
        authorization = (_opt(fields, "authorization", str, where, problems) or "NONE").upper()
        backend = _opt(fields, "integrationHttpMethod", str, where, problems)
        scopes = _string_list(
            fields.get("authorizationScopes", []), f"{where}.authorizationScopes", problems
        )
        authorizer = _opt(fields, "authorizer", str, where, problems)
        route = problems.attempt(
            where,
            RouteSpec,
            path=path,
            method=method,
            authorization=authorization,
            authorizer=authorizer,
            authorization_scopes=tuple(scopes),
            integration_http_method=backend.upper() if backend else None,
        )
        if route is not None:
            routes.append(route)
    return routes


def _authorizers(raw: dict[str, Any], problems: _Problems) -> dict[str, AuthorizerSpec]:
    allowed = {"type", "functionArn", "providerArns", "identitySource", "resultTtlSeconds"}
    result = {}
    for name, entry in raw.items():
        where = f"authorizers.{name}"
        fields = _fields(entry, where, allowed, problems)
        if fields is None:
            continue
        kind = _opt(fields, "type", str, where, problems)
        if kind is None:
            problems.add(where, "has no type; use TOKEN, REQUEST or COGNITO_USER_POOLS.")
            continue
        function_arn = _opt(fields, "functionArn", str, where, problems)
        providers = _string_list(fields.get("providerArns", []), f"{where}.providerArns", problems)
        source = _opt(fields, "identitySource", str, where, problems)
        ttl = _opt(fields, "resultTtlSeconds", int, where, problems)
        spec = problems.attempt(
            where,
            AuthorizerSpec,
            type=kind.upper(),
            function_arn=function_arn,
            provider_arns=tuple(providers),
            identity_source=source or "method.request.header.Authorization",
            result_ttl_seconds=300 if ttl is None else ttl,
        )
        if spec is not None:
            result[name] = spec
    return result


def _canary(raw: dict[str, Any], problems: _Problems) -> CanarySpec | None:
    if not raw:
        return None
    fields = _fields(raw, "canary", {"vpcLink", "percent"}, problems)
    if fields is None:
        return None
    link = _opt(fields, "vpcLink", str, "canary", problems)
    percent = _opt(fields, "percent", float, "canary", problems)
    if link is None or percent is None:
        problems.add(
            "canary",
            "needs both vpcLink and percent, such as {vpcLink: green, percent: 10}: run "
            "`pulumi config set --path canary.vpcLink green` and `pulumi config set --path "
            "canary.percent 10`, or remove the canary with `pulumi config rm canary`.",
        )
        return None
    return problems.attempt("canary.percent", CanarySpec, vpc_link=link, percent=percent)


def _fields(
    entry: Any, where: str, allowed: set[str], problems: _Problems
) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        problems.add(
            where, f"must be a map of {', '.join(sorted(allowed))}, not {json.dumps(entry)}."
        )
        return None
    unknown = sorted(set(entry) - allowed)
    for name in unknown:
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        problems.add(
            f"{where}.{name}",
            f"is not a field here; {hint}the fields are {', '.join(sorted(allowed))}.",
        )
    return None if unknown else entry


_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def _opt(
    fields: dict[str, Any], name: str, kind: type[T], where: str, problems: _Problems
) -> T | None:
    """A field's value if present and of the right type (ints count as numbers; bools never do)."""
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        ok = False
    elif kind is float:
        ok = isinstance(value, int | float)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, kind)
    if not ok:
        problems.add(f"{where}.{name}", f"must be {_TYPE_NAMES[kind]}, not {json.dumps(value)}.")
        return None
    return cast(T, value)


def _string_list(value: Any, where: str, problems: _Problems) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(where, f"must be a list of strings, not {json.dumps(value)}.")
        return []
    return value


def _string_map(value: dict[str, Any], where: str, problems: _Problems) -> dict[str, str]:
    for key, item in value.items():
        if not isinstance(item, str):
            problems.add(f"{where}.{key}", f"must be a string, not {json.dumps(item)}; quote it.")
    return {k: v for k, v in value.items() if isinstance(v, str)}
