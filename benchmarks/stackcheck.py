"""Benchmark the stack check (program under mocks + policy pack) against Checkov, in one run.

    venv/bin/python -m benchmarks.stackcheck [--routes 1,10,100,500] [--links 1,2,10] [--runs 3]
                                             [--checkov PATH | --no-checkov] [--out FILE]

For every size (routes x VPC links) a child process runs the stack check as `tools.stackcheck`
does and reports: resources registered, program evaluation seconds, pack start-up seconds,
per-resource `Analyze` latency (a separate sequential pass: client to reply, median), how long the
check waited for `Analyze` replies once the program was done, `AnalyzeStack` seconds, and peak
memory of the program's process and of the pack's (its VmHWM), and their sum. Growth is judged
by seconds per resource at 100 and at 500 routes.

Then, on the 500-route, one-link stack, it times the whole command `python -m tools.stackcheck`
(wall clock; memory as the sum of each process's peak resident set, sampled from /proc) and
Checkov on the same API written as Terraform (generated here), under the same wrapper, and prints
the ratio. Checkov is installed with pip into a throwaway virtual environment cached under
~/.cache/private-api/ (the first run takes a minute or two). It also measures the program's
evaluation at 500 routes with the cyclic garbage collector paused (as mockrun does) and running.

It prints figures and writes JSON; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.machine import machine

PROJECT_DIR = Path(__file__).resolve().parents[1]
CACHE_DIR = Path.home() / ".cache" / "private-api"
CHECKOV_VENV = CACHE_DIR / "checkov-venv"
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


def set_args(routes: int, links: int) -> list[str]:
    args = []
    for key, value in overrides(routes, links).items():
        args += ["--set", f"{key}={json.dumps(value)}"]
    return args


# --- One size, in its own process -------------------------------------------------------------


def measure_one(routes: int, links: int) -> dict[str, Any]:
    """Runs in a child process: check one size, with timings and peak memory."""
    from tests import pack_client  # noqa: PLC0415
    from tools import pack_session, stackcheck  # noqa: PLC0415 (their import counts here)

    evaluation, _ = stackcheck.check(PROJECT_DIR, "dev", overrides(routes, links))
    program_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pack_peak = (evaluation.pack_peak_kib or 0) / 1024
    timings = evaluation.timings
    managed = [r for r in evaluation.run.resources if not r.read]
    # Per-resource latency, measured apart from the check: one call at a time, client to reply.
    latencies = []
    env = pack_session.pack_env(evaluation.config)
    with pack_client.PolicyPackClient.start(stackcheck.PACK_DIR, env=env) as pack:
        for recorded in managed:
            request = pack_client.Resource(
                urn=recorded.urn,
                type=recorded.type,
                name=recorded.name,
                properties=pack_session._for_pack(recorded.inputs),
                parent=recorded.parent,
            )
            clock = time.perf_counter()
            pack.analyze(request)
            latencies.append(time.perf_counter() - clock)
    resources = len(evaluation.run.resources)
    return {
        "routes": routes,
        "links": links,
        "resources": resources,
        "program_s": round(timings["program"], 3),
        "pack_start_s": round(timings["start"], 3),
        "analyze_ms_per_resource": round(1000 * statistics.median(latencies), 3),
        "analyze_wait_s": round(timings["analyze"], 3),
        "analyze_stack_s": round(timings["analyze_stack"], 3),
        "program_ms_per_resource": round(1000 * timings["program"] / resources, 3),
        "analyze_stack_ms_per_resource": round(1000 * timings["analyze_stack"] / resources, 3),
        "mandatory_violations": len(evaluation.mandatory),
        "peak_mb_program": round(program_peak, 1),
        "peak_mb_pack": round(pack_peak, 1),
        "peak_mb_sum": round(program_peak + pack_peak, 1),
    }


def measure_gc(routes: int, pause: bool) -> dict[str, Any]:
    """Runs in a child process: the program's evaluation alone, collector paused or running."""
    from tools import mockrun, stackfiles  # noqa: PLC0415

    config = stackfiles.load(PROJECT_DIR, "dev", overrides(routes, 1))
    clock = time.perf_counter()
    mockrun.run_program(
        PROJECT_DIR, project=config.project, stack="dev", config=config.values, pause_gc=pause
    )
    seconds = time.perf_counter() - clock
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "routes": routes,
        "gc_paused": pause,
        "program_s": round(seconds, 3),
        "peak_mb": round(peak, 1),
    }


def child(*args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.stackcheck", *args],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{result.stderr[-3000:]}")
    loaded: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return loaded


