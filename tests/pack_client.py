"""The engine's side of `Analyze` and `AnalyzeStack` for tests and benchmarks: resources written
as plain values, and the pack's diagnostics read back as values to compare.

The stack check (tools/pack_session.py) sends the program's own serialized state and reads only
what it reports; these calls are what the tests of the pack's rules need on top of that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from tools import policy_client
from tools.pack_config import PolicyConfig, parse_policy_config
from tools.pack_messages import level_name, severity_name, stack_resource, to_struct


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


def _provider(provider: Provider) -> analyzer_pb2.AnalyzerProviderResource:
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type,
        properties=to_struct(provider.properties),
        urn=provider.urn,
        name=provider.name,
    )


def diagnostics(response: Any, default_urn: str = "") -> list[Diagnostic]:
    return [
        Diagnostic(
            policy_name=d.policyName,
            policy_pack_name=d.policyPackName,
            enforcement_level=level_name(d.enforcementLevel),
            message=d.message,
            urn=d.urn or default_urn,
            description=d.description,
            policy_pack_version=d.policyPackVersion,
            severity=severity_name(d.severity),
        )
        for d in response.diagnostics
    ]


def analyze_request(resource: Resource) -> analyzer_pb2.AnalyzeRequest:
    """What the engine sends `Analyze` for one resource: its inputs."""
    request = analyzer_pb2.AnalyzeRequest(
        type=resource.type,
        properties=to_struct(resource.properties),
        urn=resource.urn,
        name=resource.name,
        options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent),
    )
    if resource.provider is not None:
        request.provider.CopyFrom(_provider(resource.provider))
    return request


def stack_request(resources: Sequence[Resource]) -> analyzer_pb2.AnalyzeStackRequest:
    """What the engine sends `AnalyzeStack` once every resource of the stack is known."""
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
    return request


class PolicyPackClient(policy_client.PolicyPackClient):
    """The stack check's client, with one call per resource as the tests write them."""

    @property
    def pid(self) -> int:
        return self.process.pid

    def configure(self, policy_config: Mapping[str, Any]) -> dict[str, PolicyConfig]:
        """Configure the pack from a `--policy-pack-config` document (a dict), as the CLI does.

        Returns the configuration sent: every policy, defaults filled in.
        """
        return self._configure(parse_policy_config(policy_config))

    def analyze(self, resource: Resource) -> list[Diagnostic]:
        """What the engine asks before it creates or updates one resource.

        As the engine does, a diagnostic the pack left without a URN is the resource's.
        """
        reply = self._call("Analyze", analyze_request(resource))
        return diagnostics(reply, default_urn=resource.urn)

    def analyze_stack(self, resources: Sequence[Resource]) -> list[Diagnostic]:
        """What the engine asks once every resource of the stack is known."""
        return diagnostics(self._call("AnalyzeStack", stack_request(resources)))
