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
from pathlib import Path
from typing import Any, TypeVar, cast

import pulumi
import pulumi.runtime.config

from components import import_rules, openapi
from components.args import (
    MAX_TAGS,
    InvalidArgsError,
    PrivateRestApiArgs,
)
from components.arns import (
    check_cognito_pool_arn,
    check_lambda_arn,
    check_load_balancer_arn,
    check_nlb_arn,
    check_web_acl_arn,
)
from components.authorizer_spec import (
    AUTHORIZER_TYPES,
    AuthorizerSpec,
    check_identity_source,
    check_result_ttl,
)
from components.backend_tls import insecure_tls_warning
from components.canary_spec import CanarySpec
from components.document import load_document

# The resource policy's text is built by the component; its length is what the quota counts.
from components.integration import private_api_policy
from components.link_spec import (
    VPC_LINK_KINDS,
    VpcLinkSpec,
    check_security_group_ids,
    check_subnet_ids,
    check_vpc_link_id,
)
from components.observability_spec import ObservabilitySpec
from components.quotas import quota_warnings, resource_policy_warning
from components.route_spec import AUTHORIZATIONS, RouteSpec, check_http_method, parse_route_path
from components.tag_characters import character_problem
from config_keys import ARG_FIELD_TO_KEY, KEYS, NAMESPACE, Key

T = TypeVar("T")


class ConfigError(pulumi.RunError):
    """Bad stack configuration. Pulumi's Python host prints a RunError as a plain message."""


#: Where a relative openApiFile is found: the project directory, the CLI's working directory.
PROJECT_DIR = Path(__file__).resolve().parent


class _Problems:
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


#: Keys whose checks read other keys: when one of those is wrong, the check is skipped, since
#: it would judge a stand-in value (an empty map of links, a default endpoint type).
_READS: dict[str, frozenset[str]] = {
    "activeVpcLink": frozenset({"vpcLinks"}),
    "canary": frozenset({"vpcLinks", "activeVpcLink"}),
    "routes": frozenset({"authorizers"}),
    "vpcEndpointIds": frozenset({"endpointType"}),
    "timeoutMs": frozenset({"allowLongTimeout", "endpointType", "responseTransferMode"}),
    # An operation's own timeoutInMillis is held to timeoutMs's limits.
    "openApiFile": frozenset({"allowLongTimeout", "endpointType", "responseTransferMode"}),
    "ipAddressType": frozenset({"endpointType"}),
    "webAclArn": frozenset({"endpointType", "vpcLinks"}),
}

#: Enums the stack file may write in any case, as `method` and `authorization` always could; one
#: whose default is "" may be left empty (API Gateway's default: nothing is set).
_ENUMS: dict[str, tuple[str, ...]] = {key.name: key.allowed for key in KEYS.values() if key.allowed}


def top_key(where: str) -> str:
    """The config key a `--path` names: `vpcLinks` of `vpcLinks.a.targetArn`, `routes[0].path`."""
    return re.split(r"[.\[]", where, maxsplit=1)[0]


