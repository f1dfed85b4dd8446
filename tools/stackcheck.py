"""Check a stack without cloud credentials: the real program under mocks, then the policy pack.

    python -m tools.stackcheck <stack> [--policy-pack-config FILE] [--json]
                               [--set KEY=VALUE ...] [--compare KEY=VALUE ...]

Loads `Pulumi.yaml` and `Pulumi.<stack>.yaml` as the CLI does (`tools.stackfiles`), evaluates
`__main__.py` with the real `pulumi_aws` classes (`tools.mockrun`), starts the policy pack as the
CLI starts it and, like the engine, sends each resource's inputs to `Analyze` as it is registered
and every resource's final outputs (its state, `id` included) to `AnalyzeStack`. With `--compare`,
evaluates the stack twice and says which resources the change adds, removes or changes, and which
of their inputs.

The program is evaluated as in an update, not as in a first preview: the mocks give every resource
an id, so outputs are known. That is deliberate: the stage-variable rule then compares the stage's
variables with the real ids of the stack's links, and checks what a deployed stack would hold. A
first `pulumi preview` of a new stack sees those ids as unknown, and the rules skip what they
cannot know yet.

The pack runs in its own process while the program is evaluated (the two use two cores): it is
started when the first resource is registered (at once when a policy pack config is given, so a
bad config is reported before anything else), and `Analyze` calls are sent as resources register.

Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad config (stack, project or
policy pack config), an unknown stack, a program error or a policy pack that failed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import pulumi
import yaml
from pulumi.runtime.proto import analyzer_pb2

from tools import mockrun, policy_client, route_notes, stackfiles

PROJECT_DIR = Path(__file__).resolve().parents[1]
PACK_DIR = PROJECT_DIR / "policy"
EXIT_OK, EXIT_VIOLATION, EXIT_ERROR = 0, 1, 2
_MAX_MESSAGE = 400 * 1024 * 1024  # as the pack's server allows
_CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", _MAX_MESSAGE),
    ("grpc.max_send_message_length", _MAX_MESSAGE),
]


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


@dataclass
class Evaluation:
    """One evaluation of a stack: its config, what the program registered, what the pack said."""

    stack: str
    config: stackfiles.StackConfig
    run: mockrun.ProgramRun
    violations: list[Violation] = field(default_factory=list)
    #: Seconds: program evaluation ("program"); pack start-up to configured ("start"); waiting
    #: for the last `Analyze` replies once the program is done ("analyze"); "analyze_stack".
    timings: dict[str, float] = field(default_factory=dict)
    #: Peak resident memory of the pack process, KiB (Linux), once it has been closed.
    pack_peak_kib: int | None = None

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]


def parse_assignment(text: str) -> tuple[str, Any]:
    """`KEY=VALUE` with VALUE read as YAML, as if written `KEY: VALUE` in the stack file."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise CheckError(f"'{text}' is not KEY=VALUE (for example activeVpcLink=green)")
    try:
        return key, stackfiles.parse_value(value) if value else ""
    except yaml.YAMLError as error:
        raise CheckError(f"the value of {key} is not valid YAML: {error}") from None


def load_config(project_dir: Path, stack: str, overrides: dict[str, Any]) -> stackfiles.StackConfig:
    try:
        return stackfiles.load(project_dir, stack, overrides)
    except stackfiles.StackFileError as error:
        raise CheckError(str(error)) from None


def evaluate(
    project_dir: Path,
    stack: str,
    overrides: dict[str, Any],
    *,
    config: stackfiles.StackConfig | None = None,
    on_register: Callable[[mockrun.RecordedResource], None] | None = None,
) -> Evaluation:
    """Load the stack as the CLI would (unless `config` is given); run the program under mocks."""
    if config is None:
        config = load_config(project_dir, stack, overrides)
    clock = time.perf_counter()
    try:
        run = mockrun.run_program(
            project_dir,
            project=config.project,
            stack=stack,
            config=config.values,
            secret_keys=config.secret_keys,
            on_register=on_register,
        )
    except pulumi.RunError as error:  # a config error: Pulumi prints these as plain messages
        raise CheckError(str(error) + _secret_note(config)) from None
    except Exception as error:  # noqa: BLE001 (any program failure is reported, not raised)
        message = f"the program failed: {type(error).__name__}: {error}"
        raise CheckError(message + _secret_note(config)) from None
    evaluation = Evaluation(stack=stack, config=config, run=run)
    evaluation.timings["program"] = time.perf_counter() - clock
    return evaluation


