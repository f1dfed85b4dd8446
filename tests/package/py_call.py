"""The arguments an example Python program passes to `<sdk>.PrivateRestApi("<name>", ...)`, read
with `ast` and never run: keyword arguments whose values are literals (strings, numbers,
booleans, lists, dicts), module-level names bound to such literals, the SDK's `...Args(...)`
classes called with keywords, and the SDK's enum members (`sdk.VpcLinkKind.V2`, matched loosely:
`loose`). Keywords are the SDK's snake_case names, given back as the schema's camelCase ones; a
keyword no schema name maps to is kept as written, so the schema check names it. Anything else is
an error, so a construct this reader does not know cannot pass unchecked. The type checker's own
check is tests/cli/test_gen_sdk.py (mypy against the generated SDK)."""

import ast
import re
from collections.abc import Iterable
from typing import Any

SDK_MODULE = "pulumi_private_api"


def snake(name: str) -> str:
    """The Python SDK's name for a schema property (`vpcLinks` is `vpc_links`)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def loose(member: str) -> str:
    """An enum member's name without underscores: the Python generator renames `AWS_IAM` to
    `AW_S_IAM` (pkg/v3 v3.276.0 codegen/python/utilities.go, makeSafeEnumName through PyName;
    pulumi/pulumi#6463), so a member is matched to the schema's this loosely. mypy, against the
    generated SDK, checks the exact spelling (tests/cli/test_gen_sdk.py)."""
    return member.replace("_", "").upper()


class CallReader:
    """Literal values of one module, with the SDK imported as `alias`."""

    def __init__(
        self, tree: ast.Module, alias: str, enums: dict[str, dict[str, str]], names: Iterable[str]
    ) -> None:
        self.alias = alias
        self.enums = enums
        self.camel = {snake(name): name for name in names}
        self.bound = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def keywords(self, keywords: list[ast.keyword]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for keyword in keywords:
            if keyword.arg is None:
                raise ValueError("**kwargs are not read")
            found[self.camel.get(keyword.arg, keyword.arg)] = self.value(keyword.value)
        return found

    def value(self, node: ast.expr) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool):
            return node.value
        if isinstance(node, ast.List):
            return [self.value(item) for item in node.elts]
        if isinstance(node, ast.Dict):
            keys = [key for key in node.keys if key is not None]
            if len(keys) != len(node.keys):
                raise ValueError("** in a dict literal is not read")
            return {self.value(k): self.value(v) for k, v in zip(keys, node.values, strict=True)}
        if isinstance(node, ast.Name) and node.id in self.bound:
            return self.value(self.bound[node.id])
        if isinstance(node, ast.Call) and self.sdk_name(node.func).endswith("Args"):
            if node.args:
                raise ValueError(f"{ast.unparse(node.func)} takes keywords only")
            return self.keywords(node.keywords)
        if isinstance(node, ast.Attribute):
            members = {
                loose(n): v for n, v in self.enums.get(self.sdk_name(node.value), {}).items()
            }
            if loose(node.attr) in members:
                return members[loose(node.attr)]
        raise ValueError(f"unsupported value {ast.unparse(node)!r}")

    def sdk_name(self, node: ast.expr) -> str:
        """`X` for `<alias>.X`, else ""."""
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == self.alias
        ):
            return node.attr
        return ""


def component_args(
    source: str, component: str, enums: dict[str, dict[str, str]], names: Iterable[str]
) -> dict[str, Any]:
    """The keyword arguments of `<alias>.<component>("<name>", ...)` in `source`, with the
    schema's property names (`names`: every property name of the schema's inputs and types)."""
    tree = ast.parse(source)
    aliases = [
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == SDK_MODULE
    ]
    if len(aliases) != 1:
        raise ValueError(f"no single `import {SDK_MODULE} as <alias>`")
    reader = CallReader(tree, aliases[0], enums, names)
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and reader.sdk_name(node.func) == component
    ]
    if len(calls) != 1:
        raise ValueError(f"not exactly one `{aliases[0]}.{component}(...)` call")
    (call,) = calls
    if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant):
        raise ValueError(f"{component}(...) takes its name, then keywords")
    return reader.keywords(call.keywords)
