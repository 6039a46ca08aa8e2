"""The staff report: scores by unit next to the organisation, agreement, suppression, a reading.

:func:`build_staff_report` scores one instrument, aggregates the scale scores per unit of every
requested grouping, adds within-unit agreement (r_wg(j), r*_wg(j), AD_M, AD_Md, a_wg on the keyed
items) and ICC(1)/ICC(2) per grouping, and applies the anonymity rules of
:mod:`analysis.teams.privacy`. The report is built from the grouping columns and the scale scores
only: identifiers, free-text answers and every other column of the export never enter it.

:func:`write_staff_report` writes ``.xlsx`` (one sheet per unit, plus a reading for managers, an
overview and the ICCs), ``.html`` (jinja2; one section per unit) or ``.csv`` (the long table).
Outputs are deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from ..errors import DataError
from ..io import atomic_write_bytes, atomic_write_text, write_table
from ..io.writers import deterministic_xlsx
from ..scoring import prepare_items, score_items
from .agreement import agreement
from .aggregate import ORGANISATION, aggregate, unit_labels
from .icc import icc
from .privacy import MIN_GROUP_DEFAULT, SuppressionPlan, check_min_group, plan_suppression

REPORT_COLUMNS = ["level", "unit", "parent", "scale", "n", "mean", "sd", "ci_low", "ci_high", "org_mean",
                  "difference", "rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg", "suppressed"]

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


@dataclass
class StaffReport:
    """Everything the staff report shows (already masked by the anonymity rules)."""

    instrument: object
    scales: list
    labels: dict
    group: str
    parent: str | None
    also: list
    k: int
    table: pd.DataFrame
    icc: pd.DataFrame
    plan: SuppressionPlan
    n_people: int
    null_variance: float
    #: values set to missing while preparing the items (``row, id, column, item, value, reason``);
    #: for the analyst, never part of the report managers see
    audit: pd.DataFrame | None = field(default=None, repr=False)

    def unit_rows(self, level: str, unit: str) -> pd.DataFrame:
        t = self.table
        return t[(t["level"] == level) & (t["unit"] == unit)]

    def units(self) -> list[tuple[str, str]]:
        """(level, unit) in report order: parents first, then units, then other groupings."""
        t = self.table.drop_duplicates(["level", "unit"])
        order = [lv for lv in ([self.parent] if self.parent else []) + [self.group] + self.also]
        return [(lv, u) for lv in order for u in t.loc[t["level"] == lv, "unit"]]


def _score_bounds(inst, scale) -> tuple[float, float]:
    lo, hi = inst.response.min, inst.response.max
    sc = inst.scales[scale]
    k = len(sc.items)
    if sc.method == "mean":
        return lo, hi
    mult = k * (sc.multiplier if sc.method == "scaled_sum" else 1.0)
    return lo * mult, hi * mult


def build_staff_report(data: pd.DataFrame, instrument, group: str, *, parent: str | None = None, also=(),
                       min_group: int = MIN_GROUP_DEFAULT, columns=None, null="uniform", **item_options) -> StaffReport:
    """Score, aggregate, check agreement and apply the anonymity rules for a staff report.

    Parameters
    ----------
    data : DataFrame
        The survey export, one row per employee.
    instrument : str, Path or Instrument
        The key (``"vandewalle"``), as for :func:`analysis.score`.
    group : str
        Reporting unit column (``team``).
    parent : str, optional
        Coarser unit containing each ``group`` unit (``department``).
    also : list of str
        Other groupings of the same people reported at the same time (``site``); they are
        protected together with the others, so the reports can be combined safely.
    min_group : int
        Minimum reporting group size (default 5; never below 3).
    columns, **item_options
        Where the items are and the dataset quirks, as for :func:`analysis.prepare_items`.

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.read_csv("data/raw/staff_demo/responses.csv")
    >>> rep = build_staff_report(d, "vandewalle", "team", parent="department", columns="wdgo_{n}")
    >>> sorted(rep.plan.cells.status.unique())
    ['complementary', 'primary', 'published']
    """
    k = check_min_group(min_group)
    also = [a for a in dict.fromkeys(also) if a not in (group, parent)]
    for col in [group] + ([parent] if parent else []) + also:
        if col not in data.columns:
            raise DataError(f"grouping column '{col}' is not in {data.attrs.get('source') or 'the data'}")
    items = prepare_items(data, instrument, columns, **item_options)
    inst = items.instrument
    scores = score_items(items)
    scales = list(inst.scales)
    groupings = [group] + ([parent] if parent else []) + also
    frame = pd.DataFrame({c: unit_labels(data, c) for c in groupings}, index=data.index)
    for s in scales:
        frame[s] = scores[s].to_numpy()
    bounds = {s: _score_bounds(inst, s) for s in scales}
    plan = plan_suppression(frame, groupings, parents={group: parent} if parent else None, values=scales, k=k,
                            bounds=bounds)

    agg = [aggregate(frame, scales, group, parent=parent)]
    agg += [aggregate(frame, scales, a, organisation=False) for a in also]
    table = pd.concat(agg, ignore_index=True).rename(columns={"variable": "scale"})

    n_options = inst.response.n_options
    lo, hi = inst.response.min, inst.response.max
    agree = []
    for lv in groupings:
        for s in scales:
            keyed = items.keyed(s)
            cols = list(keyed.columns)
            keyed[lv] = frame[lv].to_numpy()
            a = agreement(keyed, cols, lv, n_options, null=null, response=(lo, hi))
            null_var = a.attrs["null_variance"]
            a = a.rename(columns={"group": "unit"})[["unit", "rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg"]]
            a.insert(0, "level", lv)
            a.insert(2, "scale", s)
            agree.append(a)
    table = table.merge(pd.concat(agree, ignore_index=True), on=["level", "unit", "scale"], how="left")
    org = table[table["level"] == ORGANISATION].set_index("scale")["mean"]
    table["org_mean"] = table["scale"].map(org)
    table["difference"] = table["mean"] - table["org_mean"]
    table.loc[table["level"] == ORGANISATION, "difference"] = np.nan
    table = table.drop(columns=["se"])
    table = plan.mask(table, keep=("level", "unit", "parent", "scale"))
    # the organisation mean is public; keep it beside suppressed units too
    table["org_mean"] = table["scale"].map(org)
    table = table[REPORT_COLUMNS]
    table["n"] = table["n"].astype("Int64")

    iccs = []
    for lv in groupings:
        shown = set(table.loc[(table["level"] == lv) & ~table["suppressed"], "unit"])
        sub = frame[frame[lv].isin(shown)]
        if sub[lv].nunique() >= 2:
            t = icc(sub, scales, lv)
            t.insert(0, "level", lv)
            iccs.append(t.rename(columns={"variable": "scale"}))
    icc_table = pd.concat(iccs, ignore_index=True) if iccs else pd.DataFrame(columns=["level", "scale", "icc1", "icc2"])
    labels = {s: inst.scales[s].label or s for s in scales}
    return StaffReport(instrument=inst, scales=scales, labels=labels, group=group, parent=parent, also=also, k=k,
                       table=table, icc=icc_table, plan=plan, n_people=len(data), null_variance=null_var,
                       audit=items.audit.reset_index(drop=True))


# ---------------------------------------------------------------------------------------------
def _fmt(x, digits=2) -> str:
    if pd.isna(x):
        return ""
    return f"{x:.{digits}f}"


def reading(report: StaffReport) -> list[tuple[str, str]]:
    """The plain-language reading: (heading, text) for each orientation the instrument has."""
    out = []
    for s in report.scales:
        key = next((k for k in ORIENTATIONS if k in s.lower() or (k == "learning" and "mastery" in s.lower())), None)
        if key:
            out.append(ORIENTATIONS[key])
    return out


def write_staff_report(report: StaffReport, path) -> Path:
    """Write the report as .xlsx, .html or .csv (by the file ending), atomically and deterministically."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return write_table(report.table, p)
    if suffix == ".html":
        return atomic_write_text(p, render_html(report))
    if suffix == ".xlsx":
        return atomic_write_bytes(p, xlsx_bytes(report))
    raise DataError(f"output '{path}': use a .xlsx, .html or .csv file name for the staff report")


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=jinja2.select_autoescape(["html", "j2"]), keep_trailing_newline=True)
_ENV.filters["num"] = _fmt


