"""The AWS regions the provider knows, and the partition each belongs to: data, with its sources.

Regions: `pulumi_aws.Region` of pulumi-aws 7.51.1 (`pulumi_aws/_enums.py`), the provider this
project pins; a test keeps this table equal to the installed SDK's enum. Partitions: the
`regionRegex` of each partition in the AWS SDKs' endpoint data (`partitions.json`, shared by
aws-sdk-go-v2, which the provider is built on): `^cn-` aws-cn, `^us-gov-` aws-us-gov, `^us-iso-`
aws-iso, `^us-isob-` aws-iso-b, `^eu-isoe-` aws-iso-e, `^us-isof-` aws-iso-f, `^eusc-(de)-`
aws-eusc, every other region aws. The policy pack keeps the same table (policy/pack_regions.py):
it runs from its own directory and may not import the program.
"""

from __future__ import annotations

from typing import Final

PARTITION_OF_REGION: Final[dict[str, str]] = {
    **{
        region: "aws"
        for region in (
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        )
    },
    "cn-north-1": "aws-cn",
    "cn-northwest-1": "aws-cn",
    "eusc-de-east-1": "aws-eusc",
    "us-gov-east-1": "aws-us-gov",
    "us-gov-west-1": "aws-us-gov",
    "us-iso-east-1": "aws-iso",
    "us-iso-west-1": "aws-iso",
    "us-isob-east-1": "aws-iso-b",
    "us-isob-west-1": "aws-iso-b",
    "eu-isoe-west-1": "aws-iso-e",
    "us-isof-east-1": "aws-iso-f",
    "us-isof-south-1": "aws-iso-f",
}

PARTITIONS: Final = frozenset(PARTITION_OF_REGION.values())