# --- Whole commands, timed the same way ------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(p) for p in text.split()]
    except OSError:
        pass
    return found


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed(command: list[str], cwd: Path, interval: float = 0.02) -> dict[str, Any]:
    """Wall seconds, exit status, and the sum over the command's processes of each one's peak RSS.

    Every `interval` the process tree is walked through /proc/<pid>/task/*/children and each
    process's VmHWM (its own peak) kept; a process's last reading before it exits is its peak.
    """
    peaks: dict[int, int] = {}
    # Output goes to files: a pipe nobody reads while the command runs would fill and block it.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        clock = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True)
        while process.poll() is None:
            stack = [process.pid]
            while stack:
                pid = stack.pop()
                peaks[pid] = max(peaks.get(pid, 0), _status_kib(pid, "VmHWM"))
                stack += _children(pid)
            time.sleep(interval)
        wall = time.perf_counter() - clock
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return {
        "wall_s": round(wall, 2),
        "exit": process.returncode,
        "processes": len(peaks),
        "peak_mb_sum": round(sum(peaks.values()) / 1024, 1),
        "stdout": stdout,
        "stderr": stderr,
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


def checkov_executable(given: str | None) -> tuple[str | None, str]:
    """Checkov's executable: the one given, or one pip-installed into a cached throwaway venv."""
    if given:
        return given, "given"
    executable = CHECKOV_VENV / "bin" / "checkov"
    done = CHECKOV_VENV / ".installed"
    if done.is_file() and executable.is_file():
        return str(executable), f"cached venv {CHECKOV_VENV}"
    print(f"installing checkov into {CHECKOV_VENV} (once; a minute or two) ...", flush=True)
    # Built where it stays (a venv's scripts name its path), marked complete only at the end.
    shutil.rmtree(CHECKOV_VENV, ignore_errors=True)
    CHECKOV_VENV.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", str(CHECKOV_VENV)],
        [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "checkov"],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            return None, f"could not install checkov: {result.stderr.strip()[-500:]}"
    done.write_text("pip install checkov\n")
    return str(executable), f"installed into {CHECKOV_VENV}"


def versions(checkov: str | None) -> dict[str, str]:
    found = {}
    for package in ("pulumi", "pulumi_aws", "pulumi_policy", "grpcio", "protobuf"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    if checkov:
        result = subprocess.run([checkov, "--version"], capture_output=True, text=True, check=False)
        found["checkov"] = result.stdout.strip() or "unknown"
    return found


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_DIR))
    except ValueError:
        return str(path)


# --- Main -------------------------------------------------------------------------------------

