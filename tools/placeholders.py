"""Refuse to deploy a stack file that still carries AWS's documentation account, 123456789012.

    python -m tools.placeholders <stack>

The shipped stacks name the walkthrough's example NLB (account 123456789012, the placeholder AWS's
documentation uses), so the stack check and CI have something to evaluate. Deploying them can only
fail, so `make up` and `make preview` run this first: it names every key still holding the
placeholder and the command that sets it. With `backendStack` set, the active link's `targetArn`
is not used, so it is not reported.

Exit status: 0 nothing to set, 2 placeholders found (or an unknown stack), with one line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tools import stackfiles, stackproject

PROJECT_DIR = Path(__file__).resolve().parents[1]
PLACEHOLDER_ACCOUNT = "123456789012"
NAMESPACE = "private-api"
#: What to put in the command, by the last part of the key.
_WHAT = {"targetArn": "<your NLB ARN>", "webAclArn": "<your web ACL ARN>"}


def placeholder_keys(config: stackfiles.StackConfig) -> list[str]:
    """Keys (as `pulumi config set --path` takes them) whose values name the placeholder account."""
    prefix = f"{NAMESPACE}:"
    found: list[str] = []
    for full_key, text in sorted(config.values.items()):
        if not full_key.startswith(prefix) or full_key in config.secret_keys:
            continue
        try:
            value: Any = json.loads(text)
        except json.JSONDecodeError:
            value = text
        if not isinstance(value, dict | list):
            value = text
        found.extend(_paths(full_key[len(prefix) :], value))
    if config.values.get(f"{prefix}backendStack"):
        active = config.values.get(f"{prefix}activeVpcLink", "")
        found = [key for key in found if key != f"vpcLinks.{active}.targetArn"]
    return found


def _paths(path: str, value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(f"{path}.{key}", item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(f"{path}[{index}]", item)
    elif isinstance(value, str) and f":{PLACEHOLDER_ACCOUNT}:" in value:
        yield path


def message(stack: str, keys: Sequence[str]) -> str:
    commands = " and ".join(
        f"`pulumi config set --path {key} {_WHAT.get(key.rsplit('.', 1)[-1], '<your value>')} "
        f"--stack {stack}`"
        for key in keys
    )
    return (
        f"Pulumi.{stack}.yaml still has AWS's placeholder account {PLACEHOLDER_ACCOUNT} in "
        f"{', '.join(keys)}: set {'it' if len(keys) == 1 else 'them'} with {commands}; no NLB "
        "yet? `make demo` deploys a disposable one and uses it (README.md, 'Start')."
    )


def main(argv: Sequence[str] | None = None, project_dir: Path = PROJECT_DIR) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m tools.placeholders STACK", file=sys.stderr)
        return 2
    try:
        config = stackfiles.load(project_dir, args[0])
    except stackproject.StackFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    keys = placeholder_keys(config)
    if keys:
        print(f"error: {message(args[0], keys)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
