"""The staff report as a workbook a manager can read (openpyxl).

Sheets: *Read me* (what the report is, the answer range, the anonymity rule, the marks, a
contents list, the reading for managers), *Overview* (one row per unit, the scales side by side in
the key's order: mean, 95% CI, n and the mark against the organisation; the organisation once, as
the first row; a chart per scale of the top-level units against the organisation with their 95%
CIs), one sheet per parent unit (a department and its teams, with the same charts) or, without a
parent, one sheet for all units, one sheet per further grouping (site), *Agreement* (the technical
within-unit indices rwg(j), r*wg(j), AD_M, AD_Md, awg), *Between units* (ICC), and *Legend* (every
index in plain words). Optional: *Goals* (shares of goal types) and, for survey waves, *Change*.
A survey wave is named in the title line of every sheet. A hidden unit reads
:func:`.formats.hidden_label` (``hidden — fewer than 5 answers``) in every table and chart, never a
blank. Cells keep full precision (a negative rounding leftover is written as 0, so nothing shows
"-0.00"); number formats (:mod:`.formats`) decide what is shown, so the workbook and the HTML show
the same digits.
"""

from __future__ import annotations

import io

import pandas as pd

from ..io.writers import deterministic_xlsx
from ..anonymity.units import ORGANISATION
from .formats import FORMATS, LEGEND, RWG_LOW, agreement_mark, cell_value, difference_mark, hidden_label
from .guidance import CAVEATS, MANAGER_ACTIONS, PAYNE_2007, reading, response_text

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

#: (header, field, kind, width) of each scale's block of the unit tables (one row per unit)
SCALE_BLOCK = [("Mean", "mean", "mean", 9), ("95% CI low", "ci_low", "mean", 8), ("95% CI high", "ci_high", "mean", 8),
               ("n", "n", "count", 6), ("Compared with organisation", "vs_org", None, 14)]
#: (header, field, kind, width) of the unit columns in front of the scale blocks
UNIT_COLUMNS = [("Level", "level", None, 13), ("Unit", "unit", None, 16), ("Part of", "parent", None, 13)]

#: (header, field, kind, width) of the *Agreement* sheet (the technical indices, one row per unit and scale)
AGREEMENT_COLUMNS = [("Level", "level", None, 13), ("Unit", "unit", None, 16), ("Part of", "parent", None, 13),
                     ("Scale", "label", None, 34), ("n", "n", "count", 6), ("rwg(j)", "rwg_j", "index", 8),
                     ("r*wg(j)", "rwg_j_lindell", "index", 8), ("AD_M", "ad_m", "mean", 7),
                     ("AD_Md", "ad_md", "mean", 7), ("awg", "awg", "index", 7), ("Agreement", "agreement", None, 15),
                     ("Shown", "shown", None, 26)]

#: rows of the unit tables above the header: title, what the numbers are, the hidden-unit note, blank
HEADING_ROWS = 4


def wave_title(report, text: str) -> str:
    """A sheet's title line, naming the survey wave when the report is one wave of several."""
    wave = getattr(report, "wave", None)
    return f"{text} — wave {wave}" if wave is not None else text


def hidden_note(report) -> str:
    """What the hidden-unit label means (the Read me, every unit sheet and the HTML say it)."""
    return (f"'{hidden_label(report.k)}': the unit has fewer than {report.k} answers, or it is hidden as well so that "
            f"such a unit cannot be worked out from the others (by subtraction). Both kinds are labelled alike, "
            f"so the label says nothing about the unit's size.")


def display_rows(report, rows: pd.DataFrame) -> pd.DataFrame:
    """The score rows with labels and marks, as both outputs show them."""
    out = rows.copy()
    out["label"] = out["scale"].map(report.labels)
    out["parent"] = out["parent"].fillna("")
    out["vs_org"] = [difference_mark(a, b, m) if lv != ORGANISATION else ""
                     for lv, a, b, m in zip(out["level"], out["ci_low"], out["ci_high"], out["org_mean"])]
    out["agreement"] = [agreement_mark(x) for x in out["rwg_j"]]
    out["shown"] = ["" if not s else hidden_label(report.k) for s in out["suppressed"]]
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
            "headalign": Alignment(wrap_text=True, vertical="bottom"), "org": PatternFill("solid", fgColor="EDEDED"),
            "center": Alignment(horizontal="center")}


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
            if kind is not None and not isinstance(v, str):
                v = cell_value(v, kind)
            elif v is None or (not isinstance(v, str) and pd.isna(v)):
                v = ""
            c = ws.cell(row=r, column=j, value=v)
            if kind is not None and not isinstance(v, str):
                c.number_format = FORMATS[kind]
            if fld == "agreement" and v:
                c.fill = st["low"]
            if fld == "rwg_j" and isinstance(v, float) and v < RWG_LOW:
                c.fill = st["low"]
            if fld.split(":")[-1] == "vs_org" and v:
                c.fill = st["mark"]
            if fld == "shown" and v:
                c.font = st["grey"]
    if filter_:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(r, top + 1)}"
    return top + 1, r


