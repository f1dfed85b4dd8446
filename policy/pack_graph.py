"""Relating the resources of one stack: which REST API, stage or path a resource belongs to.

Resources name each other by ids (`restApi`, `resourceId`, `stageName`, `resourceArn`) that are
outputs, so during a preview of new resources they are unknown. The engine also sends, for every
input, the resources it was computed from (`property_dependencies`), which are known even then.
Each relation is therefore tried in this order, and a rule never guesses past the last:

1. the property's dependencies: the one resource of the expected type it was computed from;
2. the property's known value, matched against the ids the stack reveals (an `id` output, or a
   value seen together with a dependency on another resource);
3. the resource's other dependencies (`dependsOn` included): the one resource of that type;
4. otherwise the relation is unknown (None), and rules skip what they cannot relate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Final

import pack_values as pv
from pulumi_policy import PolicyResource

REST_API: Final = "aws:apigateway/restApi:RestApi"
API_RESOURCE: Final = "aws:apigateway/resource:Resource"
METHOD: Final = "aws:apigateway/method:Method"
STAGE: Final = "aws:apigateway/stage:Stage"

#: The key of a relation that is known to point outside this stack.
EXTERNAL: Final = "external"


def property_dependencies(resource: PolicyResource, prop: str) -> list[PolicyResource]:
    deps = getattr(resource, "property_dependencies", None) or {}
    try:
        found = deps.get(prop) or []
    except AttributeError:
        return []
    return [d for d in found if isinstance(d, PolicyResource)]


def dependencies(resource: PolicyResource) -> list[PolicyResource]:
    found = getattr(resource, "dependencies", None) or []
    return [d for d in found if isinstance(d, PolicyResource)]


def _one(resources: Iterable[PolicyResource], types: Sequence[str]) -> PolicyResource | None:
    matching = {r.urn: r for r in resources if r.resource_type in types}
    return next(iter(matching.values())) if len(matching) == 1 else None


class StackGraph:
    """Indexes of one `StackValidationArgs.resources`, built once per stack rule run."""

    def __init__(self, resources: Sequence[PolicyResource]) -> None:
        self.resources = [r for r in resources if isinstance(r, PolicyResource)]
        self.by_urn = {r.urn: r for r in self.resources}
        self._by_type: dict[str, list[PolicyResource]] = {}
        for resource in self.resources:
            self._by_type.setdefault(resource.resource_type, []).append(resource)

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for t in types for r in self._by_type.get(t, [])]

    # The indexes below are built on first use: a rule that needs none of them pays for none.

    @cached_property
    def by_id(self) -> dict[str, PolicyResource]:
        """Known id -> resource: `id` outputs (sent in `pulumi up`'s stack analysis), and ids of
        API Gateway resources seen next to a dependency on them."""
        found: dict[str, PolicyResource] = {}
        for resource in self.resources:
            value = pv.get(resource.props, "id")
            if isinstance(value, str) and value:
                found.setdefault(value, resource)
        for resource in self.of_type(METHOD, API_RESOURCE):
            for prop in ("resourceId", "parentId"):
                value = pv.get(resource.props, prop)
                target = _one(property_dependencies(resource, prop), [API_RESOURCE])
                if isinstance(value, str) and value and target is not None:
                    found.setdefault(value, target)
        return found

    @cached_property
    def _api_ids(self) -> dict[str, str]:
        """REST API id -> the RestApi's URN, from its `id` or from `restApi` values next to a
        dependency on it."""
        found: dict[str, str] = {}
        for api in self.of_type(REST_API):
            value = pv.get(api.props, "id")
            if isinstance(value, str) and value:
                found[value] = api.urn
        for resource in self.resources:
            value = pv.get(resource.props, "restApi")
            if not isinstance(value, str) or not value or value in found:
                continue
            named = _one(property_dependencies(resource, "restApi"), [REST_API])
            if named is not None:
                found[value] = named.urn
        return found

    @cached_property
    def _root_ids(self) -> dict[str, str]:
        """Root resource id -> the RestApi's URN."""
        found: dict[str, str] = {}
        for api in self.of_type(REST_API):
            root = pv.get(api.props, "rootResourceId")
            if isinstance(root, str) and root:
                found[root] = api.urn
        for resource in self.of_type(METHOD, API_RESOURCE):
            for prop in ("resourceId", "parentId"):
                value = pv.get(resource.props, prop)
                target = _one(property_dependencies(resource, prop), [REST_API])
                if isinstance(value, str) and value and target is not None:
                    found.setdefault(value, target.urn)
        return found

    @cached_property
    def _stages(self) -> tuple[dict[tuple[str, str], PolicyResource], bool]:
        """Stages by (REST API key, stage name), and whether any stage's key is unknown."""
        found: dict[tuple[str, str], PolicyResource] = {}
        unknown = False
        for stage in self.of_type(STAGE):
            key = self.stage_key(stage)
            if key is None:
                unknown = True
            else:
                found.setdefault(key, stage)
        return found, unknown

    # --- REST APIs ----------------------------------------------------------------------------

    def api_of(self, resource: PolicyResource, prop: str = "restApi") -> str | None:
        """A key for the REST API `prop` names: its URN here, `id:<id>` outside, or None."""
        api = _one(property_dependencies(resource, prop), [REST_API])
        if api is not None:
            return api.urn
        value = pv.get(resource.props, prop)
        if isinstance(value, str) and value:
            return self._api_ids.get(value, "id:" + value)
        api = _one(dependencies(resource), [REST_API])
        return api.urn if api is not None else None

    def api_label(self, key: str) -> str:
        api = self.by_urn.get(key)
        if api is not None:
            return f"'{api.name}'"
        return f"'{key.removeprefix('id:')}'"

    # --- Stages -------------------------------------------------------------------------------

    def stage_key(self, stage: PolicyResource) -> tuple[str, str] | None:
        api = self.api_of(stage)
        name = pv.get(stage.props, "stageName")
        if api is None or not isinstance(name, str) or not name:
            return None
        return api, name

    def stage_ref(self, resource: PolicyResource, api_prop: str, name_prop: str) -> str | None:
        """The URN of the stack's stage `resource` is for, `EXTERNAL`, or None if unknown.

        For resources naming a stage by REST API and stage name (MethodSettings).
        """
        stage = _one(property_dependencies(resource, name_prop), [STAGE])
        if stage is not None:
            return stage.urn
        api = self.api_of(resource, api_prop)
        name = pv.get(resource.props, name_prop)
        if api is None or not isinstance(name, str) or not name:
            return None
        return self._stage_by_key(api, name)

    def stage_ref_by_arn(self, resource: PolicyResource, prop: str) -> str | None:
        """Like `stage_ref`, for resources naming a stage by its ARN (WAF associations).

        `EXTERNAL` also covers ARNs of anything that is not an API Gateway stage.
        """
        stage = _one(property_dependencies(resource, prop), [STAGE])
        if stage is not None:
            return stage.urn
        value = pv.get(resource.props, prop)
        if not isinstance(value, str):
            return None
        match = pv.STAGE_ARN.fullmatch(value)
        if match is None:
            return EXTERNAL
        api_id = match.group("api")
        return self._stage_by_key(self._api_ids.get(api_id, "id:" + api_id), match.group("stage"))

    def _stage_by_key(self, api: str, name: str) -> str | None:
        stages, some_unknown = self._stages
        stage = stages.get((api, name))
        if stage is not None:
            return stage.urn
        # It may be a stage of this stack whose own REST API or name is not known yet.
        return None if some_unknown else EXTERNAL

    # --- Paths --------------------------------------------------------------------------------

    def path_of(self, resource: PolicyResource, prop: str = "resourceId") -> str | None:
        """The path (`/orders/{id}`) of the API Gateway resource `prop` names; None if unknown."""
        seen: set[str] = set()
        parts: list[str] = []
        target = self._path_target(resource, prop)
        while target is not None:
            if target.urn in seen or len(seen) > 64:
                return None
            seen.add(target.urn)
            if target.resource_type == REST_API:
                return "/" + "/".join(reversed(parts))
            full = pv.get(target.props, "path")  # an output once the resource exists
            if isinstance(full, str) and full.startswith("/"):
                prefix = full.rstrip("/")
                return prefix + "/" + "/".join(reversed(parts)) if parts else full
            part = pv.get(target.props, "pathPart")
            if not isinstance(part, str) or not part:
                return None
            parts.append(part)
            target = self._path_target(target, "parentId")
        return None

    def _path_target(self, resource: PolicyResource, prop: str) -> PolicyResource | None:
        target = _one(property_dependencies(resource, prop), [REST_API, API_RESOURCE])
        if target is not None:
            return target
        value = pv.get(resource.props, prop)
        if not isinstance(value, str) or not value:
            return None
        if value in self._root_ids:
            return self.by_urn.get(self._root_ids[value])
        found = self.by_id.get(value)
        if found is not None and found.resource_type == API_RESOURCE:
            return found
        return None
