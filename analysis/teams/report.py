"""The staff report: scores by unit next to the organisation, agreement, suppression, a reading.

:func:`build_staff_report` scores one instrument, aggregates the scale scores per unit of every
requested grouping, adds within-unit agreement (r_wg(j), r*_wg(j), AD_M, AD_Md, a_wg on the keyed
items) and ICC(1)/ICC(2) per grouping, and applies the anonymity rules of
:mod:`analysis.anonymity.privacy`. The report is built from the grouping columns and the scale scores
only: identifiers, free-text answers and every other column of the export never enter it.

:func:`write_staff_report` writes ``.xlsx`` (:mod:`.workbook`: Read me, Overview with filters and
charts, one sheet per parent unit, Between units, Legend), ``.html`` (jinja2; the same labels,
digits and marks, a contents list and embedded PNG charts from :mod:`.charts`) or ``.csv`` (the
long table). Number formats and marks are in :mod:`.formats`. Outputs are deterministic: the same
input gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import numpy as np
import pandas as pd

from ..anonymity.privacy import MIN_GROUP_DEFAULT, SuppressionPlan, check_min_group, plan_suppression
from ..anonymity.units import ORGANISATION, unit_labels
from ..checks import near_columns
from ..errors import DataError
from ..goals.shares import coded_goal_types, protected_shares, share_indicators, share_table
from ..io import atomic_write_bytes, atomic_write_text, write_table
from ..io.writers import deterministic_xlsx  # noqa: F401  (the one xlsx writer; .workbook uses it)
from ..scoring import prepare_items, score_items
from .aggregation import aggregate
from .charts import data_uri, unit_chart_png
from .formats import LEGEND, RWG_LOW, hidden_label, show
from .goal_section import goal_html, goal_sheet
from .guidance import CAVEATS, MANAGER_ACTIONS, ORIENTATIONS, PAYNE_2007, reading, response_text  # noqa: F401  (their old home)
from .intraclass import icc
from .rater_agreement import agreement
from .workbook import SCORE_COLUMNS, display_rows, hidden_note, ordered, wave_title, xlsx_bytes

REPORT_COLUMNS = ["level", "unit", "parent", "scale", "n", "mean", "sd", "ci_low", "ci_high", "org_mean",
                  "difference", "rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg", "suppressed"]


@dataclass
class StaffReport:
    """Everything the staff report shows (already masked by the anonymity rules).

    A document for managers, not an analysis result: ``table`` is its (masked) long table and
    keeps that name; the analyses inside it are :func:`analysis.agreement`, :func:`analysis.icc`
    and :func:`analysis.aggregate`.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.teams import build_staff_report
    >>> rep = build_staff_report(read_dataset("staff_demo"), "vandewalle", "team", columns="wdgo_{n}")
    >>> rep.n_people, rep.scales
    (334, ['learning', 'avoid', 'prove'])

    # R: no single equivalent (multilevel::rwg.j, ICC1/ICC2 and t.test per unit, then masking)
    """

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
    #: shares of goal types per unit (``goal_text=``), masked by the same plan; None without it
    goals: pd.DataFrame | None = None
    #: who coded the goal statements: "default" (the shipped trained coder), "file" (a coder file)
    #: or "rules"; None without goals
    goals_coded_by: str | None = None
    #: the survey wave this report shows (named in every sheet's title), and all waves of the run;
    #: None and [] for a one-wave report
    wave: str | None = None
    waves: list = field(default_factory=list)

    def hidden_units(self) -> dict:
        """The hidden units of each grouping, ``{level: [unit, ...]}`` in report order."""
        t = self.table.drop_duplicates(["level", "unit"])
        levels = ([self.parent] if self.parent else []) + [self.group] + list(self.also)
        return {lv: t.loc[(t["level"] == lv) & t["suppressed"], "unit"].tolist() for lv in levels
                if ((t["level"] == lv) & t["suppressed"]).any()}

    def hidden_text(self) -> str:
        """The hidden units in words, for the terminal and the app ("" when none is hidden).

        Examples
        --------
        >>> from analysis.datasets import read_dataset
        >>> rep = build_staff_report(read_dataset("staff_demo"), "vandewalle", "team", columns="wdgo_{n}")
        >>> rep.hidden_text()[:60]
        'hidden — fewer than 5 answers, or hidden so that such a unit'
        """
        hid = self.hidden_units()
        if not hid:
            return ""
        parts = "; ".join(f"{lv}: {', '.join(map(str, units))}" for lv, units in hid.items())
        return (f"{hidden_label(self.k)}, or hidden so that such a unit cannot be worked out from the others — "
                f"{parts}")

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
                       min_group: int = MIN_GROUP_DEFAULT, columns=None, null="uniform", goal_text: str | None = None,
                       goal_coder="default", **item_options) -> StaffReport:
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
    goal_text : str, optional
        Column of employees' goal statements. They are coded by ``goal_coder`` and the report gains
        the share of mastery / performance / outcome goals and of the rest (not a goal, or no
        answer) per unit (``.goals``). The shares are protected by the *same* suppression
        plan as the scores (one plan over both), so the two tables cannot be combined against a
        hidden unit. The statements themselves never enter the report.
    goal_coder : "default", "rules", GoalCoder or path
        Who codes the statements: the shipped trained coder (``"default"``, see
        :func:`analysis.goals.default_goal_coder`), a coder file from ``goalscope goals train``, or
        the first-pass rules (``"rules"``, :func:`analysis.goals.code_goals`). The report's note
        names the one that ran.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> d = read_dataset("staff_demo")
    >>> rep = build_staff_report(d, "vandewalle", "team", parent="department", columns="wdgo_{n}")
    >>> sorted(rep.plan.cells.status.unique())
    ['complementary', 'primary', 'published']

    # R: no single equivalent (multilevel::rwg.j, ICC1/ICC2 and t.test per unit, then masking)
    """
    k = check_min_group(min_group)
    also = [a for a in dict.fromkeys(also) if a not in (group, parent)]
    for col in [group] + ([parent] if parent else []) + also:
        if col not in data.columns:
            raise DataError("is not in the data", file=data.attrs.get("source"), column=col, item="a grouping column",
                            hint="Name the column that holds the units (team, department, …)." + near_columns(col, data))
    items = prepare_items(data, instrument, columns, **item_options)
    inst = items.instrument
    scores = score_items(items)
    scales = list(inst.scales)
    groupings = [group] + ([parent] if parent else []) + also
    frame = pd.DataFrame({c: unit_labels(data, c) for c in groupings}, index=data.index)
    for s in scales:
        frame[s] = scores[s].to_numpy()
    bounds = {s: _score_bounds(inst, s) for s in scales}
    protect, coded_by = [], None
    if goal_text is not None:
        coded, coded_by = coded_goal_types(data, goal_text, goal_coder)
        for c, v in share_indicators(coded).items():
            frame[c] = v.to_numpy()
        protect = protected_shares(frame)
        bounds.update({v: (0.0, 1.0) for v in protect})
    plan = plan_suppression(frame, groupings, parents={group: parent} if parent else None, values=scales + protect,
                            k=k, bounds=bounds)

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
            res = agreement(keyed, cols, lv, n_options, null=null, response=(lo, hi))
            null_var = res.null_variance
            a = res.table().rename(columns={"group": "unit"})[["unit", "rwg_j", "rwg_j_lindell", "ad_m", "ad_md", "awg"]]
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
            t = icc(sub, scales, lv).table().copy()
            t.insert(0, "level", lv)
            iccs.append(t.rename(columns={"variable": "scale"}))
    icc_table = pd.concat(iccs, ignore_index=True) if iccs else pd.DataFrame(columns=["level", "scale", "icc1", "icc2"])
    labels = {s: inst.scales[s].label or s for s in scales}
    goals = None
    if goal_text is not None:
        goals = share_table(frame, ([parent] if parent else []) + [group] + also, plan)
        # parents as objects, None where there is none, as in the score table
        goals["parent"] = goals["parent"].astype(object).where(goals["parent"].notna(), None)
    return StaffReport(goals=goals, goals_coded_by=coded_by, instrument=inst, scales=scales, labels=labels, group=group, parent=parent, also=also, k=k,
                       table=table, icc=icc_table, plan=plan, n_people=len(data), null_variance=null_var,
                       audit=items.audit.reset_index(drop=True))


