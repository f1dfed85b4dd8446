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

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import unquote

import pack_body
import pack_import_rules as rules
import pack_values as pv
from pulumi_policy import ReportViolation, ResourceValidationArgs
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

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

    #: How messages name it: "GET /orders/{id}" ("#3" in a secret body, whose paths are secret).
    operation: str
    #: The extension's fields under the `Integration` resource's names, `type` upper-cased.
    props: Mapping[str, Any]


@dataclass(frozen=True)
class Body:
    """What a RestApi's body says: its integrations, or why it could not be read."""

    integrations: tuple[BodyIntegration, ...] = ()
    #: Why the body could not be read at all ("" when it was, or when there is none).
    problem: str = ""
    #: What was read but is wrong or was skipped: predicates of the body, for
    #: `rest-api-body-parses` ("has the path '/a b', whose part ...").
    notes: tuple[str, ...] = ()
    #: The body is secret: its integrations' values are marked so, and notes quote nothing.
    secret: bool = False


NO_BODY: Final = Body()
#: Local `$ref`s followed in a row before the pack gives up (a chain or a cycle).
MAX_REF_HOPS: Final = 16
#: Notes kept per body; past this one more says how many were left out.
MAX_NOTES: Final = 20

# Each body is parsed once, then shared by every rule that reads it: the server calls each rule
# with properties deserialized anew, so the cache is keyed by the text itself. A handful of
# entries (each its text, at most 6 MB, and its integrations, not the document) keeps memory
# bounded.
_CACHE: OrderedDict[tuple[str, bool], Body] = OrderedDict()
_CACHE_SIZE: Final = 4
_LOCK: Final = threading.Lock()


def read_body(props: object) -> Body | pv.Unknown:
    """The body of a RestApi's properties: absent, unknown (at preview), unreadable, or read."""
    value = pv.get(props, "body")
    if isinstance(value, pv.Unknown):
        return value
    if pv.is_absent(value):
        return NO_BODY
    if not isinstance(value, str):
        return Body(problem=f"is {pv.shown(value)}, not a JSON or YAML string")
    key = (str(value), pv.is_secret(value))
    with _LOCK:
        found = _CACHE.get(key)
        if found is not None:
            _CACHE.move_to_end(key)
            return found
        body = parse_body(key[0], secret=key[1])
        _CACHE[key] = body
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return body


def parse_body(text: str, *, secret: bool = False) -> Body:
    """Read a body within bounds (pack_body) and collect its integrations and what is wrong."""
    read = pack_body.read(text)
    if read.refused and secret:
        # The reason may quote the body (an anchor's name): say only that it was refused.
        problem = "could not be read within the pack's bounds (why is not quoted: it is secret)"
        return Body(problem=problem, secret=True)
    if read.refused:
        return Body(problem=read.refused)
    problem = _document_problem(read.value)
    if problem:
        return Body(problem=problem)
    notes = [
        f"has values nested deeper than {pack_body.MAX_DEPTH} levels (at {where}), which the "
        "pack did not read"
        for where in read.too_deep
    ]
    reading = _Reading(read.value, secret, notes)
    paths = read.value.get("paths", {})
    notes += rules.path_problems(paths)
    for path, written in paths.items():
        reading.path_item(str(path), written)
    if reading.methods == 0:
        notes.append(
            "has no operation API Gateway imports as a method, so deploying it fails "
            f'("{rules.NO_METHODS}")'
        )
    return Body(integrations=tuple(reading.found), notes=tuple(_kept(notes, secret)), secret=secret)


def _document_problem(document: object) -> str:
    """Why a read body is not an OpenAPI document with a map of paths ("" when it is)."""
    if not isinstance(document, Mapping):
        return "is not an OpenAPI document (its top level is not a map)"
    if not ("openapi" in document or "swagger" in document):
        return "has neither an 'openapi' nor a 'swagger' version"
    if not isinstance(document.get("paths", {}), Mapping):
        return "has 'paths' that is not a map"
    return ""


def _kept(notes: list[str], secret: bool) -> list[str]:
    """The notes a body reports: none quoted from a secret body, at most MAX_NOTES."""
    if secret and notes:
        return [
            f"has {len(notes)} problem(s) API Gateway's import or this pack's reading would "
            "refuse, not quoted here because the body is secret (check it with the program's "
            "validator)"
        ]
    if len(notes) > MAX_NOTES:
        return [*notes[:MAX_NOTES], f"has {len(notes) - MAX_NOTES} more problems like these"]
    return notes