def _secret_note(config: stackfiles.StackConfig) -> str:
    """Why a program may fail on a secret here: it saw the placeholder, not the plaintext."""
    if not config.secret_keys:
        return ""
    keys = ", ".join(config.secret_keys)
    example = config.secret_keys[0]
    return (
        f"\nnote: {keys} {'is' if len(config.secret_keys) == 1 else 'are'} encrypted (secure:) "
        f"in Pulumi.{config.stack}.yaml; the stack check cannot decrypt secrets, so the program "
        f"saw '{stackfiles.SECRET_PLACEHOLDER}' instead. If the error is about "
        f"{'it' if len(config.secret_keys) == 1 else 'one of them'}, pass a stand-in value: "
        f"--set {example}=VALUE"
    )


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
    the second core while the program runs on the first. Replies are gathered as they come;
    `finish` waits for the last ones, then sends the whole stack to `AnalyzeStack`. Requests are
    assembled from the SDK's own serialized Structs (protobuf fields concatenate), so nothing is
    serialized twice and no message trees are held. Always `close` it (or use `with`).
    """

    def __init__(
        self,
        env: dict[str, str],
        policy_config: Path | None = None,
        *,
        pack_dir: Path | None = None,
    ) -> None:
        self.env = env
        self.policy_config = policy_config
        self.pack_dir = pack_dir or PACK_DIR
        self.timings: dict[str, float] = {}
        self.pack: policy_client.PolicyPackClient | None = None
        self._lock = threading.Condition()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._channel: grpc.Channel | None = None
        self._analyze: Any = None
        self._analyze_stack: Any = None
        self._pending: list[tuple[bytes, str]] = []
        #: Per `Analyze` call, in the order sent: its violations, or the error it failed with.
        self._results: list[list[Violation] | str | None] = []
        self._outstanding = 0
        self._closed = False

    def __enter__(self) -> PackSession:
        return self

    def __exit__(self, *_exc: object) -> None:
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
                pack.configure_from_file(self.policy_config)
            channel = grpc.insecure_channel(f"127.0.0.1:{pack.port}", options=_CHANNEL_OPTIONS)
            with self._lock:
                self._channel = channel
                # Requests go as bytes already serialized (no request_serializer).
                self._analyze = channel.unary_unary(
                    "/pulumirpc.Analyzer/Analyze",
                    response_deserializer=analyzer_pb2.AnalyzeResponse.FromString,
                )
                self._analyze_stack = channel.unary_unary(
                    "/pulumirpc.Analyzer/AnalyzeStack",
                    response_deserializer=analyzer_pb2.AnalyzeResponse.FromString,
                )
                for payload, urn in self._pending:
                    self._send(payload, urn)
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
        head = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
        ).SerializeToString()
        payload = head + _field(2, _wire(resource, "inputs"))
        with self._lock:
            if self._analyze is None:
                self._pending.append((payload, resource.urn))
            else:
                self._send(payload, resource.urn)

    def _send(self, payload: bytes, urn: str) -> None:
        """Issue one `Analyze` (holding the lock); its reply is kept when it arrives."""
        index = len(self._results)
        self._results.append(None)
        self._outstanding += 1
        assert self.pack is not None
        call = self._analyze.future(payload, timeout=self.pack.rpc_timeout)
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
        if isinstance(self._error, policy_client.PolicyConfigError):
            raise CheckError(_config_message(self.policy_config, self._error))

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
        self.timings["analyze"] = time.perf_counter() - clock
        clock = time.perf_counter()
        request = b"".join(_field(1, _stack_entry(r)) for r in resources)
        try:
            reply = self._analyze_stack(request, timeout=pack.rpc_timeout)
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
        if self._channel is not None:
            self._channel.close()
        if self.pack is not None:
            self.pack.close()


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        if not number:
            out.append(low)
            return bytes(out)
        out.append(low | 0x80)


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field: appended to a message's bytes, it sets that field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _stack_entry(resource: mockrun.RecordedResource) -> bytes:
    """One resource of `AnalyzeStack`: its final outputs (state), not its inputs."""
    entry = policy_client.stack_resource(
        type_=resource.type,
        urn=resource.urn,
        name=resource.name,
        parent=resource.parent,
        dependencies=resource.dependencies,
        property_dependencies=resource.property_dependencies,
    )
    head: bytes = entry.SerializeToString()
    return head + _field(2, _wire(resource, "state"))


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


def _config_message(path: Path | None, error: Exception) -> str:
    text = str(error)
    if path is not None and text.startswith(f"{path} "):
        return f"policy pack config {text}"  # it names the file already
    return f"policy pack config {path}: {text}"


def _violation(diagnostic: Any, default_urn: str) -> Violation:
    level = str(analyzer_pb2.EnforcementLevel.Name(diagnostic.enforcementLevel)).lower()
    # As the engine does, a diagnostic the pack left without a URN is the resource's.
    urn = diagnostic.urn or default_urn
    return Violation(diagnostic.policyName, level, urn, diagnostic.message)


def _wire(resource: mockrun.RecordedResource, what: str) -> bytes:
    """The resource's inputs or state as a serialized Struct, as the engine sends them."""
    data = resource.wire.get(what)
    if data is None:
        data = policy_client.to_struct(_for_pack(getattr(resource, what))).SerializeToString()
    assert isinstance(data, bytes)
    return data


