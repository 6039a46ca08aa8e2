"""Anonymity: the units a report names, minimum group size and complementary suppression, the disclosure audit.

The rules every per-unit table obeys, whichever station publishes it: the staff report
(:mod:`analysis.teams`) and the goal shares (:mod:`analysis.goals`).
"""

from .._lazy import lazy_exports

# public names, imported from their modules on first use (see analysis/_lazy.py)
__all__ = lazy_exports(__name__, {
    ".privacy": ["SuppressionPlan", "plan_suppression"],
    ".disclosure": ["audit_disclosure"],
})
