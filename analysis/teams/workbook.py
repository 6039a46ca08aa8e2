"""The staff report as a workbook a manager can read (openpyxl).

Sheets: *Read me* (what the report is, the answer range, the anonymity rule, the marks, a
contents list, the reading for managers), *Overview* (every unit and scale in one filterable
table, frozen header, with a chart per scale of the top-level units against the organisation and
their 95% CIs), one sheet per parent unit (a department and its teams, with the same charts) or,
without a parent, one sheet for all units, one sheet per further grouping (site), *Between units*
(ICC), and *Legend* (every index in plain words). Optional: *Goals* (shares of goal types) and, for
survey waves, *Change*. Cells keep full precision; number formats (:mod:`.formats`) decide what
is shown, so the workbook and the HTML show the same digits.
"""

from __future__ import annotations

import io

import pandas as pd

from ..io.writers import deterministic_xlsx
from .aggregation import ORGANISATION
from .formats import FORMATS, LEGEND, RWG_LOW, agreement_mark, difference_mark

#: (header, field, kind, width) of the score tables; kind None = text
SCORE_COLUMNS = [
    ("Level", "level", None, 13), ("Unit", "unit", None, 16), ("Part of", "parent", None, 13),
    ("Scale", "label", None, 34), ("n", "n", "count", 6), ("Mean", "mean", "mean", 7), ("SD", "sd", "mean", 7),
    ("95% CI low", "ci_low", "mean", 10), ("95% CI high", "ci_high", "mean", 10),
    ("Organisation mean", "org_mean", "mean", 12), ("Difference", "difference", "mean", 10),
    ("Compared with organisation", "vs_org", None, 20), ("rwg(j)", "rwg_j", "index", 8),
    ("r*wg(j)", "rwg_j_lindell", "index", 8), ("AD_M", "ad_m", "mean", 7), ("AD_Md", "ad_md", "mean", 7),
    ("awg", "awg", "index", 7), ("Agreement", "agreement", None, 15), ("Shown", "shown", None, 12),
]

ICC_COLUMNS = [("Grouping", "level", None, 13), ("Scale", "label", None, 34), ("n", "n", "count", 6),
               ("Units", "n_groups", "count", 7), ("Mean unit size", "k", "stat", 10), ("ICC(1)", "icc1", "index", 8),
               ("ICC(2)", "icc2", "index", 8), ("F", "f", "stat", 7), ("p", "p_val", "p", 7)]

SUPPRESSED_TEXT = "suppressed"


def display_rows(report, rows: pd.DataFrame) -> pd.DataFrame:
    """The score rows with labels and marks, as both outputs show them."""
    out = rows.copy()
    out["label"] = out["scale"].map(report.labels)
    out["parent"] = out["parent"].fillna("")
    out["vs_org"] = [difference_mark(a, b, m) if lv != ORGANISATION else ""
                     for lv, a, b, m in zip(out["level"], out["ci_low"], out["ci_high"], out["org_mean"])]
    out["agreement"] = [agreement_mark(x) for x in out["rwg_j"]]
    out["shown"] = ["" if not s else SUPPRESSED_TEXT for s in out["suppressed"]]
    return out