def _for_pack(value: Any) -> Any:
    """A recorded value with mockrun's unknown marker replaced by the engine's, for the pack."""
    if value is mockrun.UNKNOWN:
        return policy_client.UNKNOWN
    if isinstance(value, dict):
        return {k: _for_pack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_for_pack(v) for v in value]
    return value


def check(
    project_dir: Path,
    stack: str,
    overrides: dict[str, Any],
    *,
    compare_with: dict[str, Any] | None = None,
    policy_config: Path | None = None,
) -> tuple[Evaluation, dict[str, Any] | None]:
    """Evaluate the stack (twice with `compare_with`) and check the last evaluation with the pack.

    Raises CheckError for anything that makes the answer exit 2.
    """
    if policy_config is not None:
        if not policy_config.is_file():
            raise CheckError(f"no policy pack config file at {policy_config}")
        try:  # JSON, shape and enforcement levels now; the rules' settings once the pack is up
            policy_client.load_policy_config(policy_config)
        except policy_client.PolicyConfigError as error:
            raise CheckError(_config_message(policy_config, error)) from None
    before_config = load_config(project_dir, stack, overrides)
    config = before_config
    if compare_with is not None:
        config = load_config(project_dir, stack, {**overrides, **compare_with})
    with PackSession(pack_env(config), policy_config) as session:
        if policy_config is not None:
            session.start()
        try:
            before = None
            if compare_with is not None:
                before = evaluate(project_dir, stack, overrides, config=before_config)
            evaluation = evaluate(
                project_dir, stack, overrides, config=config, on_register=session.analyze
            )
        except CheckError:
            if policy_config is not None:
                session.check_config()  # a bad policy pack config is reported first
            raise
        evaluation.violations = session.finish(evaluation.run.resources)
    evaluation.timings.update(session.timings)
    evaluation.pack_peak_kib = session.pack.peak_memory_kib if session.pack else None
    diff = compare(before, evaluation) if before is not None else None
    return evaluation, diff


def compare(before: Evaluation, after: Evaluation) -> dict[str, Any]:
    """What the change does: resources added, removed, and changed with the inputs that differ."""
    old = {r.urn: r.inputs for r in before.run.resources}
    new = {r.urn: r.inputs for r in after.run.resources}
    changed = []
    for urn in sorted(old.keys() & new.keys()):
        keys = sorted(
            k
            for k in old[urn].keys() | new[urn].keys()
            if _json(old[urn].get(k)) != _json(new[urn].get(k))
        )
        if keys:
            changed.append({"urn": urn, "keys": keys})
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": changed,
        "notes": route_notes.removal_notes(before, after),
    }


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _resource_json(resource: mockrun.RecordedResource) -> dict[str, Any]:
    return {
        "urn": resource.urn,
        "type": resource.type,
        "name": resource.name,
        "inputs": resource.inputs,
    }


