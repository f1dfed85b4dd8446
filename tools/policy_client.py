"""Talk to a policy pack exactly as the Pulumi CLI does, without the CLI.

    with PolicyPackClient.start(Path("policy"), env={"PULUMI_STACK": "prod"}) as pack:
        pack.configure_from_file(Path("policy/config/strict.json"))
        diagnostics = pack.analyze(resource) + pack.analyze_stack(resources)

`start` runs `python -u -m pulumi.policy <engine address> .` in the pack directory with the
interpreter the CLI's analyzer shim would use (the pack's `virtualenv`), reads the port the pack
prints, opens a gRPC channel with the `pulumi` SDK's Analyzer stubs and, like the CLI, tells it
the stack (`ConfigureStack`) and configures every policy with its defaults. Properties are sent
as the engine sends them:
a protobuf Struct where a value not known yet is the engine's unknown sentinel (put `UNKNOWN` in a
property dict) and a secret is the engine's secret envelope (wrap the value in `Secret`).
The subprocess is always ended: on `close()`, on leaving the `with` block, or when start fails.
"""

from __future__ import annotations

import importlib
import json
import os
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Self

import grpc
import jsonschema
import yaml
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

# protobuf ships no type stubs (types-protobuf is not a dependency): use it untyped.
empty_pb2: Any = importlib.import_module("google.protobuf.empty_pb2")
json_format: Any = importlib.import_module("google.protobuf.json_format")
struct_pb2: Any = importlib.import_module("google.protobuf.struct_pb2")

#: The engine's marker for a value not known until the cloud creates a resource.
UNKNOWN_SENTINEL: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The engine's envelope for secrets: {SIG_KEY: SECRET_SIG, "value": ...}.
SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (a type tag, not a secret)
ENFORCEMENT_LEVELS: Final = ("advisory", "mandatory", "remediate", "disabled")
_MAX_MESSAGE: Final = 400 * 1024 * 1024  # as the pack's server allows


class _Unknown:
    """Marker for a property value not known yet (an output, during preview)."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


#: Put this in a property dict where the engine would send an unknown value.
UNKNOWN: Final = _Unknown()


@dataclass(frozen=True)
class Secret:
    """A secret property value: sent in the engine's secret envelope."""

    value: Any


@dataclass(frozen=True)
class Provider:
    """The provider resource of a resource, as `Analyze` receives it."""

    urn: str
    type: str
    name: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Resource:
    """One resource as the engine describes it to a policy pack."""

    urn: str
    type: str
    name: str
    #: camelCase inputs, plain values; `UNKNOWN` and `Secret` where the engine would send them.
    properties: Mapping[str, Any] = field(default_factory=dict)
    parent: str = ""
    dependencies: Sequence[str] = ()
    #: Input name -> URNs of the resources that input was computed from.
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    provider: Provider | None = None


@dataclass(frozen=True)
class Diagnostic:
    """A violation the pack reported (or its advisory note that a rule could not run yet)."""

    policy_name: str
    policy_pack_name: str
    #: "advisory", "mandatory", "remediate" or "disabled".
    enforcement_level: str
    #: As the CLI prints it: the policy's description, a newline, then the rule's message.
    message: str
    #: The resource it is about; "" for the stack as a whole.
    urn: str
    description: str
    policy_pack_version: str = ""
    #: "low", "medium", "high", "critical" or "".
    severity: str = ""

    @property
    def detail(self) -> str:
        """The rule's own message, without the description the pack puts in front of it."""
        prefix = self.description + "\n"
        return self.message[len(prefix) :] if self.message.startswith(prefix) else self.message


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    #: "resource" or "stack".
    policy_type: str
    severity: str
    #: The JSON schema properties of the policy's config, with their defaults.
    config_schema: Mapping[str, Any]
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's configuration: an enforcement level (None: unchanged) and properties."""

    enforcement_level: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    description: str
    supports_config: bool
    policies: tuple[PolicyInfo, ...]
    initial_config: Mapping[str, PolicyConfig] = field(default_factory=dict)

    def policy(self, name: str) -> PolicyInfo:
        for info in self.policies:
            if info.name == name:
                return info
        raise KeyError(name)


