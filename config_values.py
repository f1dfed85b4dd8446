"""The structured config values (`vpcLinks`, `routes`, `authorizers`, `canary`, `observability`,
lists and maps) read into the component's specs, and the collector of problems every reader reports
to, each problem named by its key's `--path` (`vpcLinks.blue.targetArn`).

`stack_config.parse` reads the scalars and calls these; split out so each module reads one layer.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from components.arns import (
    check_cognito_pool_arn,
    check_lambda_arn,
    check_load_balancer_arn,
    check_nlb_arn,
)
from components.authorizer_spec import (
    AUTHORIZER_TYPES,
    AuthorizerSpec,
    check_identity_source,
    check_result_ttl,
)
from components.canary_spec import CanarySpec

# The resource policy's text is built by the component; its length is what the quota counts.
from components.link_spec import (
    VPC_LINK_KINDS,
    VpcLinkSpec,
    check_security_group_ids,
    check_subnet_ids,
    check_vpc_link_id,
)
from components.observability_spec import ObservabilitySpec
from components.route_spec import AUTHORIZATIONS, RouteSpec, check_http_method, parse_route_path
from config_keys import NAMESPACE

T = TypeVar("T")


class Problems:
    """Collects (key, message) pairs so one run reports every mistake at once."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        #: Top-level keys with a problem: checks that read them would only add false problems.
        self.bad: set[str] = set()

    def add(self, where: str, message: str) -> None:
        self.items.append((where, message))
        self.bad.add(top_key(where))

    def attempt(self, where: str, build: Callable[..., T], **kwargs: Any) -> T | None:
        """Build a value, recording a ValueError as a problem at `where`."""
        try:
            return build(**kwargs)
        except ValueError as error:
            self.add(where, str(error))
            return None

    def report(self) -> str | None:
        """Every problem in one message, each named as `pulumi config set --path` spells its
        key; None when there is none."""
        if not self.items:
            return None
        lines = [f"{NAMESPACE}:{where}: {message}" for where, message in self.items]
        if len(lines) == 1:
            return f"Invalid stack configuration: {lines[0]}"
        return f"Invalid stack configuration ({len(lines)} problems):\n" + "\n".join(
            f"  - {line}" for line in lines
        )


def top_key(where: str) -> str:
    """The config key a `--path` names: `vpcLinks` of `vpcLinks.a.targetArn`, `routes[0].path`."""
    return re.split(r"[.\[]", where, maxsplit=1)[0]


def is_json_text(value: Any) -> bool:
    """A string holding a JSON object or list: what `pulumi config set KEY '{...}'` stores."""
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), dict | list)
    except json.JSONDecodeError:
        return False


def json_text_hint(where: str) -> str:
    return (
        "it is JSON text stored as a string, which is what `pulumi config set` without --path "
        f"stores: set each field with `pulumi config set --path '{where}.<field>' <value>`, "
        "or write it as a YAML map in Pulumi.<stack>.yaml."
    )


def shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 120 else text[:116] + "...'"


_LINK_FIELDS = {"targetArn", "id", "kind", "description", "subnetIds", "securityGroupIds"}


def read_vpc_links(raw: dict[str, Any], problems: Problems) -> dict[str, VpcLinkSpec]:
    links: dict[str, VpcLinkSpec] = {}
    for name, entry in raw.items():
        where = f"vpcLinks.{name}"
        fields = _fields(entry, where, _LINK_FIELDS, problems)
        if fields is None:
            continue
        before = len(problems.items)
        target = _opt(fields, "targetArn", str, where, problems)
        link_id = _opt(fields, "id", str, where, problems)
        kind = (_opt(fields, "kind", str, where, problems) or "v1").lower()
        description = _opt(fields, "description", str, where, problems)
        subnets = string_list(fields.get("subnetIds", []), f"{where}.subnetIds", problems)
        groups = string_list(
            fields.get("securityGroupIds", []), f"{where}.securityGroupIds", problems
        )
        if len(problems.items) > before:
            # A value of the wrong type stands in as empty or v1: judging the link by it would
            # add a false second problem (no subnets; an ALB for a V1 link).
            continue
        if kind not in VPC_LINK_KINDS:
            problems.add(f"{where}.kind", f"'{kind}' is not supported; use 'v1' or 'v2'.")
        elif kind == "v2":
            _v2_link_problems(
                where,
                target=target,
                link_id=link_id,
                subnets=subnets,
                groups=groups,
                problems=problems,
            )
        elif target is not None:
            problems.attempt(f"{where}.targetArn", check_nlb_arn, arn=target)
        if link_id is not None:
            problems.attempt(f"{where}.id", check_vpc_link_id, link_id=link_id)
        if len(problems.items) > before:
            continue  # each wrong value reported alone
        spec = problems.attempt(
            where,
            VpcLinkSpec,
            target_arn=target,
            vpc_link_id=link_id,
            kind=kind,
            description=description,
            subnet_ids=list(subnets),
            security_group_ids=list(groups),
        )
        if spec is not None:
            links[name] = spec
    return links