def parse(
    values: Mapping[str, str],
    *,
    stack: str,
    aws_region: str | None = None,
    stack_outputs: Callable[[str], Mapping[str, Any]] | None = None,
) -> PrivateRestApiArgs:
    """Turn the CLI's config map into component args, or raise one ConfigError listing all problems.

    `values` holds full keys (`private-api:timeoutMs`) and the strings the CLI passes; keys of other
    namespaces are ignored. `aws_region` is where the stack deploys, when known. `stack_outputs`
    reads another stack's outputs, for `backendStack` (without it, the key is not followed).
    """
    problems = _Problems()
    raw = _decode(values, problems)
    _backend_stack_name_problems(raw["backendStack"], problems)
    if raw["backendStack"] and stack_outputs is not None and not problems.items:
        # Only once every key decoded: the StackReference is read, not guessed.
        _use_backend_stack(raw, stack_outputs, problems)

    links = _vpc_links(raw["vpcLinks"], problems)
    routes = _routes(raw["routes"], problems)
    authorizers = _authorizers(raw["authorizers"], problems)
    canary = _canary(raw["canary"], problems)
    tags = _string_map(raw["tags"], "tags", problems)
    _default_tag_problems(values.get("aws:defaultTags"), tags, problems)
    endpoint_ids = _string_list(raw["vpcEndpointIds"], "vpcEndpointIds", problems)
    for key, allowed in _ENUMS.items():
        empty = raw[key] is None or (raw[key] == "" and KEYS[key].default == "")
        raw[key] = None if empty else _enum(raw[key], key, allowed, problems)
    document = _openapi_file(raw, problems)

    if aws_region:
        _region_problems(aws_region, links, raw["webAclArn"], problems)

    # Every key with a field passes its decoded value as is; these need more than decoding.
    built: dict[str, Any] = {
        "vpcLinks": links,
        "stageName": raw["stageName"] or stack,
        "routes": tuple(routes) or (RouteSpec(),),
        "authorizers": authorizers,
        "canary": canary,
        "vpcEndpointIds": tuple(endpoint_ids),
        "tags": tags,
        "webAclArn": raw["webAclArn"] or None,
        "openApiFile": document,
        "binaryMediaTypes": _string_list(raw["binaryMediaTypes"], "binaryMediaTypes", problems),
        "observability": _observability(raw["observability"], problems),
    }
    try:
        args = PrivateRestApiArgs(
            **{
                key.arg_field: built.get(key.name, raw[key.name])
                for key in KEYS.values()
                if key.arg_field is not None
            }
        )
    except InvalidArgsError as error:
        bad = set(problems.bad)
        for where, message in error.problems:
            key = _config_path(where)
            top = top_key(key)
            if top in bad or _READS.get(top, frozenset()) & bad:
                continue  # judged a stand-in for a value already reported
            note = ""
            if key == "stageName" and not raw["stageName"]:
                note = f" The stage is named after the stack '{stack}' unless stageName is set."
            lead = f"'{_openapi_path(raw['openApiFile'])}' " if key == "openApiFile" else ""
            problems.add(key, lead + message + note)
        problems.raise_if_any()
        raise AssertionError("the args were refused for a value already reported") from error
    document = openapi.document_of(args, title=stack)
    problem = import_rules.body_size_problem(openapi.canonical(document)) if document else None
    if problem is not None:
        problems.add("openApiFile" if raw["openApiFile"] else "routes", problem)
    problems.raise_if_any()
    for where, message in _warnings(args):
        pulumi.log.warn(f"{NAMESPACE}:{where}: {message}")
    return args


def _default_tag_problems(text: str | None, tags: Mapping[str, str], problems: _Problems) -> None:
    """The provider's default tags land on every resource too, and count toward AWS's limit."""
    if not text:
        return
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError:
        return  # the provider's own config: its checks, not ours
    defaults = decoded.get("tags") if isinstance(decoded, dict) else None
    if not isinstance(defaults, dict):
        return
    for key, value in defaults.items():
        for what, part in (("key", key), ("value", value)):
            problem = character_problem(what, str(part))
            if problem is not None:
                problems.add(
                    "tags", f"the provider's default tag '{key}' (aws:defaultTags): {problem}"
                )
    if len(tags) > MAX_TAGS:
        return
    combined = {**defaults, **tags}
    if len(combined) > MAX_TAGS:
        problems.add(
            "tags",
            f"with the provider's {len(defaults)} default tags (aws:defaultTags), each resource "
            f"gets {len(combined)} tags, more than the {MAX_TAGS} AWS allows; remove "
            f"{len(combined) - MAX_TAGS} from tags or aws:defaultTags.",
        )


