"""How the staff report shows numbers and marks: one set of rules for the workbook and the HTML.

Every number has a *kind*; the kind gives the Excel number format (the cell keeps the full value,
the format only changes what is shown) and the text the HTML shows, so both read the same:

========  ===============================  =========================================
kind      Excel format                     shown as
========  ===============================  =========================================
count     ``0``                            ``12``
mean      ``0.00``                         ``4.37`` (means, SDs, CIs, differences, AD)
index     ``.00;-.00``                     ``.72``, ``-.03`` (bounded by 1: APA drops the 0)
p         ``[<0.001]"<.001";.000``          ``<.001``, ``.023`` (APA)
stat      ``0.00``                         ``3.18`` (F, t, df)
========  ===============================  =========================================

The marks: *low agreement* when r_wg(j) is below :data:`RWG_LOW` (.70, the threshold the Read-me
cites from LeBreton & Senter, 2008), and *above* / *below* when the unit's 95% CI lies wholly
above or below the organisation mean.
"""

from __future__ import annotations

import math

import pandas as pd

#: r_wg(j) below this is marked "low agreement" (LeBreton & Senter, 2008)
RWG_LOW = 0.70

FORMATS = {
    "count": "0",
    "mean": "0.00",
    "index": ".00;-.00",
    "p": '[<0.001]"<.001";.000',
    "stat": "0.00",
}

#: kind of every numeric report column
KINDS = {
    "n": "count", "mean": "mean", "sd": "mean", "ci_low": "mean", "ci_high": "mean", "org_mean": "mean",
    "difference": "mean", "rwg_j": "index", "rwg_j_lindell": "index", "ad_m": "mean", "ad_md": "mean",
    "awg": "index", "icc1": "index", "icc2": "index", "f": "stat", "p_val": "p", "n_groups": "count",
    "k": "stat", "statistic": "stat", "df": "stat", "estimate": "mean", "n_1": "count", "n_2": "count",
    "mean_1": "mean", "mean_2": "mean", "share_mastery": "percent", "share_performance": "percent",
    "share_outcome": "percent", "share_unclear": "percent",
}
FORMATS["percent"] = "0%"

LOW_MARK = "low agreement"

#: digits each kind shows (a value that rounds to zero at these digits is written as 0, so no "-0.00")
DIGITS = {"count": 0, "mean": 2, "index": 2, "p": 3, "stat": 2, "percent": 2}


def hidden_label(k: int) -> str:
    """The words every table and chart shows for a hidden unit (never a blank cell).

    Examples
    --------
    >>> hidden_label(5)
    'hidden — fewer than 5 answers'
    """
    return f"hidden — fewer than {int(k)} answers"


def cell_value(x, kind: str):
    """The number a workbook cell of ``kind`` holds: the full value, except that a negative value
    which the format would show as zero is written as 0 (a rounding leftover such as -0.0004 would show
    "-0.00"); None for a missing value.

    Examples
    --------
    >>> cell_value(-0.0004, "mean"), cell_value(-0.0051, "mean"), cell_value(7, "count"), cell_value(float("nan"), "mean")
    (0.0, -0.0051, 7, None)
    """
    if x is None or pd.isna(x):
        return None
    if kind == "count":
        return int(x)
    v = float(x)
    return 0.0 if v < 0 and round(v, DIGITS.get(kind, 2)) == 0 else v
ABOVE_MARK = "above organisation"
BELOW_MARK = "below organisation"


def show(x, kind: str) -> str:
    """The text the HTML shows for ``x``: the same as the Excel format of ``kind`` displays.

    Examples
    --------
    >>> [show(3.14159, "mean"), show(0.7249, "index"), show(-0.031, "index"), show(0.0004, "p"),
    ...  show(0.0234, "p"), show(12, "count"), show(float("nan"), "mean")]
    ['3.14', '.72', '-.03', '<.001', '.023', '12', '']
    >>> [show(-0.0004, "mean"), show(-0.004, "index")]     # a rounding leftover shows no minus sign
    ['0.00', '.00']
    """
    if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x):
        return ""
    x = cell_value(x, kind)
    if kind == "count":
        return f"{x:.0f}"
    if kind == "percent":
        return f"{x:.0%}"
    if kind == "p":
        return "<.001" if x < 0.001 else _strip0(f"{x:.3f}")
    if kind == "index":
        return _strip0(f"{x:.2f}")
    return f"{x:.2f}"