def ordered(report, table: pd.DataFrame) -> pd.DataFrame:
    """Rows by grouping (organisation, parent, unit, others), then scale, then unit: every
    (grouping, scale) block is contiguous, so a chart can take it as one range."""
    levels = [ORGANISATION] + ([report.parent] if report.parent else []) + [report.group] + list(report.also)
    lv_rank = {lv: i for i, lv in enumerate(levels)}
    sc_rank = {s: i for i, s in enumerate(report.scales)}
    t = table.assign(_lv=table["level"].map(lv_rank), _sc=table["scale"].map(sc_rank))
    return t.sort_values(["_lv", "_sc", "unit"], kind="mergesort").drop(columns=["_lv", "_sc"]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
def _styles():
    from openpyxl.styles import Alignment, Font, PatternFill

    return {"bold": Font(bold=True), "title": Font(bold=True, size=14), "wrap": Alignment(wrap_text=True, vertical="top"),
            "head": PatternFill("solid", fgColor="DDE4EE"), "low": PatternFill("solid", fgColor="FCE4D6"),
            "mark": PatternFill("solid", fgColor="E2EFDA"), "grey": Font(italic=True, color="777777"),
            "headalign": Alignment(wrap_text=True, vertical="bottom")}


def write_table(ws, top: int, columns, frame: pd.DataFrame, st, *, filter_: bool = False) -> tuple[int, int]:
    """Header at row ``top``, then one row per record; formats, widths, marks. Returns (first, last) data row."""
    from openpyxl.utils import get_column_letter

    for j, (head, _f, _k, width) in enumerate(columns, start=1):
        c = ws.cell(row=top, column=j, value=head)
        c.font, c.fill, c.alignment = st["bold"], st["head"], st["headalign"]
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = width
    r = top
    for rec in frame.to_dict("records"):
        r += 1
        for j, (_h, fld, kind, _w) in enumerate(columns, start=1):
            v = rec.get(fld)
            if kind is not None:
                v = None if v is None or pd.isna(v) else (int(v) if kind == "count" else float(v))
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                v = ""
            c = ws.cell(row=r, column=j, value=v)
            if kind is not None:
                c.number_format = FORMATS[kind]
            if fld == "agreement" and v:
                c.fill = st["low"]
            if fld == "rwg_j" and v is not None and kind and v < RWG_LOW:
                c.fill = st["low"]
            if fld == "vs_org" and v:
                c.fill = st["mark"]
            if fld == "shown" and v:
                c.font = st["grey"]
    if filter_:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(r, top + 1)}"
    return top + 1, r


def _chart(ws, report, block: pd.DataFrame, first_row: int, title: str, anchor: str):
    """Bar chart of the unit means with 95% CI error bars, and the organisation mean as a line."""
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.chart.data_source import AxDataSource, NumData, NumDataSource, NumVal, StrRef
    from openpyxl.chart.error_bar import ErrorBars

    last_row = first_row + len(block) - 1
    col = {f: j for j, (_h, f, _k, _w) in enumerate(SCORE_COLUMNS, start=1)}
    bar = BarChart()
    bar.type = "col"
    bar.title = title
    bar.height, bar.width = 7.5, 16
    bar.add_data(Reference(ws, min_col=col["mean"], min_row=first_row, max_row=last_row), titles_from_data=False)
    s = bar.series[0]
    units = Reference(ws, min_col=col["unit"], min_row=first_row, max_row=last_row)
    s.cat = AxDataSource(strRef=StrRef(f=str(units)))   # unit names are text: a string reference
    from openpyxl.chart.series import SeriesLabel

    s.tx = SeriesLabel(v="Unit mean (95% CI)")

    def lit(values):
        return NumDataSource(numLit=NumData(pt=[NumVal(idx=i, v=round(float(v), 6)) for i, v in enumerate(values)]))

    plus = [0.0 if pd.isna(h) else h - m for h, m in zip(block["ci_high"], block["mean"])]
    minus = [0.0 if pd.isna(lo) else m - lo for lo, m in zip(block["ci_low"], block["mean"])]
    plus = [0.0 if pd.isna(v) else v for v in plus]
    minus = [0.0 if pd.isna(v) else v for v in minus]
    s.errBars = ErrorBars(errDir="y", errBarType="both", errValType="cust", noEndCap=False,
                          plus=lit(plus), minus=lit(minus))
    line = LineChart()
    line.add_data(Reference(ws, min_col=col["org_mean"], min_row=first_row, max_row=last_row), titles_from_data=False)
    line.series[0].tx = SeriesLabel(v="Organisation mean")
    line.series[0].marker.symbol = "none"
    lo, hi = report.instrument.response.min, report.instrument.response.max
    bar.y_axis.scaling.min, bar.y_axis.scaling.max = float(lo), float(hi)
    bar.y_axis.title = f"Mean ({lo:g} to {hi:g})"
    bar.y_axis.delete = False
    bar.x_axis.delete = False
    bar.legend.position = "b"
    bar += line
    ws.add_chart(bar, anchor)


