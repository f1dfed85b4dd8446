"""Run the real `__main__.py` under `pulumi.runtime.set_mocks` and record every resource.

The program, the component and the real `pulumi_aws` classes run unchanged; only the engine is
replaced. Each registration is recorded with the URN the engine would give it, its inputs, parent
and dependencies, and its state: the outputs the mocks return for it, with `id` among them as
bridged providers such as pulumi-aws return it (a component's state is what it registered with
`register_outputs`). Tests and the stack check compare runs by inputs and feed the policy pack:
inputs to `Analyze`, as the engine does before it creates a resource, and state to
`AnalyzeStack`, which the engine calls with every resource's final outputs.
"""

from __future__ import annotations

import gc
import hashlib
import importlib
import runpy
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict, Unpack

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from tools import mockcloud

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")

ACCOUNT = "123456789012"


class _Unknown:
    """A value not known until the cloud creates the resource (an output, during preview)."""

    def __repr__(self) -> str:
        return "<unknown>"


#: Every unknown input is recorded as this one marker, so runs compare equal where they should.
UNKNOWN = _Unknown()
STACK_TYPE = "pulumi:pulumi:Stack"
_MISSING = object()
#: True while the objects of the last evaluation are frozen out of garbage collection.
_frozen = False
#: Whether a paused evaluation ends by freezing the heap rather than leaving its garbage to the
#: collector (`run_function`). A one-shot check gains; a process that evaluates hundreds of stacks
#: over a large heap loses, since each evaluation then starts with a full collection of the whole
#: heap: the test session turns it off (tests/conftest.py; it took `tests/program` from 167 s to
#: about 40 s on the shared 2-core machine).
FREEZE = True


@dataclass(frozen=True)
class RecordedResource:
    """One resource as the engine would see it after the program registered it."""

    urn: str
    type: str
    name: str
    #: What the program passed: what the engine sends to `Analyze`.
    inputs: dict[str, Any]
    parent: str
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    custom: bool
    #: True for `Resource.get(...)`: read from the cloud, not managed by this stack.
    read: bool = False
    #: The outputs after the (mocked) provider created it, `id` included for custom resources:
    #: what the engine sends to `AnalyzeStack`. Empty until the registration completes.
    state: dict[str, Any] = field(default_factory=dict)
    #: The provider's id ("" for components; `UNKNOWN` in a preview of a new resource).
    id: Any = ""
    #: "inputs" and "state" as serialized protobuf Structs in the engine's wire format (the
    #: SDK's own serialization: unknowns and secrets marked as the engine marks them), so a
    #: policy check sends them on as they are, without building and holding message trees.
    wire: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: The `ignore_changes` option: inputs whose old value the engine keeps on an update.
    ignore_changes: tuple[str, ...] = ()


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


def replacement_salt(urn: str, replaced: Mapping[str, int]) -> str:
    """What a replaced resource's ids are derived from besides its name ("" if not replaced).

    A replacement is a new cloud resource, so it gets a new id, as `pulumi up` would see: the
    n-th replacement of a URN (`replaced[urn] == n`) gets ids no earlier evaluation gave it.
    """
    generation = replaced.get(urn, 0)
    return f"#{generation}" if generation else ""


