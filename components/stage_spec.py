"""The stage's own settings: its name, the variable that names the active link, its execution
logging (`LoggingLevel`), its log groups' retention and its WAF web ACL, with the checks API
Gateway, CloudWatch Logs and AWS WAF would make."""

import enum
import re

from components.arns import check_web_acl_arn
from components.input_text import StrInput, known_text
from components.problems import Problem


class LoggingLevel(enum.StrEnum):
    """Execution logging level of the stage."""

    OFF = "OFF"
    """No execution logs."""
    ERROR = "ERROR"
    """Execution logs for errors only."""
    INFO = "INFO"
    """Execution logs for every request."""


LOGGING_LEVELS: tuple[str, ...] = tuple(member.value for member in LoggingLevel)

#: CloudWatch Logs retention, in days: the fixed list of PutRetentionPolicy (CloudWatch Logs API
#: reference) and of pulumi-aws `cloudwatch.LogGroup.retention_in_days`, where 0 means the
#: events never expire (the provider then sets no retention policy).
LOG_RETENTION_DAYS: tuple[int, ...] = (
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
    2922, 3288, 3653,
)  # fmt: skip

#: API Gateway REST API quotas page: "Length, in characters, of the key in a stage variable: 64".
MAX_STAGE_VARIABLE_NAME = 64

# API Gateway: stage names are letters, digits, hyphens and underscores, up to 128 characters.
STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# API Gateway: stage variable names are letters, digits and underscores.
STAGE_VARIABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def check_stage_name(name: str) -> None:
    if STAGE_NAME.match(name) is None:
        raise ValueError(
            f"'{name}' is not a stage name API Gateway accepts; use 1 to 128 letters, digits, "
            "'-' or '_', such as 'prod'."
        )


def check_stage_variable_name(name: str) -> None:
    if len(name) > MAX_STAGE_VARIABLE_NAME:
        raise ValueError(
            f"'{name}' is {len(name)} characters long; API Gateway takes stage variable names "
            f"of at most {MAX_STAGE_VARIABLE_NAME} characters: shorten it."
        )
    if STAGE_VARIABLE_NAME.match(name) is None:
        raise ValueError(
            f"'{name}' is not a stage variable name API Gateway accepts; use letters, digits "
            "and '_' only, such as 'vpcLinkId'."
        )


def check_log_retention(days: int) -> None:
    if days not in LOG_RETENTION_DAYS:
        above = [d for d in LOG_RETENTION_DAYS if d > days]
        below = [d for d in LOG_RETENTION_DAYS if 0 < d < days]
        near = " or ".join(str(d) for d in (below[-1:] + above[:1]))
        raise ValueError(
            f"{days} days is not a retention CloudWatch Logs offers; use {near}, or 0 to keep "
            f"the logs forever (the values: {', '.join(map(str, LOG_RETENTION_DAYS[1:]))})."
        )


def web_acl_problems(
    web_acl_arn: StrInput | None, endpoint_type: str, link_region: str | None
) -> list[Problem]:
    """A REGIONAL web ACL of the API's own region, on a stage that is not a PRIVATE API's: its
    ARN's form and region where the text is known. An Output's form and region are left to AWS
    WAF, whose AssociateWebACL takes a regional web ACL of the resource's region (developer
    guide, "Associating or disassociating a web ACL"); its exact refusal was not verified here."""
    if web_acl_arn is None:
        return []
    arn = known_text(web_acl_arn)
    try:
        acl_region = check_web_acl_arn(arn) if arn is not None else None
    except ValueError as error:
        return [("web_acl_arn", str(error))]
    if endpoint_type == "PRIVATE":
        return [("web_acl_arn", "WAF cannot be associated with a PRIVATE API's stage.")]
    if acl_region is not None and link_region is not None and acl_region != link_region:
        return [
            (
                "web_acl_arn",
                f"the web ACL is in {acl_region} but the API is in {link_region} (its NLBs' "
                "region); AWS WAF associates a stage only with a web ACL of its own region: use "
                f"a REGIONAL web ACL in {link_region}.",
            )
        ]
    return []
