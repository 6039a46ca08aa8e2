"""The optional *Goals* part of the staff report: the share of mastery, performance, outcome and
unclear goals per unit (``build_staff_report(..., goal_text=COLUMN)``).

Only shares and the number of people reach the report, never a statement. The shares are
protected by the report's own suppression plan (one plan over scores and goal types together).
"""

from __future__ import annotations

import html

from .formats import hidden_label, show
from .workbook import wave_title, write_table

GOAL_COLUMNS = [("Level", "level", None, 13), ("Unit", "unit", None, 16), ("Part of", "parent", None, 13),
                ("n", "n", "count", 6), ("Mastery goals", "share_mastery", "percent", 10),
                ("Performance goals", "share_performance", "percent", 12), ("Outcome goals", "share_outcome", "percent", 10),
                ("Other", "share_unclear", "percent", 9), ("Shown", "shown", None, 26)]

#: how each coder is named in the note, and what the fourth column holds
_CODED_BY = {
    "default": ("goalscope's trained goal coder (a model trained on statements labelled from the definitions "
                "below and checked on a separate test set)",
                "not a goal (a complaint, a wish, a fact) or no answer"),
    "file": ("a trained goal coder supplied by the analyst",
             "not a goal (a complaint, a wish, a fact) or no answer"),
    "rules": ("goalscope's first-pass rules (a transparent word list, for human review)",
              "not codable by the rules, or no answer"),
}


def note(coded_by: str = "rules") -> str:
    """The Goals section's note: who coded the statements (what ran) and what each share means.

    Examples
    --------
    >>> note("default")[:70]
    "Each person's goal statement was coded by goalscope's trained goal cod"
    """
    who, rest = _CODED_BY[coded_by]
    return (f"Each person's goal statement was coded by {who}: mastery = controllable and specific, about learning "
            f"or doing; performance = a clear target that depends on others or circumstances; outcome = a result "
            f"without means or context; other = {rest}. Shares are of the unit's people. Managers: help people turn "
            f"outcome and performance goals into mastery goals. The statements themselves are not part of this "
            f"report.")


#: the note as the rules word it (kept for callers of the constant)
NOTE = note("rules")


def _rows(report):
    t = report.goals.copy()
    t["parent"] = t["parent"].fillna("")
    t["shown"] = [hidden_label(report.k) if s else "" for s in t["suppressed"]]
    return t


def goal_sheet(report):
    """A callable adding the *Goals* sheet."""

    def add(wb, st):
        ws = wb.create_sheet("Goals")
        ws.cell(row=1, column=1, value=wave_title(report, "Goals people set themselves: share of each kind")).font = st["title"]
        ws.cell(row=2, column=1, value=note(report.goals_coded_by or "rules")).font = st["grey"]
        write_table(ws, 4, GOAL_COLUMNS, _rows(report), st, filter_=True)
        ws.freeze_panes = "C5"

    add.sheet_title = "Goals"
    add.sheet_description = "share of mastery, performance and outcome goals per unit (coded from each person's statement)"
    return add


def goal_html(report):
    """A callable giving the HTML section of goal shares."""

    def section(_report) -> dict:
        heads = "".join(f"<th>{html.escape(h)}</th>" for h, f, _k, _w in GOAL_COLUMNS if f != "parent")
        body = []
        for rec in _rows(report).to_dict("records"):
            cells = [show(rec[f], k) if k else str(rec[f] or "") for _h, f, k, _w in GOAL_COLUMNS if f != "parent"]
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        out = (f"<h2>Goals people set themselves</h2>\n<p class=\"note\">{html.escape(note(report.goals_coded_by or 'rules'))}</p>\n<table>\n<thead><tr>"
               f"{heads}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>")
        return {"id": "goals", "title": "Goals people set themselves", "html": out}

    return section