def _score_sheet(wb, name, report, rows: pd.DataFrame, st, heading: list[str], *, filter_: bool, chart_level: str):
    """A sheet with heading lines, the score table, and one chart per scale for ``chart_level``."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(name)
    for i, text in enumerate(heading, start=1):
        c = ws.cell(row=i, column=1, value=text)
        c.font = st["title"] if i == 1 else st["grey"]
    top = len(heading) + 2
    first, last = write_table(ws, top, SCORE_COLUMNS, rows, st, filter_=filter_)
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    chart_col = get_column_letter(len(SCORE_COLUMNS) + 2)
    pos = 0
    for s in report.scales:
        idx = rows.index[(rows["level"] == chart_level) & (rows["scale"] == s)]
        if not len(idx):
            continue
        block = rows.loc[idx]
        _chart(ws, report, block, first + int(idx[0]), f"{report.labels[s]}: {chart_level} vs organisation",
               f"{chart_col}{top + pos * 16}")
        pos += 1
    return ws


def xlsx_bytes(report, extra_sheets=()) -> bytes:
    """The workbook as bytes, with fixed timestamps (identical input → identical bytes).

    ``extra_sheets`` are callables ``f(workbook, styles)`` adding further sheets (goal shares,
    wave changes) before the ICC and Legend sheets.
    """
    from openpyxl import Workbook

    from .report import CAVEATS, MANAGER_ACTIONS, PAYNE_2007, reading, response_text

    st = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = "Read me"
    table = ordered(report, display_rows(report, report.table))
    top = report.parent or report.group
    if report.parent:
        unit_sheets = [(u, str(u)) for u in table.loc[table["level"] == report.parent, "unit"].unique()]
    else:
        unit_sheets = [(None, f"By {report.group}")]
    also_sheets = [f"By {a}" for a in report.also]
    names = _sheet_names(["Read me", "Overview"] + [n for _u, n in unit_sheets] + also_sheets)

    contents = [("Overview", f"every unit and scale in one table (use the filters); charts of each {top} "
                             f"against the organisation with its 95% CI")]
    for (_u, n) in unit_sheets:
        what = (f"this {report.parent} and its {report.group}s, with charts" if report.parent
                else f"every {report.group}, with charts")
        contents.append((names[n], what))
    for a, n in zip(report.also, also_sheets):
        contents.append((names[n], f"every {a}, with charts"))
    extra_titles = [getattr(f, "sheet_title", None) for f in extra_sheets]
    contents += [(t, getattr(f, "sheet_description", "")) for t, f in zip(extra_titles, extra_sheets) if t]
    contents += [("Between units", "how much the units differ (ICC(1), ICC(2))"),
                 ("Legend", "every index and mark in plain words")]

    lines = [(f"Staff survey: {report.instrument.name}", "title", None),
             (f"Reported by {report.group}" + (f" within {report.parent}" if report.parent else "")
              + (f"; also by {', '.join(report.also)}" if report.also else "") + f". {report.n_people} respondents.",
              None, None),
             (response_text(report), None, None),
             (f"Units with fewer than {report.k} respondents are not shown, and some further units are hidden so "
              f"that no hidden unit can be worked out from the others; every hidden unit is marked "
              f"'{SUPPRESSED_TEXT}' in the same way. Identifiers and free-text answers are never part of this report.",
              None, None),
             (f"Marks: 'low agreement' when rwg(j) is below {RWG_LOW:.2f} (orange); 'above organisation' or 'below "
              f"organisation' when the unit's whole 95% CI lies above or below the organisation mean (green).",
              None, None),
             ("", None, None), ("Contents", "bold", None)]
    lines += [(f"{n}: {d}", None, n) for n, d in contents]
    lines += [("", None, None), ("What the scores mean", "bold", None)]
    for head, text in reading(report):
        lines += [(head, "bold", None), (text, None, None)]
    lines += [("", None, None), ("What a manager can do", "bold", None)] + [("• " + a, None, None) for a in MANAGER_ACTIONS]
    lines += [("", None, None), ("Reading with care", "bold", None)] + [("• " + c, None, None) for c in CAVEATS]
    lines += [("", None, None), ("Source: " + PAYNE_2007, None, None)]
    ws.column_dimensions["A"].width = 120
    for i, (text, font, link) in enumerate(lines, start=1):
        c = ws.cell(row=i, column=1, value=text)
        c.alignment = st["wrap"]
        if font:
            c.font = st[font]
        if link:
            from openpyxl.worksheet.hyperlink import Hyperlink

            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"'{link}'!A1")   # a link inside the workbook
            c.style = "Hyperlink"
            c.alignment = st["wrap"]

    _score_sheet(wb, "Overview", report, table, st,
                 [f"Overview: every unit and scale ({report.instrument.name})",
                  f"{response_text(report)} Filter by Level, Unit or Scale with the arrows in the header row."],
                 filter_=True, chart_level=top)
    for unit, n in unit_sheets:
        if unit is None:
            rows = table[table["level"].isin([ORGANISATION, report.group])]
            head = [f"All {report.group}s", response_text(report)]
        else:
            rows = table[(table["level"] == ORGANISATION) | ((table["level"] == report.parent) & (table["unit"] == unit))
                         | ((table["level"] == report.group) & (table["parent"] == unit))]
            head = [f"{report.parent}: {unit}", f"The {report.parent}, its {report.group}s and the organisation. "
                    + response_text(report)]
        _score_sheet(wb, names[n], report, rows.reset_index(drop=True), st, head, filter_=True, chart_level=report.group)
    for a, n in zip(report.also, also_sheets):
        rows = table[table["level"].isin([ORGANISATION, a])].reset_index(drop=True)
        _score_sheet(wb, names[n], report, rows, st, [f"All units by {a}", response_text(report)], filter_=True,
                     chart_level=a)
    for f in extra_sheets:
        f(wb, st)

    ic = wb.create_sheet("Between units")
    ic.cell(row=1, column=1, value="How much the units differ (ICC)").font = st["title"]
    ic.cell(row=2, column=1, value="ICC(1) and ICC(2) use the published units only (one-way ANOVA; R multilevel's "
                                   "ICC1/ICC2). See the Legend for how to read them, including negative values.").font = st["grey"]
    icc = report.icc.assign(label=report.icc["scale"].map(report.labels))
    write_table(ic, 4, ICC_COLUMNS, icc, st)
    ic.freeze_panes = "A5"

    lg = wb.create_sheet("Legend")
    lg.cell(row=1, column=1, value="Legend: what each number means").font = st["title"]
    cols = [("Index", "index", None, 14), ("What it says", "what", None, 70), ("How to read it", "how", None, 70)]
    leg = pd.DataFrame(LEGEND + [("Compared with organisation", "Whether the unit's 95% CI lies wholly above or below "
                                  "the organisation mean.", "Blank: no clear difference."),
                                 ("Agreement", f"'low agreement' when rwg(j) is below {RWG_LOW:.2f}.",
                                  "Then the unit mean is not a shared view."),
                                 ("Shown", f"'{SUPPRESSED_TEXT}': hidden to protect anonymity.",
                                  "Says nothing about the unit's size or scores.")], columns=["index", "what", "how"])
    write_table(lg, 3, cols, leg, st)
    for row in lg.iter_rows(min_row=4):
        for c in row:
            c.alignment = st["wrap"]
    lg.freeze_panes = "A4"
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue())


def _sheet_names(names: list[str]) -> dict:
    import re

    bad = re.compile(r"[\[\]:*?/\\']")
    used, out = set(), {}
    for name in names:
        base = bad.sub("-", name)[:31] or "unit"
        s, i = base, 2
        while s.lower() in used:
            tail = f" ({i})"
            s, i = base[:31 - len(tail)] + tail, i + 1
        used.add(s.lower())
        out[name] = s
    return out
