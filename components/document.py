"""Reading a team's OpenAPI file, bounded: a bad file is refused at once, naming it and the fix.

The YAML is first read as an event stream (libyaml's parser, which keeps its own stack rather than
recursing), counting the nodes the document would have once every alias is expanded and how deep
it nests. A "billion laughs" document parses cheaply (an alias is a reference) and explodes only
when serialized (`json.dumps` in `openapi.canonical`); a document nested thousands deep ends in a
RecursionError in the validator or `copy.deepcopy`. Both are refused here, before they are built.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator

from components.import_rules import MAX_BODY_BYTES, ref_findings

#: PyYAML's C loader where the wheel ships libyaml, else the pure-Python one (same results).
Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: A file larger than this cannot be the source of a body under API Gateway's 6 MB (YAML's
#: indentation and comments aside, a document does not shrink fourfold when made compact JSON).
MAX_FILE_BYTES = 4 * MAX_BODY_BYTES
#: Nodes once aliases are expanded: a 6 MB body holds well under a million.
MAX_NODES = 2_000_000
#: Nesting: an OpenAPI document's deepest schemas nest a few dozen levels.
MAX_DEPTH = 200
#: Longest problem text quoted from the validator (its messages can hold a whole subtree).
MAX_MESSAGE = 300


class DocumentError(ValueError):
    """An OpenAPI file that cannot be read, parsed or validated; the message names where."""


def load_document(path: Path) -> dict[str, Any]:
    """Read a team's OpenAPI 3.0 document (YAML or JSON) and validate it, within bounds.

    Raises `DocumentError` naming the file, the JSON pointer and the problem, so a bad document
    fails before any resource is registered.
    """
    text = _text(path)
    _check_shape(text, path)
    try:
        document = yaml.load(text, Loader=Loader)  # noqa: S506 (a safe loader; JSON is YAML)
    except yaml.YAMLError as error:
        raise DocumentError(
            f"'{path}' is not YAML or JSON{_where(error)}: {_problem(error)}."
        ) from None
    if not isinstance(document, dict):
        raise DocumentError(
            f"'{path}' holds {type(document).__name__}, not an OpenAPI document; give an "
            "OpenAPI 3.0 document (a mapping with openapi, info and paths)."
        )
    _check_version(document, path)
    for finding in ref_findings(document):
        raise DocumentError(
            f"'{path}' has a reference API Gateway cannot import at "
            f"{finding.pointer}: {finding.message}"
        )
    try:
        for pointer, message in validation_problems(document):
            raise DocumentError(
                f"'{path}' is not a valid OpenAPI 3.0 document at {pointer}: {message}"
            )
    except RecursionError:  # bounded above; kept so no traceback can reach the user
        raise DocumentError(
            f"'{path}' could not be validated: its schemas recurse too deeply; flatten them."
        ) from None
    return document


def _text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError(
                f"'{path}' is {size} bytes; API Gateway imports at most {MAX_BODY_BYTES} bytes, "
                "so split the API into several."
            )
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"cannot read '{path}': {error.strerror or error}.") from None
    if not data.strip():
        raise DocumentError(
            f"'{path}' is empty; give an OpenAPI 3.0 document (openapi: '3.0.1', info, paths)."
        )
    if b"\x00" in data:
        raise DocumentError(
            f"'{path}' is binary (it holds NUL bytes), not YAML or JSON text; point openApiFile "
            "at the OpenAPI document itself."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"'{path}' is not UTF-8 text (byte 0x{data[error.start]:02x} at offset "
            f"{error.start}); save it as UTF-8, for example `iconv -f latin1 -t utf-8`."
        ) from None


class _Shape:
    """Expanded nodes and nesting counted from YAML events, refusing past the bounds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sizes: dict[str, tuple[int, int]] = {}  # anchor: (expanded nodes, height)
        self.frames: list[list[Any]] = []  # [anchor, nodes, height] per open collection
        self.total = 0

    def add(self, nodes: int, height: int, new: int) -> None:
        """A finished node of `nodes` expanded nodes and `height` levels; `new` not yet counted."""
        self.total += new
        if self.frames:
            self.frames[-1][1] += nodes
            self.frames[-1][2] = max(self.frames[-1][2], height + 1)
        if self.total > MAX_NODES:
            raise DocumentError(
                f"'{self.path}' expands to more than {MAX_NODES} nodes once its YAML aliases "
                "(*name) are followed (a 'billion laughs' document, or one far above API "
                "Gateway's 6 MB limit); write the repeated parts once, under components, and "
                "refer to them with $ref."
            )
        if len(self.frames) + height > MAX_DEPTH:
            raise DocumentError(_too_deep(self.path))

    def event(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.CollectionStartEvent):
            self.frames.append([event.anchor, 0, 0])
            if len(self.frames) > MAX_DEPTH:
                self.add(0, MAX_DEPTH, 0)  # refused: too deep
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, nodes, height = self.frames.pop()
            if anchor is not None:
                self.sizes[anchor] = (nodes + 1, height)
            self.add(nodes + 1, height, 1)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                self.sizes[event.anchor] = (1, 0)
            self.add(1, 0, 1)
        elif isinstance(event, yaml.AliasEvent):
            nodes, height = self.sizes.get(event.anchor or "", (1, 0))
            self.add(nodes, height, nodes)


