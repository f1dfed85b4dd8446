"""The policy pack as the Pulumi CLI starts it: `pulumi preview --policy-pack policy`.

Only builds the pack: the rules live in `rule_*.py`, gathered by `rules.py`, importable without
starting a server.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from rules import PACK_DESCRIPTION, PACK_NAME, POLICIES

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.ADVISORY,
    description=PACK_DESCRIPTION,
)
