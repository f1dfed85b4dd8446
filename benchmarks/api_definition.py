"""Benchmark both apiDefinition modes side by side, against Checkov on the same API, in one run.

    venv/bin/python -m benchmarks.api_definition [--routes 10,100,500] [--runs 3]
                                                 [--checkov PATH | --no-checkov] [--out FILE]
    venv/bin/python -m benchmarks.api_definition --documents    # bounded reading of openApiFile

For each mode (`resources`, `openapi`) and route count, on the dev stack with `--set` routes
(`GET /`, `GET /r1`, ...) and one VPC link, it reports:

- resources the program registers (`tools.stackcheck --json`);
- management-API calls of a fresh `pulumi up`, by a stated model: one call per API Gateway
  resource created plus one read after it (the provider reads each resource back after creating
  it); a RestApi with a body adds its PutRestApi and the UpdateRestApi that puts the RestApi's own
  name back after the import (terraform-provider-aws, internal/service/apigateway/rest_api.go,
  resourceRestAPICreate). At API Gateway's 10 requests per second per account (burst 40), the
  calls give a lower bound on the API's deploy time;
- the whole stack check's wall time and memory (`python -m tools.stackcheck dev --json`, each
  process's peak RSS summed, median of `--runs`), and Checkov's on the same API written as
  Terraform (`resources`: one resource per call, as benchmarks/stackcheck.py writes it;
  `openapi`: a rest_api whose `body` is the document the program generated), same wrapper, same
  run. A 1-route openapi stack gives the memory floor (the two Python processes of the SDK).

It prints figures and writes JSON; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import document_reading
from benchmarks.machine import machine
from benchmarks.stackcheck import (
    PROJECT_DIR,
    checkov_executable,
    nlb_arn,
    set_args,
    summary,
    terraform,
    timed,
    versions,
)

APIGATEWAY = "aws:apigateway/"
REST_API = "aws:apigateway/restApi:RestApi"
RATE_PER_SECOND = 10


def calls(resources: list[dict[str, Any]]) -> int:
    """Management-API calls of a fresh `pulumi up`, by the model in the module docstring."""
    total = 0
    for resource in resources:
        if not resource["type"].startswith(APIGATEWAY):
            continue
        total += 2  # create (or the read of an existing link) and the read after it
        if resource["type"] == REST_API and "body" in resource["inputs"]:
            total += 2  # PutRestApi, and UpdateRestApi restoring the name
    return total


def terraform_body(body: str) -> str:
    """The openapi mode's API as Terraform: the generated document as the rest_api's body."""
    escaped = body.replace("${", "$${")
    return "\n".join(
        [
            'provider "aws" {\n  region = "us-east-1"\n}\n',
            'resource "aws_api_gateway_vpc_link" "main" {\n  name        = "bench"\n'
            f'  target_arns = ["{nlb_arn(0)}"]\n}}\n',
            'resource "aws_api_gateway_rest_api" "api" {\n  name              = "bench"\n'
            '  put_rest_api_mode = "overwrite"\n'
            f"  body              = <<-EOT\n{escaped}\n  EOT\n"
            '  endpoint_configuration {\n    types = ["REGIONAL"]\n  }\n}\n',
            'resource "aws_api_gateway_deployment" "d" {\n'
            "  rest_api_id = aws_api_gateway_rest_api.api.id\n"
            "  triggers = {\n    redeployment = sha1(aws_api_gateway_rest_api.api.body)\n  }\n}\n",
            'resource "aws_api_gateway_stage" "s" {\n'
            "  rest_api_id   = aws_api_gateway_rest_api.api.id\n"
            "  deployment_id = aws_api_gateway_deployment.d.id\n"
            '  stage_name    = "dev"\n'
            "  variables = {\n    vpcLinkId = aws_api_gateway_vpc_link.main.id\n  }\n}\n",
        ]
    )


def run_checkov(checkov: str, text: str, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        tf_dir = Path(scratch) / "tf"
        tf_dir.mkdir()
        (tf_dir / "main.tf").write_text(text)
        command = [checkov, "-d", str(tf_dir), "--framework", "terraform", "--quiet", "--compact"]
        theirs = [timed(command, PROJECT_DIR) for _ in range(runs)]
    for run in theirs:  # 1: it found failing checks
        if run["exit"] not in (0, 1) or "checks" not in run["stdout"].lower():
            raise SystemExit(f"checkov failed ({run['exit']}):\n{run['stderr'][-3000:]}")
    found = summary(theirs)
    counts = re.search(r"Passed checks: (\d+), Failed checks: (\d+)", theirs[0]["stdout"])
    if counts:
        found["checks"] = {"passed": int(counts[1]), "failed": int(counts[2])}
    return found


def measure(mode: str, routes: int, runs: int, checkov: str | None) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "tools.stackcheck",
        "dev",
        "--json",
        "--set",
        f"apiDefinition={mode}",
        *set_args(routes, 1),
    ]
    ours = [timed(command, PROJECT_DIR) for _ in range(runs)]
    for run in ours:
        if run["exit"] != 0:
            raise SystemExit(f"the stack check exited {run['exit']}:\n{run['stderr'][-3000:]}")
    resources = json.loads(ours[0]["stdout"])["resources"]
    row: dict[str, Any] = {
        "mode": mode,
        "routes": routes,
        "resources": len(resources),
        "calls": calls(resources),
        "stackcheck": summary(ours),
    }
    row["deploy_s_at_10_per_s"] = round(row["calls"] / RATE_PER_SECOND, 1)
    if checkov is not None:
        if mode == "openapi":
            body = next(r["inputs"]["body"] for r in resources if r["type"] == REST_API)
            text = terraform_body(body)
        else:
            text = terraform(routes)
        row["checkov"] = run_checkov(checkov, text, runs)
        row["time_vs_checkov"] = round(row["stackcheck"]["wall_s"] / row["checkov"]["wall_s"], 2)
    return row


COLUMNS = (
    ("mode", "mode"),
    ("routes", "routes"),
    ("resources", "resources"),
    ("calls", "API calls (model)"),
    ("deploy_s_at_10_per_s", "calls at 10/s, s"),
    ("stackcheck.wall_s", "stack check s"),
    ("stackcheck.peak_mb_sum", "stack check MB"),
    ("checkov.wall_s", "Checkov s"),
    ("checkov.peak_mb_sum", "Checkov MB"),
    ("time_vs_checkov", "time / Checkov's"),
)


def cell(row: dict[str, Any], key: str) -> str:
    value: Any = row
    for part in key.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return str(value)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |"]
    lines.append("|---|" + "---:|" * (len(COLUMNS) - 1))
    lines += ["| " + " | ".join(cell(row, key) for key, _ in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--routes", default="10,100,500")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkov", help="a checkov executable (default: a cached venv's)")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument(
        "--documents",
        action="store_true",
        help="only the bounded reading of openApiFile (benchmarks/document_reading.py)",
    )
    parser.add_argument(
        "--out", type=Path, default=PROJECT_DIR / "benchmarks/results/api_definition.json"
    )
    args = parser.parse_args()
    if args.documents:
        return document_reading.run(paths=2000, runs=args.runs)
    checkov, how = (None, "skipped") if args.no_checkov else checkov_executable(args.checkov)
    rows = [measure("openapi", 1, args.runs, None)]
    print(json.dumps(rows[-1]), flush=True)
    for mode in ("resources", "openapi"):
        for routes in (int(x) for x in args.routes.split(",")):
            rows.append(measure(mode, routes, args.runs, checkov))
            print(json.dumps(rows[-1]), flush=True)
    print()
    print(table(rows))
    floor = rows[0]["stackcheck"]["peak_mb_sum"]
    largest = [r for r in rows if r["mode"] == "openapi"][-1]
    flat = largest["stackcheck"]["peak_mb_sum"] / floor
    print(
        f"\nopenapi memory at {largest['routes']} routes: {flat:.2f}x the 1-route stack's "
        f"({largest['stackcheck']['peak_mb_sum']} MB vs {floor} MB)"
    )
    result = {
        "machine": machine(),
        "versions": versions(checkov),
        "checkov": how,
        "rows": rows,
        "openapi_memory_vs_one_route": round(flat, 3),
        "median_of_runs": args.runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"machine: {json.dumps(result['machine'])}")
    print(f"versions: {json.dumps(result['versions'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