class _CloudMocks(pulumi.runtime.Mocks):
    """Plausible computed outputs, so exports and dependent inputs look as they would in AWS."""

    def __init__(
        self, region: str, preview: bool, replaced: Mapping[str, int] | None = None
    ) -> None:
        self.region = region
        self.preview = preview
        #: URN -> how many times it has been replaced: those resources get new ids.
        self.replaced: Mapping[str, int] = replaced or {}
        #: Per thread (the SDK registers from an executor's threads): the last call's arguments
        #: and answer, so the monitor records them without deserializing the request again.
        self.last = threading.local()

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        res_id, state = self._new_resource(args)
        self.last.call = (args.inputs, res_id, state)
        return res_id, state

    def _new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        if args.resource_id == pulumi.runtime.rpc.UNKNOWN:
            # A read of an id not known yet (a preview): the engine does not run it, and the
            # resource's outputs stay unknown (pulumi/pulumi pkg/resource/deploy/step.go,
            # `ReadStep.Apply`).
            return args.resource_id, state
        if args.resource_id:  # a read: the resource already exists
            if args.typ == "pulumi:pulumi:StackReference":
                # What the referenced stack exported (tools/mockcloud.py).
                outputs = mockcloud.stack_outputs(
                    args.resource_id, region=self.region, account_id=ACCOUNT
                )
                state.update(outputs=outputs, secretOutputNames=[])
            state.update(mockcloud.read_outputs(args.typ, args.resource_id))
            return args.resource_id, state
        if self.preview:
            # As in a real preview: a new resource's id and computed outputs are not known yet.
            return "", state
        salt = replacement_salt(getattr(self.last, "urn", ""), self.replaced)
        res_id = fake_id(args.name + salt)
        region = self.region
        if args.typ == "aws:apigateway/restApi:RestApi":
            state["rootResourceId"] = fake_id(args.name + "/" + salt)
            state["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT}:{res_id}"
            state["arn"] = f"arn:aws:apigateway:{region}::/restapis/{res_id}"
        elif args.typ == "aws:apigateway/stage:Stage":
            api, stage = state.get("restApi", ""), state.get("stageName", "")
            state["invokeUrl"] = f"https://{api}.execute-api.{region}.amazonaws.com/{stage}"
            state["arn"] = f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}"
            state["executionArn"] = f"arn:aws:execute-api:{region}:{ACCOUNT}:{api}/{stage}"
        elif args.typ == "aws:cloudwatch/logGroup:LogGroup":
            # The provider autonames a group left without a name: the logical name and a suffix.
            state.setdefault("name", f"{args.name}-{res_id[:7]}")
            state["arn"] = f"arn:aws:logs:{region}:{ACCOUNT}:log-group:{args.name}-{res_id}"
        elif args.typ == "aws:apigateway/vpcLink:VpcLink":
            state["arn"] = f"arn:aws:apigateway:{region}::/vpclinks/{res_id}"
            # The provider autonames a link left without a name (here: the logical name).
            state.setdefault("name", args.name)
        # The load balancers examples/backend creates and exports (tools/mockcloud.py).
        extra = mockcloud.resource_outputs(
            args.typ, args.name, res_id, region=region, account_id=ACCOUNT
        )
        state.update(extra)
        return res_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[Any]]:
        # Invokes (the program's look-ups before it builds anything): tools/mockcloud.py.
        answer = mockcloud.answer(args.token, args.args, region=self.region, account_id=ACCOUNT)
        return answer, []


class _RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, keeping what the engine would know of each registration."""

    def __init__(
        self,
        cloud: _CloudMocks,
        run: ProgramRun,
        on_register: Callable[[RecordedResource], None] | None = None,
    ) -> None:
        super().__init__(cloud)
        self.cloud = cloud
        self.run = run
        self.on_register = on_register
        self.types: dict[str, str] = {}
        self.by_urn: dict[str, RecordedResource] = {}

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The engine qualifies a child's type by its parents' types, leaving out the root stack.
        qualified = type_
        if parent and self.types.get(parent, STACK_TYPE) != STACK_TYPE:
            qualified = parent.split("::")[2] + "$" + type_
        urn = "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), qualified, name])
        self.types[urn] = type_
        self.cloud.last.urn = urn  # the mocks' new_resource, next on this thread, is told it
        return urn

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != STACK_TYPE:
            self._record(request, request.object, response.urn, response.object, read=False)
        return response

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().ReadResource(request)  # type: ignore[no-untyped-call]
        self._record(request, request.properties, response.urn, response.properties, read=True)
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        """A component's outputs become its state, as the engine stores them."""
        recorded = self.by_urn.get(request.urn)
        if recorded is not None and not recorded.custom:
            outputs = _plain(pulumi.runtime.rpc.deserialize_properties(request.outputs))
            recorded.state.clear()
            recorded.state.update(outputs)
            recorded.wire["state"] = request.outputs.SerializeToString()
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]

    def _record(
        self, request: Any, wire_inputs: Any, urn: str, wire_state: Any, *, read: bool
    ) -> None:
        raw_inputs, res_id, raw_state = self.cloud.last.call
        inputs = _plain(raw_inputs)
        custom = read or bool(request.custom)
        state = {
            k: inputs[k] if v is raw_inputs.get(k, _MISSING) else _plain(v)
            for k, v in raw_state.items()
        }
        wire = {"inputs": wire_inputs.SerializeToString(), "state": wire_state.SerializeToString()}
        if custom:
            # Bridged providers return the id among the outputs; unknown in a preview of a create.
            state["id"] = res_id or UNKNOWN
            wire["state"] += _id_entry(res_id or pulumi.runtime.rpc.UNKNOWN)
        prop_deps = getattr(request, "propertyDependencies", {})
        recorded = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            inputs=inputs,
            parent=request.parent,
            dependencies=tuple(getattr(request, "dependencies", ())),
            property_dependencies={k: tuple(v.urns) for k, v in prop_deps.items()},
            custom=custom,
            read=read,
            state=state,
            id=(res_id or UNKNOWN) if custom else "",
            wire=wire,
            ignore_changes=tuple(getattr(request, "ignoreChanges", ())),
        )
        self.by_urn[urn] = recorded
        self.run.resources.append(recorded)
        if self.on_register is not None:
            self.on_register(recorded)