def unit_table(report, rows: pd.DataFrame) -> pd.DataFrame:
    """One row per unit (the organisation first), each scale's mean, CI, n and mark side by side.

    ``rows`` are :func:`display_rows` in :func:`ordered` order; the columns are ``level, unit,
    parent, suppressed`` and ``<scale>:<field>`` for the fields of :data:`SCALE_BLOCK`, scales in
    the key's order.
    """
    out: dict = {}
    for r in rows.to_dict("records"):
        rec = out.setdefault((r["level"], r["unit"]), {"level": r["level"], "unit": r["unit"], "parent": r["parent"],
                                                       "suppressed": bool(r["suppressed"])})
        for _h, f, _k, _w in SCALE_BLOCK:
            rec[f"{r['scale']}:{f}"] = r[f]
    cols = ["level", "unit", "parent", "suppressed"] + [f"{s}:{f}" for s in report.scales for _h, f, _k, _w in SCALE_BLOCK]
    return pd.DataFrame(list(out.values())).reindex(columns=cols)


def _unit_columns(report) -> list:
    """(header, field, kind, width) of a unit table: the unit columns, then one block per scale."""
    return UNIT_COLUMNS + [(h, f"{s}:{f}", k, w) for s in report.scales for h, f, k, w in SCALE_BLOCK]


def _write_unit_table(ws, top: int, report, units: pd.DataFrame, st) -> int:
    """Scale labels (merged over their block) at ``top``, the headers below, then the unit rows;
    the organisation row in bold on grey, a hidden unit's label in every mean cell. Returns the
    last row."""
    from openpyxl.utils import get_column_letter

    cols = _unit_columns(report)
    width = len(SCALE_BLOCK)
    for i, s in enumerate(report.scales):
        c0 = len(UNIT_COLUMNS) + 1 + i * width
        c = ws.cell(row=top, column=c0, value=report.labels[s])
        c.font, c.fill, c.alignment = st["bold"], st["head"], st["center"]
        ws.merge_cells(start_row=top, start_column=c0, end_row=top, end_column=c0 + width - 1)
    label = hidden_label(report.k)
    frame = units.copy()
    for s in report.scales:
        frame[f"{s}:mean"] = [label if h else m for h, m in zip(frame["suppressed"], frame[f"{s}:mean"])]
    first, last = write_table(ws, top + 1, cols, frame, st, filter_=True)
    for r, rec in zip(range(first, last + 1), frame.to_dict("records")):
        if rec["level"] == ORGANISATION:
            for j in range(1, len(cols) + 1):
                ws.cell(row=r, column=j).font = st["bold"]
                ws.cell(row=r, column=j).fill = st["org"]
        elif rec["suppressed"]:
            for s in report.scales:
                ws.cell(row=r, column=cols.index((SCALE_BLOCK[0][0], f"{s}:mean", "mean", SCALE_BLOCK[0][3])) + 1).font = st["grey"]
    ws.freeze_panes = ws.cell(row=top + 2, column=len(UNIT_COLUMNS) + 1)
    ws.column_dimensions[get_column_letter(len(cols) + 1)].width = 3
    return last