def _warnings(args: PrivateRestApiArgs) -> list[tuple[str, str]]:
    """Adjustable quotas the stack exceeds: `pulumi up` fails unless AWS raised them first."""
    found = [(_config_path(where), message) for where, message in quota_warnings(args)]
    tls = insecure_tls_warning(args.integration_uri, args.insecure_skip_verification)
    if tls is not None:
        found.append(("insecureSkipVerification", tls))
    if args.canary is not None and args.canary.percent >= 100:
        found.append(
            (
                "canary.percent",
                f"a canary at 100 % sends every request through '{args.canary.vpc_link}': that "
                "is a switch, not a canary, and nothing is left on the active link to compare "
                f"against. Set activeVpcLink to '{args.canary.vpc_link}' and remove the canary, "
                f"or let `make migrate TO={args.canary.vpc_link}` do it in steps.",
            )
        )
    if args.endpoint_type == "PRIVATE":
        # The policy text is the component's; its length is what API Gateway's quota counts.
        warning = resource_policy_warning(private_api_policy(args.vpc_endpoint_ids))
        if warning is not None:
            found.append(("vpcEndpointIds", warning))
    return found


def _region_problems(
    region: str, links: Mapping[str, VpcLinkSpec], web_acl_arn: str, problems: _Problems
) -> None:
    """What the stack's region (aws:region) rules out: links and a web ACL of another region."""
    for name, link in links.items():
        if link.region is not None and link.region != region:
            what = "NLB" if link.kind == "v1" else "load balancer"
            problems.add(
                f"vpcLinks.{name}.targetArn",
                f"the {what} is in {link.region} but this stack deploys to {region} "
                "(aws:region); a REST API can only use VPC links of its own region: use "
                f"{'an' if link.kind == 'v1' else 'a'} {what} in {region}, or change aws:region.",
            )
    if not web_acl_arn:
        return
    try:
        acl_region = check_web_acl_arn(web_acl_arn)
    except ValueError:
        return  # reported with the other args
    if acl_region != region:
        problems.add(
            "webAclArn",
            f"the web ACL is in {acl_region} but this stack deploys to {region} (aws:region); "
            f"AWS WAF protects a stage only with a REGIONAL web ACL of the stage's region: use "
            f"one in {region}.",
        )


def from_runtime(
    stack_outputs: Callable[[str], Mapping[str, Any]] | None = None,
) -> PrivateRestApiArgs:
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
        stack_outputs=stack_outputs,
    )


#: The output of an examples/backend stack that holds its NLB's ARN.
BACKEND_ARN_OUTPUT = "loadBalancerArn"


#: One part of a stack reference: Pulumi's stack (and project) names are letters, digits, `-`,
#: `_` and `.` (pulumi/pulumi `sdk/go/common/tokens`, `ValidateStackName`: "stack names may only
#: contain alphanumerics, hyphens, underscores, or periods", at most 100 characters; quoted from
#: memory of the CLI's message, the index here did not hold that file).
STACK_NAME_PART = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


def _backend_stack_name_problems(name: Any, problems: _Problems) -> None:
    """A `backendStack` that cannot name a stack: the mocks answer any name, the CLI would not."""
    if not isinstance(name, str) or not name:
        return
    parts = name.split("/")
    if len(parts) <= 3 and all(STACK_NAME_PART.match(part) for part in parts):
        return
    if len(parts) > 3:
        why = f"has {len(parts)} parts"
    elif any(not part for part in parts):
        why = "has an empty part (a leading, trailing or doubled '/')"
    else:
        bad = sorted({c for part in parts for c in part if not re.match(r"[A-Za-z0-9_.-]", c)})
        why = "has " + ", ".join(repr(c) for c in bad) if bad else "has a part over 100 characters"
    problems.add(
        "backendStack",
        f"'{name}' {why}, so it names no stack: write organization/project/stack (or "
        "project/stack, or stack), each part letters, digits, '-', '_' or '.', such as "
        "acme/private-api-backend/demo (`pulumi stack ls --cwd examples/backend` lists them).",
    )


