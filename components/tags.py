"""Tags on every taggable resource: the count, length and prefix rules API Gateway and CloudWatch
Logs share (the characters: `tag_characters`)."""

from collections.abc import Mapping

from components.problems import Problem
from components.tag_characters import character_problem

#: Tags: API Gateway and CloudWatch Logs take at most 50 per resource (API Gateway quotas, "Tags
#: per stage: 50"; CloudWatch Logs TagResource, 1 to 50 tags); keys 1 to 128 characters, values
#: up to 256, the "aws:" prefix reserved (AWS's tagging rules for every service).
MAX_TAGS = 50
MAX_TAG_KEY = 128
MAX_TAG_VALUE = 256


def check_tags(tags: Mapping[str, str]) -> list[Problem]:
    """Problems of a tag map, as (tag key or "", message)."""
    found: list[Problem] = []
    if len(tags) > MAX_TAGS:
        found.append(
            (
                "",
                f"{len(tags)} tags is more than the {MAX_TAGS} API Gateway and CloudWatch Logs "
                f"allow on a resource; remove {len(tags) - MAX_TAGS}.",
            )
        )
    for key, value in tags.items():
        found.extend((key, problem) for problem in _tag_problems(key, value))
    return found


def _tag_problems(key: str, value: str) -> list[str]:
    """One tag's problems: its key's length and prefix, its value's length, both's characters."""
    found: list[str] = []
    if key.lower().startswith("aws:") or not 1 <= len(key) <= MAX_TAG_KEY:
        found.append(
            f"tag keys are 1 to {MAX_TAG_KEY} characters and may not start with 'aws:' "
            "(reserved for AWS); rename it."
        )
    if len(value) > MAX_TAG_VALUE:
        found.append(f"the value is {len(value)} characters; tag values are up to {MAX_TAG_VALUE}.")
    found.extend(
        problem
        for what, text in (("key", key), ("value", value))
        if (problem := character_problem(what, text)) is not None
    )
    return found