def render_html(report: StaffReport) -> str:
    units = []
    for lv, u in report.units():
        rows = report.unit_rows(lv, u)
        units.append({"level": lv, "unit": u, "parent": rows["parent"].iloc[0], "rows": rows,
                      "suppressed": bool(rows["suppressed"].iloc[0])})
    return _ENV.get_template("staff_report.html.j2").render(
        r=report, org=report.unit_rows(ORGANISATION, ORGANISATION), units=units, reading=reading(report),
        actions=MANAGER_ACTIONS, caveats=CAVEATS, source=PAYNE_2007)


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set) -> str:
    base = _SHEET_BAD.sub("-", name)[:31] or "unit"
    out, i = base, 2
    while out.lower() in used:
        tail = f" ({i})"
        out, i = base[:31 - len(tail)] + tail, i + 1
    used.add(out.lower())
    return out


def xlsx_bytes(report: StaffReport) -> bytes:
    """The workbook as bytes, with fixed timestamps (identical input → identical bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "Read me"
    used = {"read me"}
    ws.column_dimensions["A"].width = 110
    lines = [(f"Staff survey: {report.instrument.name}", bold),
             (f"Reported by {report.group}" + (f" within {report.parent}" if report.parent else "")
              + (f"; also by {', '.join(report.also)}" if report.also else "") + f". {report.n_people} respondents.", None),
             (f"Units with fewer than {report.k} respondents are not shown, and some further units are hidden so "
              f"that no hidden unit can be worked out from the others; every hidden unit is marked 'suppressed' "
              f"in the same way.", None), ("", None), ("What the scores mean", bold)]
    for head, text in reading(report):
        lines += [(head, bold), (text, None)]
    lines += [("", None), ("What a manager can do", bold)] + [("• " + a, None) for a in MANAGER_ACTIONS]
    lines += [("", None), ("Reading with care", bold)] + [("• " + c, None) for c in CAVEATS]
    lines += [("", None), ("Source: " + PAYNE_2007, None)]
    for text, font in lines:
        ws.append([text])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.alignment = wrap
        if font:
            cell.font = font

    head = ["Scale", "n", "Mean", "SD", "95% CI low", "95% CI high", "Organisation mean", "Difference",
            "rwg(j)", "r*wg(j)", "AD_M", "AD_Md", "awg"]
    ov = wb.create_sheet("Overview")
    used.add("overview")
    ov.append(["Level", "Unit", "Parent"] + head + ["Status"])
    for c in ov[1]:
        c.font = bold
    for row in report.table.itertuples(index=False):
        ov.append([row.level, row.unit, row.parent] + _values(row) + ["suppressed" if row.suppressed else ""])
    ic = wb.create_sheet("ICC")
    used.add("icc")
    ic.append(["Grouping", "Scale", "n", "Groups", "Mean group size", "ICC(1)", "ICC(2)", "F", "p"])
    for c in ic[1]:
        c.font = bold
    for row in report.icc.itertuples(index=False):
        ic.append([row.level, row.scale, int(row.n), int(row.n_groups), round(float(row.k), 2),
                   round(float(row.icc1), 4), round(float(row.icc2), 4), round(float(row.f), 4), float(row.p_val)])
    ic.append([])
    ic.append(["ICC(1) and ICC(2) use the published units only (one-way ANOVA; R multilevel's ICC1/ICC2)."])

    for lv, unit in report.units():
        rows = report.unit_rows(lv, unit)
        sh = wb.create_sheet(_sheet_name(f"{lv} {unit}", used))
        sh.append([f"{lv}: {unit}"])
        sh["A1"].font = bold
        if rows["parent"].iloc[0]:
            sh.append([f"part of {report.parent}: {rows['parent'].iloc[0]}"])
        if rows["suppressed"].iloc[0]:
            sh.append([f"suppressed: not shown to protect anonymity (fewer than {report.k} respondents, "
                       f"or hidden so that a smaller unit cannot be worked out)."])
            continue
        sh.append([])
        sh.append(head)
        for c in sh[sh.max_row]:
            c.font = bold
        for row in rows.itertuples(index=False):
            sh.append(_values(row))
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue())


def _values(row) -> list:
    def r(x, d=4):
        return None if pd.isna(x) else round(float(x), d)
    n = None if pd.isna(row.n) else int(row.n)
    return [row.scale, n, r(row.mean), r(row.sd), r(row.ci_low), r(row.ci_high), r(row.org_mean), r(row.difference),
            r(row.rwg_j), r(row.rwg_j_lindell), r(row.ad_m), r(row.ad_md), r(row.awg)]
