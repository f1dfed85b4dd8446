"""The pack on large and hostile OpenAPI bodies: `python -m benchmarks.policy_pack --bodies`.

A RestApi whose `body` is a 1 MB or 5 MB OpenAPI 3 document (JSON and YAML, two operations per
path, each with a VPC_LINK integration), sent over gRPC as the CLI sends it: one `Analyze` of the
RestApi (every resource rule reads the body), then one `AnalyzeStack` of it (the stack rules read
it again), timed client to reply. Next to them, one parse of the same YAML with PyYAML's C loader
(`yaml.CSafeLoader`) in this process, the yardstick of issue 18 ("the whole stack's check within
twice the time of one C-loader parse"), and the pack's peak memory over them. Then a billion-laughs
body: nine levels of nine aliases (9^9 nodes once expanded) as an integration's connectionId, given
`--laughs-timeout` seconds.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import grpc
import yaml

from tests.pack_client import PolicyPackClient, Resource
from tools.pack_config import PolicyPackError
from tools.pack_messages import StackContext

REST_API = "aws:apigateway/restApi:RestApi"
STACK = StackContext(project="private-api", stack="bench", dry_run=True)


def document(size: int) -> dict[str, Any]:
    """An OpenAPI 3 document of at least `size` bytes as JSON."""
    paths: dict[str, Any] = {}
    doc = {"openapi": "3.0.1", "info": {"title": "bench", "version": "1"}, "paths": paths}
    index = 0
    while True:
        path = f"/orders{index}/{{id}}"
        paths[path] = {
            method: {
                "summary": f"{method} order {index}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "the order"}},
                "x-amazon-apigateway-integration": {
                    "type": "http_proxy",
                    "httpMethod": method.upper(),
                    "uri": f"http://orders.internal.example.com/orders{index}/{{id}}",
                    "connectionType": "VPC_LINK",
                    "connectionId": "${stageVariables.vpcLinkId}",
                    "timeoutInMillis": 29000,
                },
            }
            for method in ("get", "post")
        }
        index += 1
        if index % 100 == 0 and len(json.dumps(doc)) >= size:
            return doc


def laughs() -> str:
    """A billion laughs: 9^9 'lol's once the aliases are expanded, in under 1 kB of YAML."""
    lines = ["l0: &l0 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(1, 9):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    lines += [
        "openapi: 3.0.1",
        "info: {title: laughs, version: '1'}",
        "paths:",
        "  /orders:",
        "    get:",
        "      x-amazon-apigateway-integration:",
        "        type: http_proxy",
        "        httpMethod: GET",
        "        uri: http://orders.internal.example.com/orders",
        "        connectionType: VPC_LINK",
        "        connectionId: *l8",
    ]
    return "\n".join(lines) + "\n"


def _api(body: str) -> Resource:
    return Resource(
        urn=f"urn:pulumi:bench::private-api::{REST_API}::api",
        type=REST_API,
        name="api",
        properties={"body": body},
    )


def _timed(call: Any) -> tuple[float, int]:
    clock = time.perf_counter()
    found = call()
    return round(time.perf_counter() - clock, 3), len(found)


def run(pack_dir: Path, sizes: list[int], laughs_timeout: float) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    with PolicyPackClient.start(pack_dir, stack=STACK) as pack:
        for size in sizes:
            doc = document(size)
            for form in ("json", "yaml"):
                text = (
                    json.dumps(doc)
                    if form == "json"
                    else yaml.dump(doc, Dumper=yaml.CSafeDumper, sort_keys=False)
                )
                api = _api(text)
                analyze_s, analyze_found = _timed(lambda api=api: pack.analyze(api))
                stack_s, stack_found = _timed(lambda api=api: pack.analyze_stack([api]))
                clock = time.perf_counter()
                yaml.load(text, Loader=yaml.CSafeLoader)
                c_parse_s = round(time.perf_counter() - clock, 3)
                results.append(
                    {
                        "form": form,
                        "bytes": len(text.encode()),
                        "analyze_s": analyze_s,
                        "analyze_stack_s": stack_s,
                        "whole_s": round(analyze_s + stack_s, 3),
                        "c_loader_parse_s": c_parse_s,
                        "diagnostics": analyze_found + stack_found,
                    }
                )
    peak_mb = round((pack.peak_memory_kib or 0) / 1024, 1)  # read when the pack was closed
    with PolicyPackClient.start(pack_dir, stack=STACK, rpc_timeout=laughs_timeout) as pack:
        try:
            seconds, found = _timed(lambda: pack.analyze(_api(laughs())))
            laughs_result: dict[str, Any] = {"analyze_s": seconds, "diagnostics": found}
        except (PolicyPackError, grpc.RpcError) as error:
            laughs_result = {"analyze_s": None, "error": str(error).splitlines()[0][:200]}
    return {
        "bodies": results,
        "pack_peak_mb": peak_mb,
        "laughs": {**laughs_result, "timeout_s": laughs_timeout},
    }


def render(result: dict[str, Any]) -> str:
    lines = [
        "| body | bytes | Analyze s | AnalyzeStack s | whole s | one C-loader parse s |",
        "|---|---|---|---|---|---|",
    ]
    for row in result["bodies"]:
        lines.append(
            f"| {row['form']} | {row['bytes']:,} | {row['analyze_s']} | {row['analyze_stack_s']} "
            f"| {row['whole_s']} | {row['c_loader_parse_s']} |"
        )
    laughs_result = result["laughs"]
    answered = (
        f"{laughs_result['analyze_s']} s, {laughs_result['diagnostics']} diagnostics"
        if laughs_result["analyze_s"] is not None
        else f"no answer within {laughs_result['timeout_s']:g} s ({laughs_result['error']})"
    )
    lines += [
        "",
        f"pack peak memory over these bodies: {result['pack_peak_mb']} MB",
        f"billion-laughs body, Analyze: {answered}",
    ]
    return "\n".join(lines)