def _chart(report, units: pd.DataFrame, title: str):
    """Bar chart of the units' means with 95% CI error bars and the organisation mean as a line.

    The numbers are stored in the chart (a hidden unit has no bar and its category reads
    "UNIT (hidden — fewer than K answers)"), so no text cell is ever drawn as a zero bar."""
    from openpyxl.chart import BarChart, LineChart
    from openpyxl.chart.data_source import AxDataSource, NumData, NumDataSource, NumVal, StrData, StrVal
    from openpyxl.chart.error_bar import ErrorBars
    from openpyxl.chart.series import Series, SeriesLabel

    scale = units.attrs["scale"]
    label = hidden_label(report.k)
    cats = [f"{u} ({label})" if h else str(u) for u, h in zip(units["unit"], units["suppressed"])]
    n = len(cats)

    def lit(values):
        pts = [NumVal(idx=i, v=round(float(v), 6)) for i, v in enumerate(values) if v is not None and not pd.isna(v)]
        return NumDataSource(numLit=NumData(pt=pts, ptCount=n))

    def cat():
        return AxDataSource(strLit=StrData(pt=[StrVal(idx=i, v=c) for i, c in enumerate(cats)], ptCount=n))

    mean = [None if h else m for h, m in zip(units["suppressed"], units[f"{scale}:mean"])]
    plus = [None if m is None or pd.isna(hi) else hi - m for m, hi in zip(mean, units[f"{scale}:ci_high"])]
    minus = [None if m is None or pd.isna(lo) else m - lo for m, lo in zip(mean, units[f"{scale}:ci_low"])]
    bar = BarChart()
    bar.type = "col"
    bar.title = title
    bar.height, bar.width = 7.5, 16
    s = Series(val=lit(mean), cat=cat(), tx=SeriesLabel(v="Unit mean (95% CI)"))
    s.errBars = ErrorBars(errDir="y", errBarType="both", errValType="cust", noEndCap=False, plus=lit(plus),
                          minus=lit(minus))
    bar.series.append(s)
    line = LineChart()
    org = units.attrs["org_mean"]
    ls = Series(val=lit([org] * n), cat=cat(), tx=SeriesLabel(v="Organisation mean"))
    ls.marker.symbol = "none"
    line.series.append(ls)
    lo, hi = report.instrument.response.min, report.instrument.response.max
    bar.y_axis.scaling.min, bar.y_axis.scaling.max = float(lo), float(hi)
    bar.y_axis.title = f"Mean ({lo:g} to {hi:g})"
    bar.y_axis.delete = False
    bar.x_axis.delete = False
    bar.legend.position = "b"
    bar += line
    return bar


def _score_sheet(wb, name, report, rows: pd.DataFrame, st, heading: list[str], *, chart_level: str):
    """A sheet with the title (naming the wave), a line, the hidden-unit note, the unit table and
    one chart per scale of the ``chart_level`` units, below the table."""
    ws = wb.create_sheet(name)
    heading = [wave_title(report, heading[0]), heading[1], hidden_note(report)]
    for i, text in enumerate(heading, start=1):
        c = ws.cell(row=i, column=1, value=text)
        c.font = st["title"] if i == 1 else st["grey"]
    units = unit_table(report, rows)
    last = _write_unit_table(ws, HEADING_ROWS + 1, report, units, st)
    block = units[units["level"] == chart_level].reset_index(drop=True)
    org = rows[rows["level"] == ORGANISATION].set_index("scale")["org_mean"]
    row = last + 3
    for i, s in enumerate(report.scales):
        if not len(block):
            break
        block.attrs.update(scale=s, org_mean=float(org[s]))
        ws.add_chart(_chart(report, block, f"{report.labels[s]}: {chart_level} vs organisation"),
                     f"A{row + i * 16}")
    return ws


def _agreement_sheet(wb, report, table: pd.DataFrame, st) -> None:
    """The technical within-unit indices, one row per unit and scale (organisation left out: it
    has none); a hidden unit's label stands in its rwg(j) cell."""
    ws = wb.create_sheet("Agreement")
    ws.cell(row=1, column=1, value=wave_title(report, "Agreement within units (technical)")).font = st["title"]
    ws.cell(row=2, column=1, value=f"How alike the members of each unit answered. Read with the Legend; rwg(j) below "
                                   f"{RWG_LOW:.2f} is marked 'low agreement'.").font = st["grey"]
    ws.cell(row=3, column=1, value=hidden_note(report)).font = st["grey"]
    t = table[table["level"] != ORGANISATION].copy()
    t["rwg_j"] = [hidden_label(report.k) if h else v for h, v in zip(t["suppressed"], t["rwg_j"])]
    write_table(ws, HEADING_ROWS + 1, AGREEMENT_COLUMNS, t, st, filter_=True)
    ws.freeze_panes = f"E{HEADING_ROWS + 2}"


