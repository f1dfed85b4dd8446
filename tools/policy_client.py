"""Talk to a policy pack exactly as the Pulumi CLI does, without the CLI.

    with PolicyPackClient.start(Path("policy"), env={"PULUMI_STACK": "prod"}) as pack:
        pack.configure_from_file(Path("policy/config/strict.json"))
        reply = pack.analyze_future(request).result()

`start` runs `python -u -m pulumi.policy <engine address> .` in the pack directory with the
interpreter the CLI's analyzer shim would use (the pack's `virtualenv`), reads the port the pack
prints, opens a gRPC channel with the `pulumi` SDK's Analyzer stubs and, like the CLI, tells it
the stack (`ConfigureStack`) and configures every policy with its defaults (tools/pack_config.py).
Requests are the SDK's analyzer messages (tools/pack_messages.py).
The subprocess is always ended: on `close()`, on leaving the `with` block, or when start fails.
"""

from __future__ import annotations

import importlib
import os
import queue
import subprocess
import threading
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Self

import grpc
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from tools.pack_config import (
    PackInfo,
    PolicyConfig,
    PolicyPackError,
    load_policy_config,
    pack_info,
    reconcile_policy_config,
    shim_interpreter,
)
from tools.pack_messages import (
    StackContext,
    level_value,
    to_struct,
)

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")

_MAX_MESSAGE: Final = 400 * 1024 * 1024  # as the pack's server allows
#: The engine's address the CLI passes; the pack's rules never call the engine here.
_ENGINE_ADDRESS: Final = "127.0.0.1:0"