# ---------------------------------------------------------------------------------------------
def _fmt(x, digits=2) -> str:
    if pd.isna(x):
        return ""
    return f"{x:.{digits}f}"


def write_staff_report(report: StaffReport, path, *, extra_sheets=(), extra_html=()) -> Path:
    """Write the report as .xlsx, .html or .csv (by the file ending), atomically and deterministically.

    Examples
    --------
    >>> import os, tempfile
    >>> from analysis.datasets import read_dataset
    >>> rep = build_staff_report(read_dataset("staff_demo"), "vandewalle", "team", columns="wdgo_{n}")
    >>> write_staff_report(rep, os.path.join(tempfile.mkdtemp(), "staff.csv")).name
    'staff.csv'

    # R: write.csv(report_table, "staff.csv")   (no equivalent for the workbook)
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return write_table(report.table, p)
    if report.goals is not None:
        extra_sheets, extra_html = [goal_sheet(report), *extra_sheets], [goal_html(report), *extra_html]
    if suffix == ".html":
        return atomic_write_text(p, render_html(report, extra_html=extra_html))
    if suffix == ".xlsx":
        return atomic_write_bytes(p, xlsx_bytes(report, extra_sheets=extra_sheets))
    raise DataError("is not a staff report file name", argument="path", value=Path(path),
                    hint="use a .xlsx, .html or .csv file name for the staff report")


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=jinja2.select_autoescape(["html", "j2"]), keep_trailing_newline=True)
_ENV.filters["num"] = _fmt
_ENV.filters["show"] = show

#: (header, field, kind) of the HTML score tables: the workbook's headers and formats
HTML_COLUMNS = [(h, f, k) for h, f, k, _w in SCORE_COLUMNS if f not in ("level", "parent", "shown", "ad_md", "ci_high")]
HTML_COLUMNS = [("95% CI", "ci", "mean") if f == "ci_low" else (h, f, k) for h, f, k in HTML_COLUMNS]


def _html_rows(rows: pd.DataFrame) -> list[dict]:
    out = []
    for rec in rows.to_dict("records"):
        cells = []
        for _h, f, k in HTML_COLUMNS:
            if rec["suppressed"] and f not in ("unit", "label", "org_mean"):
                cells.append({"text": "", "cls": ""})
                continue
            if f == "ci":   # one column, "[low, high]", each bound formatted as a mean
                text = f"[{show(rec['ci_low'], k)}, {show(rec['ci_high'], k)}]" if pd.notna(rec["ci_low"]) else ""
            else:
                text = show(rec[f], k) if k else str(rec[f] or "")
            cls = "low" if (f == "agreement" and text) or (f == "rwg_j" and text and rec[f] < RWG_LOW) else (
                "mark" if f == "vs_org" and text else "")
            cells.append({"text": text, "cls": cls})
        if rec["suppressed"]:
            cells[2] = {"text": rec["shown"], "cls": "suppressed"}
        out.append({"cells": cells, "suppressed": rec["suppressed"], "org": rec["level"] == ORGANISATION})
    return out


def _section(report, rows: pd.DataFrame, chart_level: str, title: str, anchor: str, note: str = "") -> dict:
    org = report.table[report.table["level"] == ORGANISATION].set_index("scale")["mean"].to_dict()
    block = rows[rows["level"] == chart_level]
    lo, hi = report.instrument.response.min, report.instrument.response.max
    png = unit_chart_png(block, report.scales, report.labels, org, (lo, hi), title, hidden=hidden_label(report.k))
    return {"title": title, "id": anchor, "note": note, "rows": _html_rows(rows), "img": data_uri(png),
            "alt": f"{title}: each {chart_level}'s mean with its 95% CI against the organisation mean"}


def render_html(report: StaffReport, extra_html=()) -> str:
    """The report as one self-contained HTML page (charts embedded as PNG data URIs)."""
    table = ordered(report, display_rows(report, report.table))
    top = report.parent or report.group
    sections = [_section(report, table[table["level"].isin([ORGANISATION, top])].reset_index(drop=True), top,
                         f"Each {top} against the organisation", "overview")]
    if report.parent:
        for i, u in enumerate(table.loc[table["level"] == report.parent, "unit"].unique()):
            rows = table[(table["level"] == ORGANISATION) | ((table["level"] == report.parent) & (table["unit"] == u))
                         | ((table["level"] == report.group) & (table["parent"] == u))].reset_index(drop=True)
            sections.append(_section(report, rows, report.group, f"{report.parent}: {u}", f"unit-{i + 1}",
                                     f"The {report.parent} (first rows), its {report.group}s and the organisation."))
    for j, a in enumerate(report.also):
        rows = table[table["level"].isin([ORGANISATION, a])].reset_index(drop=True)
        sections.append(_section(report, rows, a, f"By {a}", f"also-{j + 1}"))
    icc = [{"level": x.level, "label": report.labels[x.scale], "n": show(x.n, "count"),
            "units": show(x.n_groups, "count"), "icc1": show(x.icc1, "index"), "icc2": show(x.icc2, "index"),
            "negative": x.icc2 < 0, "f": show(x.f, "stat"), "p": show(x.p_val, "p")}
           for x in report.icc.itertuples()]
    extras = [e(report) for e in extra_html]
    return _ENV.get_template("staff_report.html.j2").render(
        r=report, sections=sections, heads=[h for h, _f, _k in HTML_COLUMNS], reading=reading(report),
        actions=MANAGER_ACTIONS, caveats=CAVEATS, source=PAYNE_2007, response=response_text(report), icc=icc,
        legend=LEGEND, rwg_low=f"{RWG_LOW:.2f}", extras=extras, hidden_note=hidden_note(report),
        title=wave_title(report, f"Staff survey: {report.instrument.name}"))
