"""Values another resource computes (issue 22): a plain string, or a `pulumi.Output`.

Stack config gives text; a program using the package may give the Output of a resource it
created (an NLB's ARN, a web ACL's ARN, a link's id) or read from another stack.

An Output's text may be unknown (a preview before the resource exists) or known only once the
resource it comes from resolves, after this component has registered its children; so a check
that reads the text runs only on a plain string. For an Output it is left to AWS, which makes the
same check when the resource is created at `pulumi up`; each check's caller says which.
"""

import pulumi

#: A string the component takes as it is, or an Output of one (never creating anything inside
#: `apply`: the Output goes straight into the resource's input).
StrInput = str | pulumi.Output[str]


def known_text(value: StrInput | None) -> str | None:
    """The text to check, where the program holds it now: a plain string; None for an Output."""
    return value if isinstance(value, str) else None