def _use_backend_stack(
    raw: dict[str, Any], read: Callable[[str], Mapping[str, Any]], problems: _Problems
) -> None:
    """`backendStack`: the active link targets that stack's NLB instead of its own targetArn."""
    name, active, links = raw["backendStack"], raw["activeVpcLink"], raw["vpcLinks"]
    entry = links.get(active) if isinstance(links, dict) else None
    if not isinstance(entry, dict) or "id" in entry:
        problems.add(
            "backendStack",
            f"gives the NLB of the active link '{active}', which must be a link of vpcLinks "
            "created by this stack (no id): add it (`pulumi config set --path "
            f"vpcLinks.{active}.description demo`), or remove the key (`pulumi config rm "
            "backendStack`).",
        )
        return
    arn = read(name).get(BACKEND_ARN_OUTPUT)
    if not isinstance(arn, str) or not arn:
        problems.add(
            "backendStack",
            f"the stack '{name}' has no {BACKEND_ARN_OUTPUT} output: deploy it first (`make "
            "demo`, or `pulumi up --cwd examples/backend`), check the name (`pulumi stack ls "
            "--cwd examples/backend`), or remove the key (`pulumi config rm backendStack`).",
        )
        return
    raw["vpcLinks"] = {**links, active: {**entry, "targetArn": arn}}


def _config_path(where: str) -> str:
    match = re.match(r"^(?P<field>[a-z_]+)(?P<rest>.*)$", where)
    if match is None:
        return where
    field, rest = match.group("field"), match.group("rest")
    if field == "canary":
        rest = rest.replace(".vpc_link", ".vpcLink")
    rest = re.sub(r"\.target_arn$", ".targetArn", rest)
    rest = re.sub(r"\.subnet_ids$", ".subnetIds", rest)
    rest = re.sub(r"\.security_group_ids$", ".securityGroupIds", rest)
    return ARG_FIELD_TO_KEY.get(field, field) + rest


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
            if key.required:
                problems.add(
                    key.name,
                    "is required; set it in Pulumi.<stack>.yaml (see docs/configuration.md).",
                )
            decoded[key.name] = _stand_in(key)
            continue
        decoded[key.name] = _decode_value(key, text, problems)
    return decoded


#: What a required key holds while it is missing or wrong: later checks then see a value of the
#: right type, and their findings about it are dropped (`_Problems.bad`).
_STAND_IN: dict[str, Any] = {"string": "", "object": {}, "array": [], "integer": 0}


def _stand_in(key: Key) -> Any:
    """A key's value when the stack file leaves it out: its default, None if optional."""
    if key.has_default:
        return key.default
    return None if key.optional else _STAND_IN[key.type]


def _decode_value(key: Key, text: str, problems: _Problems) -> Any:
    stand_in = _stand_in(key)
    if key.type == "string":
        return text
    if key.type == "integer":
        if re.fullmatch(r"-?\d+", text.strip()) is None:
            problems.add(key.name, f"must be a whole number, not '{text}'.")
            return stand_in
        return int(text)
    if key.type == "boolean":
        if text not in ("true", "false"):
            problems.add(key.name, f"must be true or false, not '{text}'.")
            return stand_in
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
            f"must be {shape} in the stack file, not {_shown(value)}; "
            + (
                _json_text_hint(key.name)
                if _is_json_text(value)
                else "see Pulumi.prod.yaml for an example, or use `pulumi config set --path`."
            ),
        )
        return stand_in
    return value


def _is_json_text(value: Any) -> bool:
    """A string holding a JSON object or list: what `pulumi config set KEY '{...}'` stores."""
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), dict | list)
    except json.JSONDecodeError:
        return False


def _json_text_hint(where: str) -> str:
    return (
        "it is JSON text stored as a string, which is what `pulumi config set` without --path "
        f"stores: set each field with `pulumi config set --path '{where}.<field>' <value>`, "
        "or write it as a YAML map in Pulumi.<stack>.yaml."
    )


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 120 else text[:116] + "...'"


