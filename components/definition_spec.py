"""How the API is defined (`ApiDefinition`): one OpenAPI document or one resource per route, the
team's own document and the switches of a move between the two, with their checks."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from components.import_rules import Limits, document_findings
from components.problems import Problem, not_one_of


class ApiDefinition(enum.StrEnum):
    """How the API is defined: one OpenAPI document, or one resource per route."""

    OPENAPI = "openapi"
    """One OpenAPI document, the RestApi's body, imported with overwrite."""
    RESOURCES = "resources"
    """One Resource, Method and Integration per route (the walkthrough's shape)."""


API_DEFINITIONS: tuple[str, ...] = tuple(member.value for member in ApiDefinition)


@dataclass(frozen=True)
class Definition:
    """The args' fields that say how the API is defined, checked together."""

    api_definition: str
    openapi_document: Mapping[str, Any] | None
    retain_route_resources: bool
    clear_imported_routes: bool
    #: Whether routes other than the default `GET /` were given.
    routes_given: bool

    def problems(self, limits: Limits) -> list[Problem]:
        """The mode, the team's document (held to `limits`), the migration switches."""
        unknown = not_one_of("api_definition", self.api_definition, API_DEFINITIONS)
        if unknown:
            return unknown
        if self.api_definition == ApiDefinition.RESOURCES:
            return self._resources_problems()
        return self._openapi_problems(limits)

    def _resources_problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.openapi_document is not None:
            found.append(
                (
                    "openapi_document",
                    "an OpenAPI document is imported only in the openapi mode; set the API "
                    "definition to openapi, or give routes instead of a document.",
                )
            )
        if self.retain_route_resources and self.clear_imported_routes:
            found.append(
                (
                    "retain_route_resources",
                    "retaining the per-route resources (towards openapi) and clearing "
                    "imported routes (from openapi) are opposite moves; set one of them.",
                )
            )
        return found

    def _openapi_problems(self, limits: Limits) -> list[Problem]:
        found: list[Problem] = [
            (
                where,
                "applies to the resources mode only (a step of moving between modes, README.md "
                "'Moving between modes'); remove it.",
            )
            for where, on in (
                ("retain_route_resources", self.retain_route_resources),
                ("clear_imported_routes", self.clear_imported_routes),
            )
            if on
        ]
        if self.openapi_document is None:
            return found
        # The import's rules (import_rules), on the team's own document: its paths, methods and
        # own integrations, timeouts held to timeoutMs's limits.
        found.extend(
            ("openapi_document", f"at {finding.pointer}: {finding.message}")
            for finding in document_findings(self.openapi_document, limits)
        )
        if self.routes_given:
            found.append(
                (
                    "routes",
                    "routes and an OpenAPI document were both given; define the routes in the "
                    "document, or remove the document.",
                )
            )
        return found
