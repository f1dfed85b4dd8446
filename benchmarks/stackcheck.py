"""Benchmark the stack check (program under mocks + policy pack) against Checkov on the same API.

    venv/bin/python -m benchmarks.stackcheck [--routes 1,10,100,500] [--links 1,2,10]
                                             [--checkov PATH | --no-checkov] [--out FILE]

Each size runs in its own process, so its peak memory is its own. For every size it reports the
resources registered, program evaluation seconds, policy pack seconds (start-up, per resource,
the stack call) and peak memory. Then it times the whole `python -m tools.stackcheck` command on
the 500-route, one-link stack, and Checkov on the same API written as Terraform (generated here),
each under the same wrapper, and prints the ratio. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
ACCOUNT = "123456789012"


def nlb_arn(index: int) -> str:
    return (
        f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/bench-{index}/"
        f"{index:016x}"
    )


def overrides(routes: int, links: int) -> dict[str, Any]:
    """A stack of `routes` routes (GET / and GET /r1 ... ) and `links` links, the first active."""
    return {
        "routes": [{"path": "/", "method": "GET"}]
        + [{"path": f"/r{i}", "method": "GET"} for i in range(1, routes)],
        "vpcLinks": {f"link{j}": {"targetArn": nlb_arn(j)} for j in range(links)},
        "activeVpcLink": "link0",
    }


def measure_one(routes: int, links: int) -> dict[str, Any]:
    """Runs in a child process: evaluate and check one size, with timings and peak memory."""
    from tools import stackcheck  # noqa: PLC0415 (its import time counts as evaluation)

    clock = time.perf_counter()
    evaluation = stackcheck.evaluate(PROJECT_DIR, "dev", overrides(routes, links))
    program_s = time.perf_counter() - clock
    stackcheck.check_policies(evaluation, None)
    analyzed = sum(1 for r in evaluation.run.resources if not r.read)
    timings = evaluation.timings
    return {
        "routes": routes,
        "links": links,
        "resources": len(evaluation.run.resources),
        "program_s": round(program_s, 3),
        "policy_start_s": round(timings["start"], 3),
        "policy_per_resource_ms": round(1000 * timings["analyze"] / max(analyzed, 1), 3),
        "policy_analyze_s": round(timings["analyze"], 3),
        "policy_stack_s": round(timings["analyze_stack"], 3),
        "mandatory_violations": len(evaluation.mandatory),
        "peak_mb_program": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_mb_pack": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def timed(command: list[str], cwd: Path) -> dict[str, float]:
    """Wall seconds and the largest resident set of any process in the command's tree."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "wall = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(f'{wall} {peak} {code}')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return {
        "wall_s": round(float(out[0]), 2),
        "peak_mb": round(float(out[1]), 1),
        "exit": float(out[2]),
    }


