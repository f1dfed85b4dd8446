"""The region table the program and the pack keep is the provider's own region list."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pulumi_aws

from components.regions import PARTITION_OF_REGION

PROJECT_DIR = Path(__file__).resolve().parents[2]

# The partitions' regionRegex in the AWS SDKs' endpoint data (partitions.json).
REGION_REGEX = {
    "aws-cn": r"^cn\-\w+\-\d+$",
    "aws-us-gov": r"^us\-gov\-\w+\-\d+$",
    "aws-iso": r"^us\-iso\-\w+\-\d+$",
    "aws-iso-b": r"^us\-isob\-\w+\-\d+$",
    "aws-iso-e": r"^eu\-isoe\-\w+\-\d+$",
    "aws-iso-f": r"^us\-isof\-\w+\-\d+$",
    "aws-eusc": r"^eusc\-(de)\-\w+\-\d+$",
    "aws": r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
}


def test_the_table_holds_every_region_of_the_installed_provider_and_only_those() -> None:
    assert set(PARTITION_OF_REGION) == {region.value for region in pulumi_aws.Region}


def test_each_region_is_in_the_partition_whose_pattern_it_matches() -> None:
    for region, partition in PARTITION_OF_REGION.items():
        matching = [p for p, pattern in REGION_REGEX.items() if re.match(pattern, region)]
        assert matching[:1] == [partition], region


def test_the_policy_pack_keeps_the_same_table() -> None:
    spec = importlib.util.spec_from_file_location(
        "pack_regions", PROJECT_DIR / "policy" / "pack_regions.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.PARTITION_OF_REGION == PARTITION_OF_REGION