def xlsx_bytes(report, extra_sheets=()) -> bytes:
    """The workbook as bytes, with fixed timestamps (identical input → identical bytes).

    ``extra_sheets`` are callables ``f(workbook, styles)`` adding further sheets (goal shares,
    wave changes) before the ICC and Legend sheets.
    """
    from openpyxl import Workbook


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

    contents = [("Overview", f"every unit in one table, one row per unit with the scales side by side (use the "
                             f"filters); charts of each {top} against the organisation with its 95% CI")]
    for (_u, n) in unit_sheets:
        what = (f"this {report.parent} and its {report.group}s, with charts" if report.parent
                else f"every {report.group}, with charts")
        contents.append((names[n], what))
    for a, n in zip(report.also, also_sheets):
        contents.append((names[n], f"every {a}, with charts"))
    extra_titles = [getattr(f, "sheet_title", None) for f in extra_sheets]
    contents += [(t, getattr(f, "sheet_description", "")) for t, f in zip(extra_titles, extra_sheets) if t]
    contents += [("Agreement", "how alike each unit's members answered (rwg(j), r*wg(j), AD_M, AD_Md, awg): technical"),
                 ("Between units", "how much the units differ (ICC(1), ICC(2))"),
                 ("Legend", "every index and mark in plain words")]

    lines = [(wave_title(report, f"Staff survey: {report.instrument.name}"), "title", None),
             (f"Reported by {report.group}" + (f" within {report.parent}" if report.parent else "")
              + (f"; also by {', '.join(report.also)}" if report.also else "") + f". {report.n_people} respondents.",
              None, None),
             (response_text(report), None, None),
             (f"Units with fewer than {report.k} answers are not shown, and some further units are hidden so "
              f"that no hidden unit can be worked out from the others. {hidden_note(report)} "
              f"Identifiers and free-text answers are never part of this report.", None, None),
             (f"Marks: 'low agreement' when rwg(j) is below {RWG_LOW:.2f} (orange); 'above organisation' or 'below "
              f"organisation' when the unit's whole 95% CI lies above or below the organisation mean (green).",
              None, None),
             ("", None, None)]
    waves = list(getattr(report, "waves", None) or [])
    if waves:
        # our choice: the latest wave's sheets plus a Change sheet, not one set of sheets per wave
        lines += [(f"Survey waves: {', '.join(waves)}. Every sheet except Change shows the latest wave, {report.wave}; "
                   f"the Change sheet shows each unit's mean in every pair of consecutive waves and the change between "
                   f"them. One set of sheets per wave would repeat every table for numbers that no longer describe the "
                   f"units today; for an earlier wave's full report, run the report on that wave's file alone.",
                   None, None), ("", None, None)]
    lines += [("Contents", "bold", None)]
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
                  f"{response_text(report)} The organisation is the first row; filter by Level or Unit with the "
                  f"arrows in the header row."],
                 chart_level=top)
    for unit, n in unit_sheets:
        if unit is None:
            rows = table[table["level"].isin([ORGANISATION, report.group])]
            head = [f"All {report.group}s", response_text(report)]
        else:
            rows = table[(table["level"] == ORGANISATION) | ((table["level"] == report.parent) & (table["unit"] == unit))
                         | ((table["level"] == report.group) & (table["parent"] == unit))]
            head = [f"{report.parent}: {unit}", f"The {report.parent}, its {report.group}s and the organisation. "
                    + response_text(report)]
        _score_sheet(wb, names[n], report, rows.reset_index(drop=True), st, head, chart_level=report.group)
    for a, n in zip(report.also, also_sheets):
        rows = table[table["level"].isin([ORGANISATION, a])].reset_index(drop=True)
        _score_sheet(wb, names[n], report, rows, st, [f"All units by {a}", response_text(report)], chart_level=a)
    for f in extra_sheets:
        f(wb, st)
    _agreement_sheet(wb, report, table, st)

    ic = wb.create_sheet("Between units")
    ic.cell(row=1, column=1, value=wave_title(report, "How much the units differ (ICC)")).font = st["title"]
    ic.cell(row=2, column=1, value="ICC(1) and ICC(2) use the published units only (one-way ANOVA; R multilevel's "
                                   "ICC1/ICC2). See the Legend for how to read them, including negative values.").font = st["grey"]
    icc = report.icc.assign(label=report.icc["scale"].map(report.labels))
    write_table(ic, 4, ICC_COLUMNS, icc, st)
    ic.freeze_panes = "A5"

    lg = wb.create_sheet("Legend")
    lg.cell(row=1, column=1, value=wave_title(report, "Legend: what each number means")).font = st["title"]
    cols = [("Index", "index", None, 14), ("What it says", "what", None, 70), ("How to read it", "how", None, 70)]
    leg = pd.DataFrame(LEGEND + [("Compared with organisation", "Whether the unit's 95% CI lies wholly above or below "
                                  "the organisation mean.", "Blank: no clear difference."),
                                 ("Agreement", f"'low agreement' when rwg(j) is below {RWG_LOW:.2f}.",
                                  "Then the unit mean is not a shared view."),
                                 ("Hidden", hidden_note(report),
                                  "Hidden to protect anonymity; says nothing about the unit's size or scores.")],
                       columns=["index", "what", "how"])
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
