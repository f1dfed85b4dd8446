"""The rules of the `private-api-policies` pack, gathered: one module per rule, then `POLICIES`.

Each rule lives in `rule_<function>.py` with its metadata (name, default level, description,
settings) as `POLICY`, and its README row as `CATCHES`, `WHY`, `CHECKOV` (`make generate`);
`rule_support.py` holds what more than one rule uses. Properties are the engine's camelCase inputs
of `pulumi_aws` resources (v7). Each resource rule either passes on a value it cannot know yet
(when every possible value passes, such as "is it set?") or lets CrossGuard's own advisory "can't
run policy during preview" note through by re-raising the unknown (`Unknown.defer`), so it runs
again during `pulumi up` when the value is known. Stack rules skip what they cannot know, resource
by resource, and go on with the rest. Neither ever reports a violation on a guess. See README.md
for the rules and these choices.
"""

from __future__ import annotations

from types import ModuleType
from typing import Final

import rule_aws_native_apigateway_not_judged
import rule_canary_uses_stack_vpc_link
import rule_deployment_redeploys_on_change
import rule_integration_timeout_within_limit
import rule_method_has_request_validator
import rule_method_requires_authorization
import rule_method_settings_no_data_trace
import rule_private_integration_uses_vpc_link
import rule_rest_api_body_parses
import rule_stage_cache_encrypted
import rule_stage_defines_vpc_link_variable
import rule_stage_has_access_logging
import rule_stage_has_client_certificate
import rule_stage_has_execution_logging
import rule_stage_has_waf_web_acl
import rule_stage_has_xray_tracing
import rule_vpc_link_connection_id_uses_stage_variable
import rule_vpc_link_target_unique
import rule_vpc_link_targets_nlb
import rule_vpc_link_v1_is_legacy
import rule_vpc_link_version_matches_target
from pulumi_policy import Policy, ResourceValidationPolicy, StackValidationPolicy
from rule_stage_defines_vpc_link_variable import stage_defines_vpc_link_variable
from rule_support import ADVISORY, refusing_unknown_settings

__all__ = [
    "DEFAULT_LEVELS",
    "PACK_DESCRIPTION",
    "PACK_NAME",
    "POLICIES",
    "stage_defines_vpc_link_variable",
]

PACK_NAME: Final = "private-api-policies"
PACK_DESCRIPTION: Final = (
    "API Gateway REST APIs: private integrations go through a VPC link to an NLB, named by a "
    "stage variable; plus Checkov's REST API checks."
)

#: The rules in the order the pack lists them: the mandatory ones first, as the README's table.
RULE_MODULES: Final[tuple[ModuleType, ...]] = (
    rule_private_integration_uses_vpc_link,
    rule_vpc_link_connection_id_uses_stage_variable,
    rule_vpc_link_targets_nlb,
    rule_vpc_link_target_unique,
    rule_vpc_link_version_matches_target,
    rule_stage_defines_vpc_link_variable,
    rule_integration_timeout_within_limit,
    rule_canary_uses_stack_vpc_link,
    rule_vpc_link_v1_is_legacy,
    rule_deployment_redeploys_on_change,
    rule_method_requires_authorization,
    rule_stage_has_access_logging,
    rule_stage_has_xray_tracing,
    rule_stage_has_execution_logging,
    rule_stage_cache_encrypted,
    rule_stage_has_waf_web_acl,
    rule_stage_has_client_certificate,
    rule_method_has_request_validator,
    rule_method_settings_no_data_trace,
    rule_aws_native_apigateway_not_judged,
    rule_rest_api_body_parses,
)

POLICIES: Final[list[Policy]] = [module.POLICY for module in RULE_MODULES]

for _policy in POLICIES:
    if isinstance(_policy, ResourceValidationPolicy | StackValidationPolicy):
        refusing_unknown_settings(_policy)

#: Rule name -> its default enforcement level ("mandatory" or "advisory").
DEFAULT_LEVELS: Final = {p.name: (p.enforcement_level or ADVISORY).value for p in POLICIES}