def _v2_link_problems(
    where: str,
    *,
    target: str | None,
    link_id: str | None,
    subnets: list[str],
    groups: list[str],
    problems: Problems,
) -> None:
    """A V2 entry's values, each at its own `--path` key (`vpcLinks.b.subnetIds[1]`)."""
    if target is None:
        problems.add(
            f"{where}.targetArn",
            "is required for a VPC link V2: the ALB or NLB the integrations reach (API Gateway "
            "refuses a V2 integration without it); set it with `pulumi config set --path "
            f"{where}.targetArn <load balancer ARN>`.",
        )
    else:
        problems.attempt(f"{where}.targetArn", check_load_balancer_arn, arn=target)
    if link_id is not None:
        return  # an existing link: VpcLinkSpec refuses subnets and security groups beside it
    for key, check, values in (
        ("subnetIds", check_subnet_ids, subnets),
        ("securityGroupIds", check_security_group_ids, groups),
    ):
        for index, message in check(values):
            problems.add(f"{where}.{key}" + ("" if index is None else f"[{index}]"), message)


def read_routes(raw: list[Any], problems: Problems) -> list[RouteSpec]:
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
        before = len(problems.items)
        path = _opt(fields, "path", str, where, problems)
        method = (_opt(fields, "method", str, where, problems) or "GET").upper()
        authorization = (_opt(fields, "authorization", str, where, problems) or "NONE").upper()
        backend = _opt(fields, "integrationHttpMethod", str, where, problems)
        scopes = string_list(
            fields.get("authorizationScopes", []), f"{where}.authorizationScopes", problems
        )
        authorizer = _opt(fields, "authorizer", str, where, problems)
        if len(problems.items) > before:
            continue  # each wrong-typed value reported alone
        if path is None:
            problems.add(where, "has no path; give one, such as '/' or '/{proxy+}'.")
            continue
        problems.attempt(f"{where}.path", parse_route_path, path=path)
        problems.attempt(f"{where}.method", check_http_method, method=method)
        if authorization not in AUTHORIZATIONS:
            problems.add(
                f"{where}.authorization",
                f"'{authorization}' is not one of {', '.join(AUTHORIZATIONS)}.",
            )
        if backend is not None:
            problems.attempt(
                f"{where}.integrationHttpMethod", check_http_method, method=backend.upper()
            )
        if len(problems.items) > before:
            continue
        route = problems.attempt(
            where,
            RouteSpec,
            path=path,
            method=method,
            authorization=authorization,
            authorizer=authorizer,
            authorization_scopes=list(scopes),
            integration_http_method=backend.upper() if backend else None,
        )
        if route is not None:
            routes.append(route)
    return routes


def read_authorizers(raw: dict[str, Any], problems: Problems) -> dict[str, AuthorizerSpec]:
    allowed = {"type", "functionArn", "providerArns", "identitySource", "resultTtlSeconds"}
    result = {}
    for name, entry in raw.items():
        where = f"authorizers.{name}"
        fields = _fields(entry, where, allowed, problems)
        if fields is None:
            continue
        before = len(problems.items)
        kind = _opt(fields, "type", str, where, problems)
        function_arn = _opt(fields, "functionArn", str, where, problems)
        providers = string_list(fields.get("providerArns", []), f"{where}.providerArns", problems)
        source = _opt(fields, "identitySource", str, where, problems)
        ttl = _opt(fields, "resultTtlSeconds", int, where, problems)
        if len(problems.items) > before:
            continue
        if kind is None:
            problems.add(where, "has no type; use TOKEN, REQUEST or COGNITO_USER_POOLS.")
            continue
        kind = kind.upper()
        source = source or "method.request.header.Authorization"
        _authorizer_value_problems(
            where,
            kind=kind,
            source=source,
            function_arn=function_arn,
            providers=providers,
            ttl=ttl,
            problems=problems,
        )
        if len(problems.items) > before:
            continue
        spec = problems.attempt(
            where,
            AuthorizerSpec,
            type=kind,
            function_arn=function_arn,
            provider_arns=list(providers),
            identity_source=source,
            result_ttl_seconds=300 if ttl is None else ttl,
        )
        if spec is not None:
            result[name] = spec
    return result


