"""The policy pack, run beside the program as a preview runs it: `Analyze` as resources register.

Starts the pack as the CLI does (tools/policy_client.py) and sends the SDK's own serialized
Structs, so no value goes through Python objects again; failures become one-line `CheckError`s.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from pulumi.runtime.proto import analyzer_pb2

from tools import mockrun, pack_config, pack_messages, policy_client, stackfiles


class CheckError(Exception):
    """Bad config, an unknown stack, a failing program or pack: reported as a message, exit 2."""


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement_level: str
    urn: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "enforcementLevel": self.enforcement_level,
            "urn": self.urn,
            "message": self.message,
        }


def pack_env(config: stackfiles.StackConfig) -> dict[str, str]:
    """What the CLI sets for a policy pack it starts."""
    return {
        "PULUMI_PROJECT": config.project,
        "PULUMI_STACK": config.stack,
        "PULUMI_CONFIG": json.dumps(config.values),
        "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(config.secret_keys)),
        "PULUMI_DRY_RUN": "true",
    }


class PackSession:
    """The policy pack, run beside the program: `Analyze` is sent as each resource registers.

    The engine calls `Analyze` for each resource before it creates it, so sending the calls while
    the program runs is what a real preview does; here it lets the pack (another process) work on
    the second core while the program runs on the first. Calls go over the pack client's one
    channel without waiting for each other; replies are gathered as they come; `finish` waits for
    the last ones, then sends the whole stack to `AnalyzeStack`. Requests are the SDK's generated
    messages (`pulumi.runtime.proto`), their properties parsed from the Structs the SDK itself
    serialized, so no value goes through Python objects again. Always `close` it (or use `with`).
    """

    def __init__(
        self,
        env: dict[str, str],
        policy_config: Path | None = None,
        *,
        pack_dir: Path,
    ) -> None:
        self.env = env
        self.policy_config = policy_config
        self.pack_dir = pack_dir
        self.timings: dict[str, float] = {}
        self.pack: policy_client.PolicyPackClient | None = None
        self._lock = threading.Condition()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._serving = False
        self._pending: list[tuple[analyzer_pb2.AnalyzeRequest, str]] = []
        #: Per `Analyze` call, in the order sent: its violations, or the error it failed with.
        self._results: list[list[Violation] | str | None] = []
        self._outstanding = 0
        self._closed = False

    def __enter__(self) -> PackSession:
        return self

    def __exit__(self, _type: object, error: BaseException | None, _tb: object) -> None:
        """End the pack; a CheckError of the program's gives way to a refused pack config."""
        try:
            if isinstance(error, CheckError) and self.policy_config is not None:
                self.check_config()  # a bad policy pack config is reported first
        finally:
            self.close()

    def start(self) -> None:
        """Start the pack in the background (once); calls made meanwhile wait for it."""
        with self._lock:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(target=self._start, name="policy-pack", daemon=True)
            self._thread.start()

    def _start(self) -> None:
        clock = time.perf_counter()
        try:
            pack = policy_client.PolicyPackClient.start(self.pack_dir, env=self.env)
            with self._lock:
                self.pack = pack  # close() ends it from now on
            if self.policy_config is not None:
                given = pack_config.load_policy_config(self.policy_config)
                pack_config.check_policy_names(pack.get_info(), given)
                pack.configure_from_file(self.policy_config)
            with self._lock:
                self._serving = True
                for request, urn in self._pending:
                    self._send(request, urn)
                self._pending.clear()
        except BaseException as error:  # noqa: BLE001 (reported by wait())
            self._error = error
        finally:
            self.timings["start"] = time.perf_counter() - clock
            self._ready.set()

    def analyze(self, resource: mockrun.RecordedResource) -> None:
        """Send a resource's inputs to `Analyze` (reads are not analyzed, as in the engine)."""
        if resource.read or self._closed:
            return
        self.start()
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
        )
        request.properties.MergeFromString(_wire(resource, "inputs"))
        with self._lock:
            if not self._serving:
                self._pending.append((request, resource.urn))
            else:
                self._send(request, resource.urn)

    def _send(self, request: analyzer_pb2.AnalyzeRequest, urn: str) -> None:
        """Issue one `Analyze` (holding the lock); its reply is kept when it arrives."""
        index = len(self._results)
        self._results.append(None)
        self._outstanding += 1
        assert self.pack is not None
        call = self.pack.analyze_future(request)
        call.add_done_callback(lambda done: self._done(done, index, urn))

    def _done(self, call: Any, index: int, urn: str) -> None:
        result: list[Violation] | str = "no reply"
        try:
            result = [_violation(d, urn) for d in call.result().diagnostics]
        except grpc.RpcError as error:
            result = error.details() if hasattr(error, "details") else str(error)
        except Exception as error:  # noqa: BLE001 (recorded: finish() must never wait on it)
            result = f"{type(error).__name__}: {error}"
        finally:
            with self._lock:
                self._results[index] = result
                self._outstanding -= 1
                self._lock.notify_all()

    def check_config(self) -> None:
        """Wait for the pack to be configured; raise CheckError if the config was refused."""
        self.start()
        self._ready.wait()
        if isinstance(self._error, pack_config.PolicyConfigError):
            raise CheckError(config_message(self.policy_config, self._error))

    def wait(self) -> policy_client.PolicyPackClient:
        """The started, configured pack; raises CheckError if it could not start or configure."""
        self.check_config()
        if self._error is not None:
            raise self._failure(str(self._error))
        assert self.pack is not None
        return self.pack

    def _failure(self, problem: str) -> CheckError:
        """The pack failed: say which pack and what it printed, without Python's traceback."""
        return CheckError(
            f"the policy pack in {_shown(self.pack_dir)} failed: {_untraced(problem)}"
        )

    def finish(self, resources: Sequence[mockrun.RecordedResource]) -> list[Violation]:
        """Gather every `Analyze` reply, then send the stack's final state to `AnalyzeStack`."""
        pack = self.wait()
        clock = time.perf_counter()
        with self._lock:
            if not self._lock.wait_for(lambda: self._outstanding == 0, pack.rpc_timeout):
                raise CheckError("the policy pack failed: Analyze did not answer in time")
            results = list(self._results)
        violations: list[Violation] = []
        for result in results:
            if isinstance(result, str):
                raise self._failure(f"Analyze failed: {result}")
            violations += result or []
        # The program registers from several threads, so resources (and their replies) arrive
        # in no fixed order: sort, so that every run prints the same report.
        violations.sort(key=lambda v: (v.policy, v.urn))
        self.timings["analyze"] = time.perf_counter() - clock
        clock = time.perf_counter()
        request = analyzer_pb2.AnalyzeStackRequest()
        request.resources.extend(_stack_entry(r) for r in resources)
        try:
            reply = pack.analyze_stack_request(request)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            raise self._failure(f"AnalyzeStack failed: {details}") from None
        self.timings["analyze_stack"] = time.perf_counter() - clock
        return violations + [_violation(d, "") for d in reply.diagnostics]

    def close(self) -> None:
        """End the pack (waiting for a start under way, so no process is left behind)."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            thread.join()
        if self.pack is not None:
            self.pack.close()


def _stack_entry(resource: mockrun.RecordedResource) -> analyzer_pb2.AnalyzerResource:
    """One resource of `AnalyzeStack`: its final outputs (state), not its inputs."""
    entry = pack_messages.stack_resource(
        type_=resource.type,
        urn=resource.urn,
        name=resource.name,
        parent=resource.parent,
        dependencies=resource.dependencies,
        property_dependencies=resource.property_dependencies,
    )
    entry.properties.MergeFromString(_wire(resource, "state"))
    return entry


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _untraced(text: str) -> str:
    """Text a pack printed, with any Python traceback reduced to its final line (the error)."""
    lines = text.splitlines()
    kept = [
        line
        for line in lines
        if not line.startswith("Traceback (most recent call last):")
        and not line.startswith((" ", "\t"))
        and not set(line.strip()) <= set("^~")
    ]
    return "\n".join(kept)


def config_message(path: Path | None, error: Exception) -> str:
    text = str(error)
    if path is not None and text.startswith(f"{path} "):
        return f"policy pack config {text}"  # it names the file already
    return f"policy pack config {path}: {text}"


def _violation(diagnostic: Any, default_urn: str) -> Violation:
    level = pack_messages.level_name(diagnostic.enforcementLevel)
    # As the engine does, a diagnostic the pack left without a URN is the resource's.
    urn = diagnostic.urn or default_urn
    return Violation(diagnostic.policyName, level, urn, diagnostic.message)


def _wire(resource: mockrun.RecordedResource, what: str) -> bytes:
    """The resource's inputs or state as a serialized Struct, as the engine sends them."""
    data = resource.wire.get(what)
    if data is None:
        data = pack_messages.to_struct(_for_pack(getattr(resource, what))).SerializeToString()
    assert isinstance(data, bytes)
    return data


def _for_pack(value: Any) -> Any:
    """A recorded value with mockrun's unknown marker replaced by the engine's, for the pack."""
    if value is mockrun.UNKNOWN:
        return pack_messages.UNKNOWN
    if isinstance(value, dict):
        return {k: _for_pack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_pack(v) for v in value]
    return value
