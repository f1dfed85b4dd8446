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
from typing import Any

import pulumi
import pulumi.runtime.config

from components import import_rules, openapi
from components.args import InvalidArgsError, PrivateRestApiArgs
from components.arns import (
    check_web_acl_arn,
)
from components.backend_tls import insecure_tls_warning
from components.document import load_document

# The resource policy's text is built by the component; its length is what the quota counts.
from components.endpoint_spec import endpoint_id_texts
from components.integration import private_api_policy
from components.link_spec import (
    VpcLinkSpec,
)
from components.quotas import quota_warnings, resource_policy_warning
from components.route_spec import RouteSpec
from components.tag_characters import character_problem
from components.tags import MAX_TAGS
from config_keys import ARG_FIELD_TO_KEY, KEYS, NAMESPACE, Key
from config_values import (
    Problems,
    is_json_text,
    json_text_hint,
    read_authorizers,
    read_canary,
    read_observability,
    read_routes,
    read_vpc_links,
    shown,
    string_list,
    string_map,
    top_key,
)


class ConfigError(pulumi.RunError):
    """Bad stack configuration. Pulumi's Python host prints a RunError as a plain message."""


def _raise_if_any(problems: Problems) -> None:
    message = problems.report()
    if message is not None:
        raise ConfigError(message)


#: Where a relative openApiFile is found: the project directory, the CLI's working directory.
PROJECT_DIR = Path(__file__).resolve().parent


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
    problems = Problems()
    raw = _decode(values, problems)
    _backend_stack_name_problems(raw["backendStack"], problems)
    if raw["backendStack"] and stack_outputs is not None and not problems.items:
        # Only once every key decoded: the StackReference is read, not guessed.
        _use_backend_stack(raw, stack_outputs, problems)

    links = read_vpc_links(raw["vpcLinks"], problems)
    routes = read_routes(raw["routes"], problems)
    authorizers = read_authorizers(raw["authorizers"], problems)
    canary = read_canary(raw["canary"], problems)
    tags = string_map(raw["tags"], "tags", problems)
    _default_tag_problems(values.get("aws:defaultTags"), tags, problems)
    endpoint_ids = string_list(raw["vpcEndpointIds"], "vpcEndpointIds", problems)
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
        "routes": list(routes) or [RouteSpec()],
        "authorizers": authorizers,
        "canary": canary,
        "vpcEndpointIds": list(endpoint_ids),
        "tags": tags,
        "webAclArn": raw["webAclArn"] or None,
        "openApiFile": document,
        "binaryMediaTypes": string_list(raw["binaryMediaTypes"], "binaryMediaTypes", problems),
        "observability": read_observability(raw["observability"], problems),
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
        _raise_if_any(problems)
        raise AssertionError("the args were refused for a value already reported") from error
    document = openapi.document_of(args, title=stack)
    problem = import_rules.body_size_problem(openapi.canonical(document)) if document else None
    if problem is not None:
        problems.add("openApiFile" if raw["openApiFile"] else "routes", problem)
    _raise_if_any(problems)
    for where, message in _warnings(args):
        pulumi.log.warn(f"{NAMESPACE}:{where}: {message}")
    return args


def _default_tag_problems(text: str | None, tags: Mapping[str, str], problems: Problems) -> None:
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
    endpoint_ids = endpoint_id_texts(args.vpc_endpoint_ids)  # config gives text only
    if args.endpoint_type == "PRIVATE" and endpoint_ids is not None:
        # The policy text is the component's; its length is what API Gateway's quota counts.
        warning = resource_policy_warning(private_api_policy(endpoint_ids))
        if warning is not None:
            found.append(("vpcEndpointIds", warning))
    return found


def _region_problems(
    region: str, links: Mapping[str, VpcLinkSpec], web_acl_arn: str, problems: Problems
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


def _backend_stack_name_problems(name: Any, problems: Problems) -> None:
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
    raw: dict[str, Any], read: Callable[[str], Mapping[str, Any]], problems: Problems
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


def _decode(values: Mapping[str, str], problems: Problems) -> dict[str, Any]:
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
#: right type, and their findings about it are dropped (`Problems.bad`).
_STAND_IN: dict[str, Any] = {"string": "", "object": {}, "array": [], "integer": 0}


def _stand_in(key: Key) -> Any:
    """A key's value when the stack file leaves it out: its default, None if optional."""
    if key.has_default:
        return key.default
    return None if key.optional else _STAND_IN[key.type]


def _decode_value(key: Key, text: str, problems: Problems) -> Any:
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
            f"must be {shape} in the stack file, not {shown(value)}; "
            + (
                json_text_hint(key.name)
                if is_json_text(value)
                else "see Pulumi.prod.yaml for an example, or use `pulumi config set --path`."
            ),
        )
        return stand_in
    return value


def _enum(value: str, key: str, allowed: tuple[str, ...], problems: Problems) -> str:
    """An enum in any case becomes its spelling; anything else is refused naming the spellings."""
    for spelling in allowed:
        if value.upper() == spelling.upper():
            return spelling
    problems.add(key, f"'{value}' is not one of {', '.join(allowed)}.")
    return allowed[0]


def _openapi_file(raw: dict[str, Any], problems: Problems) -> dict[str, Any] | None:
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