def _authorizer_value_problems(
    where: str,
    *,
    kind: str,
    source: str,
    function_arn: str | None,
    providers: list[str],
    ttl: int | None,
    problems: Problems,
) -> None:
    """An authorizer's type, identity source, function, pools and TTL, each at its own key."""
    if kind not in AUTHORIZER_TYPES:
        problems.add(f"{where}.type", f"'{kind}' is not one of {', '.join(AUTHORIZER_TYPES)}.")
    else:
        problems.attempt(f"{where}.identitySource", check_identity_source, kind=kind, source=source)
    if function_arn is not None:
        problems.attempt(f"{where}.functionArn", check_lambda_arn, arn=function_arn)
    for position, arn in enumerate(providers):
        problems.attempt(f"{where}.providerArns[{position}]", check_cognito_pool_arn, arn=arn)
    if ttl is not None:
        problems.attempt(f"{where}.resultTtlSeconds", check_result_ttl, seconds=ttl)


def _both(
    raw: dict[str, Any], key: str, wanted: dict[str, type], problems: Problems, missing: str
) -> list[Any] | None:
    """The values of an object whose fields are all required (`canary`, `observability`), in
    `wanted`'s order; None after reporting what is wrong. A wrong-typed value is reported alone;
    a missing one reports `missing`, which names the commands that set them."""
    fields = _fields(raw, key, set(wanted), problems)
    if fields is None:
        return None
    before = len(problems.items)
    values = [_opt(fields, name, kind, key, problems) for name, kind in wanted.items()]
    if len(problems.items) > before:
        return None
    if any(value is None for value in values):
        problems.add(key, missing)
        return None
    return values


def read_canary(raw: dict[str, Any], problems: Problems) -> CanarySpec | None:
    if not raw:
        return None
    values = _both(
        raw,
        "canary",
        {"vpcLink": str, "percent": float},
        problems,
        "needs both vpcLink and percent, such as {vpcLink: green, percent: 10}: run "
        "`pulumi config set --path canary.vpcLink green` and `pulumi config set --path "
        "canary.percent 10`, or remove the canary with `pulumi config rm canary`.",
    )
    if values is None:
        return None
    link, percent = values
    return problems.attempt("canary.percent", CanarySpec, vpc_link=link, percent=percent)


def read_observability(raw: dict[str, Any], problems: Problems) -> ObservabilitySpec | None:
    if not raw:
        return None
    values = _both(
        raw,
        "observability",
        {"canary5xxPercent": float, "canaryLatencyMs": float},
        problems,
        "needs both alarm thresholds, such as {canary5xxPercent: 1, canaryLatencyMs: 2000}: "
        "run `pulumi config set --path observability.canary5xxPercent 1` and `pulumi config "
        "set --path observability.canaryLatencyMs 2000`, or `pulumi config rm observability`.",
    )
    if values is None:
        return None
    rate, latency = values
    return problems.attempt(
        "observability", ObservabilitySpec, canary_5xx_percent=rate, canary_latency_ms=latency
    )


def _fields(entry: Any, where: str, allowed: set[str], problems: Problems) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        hint = f" {json_text_hint(where)}" if is_json_text(entry) else ""
        problems.add(
            where, f"must be a map of {', '.join(sorted(allowed))}, not {shown(entry)}.{hint}"
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
    fields: dict[str, Any], name: str, kind: type[T], where: str, problems: Problems
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


def string_list(value: Any, where: str, problems: Problems) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.add(where, f"must be a list of strings, not {json.dumps(value)}.")
        return []
    return value


def string_map(value: dict[str, Any], where: str, problems: Problems) -> dict[str, str]:
    for key, item in value.items():
        if not isinstance(item, str):
            problems.add(f"{where}.{key}", f"must be a string, not {json.dumps(item)}; quote it.")
    return {k: v for k, v in value.items() if isinstance(v, str)}
