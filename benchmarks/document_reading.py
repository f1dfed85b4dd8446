"""Bounded reading of a team's OpenAPI file: bad documents refused in bounded time, at what cost.

    venv/bin/python -m benchmarks.document_reading [--paths 2000] [--runs 3]
    (also: venv/bin/python -m benchmarks.api_definition --documents)

It prints, median of `--runs`:

- the time `components.document.load_document` takes to refuse a "billion laughs" YAML (ten
  anchors of ten aliases each: 10^9 nodes once expanded, which `json.dumps` used to build),
  a document nested 5,000 deep and one nested 300 deep, and what the whole stack check
  (`python -m tools.stackcheck orders --set openApiFile=...`) takes to exit 2 on the first;
- for a valid document of `--paths` paths (one GET each, YAML), the time of each step: the
  bounding pass over the event stream, the C loader's `yaml.load`, and the whole `load_document`
  (which adds the `$ref` walk and openapi-spec-validator), so the bound's share is visible.

It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from benchmarks.machine import machine
from components import document

PROJECT_DIR = Path(__file__).resolve().parents[1]


def billion_laughs() -> str:
    lines = ["openapi: '3.0.1'", "a: &a [" + ", ".join(["lol"] * 10) + "]"]
    for previous, current in zip("abcdefghi", "bcdefghij", strict=True):
        lines.append(f"{current}: &{current} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "openapi: '3.0.1'\nx: " + "[" * depth + "]" * depth + "\n"


def valid(paths: int) -> str:
    lines = ["openapi: '3.0.1'", "info: {title: bench, version: '1'}", "paths:"]
    for index in range(paths):
        lines += [f"  /r{index}:", "    get:", "      responses: {default: {description: x}}"]
    return "\n".join(lines) + "\n"


def median_s(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with contextlib.suppress(document.DocumentError):
            action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 4)


def refusal(path: Path, runs: int) -> dict[str, object]:
    try:
        document.load_document(path)
        refused = ""
    except document.DocumentError as error:
        refused = str(error).split(": ", 1)[0][:80]
    return {
        "refused": refused,
        "load_document_s": median_s(lambda: document.load_document(path), runs),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--paths", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    return run(args.paths, args.runs)


def run(paths: int, runs: int) -> int:
    """Measure and print; see the module docstring."""
    rows: dict[str, object] = {"loader": document.Loader.__name__}
    with tempfile.TemporaryDirectory() as scratch:
        files = {
            "billion laughs": billion_laughs(),
            "nested 5000": nested(5000),
            "nested 300": nested(300),
        }
        for name, text in files.items():
            path = Path(scratch) / f"{name.replace(' ', '-')}.yaml"
            path.write_text(text)
            rows[name] = refusal(path, runs)
        laughs = Path(scratch) / "billion-laughs.yaml"
        started = time.perf_counter()
        check = subprocess.run(
            [sys.executable, "-m", "tools.stackcheck", "orders", "--set", f"openApiFile={laughs}"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        rows["billion laughs, stack check"] = {
            "exit": check.returncode,
            "wall_s": round(time.perf_counter() - started, 2),
        }
        text = valid(paths)
        path = Path(scratch) / "valid.yaml"
        path.write_text(text)
        rows[f"valid, {paths} paths ({len(text.encode())} bytes)"] = {
            "bounding_pass_s": median_s(lambda: document._check_shape(text, path), runs),
            "yaml_load_s": median_s(
                lambda: yaml.load(text, Loader=document.Loader),  # noqa: S506 (safe loader)
                runs,
            ),
            "load_document_s": median_s(lambda: document.load_document(path), runs),
        }
    for name, row in rows.items():
        print(f"{name}: {json.dumps(row)}")
    print(f"machine: {json.dumps(machine())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
