"""Reading a body's text (JSON or YAML) into a document within bounds: never a hang, never a crash.

A RestApi's `body` is whatever the program put there: 6 MB of YAML, a "billion laughs" of nested
aliases, a document nested thousands of levels deep. PyYAML's pure-Python loader takes half a
minute on 5 MB; its C loader still composes nodes and resolves each scalar in Python, and expands
nothing, so a walk of an aliased value afterwards is what never ends. This module reads YAML from
libyaml's event stream (C) and builds the document itself, in one pass that counts as it goes:

- size: a body above `MAX_BODY_BYTES` (API Gateway's import limit) is not read at all;
- depth: a value nested deeper than `MAX_DEPTH` is replaced by `TOO_DEEP` and reported with its
  JSON pointer, and the rest of the document is read (so an INTERNET operation beside a deep
  schema is still judged); past libyaml's own bound (1,000 levels) the body is refused at once;
- aliases: each alias adds the size of the value it names; past `MAX_ALIAS_NODES` added values,
  or an alias inside the value it names (a cycle), the body is refused at once.

JSON is read with the standard library first (C, a tree: no aliases); JSON nested deeper than
`MAX_DEPTH` (or so deep that the scanner refuses it) is read again with its too-deep values cut
out first (one regex pass over its strings and brackets).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Final

import yaml
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

#: API Gateway's limit on an imported API definition (developer guide, "Amazon API Gateway
#: important notes" and quotas: "API definition file size, 6 MB"); the program's
#: components/openapi.py keeps the same figure.
MAX_BODY_BYTES: Final = 6 * 1024 * 1024
#: Deeper values are not read (an OpenAPI document's deepest schemas are a few dozen levels).
MAX_DEPTH: Final = 128
#: Values aliases may add once expanded: a billion laughs adds 9^9.
MAX_ALIAS_NODES: Final = 1_000_000


class TooDeep:
    """Stands for a value nested deeper than `MAX_DEPTH`, which was not read."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<too deep>"


TOO_DEEP: Final = TooDeep()


@dataclass
class Document:
    """A body read within bounds: its value, or why it was refused; notes on what was skipped."""

    value: Any = None
    #: Why the body was not read ("" when it was); a predicate: "is neither JSON nor YAML".
    refused: str = ""
    #: Where values nested deeper than `MAX_DEPTH` were (not read): a JSON pointer in YAML, a line
    #: and column in JSON.
    too_deep: list[str] = field(default_factory=list)


class _RefusedError(Exception):
    pass