def render_table(evaluation: Evaluation, diff: dict[str, Any] | None) -> str:
    lines = [f"Stack {evaluation.stack}: {len(evaluation.run.resources)} resources"]
    width = max((len(r.type) for r in evaluation.run.resources), default=0)
    for resource in evaluation.run.resources:
        note = "  (read, not managed)" if resource.read else ""
        lines.append(f"  {resource.type:<{width}}  {resource.name}{note}")
    if diff is not None:
        lines.append("")
        lines.append("Change:")
        for urn in diff["added"]:
            lines.append(f"  + {urn}")
        for urn in diff["removed"]:
            lines.append(f"  - {urn}")
        for item in diff["changed"]:
            lines.append(f"  ~ {item['urn']}: {', '.join(item['keys'])}")
        if not any(diff.values()):
            lines.append("  no resource changes")
        lines.extend(f"  ! {note}" for note in diff.get("notes", []))
    lines.append("")
    if not evaluation.violations:
        lines.append("Policy pack: no violations.")
    else:
        lines.append(f"Policy pack: {len(evaluation.violations)} violations")
        by_policy: dict[tuple[str, str], list[Violation]] = {}
        for violation in evaluation.violations:
            by_policy.setdefault((violation.policy, violation.enforcement_level), []).append(
                violation
            )
        for (policy, level), found in sorted(
            by_policy.items(), key=lambda item: (item[0][1] != "mandatory", item[0][0])
        ):
            lines.append(f"  [{level}] {policy} ({len(found)})")
            for violation in found:
                message = " ".join(violation.message.split())
                lines.append(f"    {violation.urn or '(stack)'}")
                lines.append(f"      {message}")
    verdict = "FAIL" if evaluation.mandatory else "PASS"
    lines.append(f"{verdict}: {len(evaluation.mandatory)} mandatory violations")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.stackcheck",
        description="Check a stack through the program and the policy pack, without credentials.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "The program runs as in an update under mocks: every resource gets an id, so rules\n"
            "that compare ids (the stage variable's VPC link) check real values; a first\n"
            "`pulumi preview` would see unknown ids. Secrets (secure:) cannot be decrypted here:\n"
            "the program sees '[secret]'; pass a stand-in with --set KEY=VALUE.\n"
            "Exit status: 0 no mandatory violation, 1 a mandatory violation, 2 bad config,\n"
            "an unknown stack, a program error or a policy pack failure."
        ),
    )
    parser.add_argument("stack", help="stack name: the X of Pulumi.X.yaml")
    parser.add_argument(
        "--policy-pack-config", type=Path, help="policy pack config file, as for the CLI"
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON document instead of a table"
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config value (VALUE is YAML; KEY is bare or namespaced); repeatable",
    )
    parser.add_argument(
        "--compare",
        nargs="+",
        metavar="KEY=VALUE",
        help="evaluate the stack again with these values and report what changes",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, project_dir: Path = PROJECT_DIR) -> int:
    """Check a stack of the program in `project_dir` (this project's) with this project's pack."""
    args = build_parser().parse_args(argv)
    try:
        overrides = dict(parse_assignment(text) for text in args.sets)
        changes = None
        if args.compare:
            changes = dict(parse_assignment(text) for text in args.compare)
        evaluation, diff = check(
            project_dir,
            args.stack,
            overrides,
            compare_with=changes,
            policy_config=args.policy_pack_config,
        )
    except CheckError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        document: dict[str, Any] = {
            "stack": evaluation.stack,
            "resources": [_resource_json(r) for r in evaluation.run.resources],
            "violations": [v.as_json() for v in evaluation.violations],
        }
        if diff is not None:
            document.update(diff)
        print(json.dumps(document, indent=2, default=repr))
    else:
        print(render_table(evaluation, diff))
    return EXIT_VIOLATION if evaluation.mandatory else EXIT_OK


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
