"""(field, message) pairs: how every check of the args reports, so the component can prefix the
argument's name and the stack-config module the config key, from one message."""

from collections.abc import Callable

#: Where (an args field path such as `routes[0].authorizer`) and what is wrong, with the fix.
Problem = tuple[str, str]


def checked(
    where: str, check: Callable[..., object], *values: object, **keywords: object
) -> list[Problem]:
    """A check's ValueError as a (field, message) pair; nothing when the value passes."""
    try:
        check(*values, **keywords)
    except ValueError as error:
        return [(where, str(error))]
    return []


def not_one_of(where: str, value: str | None, allowed: tuple[str, ...]) -> list[Problem]:
    """A choice outside its enum's values (None: unset, which is allowed)."""
    if value is None or value in allowed:
        return []
    return [(where, f"'{value}' is not one of {', '.join(allowed)}.")]