def _strip0(s: str) -> str:
    # Excel's ".00" shows no leading zero and shows "-.00"-style negatives; mirror it exactly
    if s.startswith("-0."):
        return "-" + s[2:]
    if s.startswith("0."):
        return s[1:]
    return s


def agreement_mark(rwg_j) -> str:
    """``"low agreement"`` when r_wg(j) is below .70, else ``""`` (also for a blank value)."""
    return LOW_MARK if pd.notna(rwg_j) and float(rwg_j) < RWG_LOW else ""


def difference_mark(ci_low, ci_high, org_mean) -> str:
    """``"above organisation"`` / ``"below organisation"`` when the CI excludes the organisation mean."""
    if pd.isna(ci_low) or pd.isna(ci_high) or pd.isna(org_mean):
        return ""
    if float(ci_low) > float(org_mean):
        return ABOVE_MARK
    if float(ci_high) < float(org_mean):
        return BELOW_MARK
    return ""


#: the plain-words legend: (index, what it says, how to read it), the same in xlsx and HTML
LEGEND = [
    ("n", "Number of people in the unit who answered the scale.",
     f"Units with too few people are not shown (see Read me)."),
    ("Mean", "The unit's average score on the scale, on the answer range stated in the Read me.",
     "Higher means a stronger orientation. Compare it with the organisation mean."),
    ("95% CI", "The range in which the unit's true average plausibly lies (95% confidence interval).",
     "A wide interval means a small or divided unit: read differences with care."),
    ("Difference", "The unit's mean minus the organisation mean.",
     "Marked 'above organisation' or 'below organisation' only when the whole 95% CI lies above or below "
     "the organisation mean; otherwise the difference may be chance."),
    ("rwg(j)", "Within-unit agreement on the scale's items: 1 = everyone answered alike, 0 = no more "
               "alike than random answers on the same answer range (James, Demaree & Wolf, 1984).",
     f"Below {RWG_LOW:.2f} is marked 'low agreement': the unit mean then hides real differences between "
     "members and should not be read as the unit's shared view."),
    ("r*wg(j)", "The same agreement index in Lindell's version, which can fall below 0 when members disagree "
                "more than random answering would (Lindell, Brandt & Whitney, 1999).",
     "Read like rwg(j); a negative value means the unit is split."),
    ("AD_M", "Average deviation: how far, on average, members' answers lie from the unit's mean answer, "
             "in answer-scale points (Burke, Finkelstein & Dusig, 1999).",
     "Smaller is more agreement; on a 6-point scale, values above about 1 are commonly read as low agreement."),
    ("AD_Md", "The same average deviation measured from the median answer.", "Read like AD_M."),
    ("awg", "Agreement index that takes the unit mean into account, since agreement is limited near the "
            "ends of the scale (Brown & Hauenstein, 2005); 1 = full agreement, -1 = maximal disagreement.",
     "Read like rwg(j). Blank when the unit is too small or its mean sits at the end of the range."),
    ("ICC(1)", "Share of the differences between people that lies between units rather than within them.",
     "Around .05 to .20 is common in organisations; 0 means units do not differ beyond chance."),
    ("ICC(2)", "How reliably the unit means tell the units apart (depends on unit size).",
     "Near 1: unit means are dependable; below about .70: unit means are noisy. A negative ICC(2) means "
     "people within a unit differ more than units differ from each other: the unit means tell nothing "
     "about real differences between units, so do not rank units on that scale."),
    ("p", "Probability of differences between units this large if units did not truly differ (F test).",
     "Shown in APA style (<.001 for very small values)."),
]