def read(text: str) -> Document:
    """The document a body's text holds, within the bounds above."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        return Document(
            refused=f"is {size:,} bytes, above API Gateway's import limit of "
            f"{MAX_BODY_BYTES:,} bytes (6 MB)"
        )
    try:
        value = json.loads(text)
    except RecursionError:
        value = _NOT_JSON if text.lstrip()[:1] not in ("{", "[") else _TOO_DEEP_JSON
    except ValueError:
        value = _NOT_JSON  # YAML, below
    if value is _TOO_DEEP_JSON or (value is not _NOT_JSON and _json_depth(text) > MAX_DEPTH):
        cut, where = _json_cut(text)
        try:
            return Document(json.loads(cut), too_deep=where)
        except (ValueError, RecursionError):
            pass  # not JSON after all: YAML, below
    elif value is not _NOT_JSON:
        return Document(value)
    try:
        return _read_yaml(text)
    except _RefusedError as refusal:
        return Document(refused=str(refusal))
    except yaml.YAMLError as error:
        if "nesting depth" in str(getattr(error, "problem", "")):
            # libyaml's own bound (1,000 levels), reached before ours refused the body.
            return Document(refused="nests values more than 1,000 levels deep")
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        return Document(refused=f"is neither JSON nor YAML{at}")


_JSON_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_JSON: Final = object()
_TOO_DEEP_JSON: Final = object()
_JSON_TOKEN: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
#: What a JSON value nested too deep becomes: a string no rule reads as anything else.
TOO_DEEP_TEXT: Final = "<nested too deep: not read>"
_INNERMOST: Final = re.compile(r"\[\]|\{\}")


def _json_depth(text: str) -> int:
    """How deep a JSON text nests (at most MAX_DEPTH + 1), in C-speed passes: strings removed,
    then the brackets only, then one level of innermost pairs removed per pass."""
    brackets = re.sub(r"[^\[\]{}]+", "", _JSON_STRING.sub("", text))
    depth = 0
    while brackets and depth <= MAX_DEPTH:
        brackets = _INNERMOST.sub("", brackets)
        depth += 1
    return depth


def _json_cut(text: str) -> tuple[str, list[str]]:
    """The JSON text with every value nested deeper than MAX_DEPTH replaced by TOO_DEEP_TEXT,
    and where each was (line, column): one pass over its strings and brackets."""
    depth = 0
    pieces: list[str] = []
    where: list[str] = []
    kept = 0
    cut_at = -1
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            depth += 1
            if depth == MAX_DEPTH + 1:
                cut_at = token.start()
        elif mark in ("]", "}"):
            if depth == MAX_DEPTH + 1 and cut_at >= 0:
                pieces += [text[kept:cut_at], json.dumps(TOO_DEEP_TEXT)]
                kept = token.end()
                if len(where) < 5:
                    line = text.count("\n", 0, cut_at) + 1
                    column = cut_at - (text.rfind("\n", 0, cut_at) + 1) + 1
                    where.append(f"line {line}, column {column}")
            depth -= 1
    pieces.append(text[kept:])
    return "".join(pieces), where


# --- YAML, from libyaml's events --------------------------------------------------------------

#: libyaml's parser where PyYAML was built with it (its wheels are); else PyYAML's own, which is
#: an iterative state machine too (only its composer recurses, and this module does not use it).
_LOADER: Final = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVERS: Final = Resolver.yaml_implicit_resolvers
_CONSTRUCTOR: Final = yaml.SafeLoader("")  # its constructor methods, for non-string scalars
_STR: Final = "tag:yaml.org,2002:str"
_MERGE: Final = "tag:yaml.org,2002:merge"
_PLAIN_COLLECTION_TAGS: Final = (None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_NO_KEY: Final = object()
_MERGE_KEY: Final = object()


class _Frame:
    """An open sequence or mapping."""

    __slots__ = ("anchor", "height", "key", "merges", "size", "value")

    def __init__(self, value: list[Any] | dict[Any, Any], anchor: str | None) -> None:
        self.value = value
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.merges: list[Any] = []
        self.size = 1
        self.height = 0


def _scalar(event: yaml.ScalarEvent) -> Any:
    """A scalar's value as PyYAML's safe loader would construct it."""
    tag, value = event.tag, event.value
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value  # quoted: a string
        tag = _STR
        for candidate, pattern in _RESOLVERS.get(value[:1], ()):
            if pattern.match(value):
                tag = candidate
                break
        if tag == _STR:
            return value
        if tag == _MERGE:
            return _MERGE_KEY
    if tag == _STR:
        return value
    construct = _CONSTRUCTOR.yaml_constructors.get(tag)
    if construct is None or tag == _MERGE:
        raise _RefusedError(f"uses the YAML tag '{tag[:60]}', which the pack does not read")
    try:
        return construct(_CONSTRUCTOR, ScalarNode(tag, value))
    except (yaml.YAMLError, ValueError, TypeError) as error:
        raise _RefusedError(
            f"has a YAML scalar tagged '{tag[:60]}' that does not read as one"
        ) from error


def _pointer(stack: list[_Frame]) -> str:
    """The JSON pointer of the value about to be added (its first 120 characters)."""
    parts = []
    for frame in stack:
        if isinstance(frame.value, list):
            parts.append(str(len(frame.value)))
        else:
            key = frame.key
            parts.append(str(key).replace("~", "~0").replace("/", "~1")[:80])
    pointer = "/" + "/".join(parts)
    return pointer if len(pointer) <= 120 else pointer[:117] + "..."


def _read_yaml(text: str) -> Document:
    """One pass over libyaml's events, building the document and counting as it goes."""
    reader = _Reader()
    loader = _LOADER(text)
    next_event = loader.get_event
    try:
        while True:
            event: Any = next_event()
            kind = type(event)
            if reader.skipping:
                reader.skip(event, kind)
            elif kind is yaml.ScalarEvent:
                reader.scalar(event)
            elif kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                reader.start(event, kind is yaml.SequenceStartEvent)
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                reader.end()
            elif kind is yaml.AliasEvent:
                reader.alias(event.anchor)
            elif kind is yaml.DocumentStartEvent:
                reader.documents += 1
                if reader.documents > 1:
                    raise _RefusedError("holds more than one YAML document")
            elif kind is yaml.StreamEndEvent:
                return reader.document
    finally:
        loader.dispose()


