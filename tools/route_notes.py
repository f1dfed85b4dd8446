"""What `--compare` says beyond the resource diff: what `pulumi up` leaves unfinished or refuses.

In `apiDefinition: resources` a removed route's Method and Integration are deleted at the end of
the update, after the new deployment was taken, so the stage keeps serving the route until the
deployment is replaced (docs/api-definition.md, "Removing a route in resources mode"). Moving
between modes has its own hazards (docs/api-definition.md, "Moving between modes"), and so do
endpoint type changes and a canary with a deployment of its own. This module turns two
evaluations into those notes; it reads only the recorded resources and config, so it stays apart
from the diff itself.
"""

from __future__ import annotations

from typing import Any

METHOD = "aws:apigateway/method:Method"
REST_API = "aws:apigateway/restApi:RestApi"
DEPLOYMENT = "aws:apigateway/deployment:Deployment"
RETAIN_KEY = "private-api:retainRouteResources"
CLEAR_KEY = "private-api:clearImportedRoutes"


def _routes(evaluation: Any) -> dict[str, str]:
    """Method URN to 'GET /path', from the component's names (`<name>-method-GET-/path`)."""
    found = {}
    for resource in evaluation.run.resources:
        if resource.type == METHOD and "-method-" in resource.name:
            method, _, path = resource.name.split("-method-", 1)[1].partition("-")
            found[resource.urn] = f"{method} {path}"
    return found


def _has_body(evaluation: Any) -> bool:
    return any("body" in r.inputs for r in evaluation.run.resources if r.type == REST_API)


def removal_notes(before: Any, after: Any) -> list[str]:
    """Sentences for what the compared change leaves undone or puts at risk, each with the fix."""
    old, new = _routes(before), _routes(after)
    gone = [old[urn] for urn in sorted(old.keys() - new.keys())]
    clearing = after.config.values.get(CLEAR_KEY) == "true"
    if _has_body(before) and new and not old and not clearing:
        return [
            "Moving to apiDefinition resources without clearImportedRoutes fails: without a "
            "body nothing is imported, so the routes the openapi mode imported stay, and API "
            f"Gateway refuses to create {len(new)} method(s) again where they exist. Also run "
            "`pulumi config set clearImportedRoutes true` (docs/api-definition.md, 'Moving "
            "between modes')."
        ]
    if not gone:
        return []
    if _has_body(after) and not _has_body(before):
        retained = before.config.values.get(RETAIN_KEY) == "true"
        if retained:
            return [
                f"Moving to apiDefinition openapi: {len(gone)} method(s) leave the program; if the "
                "last `pulumi up` recorded retainRouteResources, Pulumi drops them from the state "
                "without deleting what the import created (docs/api-definition.md, 'Moving "
                "between modes')."
            ]
        return [
            f"Moving to apiDefinition openapi in one step is unsafe: {len(gone)} method(s) "
            f"({', '.join(gone)}) leave the program, and Pulumi deletes them after the import "
            "has recreated their routes, with the same resource id and verb, deleting those "
            "routes from the API. First run `pulumi config set retainRouteResources true` and "
            "`pulumi up`, then switch (docs/api-definition.md, 'Moving between modes')."
        ]
    deployments = [r.urn for r in after.run.resources if r.type == DEPLOYMENT]
    command = (
        f"pulumi up --stack {after.stack} --replace '{deployments[0]}'"
        if deployments
        else "pulumi up --replace '<deployment URN>'"
    )
    return [
        f"Route {route} is removed, but stays live after this `pulumi up`: in apiDefinition "
        "resources its method is deleted only after the new deployment is taken. Finish the "
        f"removal with `{command}` (docs/api-definition.md, 'Removing a route in resources mode')."
        for route in gone
    ]


def _endpoint_configuration(evaluation: Any, key: str) -> str | None:
    for resource in evaluation.run.resources:
        if resource.type == REST_API:
            config = resource.inputs.get("endpointConfiguration") or {}
            return str(config.get(key) or "") or None
    return None


def _endpoint_type(evaluation: Any) -> str | None:
    return _endpoint_configuration(evaluation, "types")