@dataclass(frozen=True)
class StackContext:
    """What the CLI tells a pack about the stack: `ConfigureStack`, and the same as PULUMI_* env."""

    project: str
    stack: str
    organization: str = ""
    #: True for `pulumi preview`, False for `pulumi up`.
    dry_run: bool = False
    #: Stack config as the CLI passes it: `project:key` -> the value as a string.
    config: Mapping[str, str] = field(default_factory=dict)
    config_secret_keys: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StackContext | None:
        """Read back what the CLI sets for the pack; None without PULUMI_PROJECT and _STACK."""
        project, stack = env.get("PULUMI_PROJECT"), env.get("PULUMI_STACK")
        if not project or not stack:
            return None
        config = _json_env(env, "PULUMI_CONFIG")
        secret_keys = _json_env(env, "PULUMI_CONFIG_SECRET_KEYS")
        return cls(
            project=project,
            stack=stack,
            organization=env.get("PULUMI_ORGANIZATION", ""),
            dry_run=env.get("PULUMI_DRY_RUN") == "true",
            config=(
                {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
                if isinstance(config, dict)
                else {}
            ),
            config_secret_keys=(
                tuple(k for k in secret_keys if isinstance(k, str))
                if isinstance(secret_keys, list)
                else ()
            ),
        )

    def env(self) -> dict[str, str]:
        """The PULUMI_* variables the CLI sets for a pack process from the same options."""
        result = {
            "PULUMI_PROJECT": self.project,
            "PULUMI_STACK": self.stack,
            "PULUMI_DRY_RUN": "true" if self.dry_run else "false",
        }
        if self.organization:
            result["PULUMI_ORGANIZATION"] = self.organization
        if self.config:
            result["PULUMI_CONFIG"] = json.dumps(dict(self.config))
        return result


def _json_env(env: Mapping[str, str], name: str) -> Any:
    try:
        return json.loads(env.get(name) or "null")
    except json.JSONDecodeError:
        return None


def pack_interpreter(pack_dir: Path) -> tuple[str, Path | None]:
    """The Python the CLI runs a local pack with, and its virtualenv (None: not a virtualenv).

    The CLI's `pulumi-analyzer-policy-python` shim runs `<virtualenv>/bin/python` when
    `PulumiPolicy.yaml` names `runtime.options.virtualenv` (relative to the pack directory), and
    fails if it is missing: the CLI does not create a local pack's virtualenv. Here a missing
    one falls back to this process's interpreter, so tests run without it.
    """
    try:
        project = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return sys.executable, None
    runtime = project.get("runtime") if isinstance(project, dict) else None
    options = runtime.get("options") if isinstance(runtime, dict) else None
    virtualenv = options.get("virtualenv") if isinstance(options, dict) else None
    if isinstance(virtualenv, str) and virtualenv.strip():
        root = pack_dir / virtualenv.strip()  # an absolute path replaces pack_dir
        python = root / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        if python.is_file():
            return str(python), root
    return sys.executable, None


class PolicyPackError(RuntimeError):
    """The pack could not start, or a call to it failed."""


class PolicyConfigError(PolicyPackError, ValueError):
    """A policy pack config is malformed or does not match the policies' schemas."""


# --- Properties -------------------------------------------------------------------------------


def serialize(value: Any, path: str = "") -> Any:
    """A property value as the engine marshals it: sentinels for unknowns, envelopes for secrets.

    Nulls inside objects are left out, as the engine skips them.
    """
    if value is UNKNOWN:
        return UNKNOWN_SENTINEL
    if isinstance(value, Secret):
        return {SIG_KEY: SECRET_SIG, "value": serialize(value.value, path)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"property {path or '(root)'} has a non-string key {key!r}")
            if item is not None:
                result[key] = serialize(item, f"{path}.{key}" if path else key)
        return result
    if isinstance(value, list | tuple):
        return [serialize(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"property {path or '(root)'} has a value of type {type(value).__name__}")


def to_struct(properties: Mapping[str, Any]) -> Any:
    struct = struct_pb2.Struct()
    struct.update(serialize(properties))
    return struct


# --- Policy pack config (the CLI's --policy-pack-config) ------------------------------------


def parse_policy_config(raw: object) -> dict[str, PolicyConfig]:
    """A `--policy-pack-config` document, read as the CLI reads it.

    Each value is an enforcement level, or an object of an optional `enforcementLevel` and the
    policy's properties; `all` sets the level of every policy.
    """
    if not isinstance(raw, Mapping):
        raise PolicyConfigError("a policy pack config must be a JSON object keyed by policy name")
    result: dict[str, PolicyConfig] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            level: str | None = _level(key, value)
            properties: dict[str, Any] = {}
        elif isinstance(value, Mapping):
            properties = dict(value)
            given = properties.pop("enforcementLevel", None)
            level = None if given is None else _level(key, given)
        else:
            raise PolicyConfigError(
                f"parsing {key!r}: {value!r} is not a valid value; must be a string or object"
            )
        if level is not None or properties:
            result[str(key)] = PolicyConfig(level, properties)
    return result


def _level(key: object, value: object) -> str:
    if not isinstance(value, str) or value not in ENFORCEMENT_LEVELS:
        raise PolicyConfigError(
            f"parsing enforcement level for {key!r}: {value!r} is not a valid enforcement level "
            f"(one of {', '.join(ENFORCEMENT_LEVELS)})"
        )
    return value


def load_policy_config(path: Path) -> dict[str, PolicyConfig]:
    """Read a `--policy-pack-config` file; an empty file is an empty config, as for the CLI."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyConfigError(f"cannot read policy pack config {path}: {error}") from None
    if not text.strip():
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise PolicyConfigError(f"{path} is not valid JSON: {error}") from None
    return parse_policy_config(raw)


def reconcile_policy_config(
    info: PackInfo, given: Mapping[str, PolicyConfig]
) -> dict[str, PolicyConfig]:
    """What the CLI sends to `Configure`: defaults, then the pack's initial config, then `given`.

    Every policy gets its default level and its schema's defaults; `all` sets every level; a
    policy's own entry then sets its level and merges its properties. The result is validated
    against each policy's schema. Entries naming no policy are dropped (the pack ignores them).
    """
    result = {
        p.name: PolicyConfig(
            p.enforcement_level,
            {k: v["default"] for k, v in p.config_schema.items() if "default" in v},
        )
        for p in info.policies
    }
    for layer in (info.initial_config, given):
        everything = layer.get("all")
        if everything is not None and everything.enforcement_level is not None:
            result = {
                k: PolicyConfig(everything.enforcement_level, v.properties)
                for k, v in result.items()
            }
        for name, config in layer.items():
            if name not in result:
                continue
            current = result[name]
            result[name] = PolicyConfig(
                config.enforcement_level or current.enforcement_level,
                {**current.properties, **config.properties},
            )
    errors: list[str] = []
    for policy in info.policies:
        schema: dict[str, Any] = {"type": "object", "properties": dict(policy.config_schema)}
        if policy.required:
            schema["required"] = list(policy.required)
        validator = jsonschema.Draft7Validator(schema)
        for error in validator.iter_errors(dict(result[policy.name].properties)):
            where = ".".join(str(p) for p in error.absolute_path) or "(root)"
            errors.append(f"{policy.name}: {where}: {error.message}")
    if errors:
        raise PolicyConfigError("policy pack config is invalid: " + "; ".join(errors))
    return result


# --- The client -------------------------------------------------------------------------------


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
        engine_address: str = "127.0.0.1:0",
        python: str | None = None,
        start_timeout: float = 60.0,
        rpc_timeout: float = 300.0,
        configure: bool = True,
        stack: StackContext | None = None,
    ) -> PolicyPackClient:
        """Start the pack as the CLI does and connect; configure its defaults unless told not to.

        Runs `<python> -u -m pulumi.policy <engine_address> .` with the pack directory as the
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
        if python is None:
            python, virtualenv = pack_interpreter(pack_dir)
            if virtualenv is not None:
                bin_dir = str(Path(python).parent)
                environment["PATH"] = os.pathsep.join(
                    p for p in (bin_dir, environment.get("PATH", "")) if p
                )
                environment.pop("PYTHONHOME", None)
        if stack is None:
            stack = StackContext.from_env(environment)
        process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", engine_address, "."],
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
            try:
                line = ports.get(timeout=start_timeout)
            except queue.Empty:
                raise PolicyPackError(
                    f"the policy pack did not print its port within {start_timeout:g} s"
                    + _tail(output)
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
            client = cls(
                process=process,
                pack_dir=pack_dir,
                port=int(line),
                output=output,
                readers=readers,
                rpc_timeout=rpc_timeout,
                python=python,
            )
        except BaseException:
            _stop(process)
            raise
        try:
            try:
                grpc.channel_ready_future(client._channel).result(timeout=start_timeout)
            except grpc.FutureTimeoutError:
                raise PolicyPackError(
                    f"the policy pack did not answer on port {client.port} within "
                    f"{start_timeout:g} s" + _tail(output)
                ) from None
            if stack is not None:
                client.configure_stack(stack)
            if configure:
                client.configure({})
        except BaseException:
            client.close()
            raise
        return client

    @property
    def pid(self) -> int:
        return self.process.pid

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

    @property
    def output(self) -> str:
        """What the pack printed after its port (stdout and stderr), last lines only."""
        return "".join(self._output)

    # --- Calls ----------------------------------------------------------------------------------

    def _call(self, method: str, request: Any) -> Any:
        if self._closed:
            raise PolicyPackError("the policy pack client is closed")
        try:
            return getattr(self._stub, method)(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            details = error.details() if hasattr(error, "details") else str(error)
            raise PolicyPackError(f"{method} failed: {details}" + _tail(self._output)) from None

    def get_info(self) -> PackInfo:
        """The pack's name, policies, their default levels and config schemas."""
        if self._info is None:
            reply = self._call("GetAnalyzerInfo", empty_pb2.Empty())
            self._info = PackInfo(
                name=reply.name,
                version=reply.version,
                description=reply.description,
                supports_config=reply.supportsConfig,
                policies=tuple(_policy_info(p) for p in reply.policies),
                initial_config={
                    k: PolicyConfig(
                        _level_name(v.enforcementLevel), json_format.MessageToDict(v.properties)
                    )
                    for k, v in reply.initialConfig.items()
                },
            )
        return self._info

    def configure_stack(self, stack: StackContext) -> bool:
        """Tell the pack the stack it analyzes, as the CLI does right after starting it.

        Returns False when the pack (or the installed `pulumi` SDK) has no `ConfigureStack`,
        which the CLI also tolerates.
        """
        request_type = getattr(analyzer_pb2, "AnalyzerStackConfigureRequest", None)
        if request_type is None or not hasattr(self._stub, "ConfigureStack"):
            return False
        request = request_type(
            stack=stack.stack,
            project=stack.project,
            organization=stack.organization,
            dry_run=stack.dry_run,
            config=dict(stack.config),
            config_secret_keys=list(stack.config_secret_keys),
            tags=dict(stack.tags),
        )
        if self._closed:
            raise PolicyPackError("the policy pack client is closed")
        try:
            self._stub.ConfigureStack(request, timeout=self.rpc_timeout)
        except grpc.RpcError as error:
            code = getattr(error, "code", None)
            if callable(code) and code() == grpc.StatusCode.UNIMPLEMENTED:
                return False
            details = error.details() if hasattr(error, "details") else str(error)
            raise PolicyPackError(
                f"ConfigureStack failed: {details}" + _tail(self._output)
            ) from None
        return True

    def configure(self, policy_config: Mapping[str, Any]) -> dict[str, PolicyConfig]:
        """Configure the pack from a `--policy-pack-config` document (a dict), as the CLI does.

        Returns the configuration sent: every policy, defaults filled in.
        """
        reconciled = reconcile_policy_config(self.get_info(), parse_policy_config(policy_config))
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, config in reconciled.items():
            entry = request.policyConfig[name]
            entry.enforcementLevel = _level_value(config.enforcement_level or "advisory")
            entry.properties.CopyFrom(to_struct(config.properties))
        self._call("Configure", request)
        return reconciled

    def configure_from_file(self, path: Path) -> dict[str, PolicyConfig]:
        """`pulumi preview --policy-pack-config <path>`."""
        given = load_policy_config(Path(path))
        raw: dict[str, Any] = {
            k: {
                **c.properties,
                **({"enforcementLevel": c.enforcement_level} if c.enforcement_level else {}),
            }
            for k, c in given.items()
        }
        return self.configure(raw)

    def analyze(self, resource: Resource) -> list[Diagnostic]:
        """What the engine asks before it creates or updates one resource.

        As the engine does, a diagnostic the pack left without a URN is the resource's.
        """
        request = analyzer_pb2.AnalyzeRequest(
            type=resource.type,
            properties=to_struct(resource.properties),
            urn=resource.urn,
            name=resource.name,
            options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
        )
        if resource.provider is not None:
            request.provider.CopyFrom(_provider(resource.provider))
        return _diagnostics(self._call("Analyze", request), default_urn=resource.urn)

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

    def analyze_stack(self, resources: Sequence[Resource]) -> list[Diagnostic]:
        """What the engine asks once every resource of the stack is known."""
        request = analyzer_pb2.AnalyzeStackRequest()
        for resource in resources:
            entry = stack_resource(
                type_=resource.type,
                urn=resource.urn,
                name=resource.name,
                parent=resource.parent,
                dependencies=resource.dependencies,
                property_dependencies=resource.property_dependencies,
            )
            entry.properties.CopyFrom(to_struct(resource.properties))
            if resource.provider is not None:
                entry.provider.CopyFrom(_provider(resource.provider))
            request.resources.append(entry)
        return _diagnostics(self._call("AnalyzeStack", request))


def stack_resource(
    *,
    type_: str,
    urn: str,
    name: str,
    parent: str,
    dependencies: Sequence[str],
    property_dependencies: Mapping[str, Sequence[str]],
) -> analyzer_pb2.AnalyzerResource:
    """One resource of an `AnalyzeStack` request, without its properties (the caller adds them)."""
    entry = analyzer_pb2.AnalyzerResource(
        type=type_,
        urn=urn,
        name=name,
        options=analyzer_pb2.AnalyzerResourceOptions(parent=parent),
        parent=parent,
        dependencies=list(dependencies),
    )
    for prop, urns in property_dependencies.items():
        entry.propertyDependencies[prop].urns.extend(urns)
    return entry


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


def _level_name(value: int) -> str:
    return str(analyzer_pb2.EnforcementLevel.Name(value)).lower()


def _level_value(name: str) -> Any:
    return analyzer_pb2.EnforcementLevel.Value(name.upper())


def _severity_name(value: int) -> str:
    name = str(analyzer_pb2.PolicySeverity.Name(value)).lower()
    return "" if name.endswith("unspecified") else name.removeprefix("policy_severity_")


def _policy_info(policy: Any) -> PolicyInfo:
    policy_type = analyzer_pb2.PolicyType.Name(policy.policy_type).lower()
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        enforcement_level=_level_name(policy.enforcementLevel),
        policy_type=policy_type.removeprefix("policy_type_"),
        severity=_severity_name(policy.severity),
        config_schema=json_format.MessageToDict(policy.configSchema.properties),
        required=tuple(policy.configSchema.required),
    )


def _provider(provider: Provider) -> analyzer_pb2.AnalyzerProviderResource:
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type,
        properties=to_struct(provider.properties),
        urn=provider.urn,
        name=provider.name,
    )


def _diagnostics(response: Any, default_urn: str = "") -> list[Diagnostic]:
    return [
        Diagnostic(
            policy_name=d.policyName,
            policy_pack_name=d.policyPackName,
            enforcement_level=_level_name(d.enforcementLevel),
            message=d.message,
            urn=d.urn or default_urn,
            description=d.description,
            policy_pack_version=d.policyPackVersion,
            severity=_severity_name(d.severity),
        )
        for d in response.diagnostics
    ]