def _check_shape(text: str, path: Path) -> None:
    """Count expanded nodes and nesting from the event stream, refusing past the bounds."""
    shape = _Shape(path)
    try:
        for event in yaml.parse(text, Loader=Loader):
            shape.event(event)
    except yaml.YAMLError as error:
        if "nesting depth" in _problem(error):  # libyaml's own bound (1000 levels)
            raise DocumentError(_too_deep(path)) from None
        raise DocumentError(
            f"'{path}' is not YAML or JSON{_where(error)}: {_problem(error)}."
        ) from None


def _too_deep(path: Path) -> str:
    return (
        f"'{path}' nests deeper than {MAX_DEPTH} levels; no OpenAPI document needs that many: "
        "flatten it (name nested schemas under components and $ref them)."
    )


def _check_version(document: Mapping[str, Any], path: Path) -> None:
    version = document.get("openapi")
    if isinstance(version, str) and version.startswith("3.0"):
        return
    if "swagger" in document:
        raise DocumentError(
            f"'{path}' is Swagger {str(document['swagger'])[:20]} (/swagger). API Gateway "
            "imports Swagger 2.0 too, but this program completes and checks OpenAPI 3.0 "
            "documents only (the private integration, the endpoint configuration under "
            "servers); convert it to OpenAPI 3.0, for example with `npx swagger2openapi`."
        )
    if isinstance(version, (int, float)) and not isinstance(version, bool):
        raise DocumentError(
            f"'{path}' has openapi: {version} at /openapi, which YAML reads as a number; quote "
            f"it, as openapi: '3.0.1' (or \"3.0.1\" in JSON)."
        )
    found = f"'openapi: {str(version)[:40]}'" if version else "no 'openapi' version"
    raise DocumentError(
        f"'{path}' has {found} at /openapi; give an OpenAPI 3.0 document (openapi: '3.0.x'), "
        "the version this program completes with API Gateway's extensions (API Gateway also "
        "imports Swagger 2.0, not 3.1)."
    )


def validation_problems(document: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(JSON pointer, problem) for each way `document` breaks OpenAPI 3.0.

    API Gateway's greedy path variable (`/{proxy+}`, its parameter named `proxy`) is not OpenAPI:
    the document is validated with `{name+}` read as `{name}`, as API Gateway reads it.
    """
    view = dict(document)
    paths = document.get("paths")
    if isinstance(paths, Mapping):
        view["paths"] = {re.sub(r"\{([^{}+]+)\+\}", r"{\1}", str(k)): v for k, v in paths.items()}
    for error in OpenAPIV30SpecValidator(view).iter_errors():
        parts = [str(part) for part in error.absolute_path]
        unresolved = _UNRESOLVED.search(error.message)
        if not parts and unresolved is not None:
            parts = ["paths", unresolved.group("path")]
        pointer = "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
        message = error.message.rstrip(".")
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 5] + " ..."
        yield pointer, message + "."


_UNRESOLVED = re.compile(r"operation in '(?P<path>[^']+)'")


def _where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _problem(error: yaml.YAMLError) -> str:
    """The parser's own words without its snippet (which can be a whole one-line document)."""
    problem = getattr(error, "problem", None)
    return str(problem or type(error).__name__)[:MAX_MESSAGE]
