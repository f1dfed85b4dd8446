"""Benchmark `stage-defines-vpc-link-variable` on many stages and links, in process.

    venv/bin/python -m benchmarks.stage_rule [--stages 3000] [--links 3000] [--pack-dir policy]

Builds one REST API with a stage-variable VPC_LINK integration, N VPC links (known ids and names)
and M stages whose variable is a literal alphanumeric id of none of them: the case where every
stage is compared with every link when the links are not indexed. Runs the rule once through
`StackValidationArgs` with CrossGuard's own proxy and prints the seconds it took. `--pack-dir`
points at another copy of the pack (to measure an older version of the rule). Prints; asserts
nothing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)
from pulumi_policy.proxy import unknown_checking_proxy

PROJECT_DIR = Path(__file__).resolve().parents[1]
API = "aws:apigateway/restApi:RestApi"
LINK = "aws:apigateway/vpcLink:VpcLink"
INTEGRATION = "aws:apigateway/integration:Integration"
STAGE = "aws:apigateway/stage:Stage"


def build(stages: int, links: int) -> list[Any]:
    def resource(kind: str, name: str, props: dict[str, Any]) -> Any:
        timeouts = PolicyCustomTimeouts(0, 0, 0)
        options = PolicyResourceOptions(False, [], None, [], timeouts, [], None)
        return PolicyResource(
            kind,
            unknown_checking_proxy(props),
            f"urn:pulumi:bench::shop::{kind}::{name}",
            name,
            options,
            None,
            None,
            [],
            {},
        )

    api = resource(API, "api", {"name": "shop", "id": "api0"})
    found = [api]
    integration = resource(
        INTEGRATION,
        "get",
        {
            "restApi": "api0",
            "type": "HTTP_PROXY",
            "connectionType": "VPC_LINK",
            "connectionId": "${stageVariables.vpcLinkId}",
        },
    )
    found.append(integration)
    found += [
        resource(LINK, f"link-{i}", {"name": f"link{i}", "id": f"l{i:08d}"}) for i in range(links)
    ]
    found += [
        resource(
            STAGE,
            f"stage-{i}",
            {"restApi": "api0", "stageName": f"s{i}", "variables": {"vpcLinkId": f"other{i}"}},
        )
        for i in range(stages)
    ]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stages", type=int, default=3000)
    parser.add_argument("--links", type=int, default=3000)
    parser.add_argument("--pack-dir", type=Path, default=PROJECT_DIR / "policy")
    options = parser.parse_args()
    sys.path.insert(0, str(options.pack_dir.resolve()))
    rules = importlib.import_module("rules")

    resources = build(options.stages, options.links)
    reported: list[str] = []
    start = time.perf_counter()
    rules.stage_defines_vpc_link_variable(
        StackValidationArgs(resources, {}, {}), lambda message, _urn=None: reported.append(message)
    )
    seconds = time.perf_counter() - start
    print(
        f"stage-defines-vpc-link-variable: {options.stages} stages x {options.links} links: "
        f"{seconds:.3f} s ({len(reported)} violations)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
