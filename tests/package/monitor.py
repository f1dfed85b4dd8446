"""An engine for the package's provider: a resource monitor and an engine service over gRPC that
record what the provider registers, answered by the program tests' cloud mocks (tools/mockrun).

The provider's Construct registers the component's children with the monitor the request names,
as it would under `pulumi up`; recording them here with the same URNs, inputs and state as the
program's mock run lets a test compare the two front doors resource by resource.
"""

import importlib
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from typing import Any

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, resource_pb2, resource_pb2_grpc

from tools import mockrun

#: google.protobuf ships no type stubs here (as tools/mockrun.py loads struct_pb2).
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")


class _Monitor(mockrun._RecordingMonitor):
    """URNs of a fixed stack and project: this process runs no Pulumi program of its own."""

    def __init__(self, run: mockrun.ProgramRun, *, region: str, project: str, stack: str) -> None:
        super().__init__(mockrun._CloudMocks(region, preview=False), run)
        self.project, self.stack = project, stack

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent and self.types.get(parent, mockrun.STACK_TYPE) != mockrun.STACK_TYPE:
            qualified = parent.split("::")[2] + "$" + type_
        urn = "urn:pulumi:" + "::".join([self.stack, self.project, qualified, name])
        self.types[urn] = type_
        self.cloud.last.urn = urn
        return urn


class _MonitorService(resource_pb2_grpc.ResourceMonitorServicer):
    def __init__(self, monitor: _Monitor) -> None:
        self.monitor = monitor

    def SupportsFeature(self, request: Any, _context: Any) -> Any:  # noqa: N802
        answer = self.monitor.SupportsFeature(request)  # type: ignore[no-untyped-call]
        return resource_pb2.SupportsFeatureResponse(hasSupport=answer.hasSupport)

    def RegisterResource(self, request: Any, _context: Any) -> Any:  # noqa: N802
        return self.monitor.RegisterResource(request)

    def ReadResource(self, request: Any, _context: Any) -> Any:  # noqa: N802
        return self.monitor.ReadResource(request)

    def RegisterResourceOutputs(self, request: Any, _context: Any) -> Any:  # noqa: N802
        return self.monitor.RegisterResourceOutputs(request)

    def Invoke(self, request: Any, _context: Any) -> Any:  # noqa: N802
        return self.monitor.Invoke(request)  # type: ignore[no-untyped-call]

    def RegisterPackage(self, request: Any, _context: Any) -> Any:  # noqa: N802
        return self.monitor.RegisterPackage(request)  # type: ignore[no-untyped-call]

    def SignalAndWaitForShutdown(self, _request: Any, _context: Any) -> Any:  # noqa: N802
        return empty_pb2.Empty()


class _EngineService(engine_pb2_grpc.EngineServicer):
    """Keeps the provider's log messages (warnings the component gives, errors it reports)."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def Log(self, request: Any, _context: Any) -> Any:  # noqa: N802
        self.log.append(f"{engine_pb2.LogSeverity.Name(request.severity)}: {request.message}")
        return empty_pb2.Empty()

    def GetRootResource(self, _request: Any, _context: Any) -> Any:  # noqa: N802
        return engine_pb2.GetRootResourceResponse()

    def SetRootResource(self, _request: Any, _context: Any) -> Any:  # noqa: N802
        return engine_pb2.SetRootResourceResponse()


class Engine:
    """The addresses a provider is given, and what was registered and logged through them."""

    def __init__(self, *, region: str, project: str, stack: str) -> None:
        self.run = mockrun.ProgramRun()
        self.log: list[str] = []
        self.monitor = _Monitor(self.run, region=region, project=project, stack=stack)
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(
            _MonitorService(self.monitor), self.server
        )
        engine_pb2_grpc.add_EngineServicer_to_server(_EngineService(self.log), self.server)
        port = self.server.add_insecure_port("127.0.0.1:0")
        self.address = f"127.0.0.1:{port}"


@contextmanager
def engine(*, region: str, project: str, stack: str) -> Iterator[Engine]:
    served = Engine(region=region, project=project, stack=stack)
    served.server.start()
    try:
        yield served
    finally:
        served.server.stop(grace=None)
