"""Benchmark the policy pack as the CLI runs it, against Checkov's figures for the same API.

    venv/bin/python -m benchmarks.policy_pack [--sizes 1,100,1500] [--stack 1500] [--json]
    venv/bin/python -m benchmarks.policy_pack --bodies [--pack-dir /tmp/before/policy]

Starts the pack once (`python -u -m pulumi.policy <address> .` in `policy/`, with policy/venv's
Python when it exists, over gRPC, `ConfigureStack` then `Configure`, as the CLI does) and
prints: start-up time; per-resource `Analyze` latency (median, p99) for batches of 1, 100 and
1,500 integrations; the time of one `AnalyzeStack` of a 1,500-resource stack (a 498-route private
API: a Resource, Method and Integration per route, plus the API, link, deployment, stage, method
settings and WAF association); the whole check of that stack (every resource, then the stack)
next to Checkov's 5.8 s and 224 MB for the same 500-route API as Terraform; and the pack's peak
memory. It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import pack_bodies
from benchmarks.machine import machine
from tests.pack_client import PolicyPackClient, Resource
from tools.pack_messages import StackContext

PROJECT_DIR = Path(__file__).resolve().parents[1]
PACK_DIR = PROJECT_DIR / "policy"
CHECKOV = {"seconds": 5.8, "peak_mb": 224.0, "routes": 500}
#: What the CLI tells the pack in a preview: the same PULUMI_* variables, and `ConfigureStack`.
STACK = StackContext(project="private-api", stack="bench", dry_run=True)
NLB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/bench/0123456789abcdef"
WEB_ACL = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/bench/a1b2c3d4"
T = {
    "api": "aws:apigateway/restApi:RestApi",
    "link": "aws:apigateway/vpcLink:VpcLink",
    "resource": "aws:apigateway/resource:Resource",
    "method": "aws:apigateway/method:Method",
    "integration": "aws:apigateway/integration:Integration",
    "deployment": "aws:apigateway/deployment:Deployment",
    "stage": "aws:apigateway/stage:Stage",
    "settings": "aws:apigateway/methodSettings:MethodSettings",
    "waf": "aws:wafv2/webAclAssociation:WebAclAssociation",
}


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:bench::private-api::{T[kind]}::{name}"


def make(
    kind: str, name: str, props: dict[str, Any], deps: dict[str, str] | None = None
) -> Resource:
    prop_deps = {k: [urn(v.split(":")[0], v.split(":")[1])] for k, v in (deps or {}).items()}
    return Resource(
        urn=urn(kind, name),
        type=T[kind],
        name=name,
        properties=props,
        dependencies=tuple(u for us in prop_deps.values() for u in us),
        property_dependencies=prop_deps,
    )


def integration(index: int) -> Resource:
    return make(
        "integration",
        f"i{index}",
        {
            "restApi": "a1b2c3d4e5",
            "resourceId": f"r{index:05d}",
            "httpMethod": "GET",
            "type": "HTTP_PROXY",
            "integrationHttpMethod": "GET",
            "uri": f"http://orders.internal.example.com/r{index}",
            "connectionType": "VPC_LINK",
            "connectionId": "${stageVariables.vpcLinkId}",
            "timeoutMilliseconds": 29000,
        },
        {"restApi": "api:api", "resourceId": f"method:m{index}"},
    )


def private_api(resources: int) -> list[Resource]:
    """A stack of exactly `resources` resources: 6 fixed ones and 3 per route."""
    routes = (resources - 6) // 3
    stack = [
        make("api", "api", {"name": "bench", "endpointConfiguration": {"types": "REGIONAL"}}),
        make("link", "link", {"name": "bench", "targetArn": NLB}),
    ]
    for i in range(routes):
        api = {"restApi": "a1b2c3d4e5"}
        stack.append(
            make(
                "resource",
                f"r{i}",
                {**api, "parentId": "root000000", "pathPart": f"r{i}"},
                {"restApi": "api:api", "parentId": "api:api"},
            )
        )
        stack.append(
            make(
                "method",
                f"m{i}",
                {
                    **api,
                    "resourceId": f"r{i:05d}",
                    "httpMethod": "GET",
                    "authorization": "AWS_IAM",
                    "requestValidatorId": "v1",
                },
                {"restApi": "api:api", "resourceId": f"resource:r{i}"},
            )
        )
        stack.append(integration(i))
    stack += [
        make(
            "deployment",
            "deployment",
            {"restApi": "a1b2c3d4e5", "triggers": {"redeployment": "x"}},
            {"restApi": "api:api"},
        ),
        make(
            "stage",
            "stage",
            {
                "restApi": "a1b2c3d4e5",
                "deployment": "d1",
                "stageName": "bench",
                "variables": {"vpcLinkId": "gim7c3"},
                "xrayTracingEnabled": True,
                "clientCertificateId": "c1",
                "accessLogSettings": {"destinationArn": "arn:aws:logs:::x", "format": "$x"},
            },
            {"restApi": "api:api", "deployment": "deployment:deployment", "variables": "link:link"},
        ),
        make(
            "settings",
            "settings",
            {
                "restApi": "a1b2c3d4e5",
                "stageName": "bench",
                "methodPath": "*/*",
                "settings": {"loggingLevel": "ERROR", "metricsEnabled": True},
            },
            {"restApi": "api:api", "stageName": "stage:stage"},
        ),
        make(
            "waf",
            "waf",
            {
                "resourceArn": "arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5/stages/bench",
                "webAclArn": WEB_ACL,
            },
            {"resourceArn": "stage:stage"},
        ),
    ]
    return stack


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(sizes: list[int], stack_size: int, pack_dir: Path = PACK_DIR) -> dict[str, Any]:
    clock = time.perf_counter()
    with PolicyPackClient.start(pack_dir, stack=STACK) as pack:
        start_s = time.perf_counter() - clock
        python = pack.python
        batches = []
        for size in sizes:
            latencies = []
            diagnostics = 0
            for index in range(size):
                resource_ = integration(index)
                clock = time.perf_counter()
                diagnostics += len(pack.analyze(resource_))
                latencies.append(time.perf_counter() - clock)
            batches.append(
                {
                    "resources": size,
                    "median_ms": round(1000 * statistics.median(latencies), 3),
                    "p99_ms": round(1000 * percentile(latencies, 0.99), 3),
                    "total_s": round(sum(latencies), 3),
                    "diagnostics": diagnostics,
                }
            )
        stack = private_api(stack_size)
        clock = time.perf_counter()
        stack_diagnostics = pack.analyze_stack(stack)
        stack_s = time.perf_counter() - clock

    # The whole check as the CLI would run it on the 500-route API: start, every resource, stack.
    clock = time.perf_counter()
    with PolicyPackClient.start(pack_dir, stack=STACK) as pack:
        found = 0
        for resource_ in stack:
            found += len(pack.analyze(resource_))
        found += len(pack.analyze_stack(stack))
    whole_s = time.perf_counter() - clock
    return {
        "machine": machine(),
        "start_s": round(start_s, 3),
        "python": python,
        "analyze": batches,
        "analyze_stack": {
            "resources": len(stack),
            "seconds": round(stack_s, 3),
            "diagnostics": len(stack_diagnostics),
        },
        "whole_check": {
            "resources": len(stack),
            "seconds": round(whole_s, 3),
            "diagnostics": found,
            "pack_peak_mb": round((pack.peak_memory_kib or 0) / 1024, 1),
            "client_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
        "checkov": CHECKOV,
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        "pack start-up (process, gRPC ready, ConfigureStack, Configure): "
        f"{result['start_s']:.3f} s",
        f"pack interpreter: {result['python']}",
        "",
    ]
    lines.append("| Analyze batch | median ms | p99 ms | total s | diagnostics |")
    lines.append("|---|---|---|---|---|")
    for batch in result["analyze"]:
        lines.append(
            f"| {batch['resources']} integrations | {batch['median_ms']} | {batch['p99_ms']} "
            f"| {batch['total_s']} | {batch['diagnostics']} |"
        )
    stack = result["analyze_stack"]
    lines.append("")
    lines.append(
        f"AnalyzeStack of {stack['resources']} resources: {stack['seconds']:.3f} s, "
        f"{stack['diagnostics']} diagnostics"
    )
    whole, checkov = result["whole_check"], result["checkov"]
    lines += [
        "",
        "| whole check, ~500-route API | seconds | peak MB |",
        "|---|---|---|",
        f"| policy pack (start, {whole['resources']} x Analyze, AnalyzeStack) | {whole['seconds']} "
        f"| {whole['pack_peak_mb']} (pack process) |",
        f"| Checkov on the same API as Terraform (given) | {checkov['seconds']} "
        f"| {checkov['peak_mb']} |",
        "",
        f"client process peak: {whole['client_peak_mb']} MB",
        f"machine: {json.dumps(result['machine'])}",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="1,100,1500", help="Analyze batch sizes")
    parser.add_argument(
        "--stack", type=int, default=1500, help="resources in the AnalyzeStack call"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--bodies",
        action="store_true",
        help="instead: the pack on 1 MB and 5 MB OpenAPI bodies and a billion-laughs body",
    )
    parser.add_argument(
        "--body-sizes", default="1000000,5000000", help="body sizes in bytes, with --bodies"
    )
    parser.add_argument(
        "--laughs-timeout", type=float, default=60.0, help="seconds for the billion-laughs body"
    )
    parser.add_argument(
        "--pack-dir",
        type=Path,
        default=PACK_DIR,
        help="the pack to run (an older copy of policy/, for a before figure)",
    )
    args = parser.parse_args()
    if args.bodies:
        sizes = [int(s) for s in args.body_sizes.split(",")]
        found = pack_bodies.run(args.pack_dir, sizes, args.laughs_timeout)
        print(json.dumps(found, indent=2) if args.json else pack_bodies.render(found))
        return 0
    result = run([int(s) for s in args.sizes.split(",")], args.stack, args.pack_dir)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
