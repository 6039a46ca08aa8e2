"""The kinds of measure a scale can be, where a registered finding holds for one kind only.

A finding's ``measures:``, a study file's ``measures:`` and an instrument scale's ``measure:`` use
these names; :mod:`analysis.findings` applies such a finding only where the study's measure is the
same (Hulleman et al., 2010: performance-approach normative and appearance items differ in sign).
"""

from __future__ import annotations

#: Kinds of measure a finding may hold for only (``measures:`` of a finding, of a study, of an
#: instrument scale). A finding naming one is applied only where the study's measure is the same.
MEASURES: dict[str, str] = {
    "normative": "performance-approach items about doing better than others (normative)",
    "appearance": "performance-approach items about appearing able / being evaluated (appearance)",
    "goal_language": "mastery-approach items phrased as goals (goal-relevant language)",
}
