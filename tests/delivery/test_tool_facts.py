"""Facts of the program that tools/ restates, each bound to its source.

The tools name config keys, stack outputs and provider tokens as literals; a rename in the
program or the provider must fail here, not in a deploy workflow.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pulumi_aws
import pytest

from tools import cert_expiry, goyaml, placeholders, smoke

ROOT = Path(__file__).resolve().parents[2]
PROJECT = goyaml.load_yaml((ROOT / "Pulumi.yaml").read_text())
TOKEN = re.compile(r"aws:([a-z0-9]+)/[A-Za-z0-9]+:[A-Za-z0-9]+")
CONFIG_KEY = re.compile(r"private-api:([a-z][A-Za-z0-9]*)")


def tool_strings() -> Iterator[tuple[str, str]]:
    """Every string literal of tools/*.py (f-strings' literal parts included), with its file."""
    for path in sorted((ROOT / "tools").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path.name, node.value


def exported_outputs() -> set[str]:
    """The stack outputs __main__.py exports: `pulumi.export("name", ...)` or a dict of them."""
    tree = ast.parse((ROOT / "__main__.py").read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "pulumi.export":
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
        if isinstance(node, ast.For) and isinstance(node.iter, ast.Call):
            mapping = node.iter.func
            if isinstance(mapping, ast.Attribute) and isinstance(mapping.value, ast.Dict):
                names |= {
                    k.value
                    for k in mapping.value.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                }
    return names


def test_every_project_config_key_a_tool_names_is_declared() -> None:
    declared = set(PROJECT["config"])
    named = {
        (where, key)
        for where, text in tool_strings()
        for key in CONFIG_KEY.findall(text)
        if not text.startswith(("private-api:index:", "<!--"))
    }
    assert named, "the tools name project keys: the pattern must find them"
    assert {(where, key) for where, key in named if key not in declared} == set()
    assert PROJECT["name"] == placeholders.NAMESPACE


def test_the_outputs_and_keys_the_deploy_tools_read_exist() -> None:
    outputs = exported_outputs()
    assert {"invokeUrl", "clientCertificateExpiry"} <= outputs, "the AST walk must find them"
    assert smoke.OUTPUT_NAME in outputs
    assert cert_expiry.OUTPUT in outputs
    key, _, field = smoke.CANARY_PERCENT_KEY.partition(".")
    assert key in PROJECT["config"]
    assert field in PROJECT["config"][key]["description"]


@pytest.mark.parametrize(
    "token", sorted({m.group(0) for _, t in tool_strings() for m in TOKEN.finditer(t)})
)
def test_every_provider_token_a_tool_names_is_pulumi_aws(token: str) -> None:
    """A resource type or invoke token, as the mocks and the plan match them, is the provider's."""
    module = token.split(":")[1].split("/", maxsplit=1)[0]
    package = Path(pulumi_aws.__file__).parent
    where = package if module == "index" else package / module
    sources = where.glob("*.py")
    assert any(f"'{token}'" in s.read_text() or f'"{token}"' in s.read_text() for s in sources), (
        token
    )


#: The program as issue 19 counts it: the component and what reads the stack's config for it.
PROGRAM = ("components", "stack_config.py", "config_values.py", "config_keys.py", "preflight.py")


def lines(paths: list[Path]) -> int:
    return sum(len(path.read_text().splitlines()) for path in paths)


def test_the_tools_stay_smaller_than_the_program() -> None:
    """The developers' guide: tools stay smaller than the program they check (`wc -l`)."""
    program = [ROOT / "__main__.py"]
    for name in PROGRAM:
        path = ROOT / name
        program.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    tools = lines(sorted((ROOT / "tools").rglob("*.py")))
    assert tools < lines(program), (
        f"tools/ has {tools} lines against the program's {lines(program)}: cut what no longer "
        "earns its place (a library that does it, a test-only helper moved to tests/) before "
        "adding more."
    )