def terraform(routes: int) -> str:
    """The same private API as Terraform: one link, `routes` GET routes, a deployment, a stage."""
    parts = [
        'provider "aws" {\n  region = "us-east-1"\n}\n',
        'resource "aws_api_gateway_vpc_link" "main" {\n'
        '  name        = "bench"\n'
        f'  target_arns = ["{nlb_arn(0)}"]\n}}\n',
        'resource "aws_api_gateway_rest_api" "api" {\n  name = "bench"\n'
        '  endpoint_configuration {\n    types = ["REGIONAL"]\n  }\n}\n',
    ]
    depends = []
    for i in range(routes):
        root = i == 0
        resource_id = (
            "aws_api_gateway_rest_api.api.root_resource_id"
            if root
            else f"aws_api_gateway_resource.r{i}.id"
        )
        if not root:
            parts.append(
                f'resource "aws_api_gateway_resource" "r{i}" {{\n'
                "  rest_api_id = aws_api_gateway_rest_api.api.id\n"
                "  parent_id   = aws_api_gateway_rest_api.api.root_resource_id\n"
                f'  path_part   = "r{i}"\n}}\n'
            )
        parts.append(
            f'resource "aws_api_gateway_method" "m{i}" {{\n'
            "  rest_api_id   = aws_api_gateway_rest_api.api.id\n"
            f"  resource_id   = {resource_id}\n"
            '  http_method   = "GET"\n  authorization = "NONE"\n}\n'
        )
        parts.append(
            f'resource "aws_api_gateway_integration" "i{i}" {{\n'
            "  rest_api_id             = aws_api_gateway_rest_api.api.id\n"
            f"  resource_id             = {resource_id}\n"
            f"  http_method             = aws_api_gateway_method.m{i}.http_method\n"
            '  type                    = "HTTP_PROXY"\n'
            '  integration_http_method = "GET"\n'
            f'  uri                     = "http://myapi.example.com/{"" if root else f"r{i}"}"\n'
            '  connection_type         = "VPC_LINK"\n'
            '  connection_id           = "$${stageVariables.vpcLinkId}"\n}\n'
        )
        depends.append(f"aws_api_gateway_integration.i{i}")
    parts.append(
        'resource "aws_api_gateway_deployment" "d" {\n'
        "  rest_api_id = aws_api_gateway_rest_api.api.id\n"
        '  triggers = {\n    redeployment = sha1("routes")\n  }\n'
        f"  depends_on = [{', '.join(depends)}]\n}}\n"
    )
    parts.append(
        'resource "aws_api_gateway_stage" "s" {\n'
        "  rest_api_id   = aws_api_gateway_rest_api.api.id\n"
        "  deployment_id = aws_api_gateway_deployment.d.id\n"
        '  stage_name    = "dev"\n'
        "  variables = {\n    vpcLinkId = aws_api_gateway_vpc_link.main.id\n  }\n}\n"
    )
    return "\n".join(parts)


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--routes", default="1,10,100,500")
    parser.add_argument("--links", default="1,2,10")
    parser.add_argument("--checkov", default=shutil.which("checkov"), help="checkov executable")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_DIR / "benchmarks/results/stackcheck.json"
    )
    parser.add_argument(
        "--one", nargs=2, type=int, metavar=("ROUTES", "LINKS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return 0

    rows = []
    for links in (int(x) for x in args.links.split(",")):
        for routes in (int(x) for x in args.routes.split(",")):
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.stackcheck", "--one", str(routes), str(links)],
                cwd=PROJECT_DIR,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), flush=True)

    header = (
        "routes", "links", "resources", "program_s", "policy_start_s",
        "policy_per_resource_ms", "policy_stack_s", "peak_mb_program", "peak_mb_pack",
    )  # fmt: skip
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(row[h]) for h in header) + " |")

    largest = max(int(x) for x in args.routes.split(","))
    result: dict[str, Any] = {"machine": machine(), "sizes": rows}
    with tempfile.TemporaryDirectory() as scratch:
        sets = overrides(largest, 1)
        command = [sys.executable, "-m", "tools.stackcheck", "dev", "--json"]
        for key, value in sets.items():
            command += ["--set", f"{key}={json.dumps(value)}"]
        ours = timed(command, PROJECT_DIR)
        result["stackcheck"] = {"routes": largest, **ours}
        print(
            f"\nstack check, {largest} routes, 1 link: "
            f"{ours['wall_s']} s, {ours['peak_mb']} MB peak"
        )
        if args.checkov and not args.no_checkov:
            tf_dir = Path(scratch) / "tf"
            tf_dir.mkdir()
            (tf_dir / "main.tf").write_text(terraform(largest))
            theirs = timed(
                [
                    args.checkov,
                    "-d",
                    str(tf_dir),
                    "--framework",
                    "terraform",
                    "--quiet",
                    "--compact",
                ],
                PROJECT_DIR,
            )
            result["checkov"] = {"routes": largest, **theirs}
            print(
                f"checkov,      {largest} routes, 1 link: "
                f"{theirs['wall_s']} s, {theirs['peak_mb']} MB peak"
            )
            print(
                f"ratio (checkov / stack check): {theirs['wall_s'] / ours['wall_s']:.2f}x time, "
                f"{theirs['peak_mb'] / ours['peak_mb']:.2f}x memory"
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out.relative_to(PROJECT_DIR)}; machine: {json.dumps(result['machine'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