class PolicyPackClient:
    """A running policy pack and a gRPC channel to it. Use `start`, preferably in `with`."""

    def __init__(
        self,
        *,
        process: subprocess.Popen[bytes],
        pack_dir: Path,
        port: int,
        output: deque[str],
        readers: list[threading.Thread],
        rpc_timeout: float,
        python: str = "",
    ) -> None:
        self.process = process
        self.pack_dir = pack_dir
        #: The interpreter the pack runs with.
        self.python = python
        self.port = port
        self.rpc_timeout = rpc_timeout
        self._output = output
        self._readers = readers
        self._channel = grpc.insecure_channel(
            f"127.0.0.1:{port}",
            options=[
                ("grpc.max_receive_message_length", _MAX_MESSAGE),
                ("grpc.max_send_message_length", _MAX_MESSAGE),
            ],
        )
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        self._info: PackInfo | None = None
        #: Peak resident memory of the pack (KiB), read when it is closed (Linux only).
        self.peak_memory_kib: int | None = None
        self._closed = False

    @classmethod
    def start(
        cls,
        pack_dir: Path,
        *,
        env: Mapping[str, str] | None = None,
        python: str | None = None,
        start_timeout: float = 60.0,
        rpc_timeout: float = 300.0,
        configure: bool = True,
        stack: StackContext | None = None,
    ) -> Self:
        """Start the pack as the CLI does and connect; configure its defaults unless told not to.

        Runs `<python> -u -m pulumi.policy <engine address> .` with the pack directory as the
        working directory, as the CLI's shim does. Without `python`, the interpreter is the one
        the CLI would use: `<pack_dir>/<virtualenv>/bin/python` when `PulumiPolicy.yaml` names a
        `runtime.options.virtualenv` and that interpreter exists (with its `bin` first on PATH
        and PYTHONHOME unset, as the shim does), otherwise `sys.executable`.

        `env` is added to this process's environment (PULUMI_PROJECT, PULUMI_STACK,
        PULUMI_CONFIG, PULUMI_DRY_RUN, ... as the CLI sets them for the pack). `stack` sets
        those variables too (`env` wins) and is sent with `ConfigureStack`; without it, a stack
        is read back from PULUMI_PROJECT and PULUMI_STACK when both are set. As the CLI does,
        `ConfigureStack` is sent before anything else, and skipped if the pack lacks it.
        """
        pack_dir = Path(pack_dir).resolve()
        if not (pack_dir / "PulumiPolicy.yaml").is_file():
            raise PolicyPackError(f"no policy pack at {pack_dir} (PulumiPolicy.yaml is missing)")
        environment = {**os.environ, **(stack.env() if stack else {}), **(env or {})}
        python = python or shim_interpreter(pack_dir, environment)
        process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", _ENGINE_ADDRESS, "."],
            cwd=pack_dir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        output: deque[str] = deque(maxlen=200)
        ports: queue.Queue[str | None] = queue.Queue()
        assert process.stdout is not None
        assert process.stderr is not None
        readers = [
            threading.Thread(target=_read, args=(process.stdout, output, ports), daemon=True),
            threading.Thread(target=_read, args=(process.stderr, output, None), daemon=True),
        ]
        for reader in readers:
            reader.start()
        try:
            port = _port(process, ports, output, start_timeout)
        except BaseException:
            _stop(process)
            raise
        client = cls(
            process=process,
            pack_dir=pack_dir,
            port=port,
            output=output,
            readers=readers,
            rpc_timeout=rpc_timeout,
            python=python,
        )
        try:
            client._connect(start_timeout, stack or StackContext.from_env(environment), configure)
        except BaseException:
            client.close()
            raise
        return client

    def _connect(self, timeout: float, stack: StackContext | None, configure: bool) -> None:
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            raise PolicyPackError(
                f"the policy pack did not answer on port {self.port} within {timeout:g} s"
                + _tail(self._output)
            ) from None
        if stack is not None:
            self.configure_stack(stack)
        if configure:
            self._configure({})

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the channel and end the pack; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self.peak_memory_kib = self.memory_kib("VmHWM")
        self._channel.close()
        _stop(self.process)
        for reader in self._readers:
            reader.join(timeout=5)

    def memory_kib(self, field_name: str = "VmRSS") -> int | None:
        """A memory figure of the running pack from /proc (VmRSS now, VmHWM its peak)."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        return None

    # --- Calls ----------------------------------------------------------------------------------

    def _call(self, method: str, request: Any, *, optional: bool = False) -> Any:
        """One call, its failure a PolicyPackError; None when `optional` and not implemented."""
        if self._closed:
            raise PolicyPackError("the policy pack client is closed")
        try:
            return getattr(self._stub, method)(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            code = getattr(error, "code", None)
            if optional and callable(code) and code() == grpc.StatusCode.UNIMPLEMENTED:
                return None
            details = error.details() if hasattr(error, "details") else str(error)
            raise PolicyPackError(f"{method} failed: {details}" + _tail(self._output)) from None

    def get_info(self) -> PackInfo:
        """The pack's name, policies, their default levels and config schemas."""
        if self._info is None:
            self._info = pack_info(self._call("GetAnalyzerInfo", empty_pb2.Empty()))
        return self._info

    def configure_stack(self, stack: StackContext) -> bool:
        """Tell the pack the stack it analyzes, as the CLI does right after starting it.

        Returns False when the pack (or the installed `pulumi` SDK) has no `ConfigureStack`,
        which the CLI also tolerates.
        """
        if not hasattr(self._stub, "ConfigureStack"):
            return False
        request = stack.request()
        if request is None:
            return False
        return self._call("ConfigureStack", request, optional=True) is not None

    def configure_from_file(self, path: Path) -> dict[str, PolicyConfig]:
        """`pulumi preview --policy-pack-config <path>`."""
        return self._configure(load_policy_config(Path(path)))

    def _configure(self, given: Mapping[str, PolicyConfig]) -> dict[str, PolicyConfig]:
        reconciled = reconcile_policy_config(self.get_info(), given)
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, config in reconciled.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = level_value(config.enforcement_level or "advisory")
            entry.properties.CopyFrom(to_struct(config.properties))
        self._call("Configure", request)
        return reconciled

    def analyze_future(self, request: analyzer_pb2.AnalyzeRequest) -> grpc.Future:
        """Send one `Analyze` without waiting: the engine's calls overlap, and so may these.

        The reply (an `AnalyzeResponse`) or the RPC error arrives on the returned future.
        """
        if self._closed:
            raise PolicyPackError("the policy pack client is closed")
        future: grpc.Future = self._stub.Analyze.future(request, timeout=self.rpc_timeout)
        return future

    def analyze_stack_request(self, request: analyzer_pb2.AnalyzeStackRequest) -> Any:
        """`AnalyzeStack` of a request already built: its `AnalyzeResponse`, or `grpc.RpcError`."""
        if self._closed:
            raise PolicyPackError("the policy pack client is closed")
        return self._stub.AnalyzeStack(request, timeout=self.rpc_timeout)


def _port(
    process: subprocess.Popen[bytes],
    ports: queue.Queue[str | None],
    output: deque[str],
    timeout: float,
) -> int:
    """The port the pack prints first, as the CLI reads it."""
    try:
        line = ports.get(timeout=timeout)
    except queue.Empty:
        raise PolicyPackError(
            f"the policy pack did not print its port within {timeout:g} s" + _tail(output)
        ) from None
    if line is None:
        process.wait(timeout=5)
        raise PolicyPackError(
            f"the policy pack exited with status {process.returncode} before it served"
            + _tail(output)
        )
    if not line.strip().isdigit():
        raise PolicyPackError(
            f"the policy pack printed {line.strip()[:200]!r} where the CLI reads its port"
            + _tail(output)
        )
    return int(line)


def _read(stream: IO[bytes], output: deque[str], ports: queue.Queue[str | None] | None) -> None:
    """Drain one pipe, so a chatty pack never blocks; the first stdout line is the port."""
    first = ports is not None
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", errors="replace")
        if first and ports is not None:
            ports.put(line)
            first = False
        else:
            output.append(line)
    if first and ports is not None:
        ports.put(None)
    stream.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _tail(output: deque[str]) -> str:
    text = "".join(list(output)[-40:]).strip()
    return f"; the pack printed:\n{text}" if text else ""