def endpoint_notes(before: Any, after: Any) -> list[str]:
    """What AWS does not allow, or leaves behind, when the endpoint type changes.

    AWS developer guide, "Change a public or private API endpoint type in API Gateway": "You
    cannot change a private API into an edge-optimized API", and "The endpoint type cannot be
    changed again until the current change is completed". The program sees only the config it
    is given, not the type deployed; the comparison sees both.
    """
    old, new = _endpoint_type(before), _endpoint_type(after)
    if old == new or old != "PRIVATE":
        return []
    if new == "EDGE":
        return [
            "endpointType PRIVATE to EDGE fails at `pulumi up`: AWS cannot change a private API "
            "into an edge-optimized one. Move to REGIONAL first (`pulumi config set endpointType "
            "REGIONAL`, `pulumi up`), wait until the change completes, then set EDGE and `pulumi "
            "up` again (docs/operations.md, 'Changing the endpoint type')."
        ]
    found = [
        f"endpointType PRIVATE to {new}: the resource policy is removed and the API redeployed; "
        "the provider keeps the REST API's VPC endpoint ids in the state (they are optional and "
        "computed): run `pulumi refresh` after `pulumi up` (docs/operations.md, 'Changing the "
        "endpoint type')."
    ]
    if _endpoint_configuration(after, "ipAddressType") == "ipv4":
        # "IP address types for REST APIs in API Gateway": "If you migrate the endpoint type of
        # an API from private to Regional, you must set the IP address type to dualstack. After
        # the endpoint migration is complete, you can change the IP address type to IPv4."
        found.append(
            f"endpointType PRIVATE to {new} with ipAddressType ipv4 fails at `pulumi up`: AWS "
            "requires dualstack while a private API changes endpoint type. Leave PRIVATE with "
            "ipAddressType dualstack (or unset), `pulumi up`, and once the change has completed "
            "set ipv4 (`pulumi config set ipAddressType ipv4`) and `pulumi up` again "
            "(docs/operations.md, 'Changing the endpoint type')."
        )
    return found


TRANSFER_MODE_KEY = "private-api:responseTransferMode"


def transfer_mode_notes(before: Any, after: Any) -> list[str]:
    """Unsetting responseTransferMode after STREAM: the plan shows it removed and a redeploy, but
    the provider leaves the integrations streaming. pulumi-aws's `apigateway.Integration`
    docstring: "Once set, setting the value to `BUFFERED` requires explicitly specifying
    `BUFFERED`, rather than removing this argument"; in openapi mode the import leaves a field the
    body no longer names as it was too (not verified against a live import here)."""
    old = str(before.config.values.get(TRANSFER_MODE_KEY) or "").upper()
    new = str(after.config.values.get(TRANSFER_MODE_KEY) or "").upper()
    if old != "STREAM" or new:
        return []
    return [
        "responseTransferMode unset after STREAM: the plan shows `- responseTransferMode` and a "
        "redeploy, but the integrations keep streaming, since the provider keeps STREAM unless "
        "told BUFFERED. To go back, set it: `pulumi config set responseTransferMode BUFFERED` "
        "(docs/configuration.md, the responseTransferMode key)."
    ]


def _canary_deployments(evaluation: Any) -> list[str]:
    return [
        r.name
        for r in evaluation.run.resources
        if r.type == DEPLOYMENT and r.name.endswith("-canary-deployment")
    ]


def canary_notes(before: Any, after: Any) -> list[str]:
    """What a canary with a deployment of its own (components/args.py, `canary_deploys`) does
    that the diff cannot show: the plan starts from the base's evaluation, not from the state,
    and the stage's deployment ignores its trigger while a canary runs, so the state keeps the
    trigger of the API from before the canary."""
    old, new = _canary_deployments(before), _canary_deployments(after)
    if new and not old:
        return [
            f"The canary gets a deployment of its own ({new[0]}), made from the REST API as it "
            "is now, with the canary link's integrationTarget; the stage keeps the deployment it "
            "serves. On a stack whose stage has never been deployed, that first deployment would "
            "be made from the canary's integrations too: deploy without `canary` first "
            "(docs/switching-links.md, 'Switching between V2 links')."
        ]
    if old and not new:
        return [
            f"The canary's own deployment ({old[0]}) is deleted. The stage's deployment was kept "
            "while the canary ran, so the state holds the trigger of the API from before the "
            "canary: where the API now differs from it (promoting the canary's link), `pulumi "
            "up` also replaces the stage's deployment (`+-`, triggers), which this plan cannot "
            "show; where the API is back as it was (ending the canary), it is kept."
        ]
    return []
