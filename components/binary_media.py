"""`binaryMediaTypes`: which payloads API Gateway passes through as bytes.

By default a REST API "supports only UTF-8-encoded text payloads" (pulumi-aws
`apigateway.RestApi.binary_media_types`); the greedy proxies (`/{proxy+}`) forward whatever the
backend accepts and returns, so an image, a PDF or gzip through them is mangled unless its
Content-Type (or the request's Accept) matches one of these types ("Binary media types for REST
APIs in API Gateway"). Set on the RestApi in both modes: with a `body`, the argument overrides the
document's `x-amazon-apigateway-binary-media-types` (the same docstring). A change takes effect
with the next deployment, so it is part of the deployment's trigger when set
(`openapi.redeploy_settings`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: `type/subtype`, either part `*` allowed (`*/*` passes every payload through as binary).
MEDIA_TYPE = re.compile(
    r"^(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)/(?:\*|[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*)$"
)


def media_type_problems(types: Sequence[str]) -> list[tuple[str, str]]:
    """(field, message) for each entry that is no media type, or repeated."""
    found: list[tuple[str, str]] = []
    for index, value in enumerate(types):
        where = f"binary_media_types[{index}]"
        if not MEDIA_TYPE.match(value):
            found.append(
                (
                    where,
                    f"'{value}' is not a media type; write type/subtype, such as image/png, "
                    "application/octet-stream or */*.",
                )
            )
        elif value in types[:index]:
            found.append((where, f"'{value}' is listed twice; keep one."))
    return found
