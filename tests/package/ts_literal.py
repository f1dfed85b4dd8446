"""The arguments an example TypeScript program passes to `new <sdk>.PrivateRestApi(name, {...})`,
read without Node: the examples keep to object and array literals, strings, numbers, booleans,
`const` names bound to such literals, shorthand properties and the SDK's enum members
(`sdk.VpcLinkKind.V2`). Anything else is an error, so a construct this reader does not know
cannot pass unchecked. The compiler's own check is tests/cli/test_gen_sdk.py (tsc against the
generated SDK); this one names the schema property a mistake is about, and needs no CLI."""

import json
import re
from collections.abc import Callable
from typing import Any

TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*")|(?P<number>-?\d+(?:\.\d+)?)"""
    r"""|(?P<name>[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)|(?P<punct>[{}\[\]:,]))"""
)
COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)  # whole-line comments only


class Reader:
    """A recursive-descent reader over one literal; `names` resolves identifiers."""

    def __init__(self, text: str, resolve: Callable[[str], Any]) -> None:
        self.tokens: list[tuple[str | None, str]] = []
        pos = 0
        while text[pos:].strip():
            match = TOKEN.match(text, pos)
            if match is None:
                raise ValueError(f"unsupported text {text[pos:].strip()[:20]!r}")
            self.tokens.append((match.lastgroup, match.group(match.lastgroup or "")))
            pos = match.end()
        self.pos = 0
        self.resolve = resolve

    def whole(self) -> Any:
        """The one value the text holds, nothing after it."""
        found = self.value()
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected {self.peek()[1]!r} after the value")
        return found

    def peek(self) -> tuple[str | None, str]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, "")

    def take(self, expected: str | None = None) -> tuple[str | None, str]:
        token = self.peek()
        if expected is not None and token[1] != expected:
            raise ValueError(f"expected {expected!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def value(self) -> Any:
        kind, text = self.take()
        if text == "{":
            return self.obj()
        if text == "[":
            return self.array()
        if kind == "string":
            return json.loads(text)
        if kind == "number":
            return json.loads(text)
        if text in ("true", "false"):
            return text == "true"
        if kind == "name":
            return self.resolve(text)
        raise ValueError(f"unsupported token {text!r}")

    def obj(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.peek()[1] != "}":
            kind, key = self.take()
            if kind == "string":
                key = json.loads(key)
            elif kind != "name" or "." in key:
                raise ValueError(f"unsupported key {key!r}")
            out[key] = self.resolve(key) if self.peek()[1] in (",", "}") else self._after_colon()
            if self.peek()[1] == ",":
                self.take()
        self.take("}")
        return out

    def _after_colon(self) -> Any:
        self.take(":")
        return self.value()

    def array(self) -> list[Any]:
        out: list[Any] = []
        while self.peek()[1] != "]":
            out.append(self.value())
            if self.peek()[1] == ",":
                self.take()
        self.take("]")
        return out


def balanced(text: str, start: int) -> str:
    """The bracketed text opening at `start` (strings may hold brackets)."""
    depth, pos, quote = 0, start, False
    while pos < len(text):
        char = text[pos]
        if quote:
            if char == "\\":
                pos += 1
            elif char == '"':
                quote = False
        elif char == '"':
            quote = True
        elif char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return text[start : pos + 1]
        pos += 1
    raise ValueError("unbalanced literal")


def component_args(source: str, component: str, enums: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The args object of `new <alias>.<component>("<name>", {...})` in `source`.

    `enums` maps an enum type's name to its members' names and values (from the schema).
    """
    text = COMMENT.sub("", source)
    alias_match = re.search(r'import \* as (\w+) from "@pulumi/private-api";', text)
    if alias_match is None:
        raise ValueError('no `import * as <alias> from "@pulumi/private-api"`')
    alias = alias_match[1]
    declared = {m[1]: m.end() for m in re.finditer(r"\bconst (\w+)\s*=\s*", text)}

    def resolve(name: str) -> Any:
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == alias and parts[2] in enums.get(parts[1], {}):
            return enums[parts[1]][parts[2]]
        if name in declared:  # read when used, so other consts (outputs) are never read
            start = declared[name]
            return Reader(text[start : text.index(";", start)], resolve).whole()
        raise ValueError(f"{name} is neither a const of the file nor a member of an SDK enum")

    call = re.search(rf"new {alias}\.{component}\(\s*\"[\w-]+\",\s*", text)
    if call is None:
        raise ValueError(f"no `new {alias}.{component}(...)`")
    args = Reader(balanced(text, call.end()), resolve).whole()
    if not isinstance(args, dict):
        raise ValueError("the args are not an object literal")
    return args
