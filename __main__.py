"""private-api: a REST API reaching private services through a VPC link picked by a stage variable.

Reads and checks the stack's config once, looks its NLBs up through the provider, builds one
component, exports what operators need.
"""

import pulumi

import preflight
import stack_config
from components import PrivateRestApi

args = stack_config.from_runtime(stack_outputs=preflight.stack_outputs)
preflight.check_load_balancers(args)  # invokes: a wrong NLB fails here, before any resource
api = PrivateRestApi(f"private-api-{pulumi.get_stack()}", args)

pulumi.export("invokeUrl", api.invoke_url)
pulumi.export("restApiId", api.rest_api_id)
pulumi.export("stageName", api.stage_name)
pulumi.export("vpcLinkIds", api.vpc_link_ids)
pulumi.export("activeVpcLink", api.active_vpc_link)
pulumi.export("activeVpcLinkId", api.active_vpc_link_id)
for output, value in {
    "clientCertificateExpiry": api.client_certificate_expiry,
    "clientCertificatePem": api.client_certificate_pem,
    "nextClientCertificateExpiry": api.next_client_certificate_expiry,
    "nextClientCertificatePem": api.next_client_certificate_pem,
    "dashboardUrl": api.dashboard_url,  # with observability (docs/switching-links.md)
    "canaryGates": api.canary_gates,
}.items():
    if value is not None:  # only with clientCertificate (and a rotation under way)
        pulumi.export(output, value)
