"""Write what is generated from the key table (config_keys.py): `Pulumi.yaml`'s `config:` block
and the key table of docs/configuration.md.

`python -m tools.key_tables` rewrites both (`make generate`); `--check` changes nothing and exits 2
naming the stale files. tests/program/test_config_keys.py fails when either file is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from config_keys import KEYS, Key

PROJECT_DIR = Path(__file__).resolve().parents[1]
PULUMI_YAML = PROJECT_DIR / "Pulumi.yaml"
CONFIGURATION_MD = PROJECT_DIR / "docs" / "configuration.md"
DOCS_BEGIN = "<!-- config-keys:begin (generated from config_keys.py by `make generate`) -->"
DOCS_END = "<!-- config-keys:end -->"


def config_block(keys: dict[str, Key]) -> str:
    """`Pulumi.yaml`'s `config:` block: every key with a default or required, in table order."""
    optional = [key.name for key in keys.values() if key.optional]
    lines = [
        "config:",
        "  # Generated from config_keys.py by `make generate`: edit the table there, not here.",
        "  # Keys without a default are required in each stack file.",
        "  # Structured values (object, array) are written as YAML in Pulumi.<stack>.yaml.",
    ]
    if optional:
        # The CLI requires every declared key without a default (config_keys.py).
        lines.append(
            "  # Optional without a default, so not declared here: " + ", ".join(optional) + "."
        )
    for key in keys.values():
        if key.optional:
            continue
        lines += [f"  {key.name}:", f"    type: {key.type}"]
        if key.items is not None:
            lines += ["    items:", f"      type: {key.items}"]
        if key.has_default:
            # JSON is YAML: "OFF" stays a string, {} and [] stay empty collections.
            lines.append(f"    default: {json.dumps(key.default)}")
        lines.append("    description: >-")
        lines += textwrap.wrap(
            key.meaning,
            width=100,
            initial_indent="      ",
            subsequent_indent="      ",
            break_long_words=False,
            break_on_hyphens=False,
        )
    return "\n".join(lines) + "\n"


def shown_default(key: Key) -> str:
    """The docs table's default column."""
    if key.shown_default is not None:
        return key.shown_default
    if key.required:
        return "required"
    if key.optional:
        return "unset"
    return f"`{json.dumps(key.default).strip(chr(34)) or chr(34) * 2}`"


def docs_table(keys: dict[str, Key]) -> str:
    rows = [f"| `{key.name}` | {shown_default(key)} | {key.doc} |" for key in keys.values()]
    return "\n".join(
        [DOCS_BEGIN, "", "| key | default | meaning |", "|---|---|---|", *rows, "", DOCS_END]
    )


def pulumi_yaml(current: str, keys: dict[str, Key] = KEYS) -> str:
    """`Pulumi.yaml` with its `config:` block (the file's last) generated; the rest kept."""
    head, found, _ = current.partition("\nconfig:\n")
    if not found:
        raise ValueError("Pulumi.yaml has no top-level config: block to replace")
    return head + "\n" + config_block(keys)


def configuration_md(current: str, keys: dict[str, Key] = KEYS) -> str:
    """docs/configuration.md with the text between its markers generated; the rest kept."""
    head, found, rest = current.partition(DOCS_BEGIN)
    _, found_end, tail = rest.partition(DOCS_END)
    if not found or not found_end:
        raise ValueError("docs/configuration.md has no config-keys markers")
    return head + docs_table(keys) + tail


#: Each generated file and how to render it from its current text.
TARGETS: dict[Path, Callable[[str], str]] = {
    PULUMI_YAML: pulumi_yaml,
    CONFIGURATION_MD: configuration_md,
}


def stale() -> list[Path]:
    """The generated files whose text differs from what the table gives."""
    return [
        path for path, render in TARGETS.items() if render(path.read_text()) != path.read_text()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 2 if stale")
    options = parser.parse_args(argv)
    try:
        if options.check:
            paths = stale()
            if paths:
                names = ", ".join(str(path.relative_to(PROJECT_DIR)) for path in paths)
                print(f"generate: stale: {names}; run `make generate`.", file=sys.stderr)
                return 2
            return 0
        for path, render in TARGETS.items():
            text = render(path.read_text())
            if text != path.read_text():
                path.write_text(text)
    except (OSError, ValueError) as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
