"""Write the package's schema (`package/schema.json`) from `PrivateRestApi`'s annotations, as
the provider host infers it, without the Pulumi CLI (issue 22).

`python -m tools.package_schema` rewrites it (`make generate`); `--check` changes nothing and exits
2 when it is stale. tests/package/test_schema.py fails when it is stale or when Pulumi's package
metaschema (vendored in package/metaschema/) refuses it.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

from components.package_component import PACKAGE, PrivateRestApi
from components.package_version import UNRELEASED

PROJECT_DIR = Path(__file__).resolve().parents[1]
SCHEMA_JSON = PROJECT_DIR / "package" / "schema.json"
#: The committed schema's version: a checkout's, not released. The provider serves its schema
#: with the version of the tag it was added at (`components/package_version.py`).
VERSION = UNRELEASED


def schema() -> dict[str, Any]:
    """The schema the provider host serves on GetSchema: the same analyzer, the same generator
    (pulumi/provider/experimental/component.py, `ComponentProvider.__init__`)."""
    result = Analyzer(PACKAGE).analyze([PrivateRestApi])
    spec = generate_schema(
        PACKAGE,
        VERSION,
        None,
        result["component_definitions"],
        result["type_definitions"],
        sorted(result["dependencies"], key=lambda d: f"{d.name}{d.version}"),
    )
    document: dict[str, Any] = spec.to_json()
    return document


def text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 2 if schema.json is stale")
    check = parser.parse_args(argv).check
    current = SCHEMA_JSON.read_text(encoding="utf-8") if SCHEMA_JSON.exists() else ""
    if check:
        if current != text():
            print(f"stale: {SCHEMA_JSON.relative_to(PROJECT_DIR)}; run `make generate`")
            return 2
        return 0
    if current != text():
        SCHEMA_JSON.write_text(text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
