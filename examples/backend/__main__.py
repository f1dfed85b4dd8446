"""A disposable backend for private-api: what the walkthrough assumes exists before it starts.

"Set up a Network Load Balancer for API Gateway private integrations": a VPC with private
subnets, an internal NLB with a listener, and an HTTP service behind it. Deploy it, point the
main program's `backendStack` at this stack, and the VPC link has an NLB to target (`make demo`).

The service is one t4g.nano instance running Python's own HTTP server, not an ECS Fargate task:
Fargate in private subnets must pull its image, which needs a NAT gateway ($0.045/h, twice the
NLB) or four interface endpoints; Amazon Linux 2023 ships Python, so the instance needs no
internet path at all, and costs $0.0042/h (AWS's EC2 on-demand pricing, us-east-1). The image is
the current Amazon Linux 2023 (arm64) through its public SSM parameter, so nothing here goes stale.

Plain `pulumi_aws` resources, not awsx: awsx's components are multi-language components, which
Pulumi's Python mocks cannot run, and these few resources read as clearly without it.
"""

import ipaddress

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
instance_type = config.get("instanceType") or "t4g.nano"
vpc_cidr = config.get("vpcCidr") or "10.90.0.0/24"
name = f"private-api-{pulumi.get_stack()}"
tags = {"project": "private-api-backend", "stack": pulumi.get_stack(), "managed-by": "pulumi"}
#: The port of the main program's integrationUri (http://...): API Gateway connects to it.
PORT = 80
#: Amazon Linux 2023 for arm64, the current image, through AWS's public SSM parameter (EC2 resolves
#: `resolve:ssm:` at launch; the pulumi-aws `ec2.Instance` docs show this form).
IMAGE = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"
#: The service: Python's HTTP server (part of Amazon Linux 2023) answering GET / with a JSON body.
USER_DATA = f"""#!/bin/bash
set -euo pipefail
mkdir -p /srv/www
echo '{{"service": "private-api demo backend", "ok": true}}' > /srv/www/index.html
cat > /etc/systemd/system/demo-http.service <<'UNIT'
[Unit]
Description=private-api demo backend
After=network-online.target
[Service]
ExecStart=/usr/bin/python3 -m http.server {PORT} --directory /srv/www
Restart=always
[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now demo-http.service
"""

vpc = aws.ec2.Vpc(
    f"{name}-vpc",
    cidr_block=vpc_cidr,
    enable_dns_support=True,
    enable_dns_hostnames=True,
    tags={**tags, "Name": f"{name}-vpc"},
)

# Two private subnets (no internet gateway, no public addresses), one per zone: an NLB's subnets
# must be in distinct zones, and a VPC link is as available as its NLB's zones. The instance goes
# in the first, which must offer its type: not every zone offers every type (t4g.nano is missing
# from some), so the first is chosen among the zones EC2 lists for it
# (DescribeInstanceTypeOfferings with location type availability-zone).
available = aws.get_availability_zones(state="available").names
offered = set(
    aws.ec2.get_instance_type_offerings(
        location_type="availability-zone",
        filters=[
            aws.ec2.GetInstanceTypeOfferingsFilterArgs(name="instance-type", values=[instance_type])
        ],
    ).locations
)
first = next((zone for zone in available if zone in offered), None)
if first is None:
    raise pulumi.RunError(
        f"no available zone of this region offers the instance type {instance_type}; choose one "
        "that does (`pulumi config set instanceType t3.nano --cwd examples/backend`), or another "
        "region."
    )
zones = [first, *[zone for zone in available if zone != first][:1]]
halves = list(ipaddress.ip_network(vpc_cidr).subnets(prefixlen_diff=1))
subnets = [
    aws.ec2.Subnet(
        f"{name}-private-{index}",
        vpc_id=vpc.id,
        cidr_block=str(half),
        availability_zone=zone,
        map_public_ip_on_launch=False,
        tags={**tags, "Name": f"{name}-private-{zone}"},
    )
    for index, (zone, half) in enumerate(zip(zones, halves, strict=False))
]

# NLB targets see the NLB's private addresses (health checks, and requests through the VPC link):
# the VPC's range, on the service port only. Nothing leaves the VPC.
service_sg = aws.ec2.SecurityGroup(
    f"{name}-service",
    vpc_id=vpc.id,
    description="private-api demo backend: HTTP from the NLB only",
    ingress=[
        aws.ec2.SecurityGroupIngressArgs(
            protocol="tcp", from_port=PORT, to_port=PORT, cidr_blocks=[vpc_cidr]
        )
    ],
    egress=[
        aws.ec2.SecurityGroupEgressArgs(
            protocol="tcp", from_port=0, to_port=65535, cidr_blocks=[vpc_cidr]
        )
    ],
    tags=tags,
)

service = aws.ec2.Instance(
    f"{name}-service",
    ami=IMAGE,
    instance_type=instance_type,
    subnet_id=subnets[0].id,
    vpc_security_group_ids=[service_sg.id],
    associate_public_ip_address=False,
    user_data=USER_DATA,
    user_data_replace_on_change=True,
    metadata_options=aws.ec2.InstanceMetadataOptionsArgs(http_tokens="required"),
    tags={**tags, "Name": f"{name}-service"},
)

nlb = aws.lb.LoadBalancer(
    f"{name}-nlb",
    load_balancer_type="network",
    internal=True,
    subnets=[subnet.id for subnet in subnets],
    # The one target is in the first zone; the second zone's NLB node must reach it.
    enable_cross_zone_load_balancing=True,
    tags=tags,
)

target_group = aws.lb.TargetGroup(
    f"{name}-http",
    port=PORT,
    protocol="TCP",
    target_type="instance",
    vpc_id=vpc.id,
    health_check=aws.lb.TargetGroupHealthCheckArgs(protocol="HTTP", path="/", port=str(PORT)),
    tags=tags,
)

aws.lb.TargetGroupAttachment(
    f"{name}-service",
    target_group_arn=target_group.arn,
    target_id=service.id,
    port=PORT,
)

aws.lb.Listener(
    f"{name}-http",
    load_balancer_arn=nlb.arn,
    port=PORT,
    protocol="TCP",
    default_actions=[
        aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)
    ],
    tags=tags,
)

# What the main program reads through its backendStack StackReference.
pulumi.export("loadBalancerArn", nlb.arn)
pulumi.export("loadBalancerDnsName", nlb.dns_name)
pulumi.export("integrationUri", pulumi.Output.concat("http://", nlb.dns_name))