def _id_entry(value: str) -> bytes:
    """A serialized Struct holding only `id`: appended to another, it adds (or sets) the key."""
    struct = struct_pb2.Struct()
    struct["id"] = value
    data: bytes = struct.SerializeToString()
    return data


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


class _Options(TypedDict, total=False):
    secret_keys: tuple[str, ...]
    preview: bool
    #: Keeps what was registered even when the program fails.
    into: ProgramRun | None
    #: Sees each resource as the engine would, when it is registered (from the SDK's threads).
    on_register: Callable[[RecordedResource], None] | None
    #: False leaves the cyclic garbage collector running (to measure what pausing saves).
    pause_gc: bool
    #: URN -> generation: those resources get new ids, as after a replacement.
    replaced: Mapping[str, int] | None


class ProgramOptions(_Options):
    """How `run_program` evaluates the program: the stack and its config are required."""

    project: str
    stack: str
    config: Mapping[str, str]


class RunOptions(_Options, total=False):
    """How `run_function` evaluates: the stack `private-api`/`test` with no config by default."""

    project: str
    stack: str
    config: Mapping[str, str] | None


def run_program(project_dir: Path, **options: Unpack[ProgramOptions]) -> ProgramRun:
    """Evaluate `project_dir/__main__.py` once with this config; raise what the program raises."""
    program = str(project_dir / "__main__.py")

    def main() -> None:
        with _on_path(project_dir):
            runpy.run_path(program, run_name="__main__")

    return run_function(main, **options)


def run_function(main: Callable[[], object], **options: Unpack[RunOptions]) -> ProgramRun:
    """Evaluate `main` as a Pulumi program under mocks: what it registered and exported."""
    into, preview = options.get("into"), options.get("preview", False)
    run = ProgramRun() if into is None else into
    config = options.get("config") or {}
    cloud = _CloudMocks(config.get("aws:region", "us-east-1"), preview, options.get("replaced"))
    settings.ROOT.set(None)
    mocks.set_mocks(
        cloud,
        project=options.get("project", "private-api"),
        stack=options.get("stack", "test"),
        preview=preview,
        monitor=_RecordingMonitor(cloud, run, options.get("on_register")),
    )
    pulumi.runtime.set_all_config(dict(config), list(options.get("secret_keys", ())))
    settings.SETTINGS.rpc_manager.clear()

    def program() -> None:
        main()

    # Registering a resource makes many short-lived reference cycles; with the cyclic collector on,
    # it keeps walking the growing heap while the program runs (BENCHMARKS.md, "Stack check", has
    # the figures with and without the pause). One evaluation is short, so collection waits: the
    # collector is paused, and what the evaluation allocated is then frozen (left out of every
    # collection) rather than walked once more. A one-shot check exits without paying for that
    # walk; the next evaluation in the same process first collects what this one left behind.
    # With FREEZE off, the collector simply resumes (a long-lived process: the test session).
    global _frozen  # noqa: PLW0603 (one process-wide collector, one flag for it)
    if _frozen:
        gc.unfreeze()
        gc.collect()
        _frozen = False
    collecting = gc.isenabled() and options.get("pause_gc", True)
    if collecting:
        gc.disable()
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        if collecting:
            if FREEZE:
                gc.freeze()
                _frozen = True
            gc.enable()
    root = settings.get_root_resource()
    assert isinstance(root, pulumi.runtime.stack.Stack)
    for key, value in root.outputs.items():
        run.outputs[key] = _sync_await(pulumi.Output.from_input(value).future())
    return run