class _Reading:
    """A document's operations being read: the integrations found, the methods counted, the
    notes of what is wrong."""

    def __init__(self, document: Mapping[Any, Any], secret: bool, notes: list[str]) -> None:
        self.document = document
        self.secret = secret
        self.notes = notes
        self.found: list[BodyIntegration] = []
        self.methods = 0

    def path_item(self, path: str, written: object) -> None:
        """One path item's operations ($refs followed)."""
        item = _resolved(self.document, written, f"the path item '{_cut(path)}'", self.notes)
        if item is None:
            return
        if not isinstance(item, Mapping):
            self.notes.append(f"has the path '{_cut(path)}' set to {_kind(item)}, not a map")
            return
        for key in OPERATION_KEYS:
            if key in item:
                method = "ANY" if key == ANY_METHOD else key.upper()
                self.operation(f"{method} {path}", item[key])

    def operation(self, name: str, operation: object) -> None:
        """One operation: a method API Gateway imports, and its integration if it has one."""
        if not isinstance(operation, Mapping):
            self.notes.append(
                f"has the operation '{_cut(name)}' set to {_kind(operation)}, not a map"
            )
            return
        self.methods += 1
        if EXTENSION not in operation:
            return
        spec = _resolved(
            self.document, operation[EXTENSION], f"the integration of '{_cut(name)}'", self.notes
        )
        if spec is None:
            return
        if not isinstance(spec, Mapping):
            self.notes.append(
                f"gives '{_cut(name)}' an {EXTENSION} that is {_kind(spec)}, not a map, so "
                "its integration was not judged"
            )
            return
        self.notes += rules.integration_problems(_cut(name), spec)
        label = f"#{len(self.found) + 1}" if self.secret else name
        self.found.append(BodyIntegration(label, _as_integration(spec, self.secret)))


def _cut(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: object) -> str:
    if value is pack_body.TOO_DEEP:
        return "a value nested too deep to read"
    return rules.kind_of(value)


def _resolved(document: Mapping[Any, Any], value: object, what: str, notes: list[str]) -> Any:
    """The value with local `$ref`s (`#/components/...`) followed, at most MAX_REF_HOPS in a row;
    None (with a note naming the pointer) for any other `$ref`, a broken one, or a cycle."""
    for _ in range(MAX_REF_HOPS):
        if not (isinstance(value, Mapping) and "$ref" in value):
            return value
        ref = value["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#"):
            shown = f"'{_cut(ref, 80)}'" if isinstance(ref, str) else _kind(ref)
            notes.append(
                f"has {what} as a $ref to {shown}, which is not a pointer into this document; "
                "the pack reads local references only (API Gateway's import does not resolve "
                "other files), so it was not judged"
            )
            return None
        value = _pointed(document, ref)
        if value is _NOWHERE:
            notes.append(
                f"has {what} as a $ref to '{_cut(ref, 80)}', which points at nothing in the "
                "document, so it was not judged"
            )
            return None
    notes.append(
        f"has {what} as a chain of more than {MAX_REF_HOPS} $refs (or a cycle), so it was not "
        "judged"
    )
    return None


_NOWHERE: Final = object()


def _pointed(document: Mapping[Any, Any], ref: str) -> Any:
    """The value a JSON pointer fragment ('#/components/schemas/a~1b') names, or _NOWHERE."""
    current: Any = document
    fragment = unquote(ref[1:])
    if fragment == "":
        return current
    if not fragment.startswith("/"):
        return _NOWHERE
    for raw in fragment[1:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            return _NOWHERE
    return current


def _as_integration(spec: Mapping[Any, Any], secret: bool) -> dict[str, Any]:
    props = {_RENAMED.get(str(k), str(k)): v for k, v in spec.items()}
    kind = props.get("type")
    if isinstance(kind, str):
        props["type"] = kind.upper()
    if secret:
        # Every value of a secret body is secret: rules read it through pv.get, which marks it.
        return pv.SecretMapping(props)
    return props


Rule = Callable[[ResourceValidationArgs, ReportViolation], None]


def judge_body(args: ResourceValidationArgs, report: ReportViolation, rule: Rule) -> None:
    """Run an integration rule on each integration of a RestApi's body, naming the operation.

    Each operation is judged where the RestApi is: its own `region` input (pulumi-aws v7), else
    its provider's. A rule that cannot decide one operation yet (an unknown `region`) defers
    after judging the others, so what is certain is reported and the rest runs at `pulumi up`.
    """
    body = read_body(args.props)
    if isinstance(body, pv.Unknown):
        return  # known at `pulumi up`; never guessed
    region = pv.get(args.props, "region")
    deferred: UnknownValueError | None = None
    for integration in body.integrations:
        label = f"Operation '{integration.operation}' in the body of RestApi '{args.name}'"
        if body.secret:
            label = f"Operation {integration.operation} in the secret body of RestApi '{args.name}'"
        token = f"\0{integration.operation}\0"

        def named(
            message: str, urn: str | None = None, *, _token: str = token, _label: str = label
        ) -> None:
            report(message.replace(f"Integration '{_token}'", _label), urn)

        props: Mapping[str, Any] = integration.props
        if region is not pv.MISSING:
            props = _with_region(props, region)
        try:
            rule(
                ResourceValidationArgs(
                    INTEGRATION,
                    props,
                    args.urn,
                    token,
                    args.opts,
                    args.provider,
                    args.get_config(),
                    args.stack_tags,
                ),
                named,
            )
        except UnknownValueError as error:
            deferred = deferred or error
    if deferred is not None:
        raise deferred


def _with_region(props: Mapping[str, Any], region: object) -> Mapping[str, Any]:
    """The operation's properties with the RestApi's `region` (kept secret if it is)."""
    if isinstance(region, pv.Unknown):
        region = UNKNOWN_STRING_VALUE  # pv.get reads it back as Unknown
    if isinstance(props, pv.SecretMapping):
        return pv.SecretMapping({**props, "region": region})
    return {**props, "region": region}
