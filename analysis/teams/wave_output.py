"""The change between survey waves as a workbook sheet and an HTML section (with a chart)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from ..anonymity.units import ORGANISATION
from .charts import data_uri
from .formats import show

#: (header, field, kind, width) of the Change sheet
CHANGE_SHEET_COLUMNS = [
    ("Level", "level", None, 13), ("Unit", "unit", None, 16), ("Part of", "parent", None, 13),
    ("Scale", "label", None, 34), ("From", "wave_1", None, 9), ("To", "wave_2", None, 9),
    ("n (from)", "n_1", "count", 8), ("Mean (from)", "mean_1", "mean", 9), ("n (to)", "n_2", "count", 8),
    ("Mean (to)", "mean_2", "mean", 9), ("Change", "estimate", "mean", 8), ("95% CI low", "ci_low", "mean", 10),
    ("95% CI high", "ci_high", "mean", 10), ("Welch t", "statistic", "stat", 8), ("df", "df", "stat", 7),
    ("p", "p_val", "p", 7), ("rwg(j) (from)", "rwg_j_1", "index", 9), ("rwg(j) (to)", "rwg_j_2", "index", 9),
    ("Clear change", "mark", None, 13), ("Shown", "note", None, 26),
]

INCREASE, DECREASE = "increase", "decrease"


def change_rows(rep) -> pd.DataFrame:
    """The change table with labels and the mark (CI of the change excludes 0)."""
    t = rep.change.copy()
    t["label"] = t["scale"].map(rep.latest.labels)
    t["parent"] = t["parent"].fillna("")
    t["mark"] = [INCREASE if lo > 0 else DECREASE if hi < 0 else "" for lo, hi in zip(t["ci_low"], t["ci_high"])]
    return t


def _legend_text(rep) -> str:
    return (f"Change = mean in the later wave minus the mean in the earlier wave, with its 95% CI and Welch's t "
            f"test (the two waves' answers treated as independent samples: people join, leave and move between "
            f"teams). 'increase' / 'decrease' when the whole CI lies above / below 0. A change is shown only when "
            f"the unit is shown in both waves.")


def change_sheet(rep):
    """A callable adding the *Change* sheet (for :func:`analysis.teams.workbook.xlsx_bytes`)."""

    def add(wb, st):
        from .workbook import write_table

        ws = wb.create_sheet("Change")
        ws.cell(row=1, column=1, value=f"Change between waves: {', '.join(rep.waves)}").font = st["title"]
        ws.cell(row=2, column=1, value=_legend_text(rep)).font = st["grey"]
        rows = change_rows(rep)
        write_table(ws, 4, CHANGE_SHEET_COLUMNS, rows, st, filter_=True)
        for r in ws.iter_rows(min_row=5, min_col=19, max_col=19):
            if r[0].value:
                r[0].fill = st["mark"]
        ws.freeze_panes = "C5"

    add.sheet_title = "Change"
    add.sheet_description = f"each unit's change between waves ({' to '.join(rep.waves)}) with 95% CI and Welch t"
    return add


def change_chart_png(rep, level: str) -> bytes:
    """PNG bytes of :func:`change_chart` (the same on every run)."""
    import tempfile
    from pathlib import Path

    from ..formatting.figures import save_figure

    fig = change_chart(rep, level)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "change.png"
        save_figure(fig, path)
        return path.read_bytes()


def change_chart(rep, level: str):
    """The matplotlib Figure: change of each scale for the units of ``level`` (and the
    organisation), with 95% CIs."""
    from matplotlib.figure import Figure

    t = change_rows(rep)
    last = t[(t["wave_1"] == rep.waves[-2]) & (t["level"].isin([ORGANISATION, level]))]
    units = list(dict.fromkeys(last["unit"]))
    scales = rep.latest.scales
    fig = Figure(figsize=(3.6 * len(scales), 1.2 + 0.28 * len(units)), layout="constrained")
    axes = fig.subplots(1, len(scales), sharey=True, squeeze=False)[0]
    y = dict(zip(units, np.arange(len(units))[::-1]))
    span = float(np.nanmax(np.abs(last[["ci_low", "ci_high"]].to_numpy(dtype=float)))) if last["ci_low"].notna().any() else 1.0
    for ax, s in zip(axes, scales):
        ax.axvline(0, color="#555", lw=1, ls="--")
        for r in last[last["scale"] == s].itertuples():
            if pd.isna(r.estimate):
                ax.text(-span * 0.95, y[r.unit], r.note, va="center", fontsize=7, color="#888",
                        style="italic")
                continue
            colour = {INCREASE: "#2e7d32", DECREASE: "#c62828"}.get(r.mark, "#1f4e79")
            ax.errorbar([r.estimate], [y[r.unit]], xerr=[[r.estimate - r.ci_low], [r.ci_high - r.estimate]], fmt="o",
                        color=colour, ms=4, capsize=2, lw=1)
        ax.set_xlim(-span * 1.05, span * 1.05)
        ax.set_title(rep.latest.labels[s], fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="#eee")
    axes[0].set_yticks(list(y.values()), units)
    axes[0].set_ylim(-0.7, len(units) - 0.3)
    fig.suptitle(f"Change {rep.waves[-2]} to {rep.waves[-1]} by {level} (mean difference, 95% CI)", fontsize=10)
    return fig


def change_html(rep):
    """A callable giving the HTML section of the change (for :func:`analysis.teams.report.render_html`)."""

    def section(report) -> dict:
        level = report.parent or report.group
        rows = change_rows(rep)
        heads = [h for h, f, _k, _w in CHANGE_SHEET_COLUMNS if f not in ("level", "parent")]
        cols = [(f, k) for _h, f, k, _w in CHANGE_SHEET_COLUMNS if f not in ("level", "parent")]
        body = []
        for rec in rows.to_dict("records"):
            cells = []
            for f, k in cols:
                text = show(rec[f], k) if k else str(rec[f] or "")
                cls = ' class="mark"' if f == "mark" and text else ""
                cells.append(f"<td{cls}>{html.escape(text)}</td>")
            body.append(f"<tr><td>{html.escape(rec['level'])}</td>{''.join(cells)}</tr>")
        imgs = "\n".join(f'<img class="chart" src="{data_uri(change_chart_png(rep, lv))}" alt="Change by {html.escape(lv)}">'
                         for lv in dict.fromkeys([level, report.group]))
        out = (f"<h2>Change between waves ({html.escape(' to '.join(rep.waves))})</h2>\n"
               f'<p class="note">{html.escape(_legend_text(rep))}</p>\n{imgs}\n<div class="wide"><table>\n<thead><tr><th>Level</th>'
               + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr></thead>\n<tbody>\n"
               + "\n".join(body) + "\n</tbody>\n</table></div>")
        return {"id": "change", "title": "Change between waves", "html": out}

    return section
