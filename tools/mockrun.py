"""Run the real `__main__.py` under `pulumi.runtime.set_mocks` and record every resource.

The program, the component and the real `pulumi_aws` classes run unchanged; only the engine is
replaced. Each registration is recorded with the URN the engine would give it, its inputs, parent
and dependencies, so tests and the stack check can compare runs and feed the policy pack.
"""

from __future__ import annotations

import gc
import hashlib
import runpy
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ACCOUNT = "123456789012"


class _Unknown:
    """A value not known until the cloud creates the resource (an output, during preview)."""

    def __repr__(self) -> str:
        return "<unknown>"


#: Every unknown input is recorded as this one marker, so runs compare equal where they should.
UNKNOWN = _Unknown()
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class RecordedResource:
    """One resource as the engine would see it after the program registered it."""

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    custom: bool
    #: True for `Resource.get(...)`: read from the cloud, not managed by this stack.
    read: bool = False


@dataclass
class ProgramRun:
    """What one evaluation of the program registered and exported."""

    resources: list[RecordedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    def by_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.by_type(type_)
        if len(found) != 1:
            raise AssertionError(f"expected one {type_}, found {len(found)}")
        return found[0]

    def by_name(self) -> dict[str, RecordedResource]:
        return {r.name: r for r in self.resources}


def fake_id(name: str) -> str:
    """Short lowercase ids, like API Gateway's (`gim7c3`), stable per resource name."""
    return hashlib.sha256(name.encode()).hexdigest()[:10]


class _CloudMocks(pulumi.runtime.Mocks):
    """Plausible computed outputs, so exports and dependent inputs look as they would in AWS."""

    def __init__(self, region: str, preview: bool) -> None:
        self.region = region
        self.preview = preview

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        if args.resource_id:  # a read: the resource already exists
            return args.resource_id, state
        if self.preview:
            # As in a real preview: a new resource's id and computed outputs are not known yet.
            return "", state
        res_id = fake_id(args.name)
        region = self.region
        if args.typ == "aws:apigateway/restApi:RestApi":
            state["rootResourceId"] = fake_id(args.name + "/")
            state["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT}:{res_id}"
            state["arn"] = f"arn:aws:apigateway:{region}::/restapis/{res_id}"
        elif args.typ == "aws:apigateway/stage:Stage":
            api, stage = state.get("restApi", ""), state.get("stageName", "")
            state["invokeUrl"] = f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"
            state["arn"] = f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}"
            state["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT}:{api}/{stage}"
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            state["arn"] = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{args.name}-{res_id}"
        elif args.typ == "aws:apigateway/vpcLink:VpcLink":
            state["arn"] = f"arn:aws:apigateway:{region}::/vpclinks/{res_id}"
        return res_id, state

    def call(self, _args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, keeping what the engine would know of each registration."""

    def __init__(self, cloud: _CloudMocks, run: ProgramRun) -> None:
        super().__init__(cloud)
        self.run = run
        self.types: dict[str, str] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a child's type by its parents' types, leaving out the root stack.
        qualified = type_
        if parent and self.types.get(parent, STACK_TYPE) != STACK_TYPE:
            qualified = parent.split("::")[2] + "$" + type_
        urn = "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), qualified, name])
        self.types[urn] = type_
        return urn

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            self._record(request, response.urn, read=False)
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self._record(request, response.urn, read=True)
        return response

    def _record(self, request: Any, urn: str, *, read: bool) -> None:
        inputs = pulumi.runtime.rpc.deserialize_properties(
            request.properties if read else request.object
        )
        prop_deps = getattr(request, "propertyDependencies", {})
        self.run.resources.append(
            RecordedResource(
                urn=urn,
                type=request.type,
                name=request.name,
                inputs=_plain(inputs),
                parent=request.parent,
                dependencies=tuple(getattr(request, "dependencies", ())),
                property_dependencies={k: tuple(v.urns) for k, v in prop_deps.items()},
                custom=read or bool(request.custom),
                read=read,
            )
        )


def _plain(value: Any) -> Any:
    """Deserialized inputs, with the SDK's unknowns replaced by the one `UNKNOWN` marker."""
    if isinstance(value, pulumi.output.Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@contextmanager
def _on_path(directory: Path) -> Iterator[None]:
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))


def run_program(
    project_dir: Path,
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    secret_keys: tuple[str, ...] = (),
    preview: bool = False,
    into: ProgramRun | None = None,
) -> ProgramRun:
    """Evaluate `project_dir/__main__.py` once with this config; raise what the program raises.

    Pass `into` to keep what was registered even when the program fails.
    """
    program = str(project_dir / "__main__.py")

    def main() -> None:
        with _on_path(project_dir):
            runpy.run_path(program, run_name="__main__")

    return run_function(
        main,
        project=project,
        stack=stack,
        config=config,
        secret_keys=secret_keys,
        preview=preview,
        into=into,
    )


def run_function(
    main: Callable[[], object],
    *,
    project: str = "private-api",
    stack: str = "test",
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    preview: bool = False,
    into: ProgramRun | None = None,
) -> ProgramRun:
    """Evaluate `main` as a Pulumi program under mocks: what it registered and exported."""
    run = ProgramRun() if into is None else into
    config = config or {}
    cloud = _CloudMocks(config.get("aws:region", "us-east-1"), preview)
    settings.ROOT.set(None)
    mocks.set_mocks(
        cloud,
        project=project,
        stack=stack,
        preview=preview,
        monitor=_RecordingMonitor(cloud, run),
    )
    pulumi.runtime.set_all_config(dict(config), list(secret_keys))
    settings.SETTINGS.rpc_manager.clear()

    def program() -> None:
        main()

    # Registering a resource makes many short-lived reference cycles; with the cyclic collector on,
    # each full collection walks the whole growing heap, and evaluation time grows with the square
    # of the resource count (500 routes: 4.6 s, against 2.6 s without). One evaluation is short, so
    # collection waits until it ends (see BENCHMARKS.md).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        if collecting:
            gc.enable()
    root = settings.get_root_resource()
    assert isinstance(root, pulumi.runtime.stack.Stack)
    for key, value in root.outputs.items():
        run.outputs[key] = _sync_await(pulumi.Output.from_input(value).future())
    return run
