"""The staff report's words for managers: what each orientation means, what managers can do, the
caveats and the source, and the answer range in words.

The workbook (:mod:`.workbook`) and the HTML page (:mod:`.report`) both show them.
"""

from __future__ import annotations

PAYNE_2007 = ("Payne, S. C., Youngcourt, S. S., & Beaubien, J. M. (2007). A meta-analytic examination of "
              "the goal orientation nomological net. Journal of Applied Psychology, 92(1), 128–150.")

#: plain-language reading for managers, per orientation (our wording; direction from Payne et al. 2007)
ORIENTATIONS = {
    "learning": (
        "Learning (mastery) orientation",
        "How much people want to develop their skills and master new tasks, and see effort and "
        "mistakes as part of getting better. In studies of work settings, higher learning "
        "orientation went together with better outcomes on average (Payne et al., 2007)."),
    "prove": (
        "Prove orientation",
        "How much people want to show that they are competent and to be seen as doing well "
        "compared with others. Across studies it was on average unrelated to the outcomes examined "
        "(Payne et al., 2007): neither a strength nor a problem in itself."),
    "avoid": (
        "Avoid orientation",
        "How much people want to avoid looking incompetent or being judged negatively, for "
        "example by not taking on tasks where they might fail. Across studies, higher avoid "
        "orientation went together with worse outcomes on average (Payne et al., 2007)."),
}

MANAGER_ACTIONS = [
    "Agree goals that the employee can control and that say specifically what will be done, "
    "for example “try the new case-tracking tool on three real cases this month and note what "
    "went wrong”, rather than outcome targets that depend on others or on luck (“be the top seller”).",
    "Treat mistakes as information: ask what was learned and what will be tried next, rather than "
    "who was at fault.",
    "Give feedback on progress against the person's own earlier work, not rankings against colleagues.",
    "Make it safe to ask for help and to try unfamiliar tasks, so that fear of looking incompetent is "
    "less of a reason to hold back.",
]

CAVEATS = [
    "The findings cited are average correlations across many studies. They do not show that "
    "changing a team's scores will change its results, and they say nothing certain about any "
    "one person.",
    "Scores are team averages with uncertainty: look at the confidence interval and at n before "
    "reading a difference from the organisation as real.",
    "Agreement (r_wg(j) and a_wg near 1, AD_M small) says whether members answered alike, so "
    "whether the team average describes the team; r_wg(j) below .70 is commonly read as too little "
    "agreement to treat the mean as a shared climate (LeBreton & Senter, 2008).",
    "The suggestions for managers follow from what the orientations mean; the meta-analysis cited "
    "did not test them as interventions.",
    "Do not use these scores to rate or select individuals.",
]


def reading(report) -> list[tuple[str, str]]:
    """The plain-language reading of a :class:`StaffReport`: (heading, text) for each orientation the instrument has."""
    out = []
    for s in report.scales:
        key = next((k for k in ORIENTATIONS if k in s.lower() or (k == "learning" and "mastery" in s.lower())), None)
        if key:
            # the heading is the key's scale label, as in every table of the report
            out.append((report.labels.get(s, ORIENTATIONS[key][0]), ORIENTATIONS[key][1]))
    return out


def response_text(report) -> str:
    """The answer range in words, e.g. "Answers were given from 1 to 6; scale scores are item means (1 to 6)"."""
    r = report.instrument.response
    anchors = "; ".join(f"{c:g} = {t}" for c, t in sorted(r.labels.items()))
    methods = {sc.method for sc in report.instrument.scales.values()}
    how = "item means, so they lie on the same range" if methods == {"mean"} else "item sums"
    return (f"Answers were given on a scale from {r.min:g} to {r.max:g}" + (f" ({anchors})" if anchors else "")
            + f"; scale scores are {how}. Higher = stronger orientation.")