class _Reader:
    """The state of one pass: open collections, anchors, and what the bounds have counted."""

    def __init__(self) -> None:
        self.document = Document()
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # value, values expanded, height
        self.open_anchors: set[str] = set()
        self.skipped_anchors: set[str] = set()
        self.added = 0  # values aliases added
        self.skipping = 0  # levels open inside a value too deep to read
        self.documents = 0

    def add(self, value: Any, size: int, height: int) -> None:
        if not self.stack:
            self.document.value = value
            return
        frame = self.stack[-1]
        frame.size += size
        if height >= frame.height:
            frame.height = height + 1
        container = frame.value
        if type(container) is list:
            container.append(value)
        elif frame.key is _NO_KEY:
            if isinstance(value, list | dict | set):
                raise _RefusedError("has a map key that is itself a list or map")
            frame.key = value
        else:
            if frame.key is _MERGE_KEY:
                frame.merges.append(value)
            else:
                container[frame.key] = value
            frame.key = _NO_KEY

    def too_deep(self) -> None:
        if len(self.document.too_deep) < 5:
            self.document.too_deep.append(f"'{_pointer(self.stack)}'")

    def skip(self, event: Any, kind: type) -> None:
        if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
            self.skipping += 1
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            self.skipping -= 1
            if not self.skipping:
                self.add(TOO_DEEP, 1, 0)
        if getattr(event, "anchor", None):
            self.skipped_anchors.add(event.anchor)

    def scalar(self, event: Any) -> None:
        if event.anchor:
            value = _scalar(event)
            self.anchors[event.anchor] = (value, 1, 0)
            self.add(value, 1, 0)
        elif event.tag is None and not event.implicit[0]:
            self.add(event.value, 1, 0)  # quoted: a string, the common case
        else:
            self.add(_scalar(event), 1, 0)

    def start(self, event: Any, sequence: bool) -> None:
        if event.tag not in _PLAIN_COLLECTION_TAGS:
            raise _RefusedError(
                f"uses the YAML tag '{event.tag[:60]}', which the pack does not read"
            )
        if len(self.stack) >= MAX_DEPTH:
            self.too_deep()
            self.skipping = 1
            if event.anchor:
                self.skipped_anchors.add(event.anchor)
            return
        self.stack.append(_Frame([] if sequence else {}, event.anchor))
        if event.anchor:
            self.open_anchors.add(event.anchor)

    def end(self) -> None:
        frame = self.stack.pop()
        value = frame.value
        if frame.merges and isinstance(value, dict):
            value = _merged(frame.merges, value)
        if frame.anchor:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (value, frame.size, frame.height)
        self.add(value, frame.size, frame.height)

    def alias(self, anchor: str) -> None:
        if anchor in self.open_anchors:
            raise _RefusedError(f"has an alias (*{anchor[:40]}) inside the value it names")
        if anchor in self.skipped_anchors:
            self.add(TOO_DEEP, 1, 0)
            return
        if anchor not in self.anchors:
            raise _RefusedError(f"names an alias (*{anchor[:40]}) that no anchor defines")
        value, size, height = self.anchors[anchor]
        self.added += size
        if self.added > MAX_ALIAS_NODES:
            raise _RefusedError(
                f"has aliases that expand to more than {MAX_ALIAS_NODES:,} values (a 'billion "
                "laughs'); write the values out, or share fewer of them"
            )
        if len(self.stack) + height > MAX_DEPTH:
            self.too_deep()
            self.add(TOO_DEEP, 1, 0)
            return
        self.add(value, size, height)


def _merged(merges: list[Any], explicit: dict[Any, Any]) -> dict[Any, Any]:
    """A mapping with `<<` merge keys, as PyYAML's safe loader flattens it: explicit keys win,
    then later merges over earlier ones, and in a merged list the first map over the rest."""
    result: dict[Any, Any] = {}
    for merge in merges:
        maps = list(reversed(merge)) if isinstance(merge, list) else [merge]
        for mapping in maps:
            if not isinstance(mapping, dict):
                raise _RefusedError("merges (<<) a value that is not a map")
            result.update(mapping)
    result.update(explicit)
    return result