def _enum(value: str, key: str, allowed: tuple[str, ...], problems: _Problems) -> str:
    """An enum in any case becomes its spelling; anything else is refused naming the spellings."""
    for spelling in allowed:
        if value.upper() == spelling.upper():
            return spelling
    problems.add(key, f"'{value}' is not one of {', '.join(allowed)}.")
    return allowed[0]


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
            "is imported only with apiDefinition openapi (resources mode builds a Method and "
            "an Integration per route from routes, and a team's document may carry "
            "integrations of any type it does not build); run `pulumi config set apiDefinition "
            "openapi`, or remove openApiFile and give routes.",
        )
        return None
    return problems.attempt("openApiFile", load_document, path=_openapi_path(name))


def _openapi_path(name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else PROJECT_DIR / path


_LINK_FIELDS = {"targetArn", "id", "kind", "description", "subnetIds", "securityGroupIds"}


def _vpc_links(raw: dict[str, Any], problems: _Problems) -> dict[str, VpcLinkSpec]:
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
        subnets = _string_list(fields.get("subnetIds", []), f"{where}.subnetIds", problems)
        groups = _string_list(
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
            subnet_ids=tuple(subnets),
            security_group_ids=tuple(groups),
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
    problems: _Problems,
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
        for index, message in check(tuple(values)):
            problems.add(f"{where}.{key}" + ("" if index is None else f"[{index}]"), message)


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
        before = len(problems.items)
        path = _opt(fields, "path", str, where, problems)
        method = (_opt(fields, "method", str, where, problems) or "GET").upper()
        authorization = (_opt(fields, "authorization", str, where, problems) or "NONE").upper()
        backend = _opt(fields, "integrationHttpMethod", str, where, problems)
        scopes = _string_list(
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
        before = len(problems.items)
        kind = _opt(fields, "type", str, where, problems)
        function_arn = _opt(fields, "functionArn", str, where, problems)
        providers = _string_list(fields.get("providerArns", []), f"{where}.providerArns", problems)
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
            provider_arns=tuple(providers),
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
    problems: _Problems,
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


def _canary(raw: dict[str, Any], problems: _Problems) -> CanarySpec | None:
    if not raw:
        return None
    fields = _fields(raw, "canary", {"vpcLink", "percent"}, problems)
    if fields is None:
        return None
    before = len(problems.items)
    link = _opt(fields, "vpcLink", str, "canary", problems)
    percent = _opt(fields, "percent", float, "canary", problems)
    if len(problems.items) > before:
        return None  # a wrong-typed value is reported alone
    if link is None or percent is None:
        problems.add(
            "canary",
            "needs both vpcLink and percent, such as {vpcLink: green, percent: 10}: run "
            "`pulumi config set --path canary.vpcLink green` and `pulumi config set --path "
            "canary.percent 10`, or remove the canary with `pulumi config rm canary`.",
        )
        return None
    return problems.attempt("canary.percent", CanarySpec, vpc_link=link, percent=percent)


def _observability(raw: dict[str, Any], problems: _Problems) -> ObservabilitySpec | None:
    if not raw:
        return None
    fields = _fields(raw, "observability", {"canary5xxPercent", "canaryLatencyMs"}, problems)
    if fields is None:
        return None
    before = len(problems.items)
    rate = _opt(fields, "canary5xxPercent", float, "observability", problems)
    latency = _opt(fields, "canaryLatencyMs", float, "observability", problems)
    if len(problems.items) > before:
        return None
    if rate is None or latency is None:
        problems.add(
            "observability",
            "needs both alarm thresholds, such as {canary5xxPercent: 1, canaryLatencyMs: 2000}: "
            "run `pulumi config set --path observability.canary5xxPercent 1` and `pulumi config "
            "set --path observability.canaryLatencyMs 2000`, or `pulumi config rm observability`.",
        )
        return None
    return problems.attempt(
        "observability", ObservabilitySpec, canary_5xx_percent=rate, canary_latency_ms=latency
    )


def _fields(
    entry: Any, where: str, allowed: set[str], problems: _Problems
) -> dict[str, Any] | None:
    if not isinstance(entry, dict):
        hint = f" {_json_text_hint(where)}" if _is_json_text(entry) else ""
        problems.add(
            where, f"must be a map of {', '.join(sorted(allowed))}, not {_shown(entry)}.{hint}"
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