COLUMNS = (
    ("routes", "routes"),
    ("links", "links"),
    ("resources", "resources"),
    ("program_s", "eval s"),
    ("pack_start_s", "pack start s"),
    ("analyze_ms_per_resource", "Analyze ms/resource"),
    ("analyze_wait_s", "Analyze wait s"),
    ("analyze_stack_s", "AnalyzeStack s"),
    ("peak_mb_program", "peak MB program"),
    ("peak_mb_pack", "peak MB pack"),
    ("peak_mb_sum", "peak MB sum"),
)


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| " + " | ".join(title for _, title in COLUMNS) + " |"]
    lines.append("|" + "---:|" * len(COLUMNS))
    for row in rows:
        lines.append("| " + " | ".join(str(row[key]) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def growth(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Seconds per resource at 100 and at the largest route count (one link): linear if flat."""
    one_link = {r["routes"]: r for r in rows if r["links"] == 1}
    largest = max(one_link, default=0)
    if 100 not in one_link or largest <= 100:
        return {}
    small, big = one_link[100], one_link[largest]
    ratio = big["program_ms_per_resource"] / small["program_ms_per_resource"]
    return {
        "program_ms_per_resource": {
            100: small["program_ms_per_resource"],
            largest: big["program_ms_per_resource"],
        },
        "analyze_stack_ms_per_resource": {
            100: small["analyze_stack_ms_per_resource"],
            largest: big["analyze_stack_ms_per_resource"],
        },
        "program_ratio": round(ratio, 2),
        "linear": ratio < 1.25,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--routes", default="1,10,100,500")
    parser.add_argument("--links", default="1,2,10")
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command")
    parser.add_argument("--checkov", help="a checkov executable (default: a cached venv's)")
    parser.add_argument("--no-checkov", action="store_true")
    parser.add_argument(
        "--out", type=Path, default=PROJECT_DIR / "benchmarks/results/stackcheck.json"
    )
    parser.add_argument(
        "--one", nargs=2, type=int, metavar=("ROUTES", "LINKS"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--gc", nargs=2, type=int, metavar=("ROUTES", "PAUSE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()

    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return 0
    if args.gc:
        print(json.dumps(measure_gc(args.gc[0], bool(args.gc[1]))))
        return 0

    route_sizes = [int(x) for x in args.routes.split(",")]
    rows = []
    for links in (int(x) for x in args.links.split(",")):
        for routes in route_sizes:
            rows.append(child("--one", str(routes), str(links)))
            print(json.dumps(rows[-1]), flush=True)
    print()
    print(table(rows))
    result: dict[str, Any] = {"machine": machine(), "sizes": rows, "growth": growth(rows)}
    if result["growth"]:
        g = result["growth"]
        print(
            f"\ngrowth: program {g['program_ms_per_resource']} ms per resource "
            f"(ratio {g['program_ratio']}), AnalyzeStack {g['analyze_stack_ms_per_resource']} "
            f"ms per resource: {'linear' if g['linear'] else 'NOT linear'}"
        )

    largest = max(route_sizes)
    gc_rows = [child("--gc", str(largest), str(int(pause))) for pause in (True, False)]
    result["gc"] = gc_rows
    print(
        f"\nprogram evaluation, {largest} routes: {gc_rows[0]['program_s']} s with the collector "
        f"paused, {gc_rows[1]['program_s']} s with it running"
    )

    checkov, how = (None, "skipped") if args.no_checkov else checkov_executable(args.checkov)
    result["versions"] = versions(checkov)
    command = [sys.executable, "-m", "tools.stackcheck", "dev", "--json", *set_args(largest, 1)]
    ours = [timed(command, PROJECT_DIR) for _ in range(args.runs)]
    for run in ours:
        if run["exit"] != 0:
            raise SystemExit(f"the stack check exited {run['exit']}:\n{run['stderr'][-3000:]}")
    resources = len(json.loads(ours[0]["stdout"])["resources"])
    result["stackcheck"] = summary(ours, routes=largest, resources=resources)
    print(
        f"\nstack check, {largest} routes, 1 link ({resources} resources): {result['stackcheck']}"
    )

    if checkov is None:
        print(f"checkov: {how}")
    else:
        with tempfile.TemporaryDirectory() as scratch:
            tf_dir = Path(scratch) / "tf"
            tf_dir.mkdir()
            text = terraform(largest)
            (tf_dir / "main.tf").write_text(text)
            command = [checkov, "-d", str(tf_dir), "--framework", "terraform", "--quiet"]
            theirs = [timed([*command, "--compact"], PROJECT_DIR) for _ in range(args.runs)]
        for run in theirs:  # 1: it found failing checks, as it does on this API
            if run["exit"] not in (0, 1) or "Passed checks" not in run["stdout"]:
                raise SystemExit(f"checkov failed ({run['exit']}):\n{run['stderr'][-3000:]}")
        counts = re.search(r"Passed checks: (\d+), Failed checks: (\d+)", theirs[0]["stdout"])
        tf_resources = text.count('\nresource "') + text.startswith('resource "')
        result["checkov"] = summary(theirs, routes=largest, resources=tf_resources)
        if counts:
            result["checkov"]["checks"] = {"passed": int(counts[1]), "failed": int(counts[2])}
        result["checkov"]["source"] = how
        print(
            f"checkov,     {largest} routes, 1 link ({tf_resources} resources): {result['checkov']}"
        )
        ratio_time = result["checkov"]["wall_s"] / result["stackcheck"]["wall_s"]
        ratio_memory = result["checkov"]["peak_mb_sum"] / result["stackcheck"]["peak_mb_sum"]
        result["ratio"] = {"time": round(ratio_time, 2), "memory": round(ratio_memory, 2)}
        print(
            f"ratio (checkov / stack check): {ratio_time:.2f}x the time, "
            f"{ratio_memory:.2f}x the memory"
        )
    print(f"\nversions: {json.dumps(result['versions'])}")
    print(f"machine: {json.dumps(result['machine'])}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {shown(args.out)}")
    return 0


def summary(runs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Median wall time and memory of the runs, and every run's figures."""
    return {
        **extra,
        "wall_s": statistics.median(r["wall_s"] for r in runs),
        "peak_mb_sum": statistics.median(r["peak_mb_sum"] for r in runs),
        "processes": max(r["processes"] for r in runs),
        "runs": [{k: r[k] for k in ("wall_s", "peak_mb_sum", "exit")} for r in runs],
    }


if __name__ == "__main__":
    sys.exit(main())
