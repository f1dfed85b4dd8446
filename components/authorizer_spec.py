"""An authorizer created on the API (`AuthorizerSpec`): Lambda (TOKEN, REQUEST) or Cognito,
with the checks CreateAuthorizer would make.
"""

import enum
import re
from dataclasses import dataclass, field

from components.arns import check_cognito_pool_arn, check_lambda_arn


class AuthorizerType(enum.StrEnum):
    """A Lambda authorizer reading a token or the request, or a Cognito user pool."""

    TOKEN = "TOKEN"  # noqa: S105 -- the authorizer type, not a secret
    """A Lambda function reading one header's token."""
    REQUEST = "REQUEST"
    """A Lambda function reading headers, query strings, stage and context variables."""
    COGNITO_USER_POOLS = "COGNITO_USER_POOLS"
    """A Cognito user pool validating the caller's token."""


AUTHORIZER_TYPES: tuple[str, ...] = tuple(AuthorizerType)

#: Adjustable quotas of the REST API quotas page: exceeding one needs an increase first, so the
#: program warns and goes on. (name of the quota as Service Quotas shows it, default value)
QUOTA_AUTHORIZERS = ("Authorizers per API", 10)

# An HTTP header name is a token (RFC 9110, 5.6.2).
_HEADER = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"

#: Authorizer identity sources (API Gateway API reference, CreateAuthorizer `identitySource`):
#: a TOKEN or COGNITO_USER_POOLS authorizer reads one header, `method.request.header.<name>`; a
#: REQUEST authorizer a comma-separated list of headers, query strings, stage and context variables.
HEADER_SOURCE = re.compile(rf"^method\.request\.header\.{_HEADER}$")

REQUEST_SOURCE = re.compile(
    rf"^(?:method\.request\.(?:header|querystring)\.{_HEADER}|stageVariables\.[A-Za-z0-9_]+"
    r"|context\.[A-Za-z0-9_.]+)$"
)


def check_result_ttl(seconds: int) -> None:
    """API Gateway caches an authorizer's decision for 0 to 3600 seconds (CreateAuthorizer)."""
    if not 0 <= seconds <= 3600:
        raise ValueError(f"resultTtlSeconds {seconds} is outside 0 to 3600.")


def check_identity_source(kind: str, source: str) -> None:
    """TOKEN and COGNITO_USER_POOLS read one header; REQUEST a list of request values."""
    if kind in ("TOKEN", "COGNITO_USER_POOLS"):
        if HEADER_SOURCE.match(source) is None:
            raise ValueError(
                f"'{source}' is not a header mapping expression; a {kind} authorizer reads the "
                "token from one request header: use 'method.request.header.<Name>', such as "
                "'method.request.header.Authorization'."
            )
        return
    bad = [part for part in source.split(",") if REQUEST_SOURCE.match(part.strip()) is None]
    if bad:
        raise ValueError(
            f"'{bad[0]}' is not an identity source a REQUEST authorizer can read; use a "
            "comma-separated list of method.request.header.<Name>, "
            "method.request.querystring.<name>, stageVariables.<name> or context.<name>."
        )


@dataclass(frozen=True)
class AuthorizerSpec:
    """An authorizer created on this API (authorizers belong to one REST API, so they live here)."""

    #: TOKEN or REQUEST (a Lambda authorizer) or COGNITO_USER_POOLS. Required.
    type: AuthorizerType
    #: Lambda function ARN, for TOKEN and REQUEST. Default: None.
    function_arn: str | None = None
    #: Cognito user pool ARNs, for COGNITO_USER_POOLS. Default: [].
    provider_arns: list[str] = field(default_factory=list)
    #: Where the caller's identity is read. Default: "method.request.header.Authorization".
    identity_source: str = "method.request.header.Authorization"
    #: Seconds API Gateway caches a decision (0 to 3600). Default: 300.
    result_ttl_seconds: int = 300

    def __post_init__(self) -> None:
        if self.type not in AUTHORIZER_TYPES:
            raise ValueError(f"type '{self.type}' is not one of {', '.join(AUTHORIZER_TYPES)}.")
        object.__setattr__(self, "type", AuthorizerType(self.type))
        object.__setattr__(self, "provider_arns", list(self.provider_arns))
        if self.type == "COGNITO_USER_POOLS":
            if not self.provider_arns or self.function_arn is not None:
                raise ValueError(
                    "a COGNITO_USER_POOLS authorizer needs providerArns (user pool ARNs) and no "
                    "functionArn."
                )
            for arn in self.provider_arns:
                check_cognito_pool_arn(arn)
        else:
            if self.function_arn is None or self.provider_arns:
                raise ValueError(
                    f"a {self.type} authorizer needs functionArn (the Lambda function) and no "
                    "providerArns."
                )
            check_lambda_arn(self.function_arn)
        check_identity_source(self.type, self.identity_source)
        check_result_ttl(self.result_ttl_seconds)

    @property
    def is_lambda(self) -> bool:
        return self.type != "COGNITO_USER_POOLS"
