"""Charts for the HTML staff report: each unit's mean with its 95% CI against the organisation.

One PNG per grouping block (all scales side by side), drawn with matplotlib's object API (no
pyplot state) and saved through :func:`analysis.formatting.figures.save_figure`, so the bytes are the
same on every run. The HTML embeds them as ``data:image/png;base64`` URIs: one file to hand on.
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..formatting.figures import save_figure
from .formats import ABOVE_MARK, BELOW_MARK


def unit_chart_png(block: pd.DataFrame, scales: list, labels: dict, org: dict, response: tuple,
                   title: str, hidden: str = "hidden") -> bytes:
    """PNG bytes: for each scale, the published units' means and CIs, the organisation mean as a line.

    ``block`` has ``unit, scale, mean, ci_low, ci_high, suppressed, vs_org`` rows; suppressed
    units are listed without a point and with the words ``hidden`` beside them (their numbers are not
    in ``block`` anyway).
    """
    from matplotlib.figure import Figure

    units = list(dict.fromkeys(block["unit"]))
    h = 1.2 + 0.28 * len(units)
    fig = Figure(figsize=(3.6 * len(scales), h), layout="constrained")
    axes = fig.subplots(1, len(scales), sharey=True, squeeze=False)[0]
    y = np.arange(len(units))[::-1]
    pos = dict(zip(units, y))
    for ax, s in zip(axes, scales):
        rows = block[block["scale"] == s]
        ax.axvline(org[s], color="#555", lw=1, ls="--", label="organisation")
        for r in rows.itertuples():
            if r.suppressed or pd.isna(r.mean):
                ax.text(response[0] + 0.05, pos[r.unit], hidden, va="center", fontsize=7, color="#888",
                        style="italic")
                continue
            colour = {ABOVE_MARK: "#2e7d32", BELOW_MARK: "#c62828"}.get(r.vs_org, "#1f4e79")
            lo = r.mean - r.ci_low if pd.notna(r.ci_low) else 0.0
            hi = r.ci_high - r.mean if pd.notna(r.ci_high) else 0.0
            ax.errorbar([r.mean], [pos[r.unit]], xerr=[[lo], [hi]], fmt="o", color=colour, ms=4, capsize=2, lw=1)
        ax.set_xlim(response[0], response[1])
        ax.set_title(labels[s], fontsize=9)
        ax.tick_params(labelsize=8)
        ax.grid(axis="x", color="#eee")
    axes[0].set_yticks(y, units)
    axes[0].set_ylim(-0.7, len(units) - 0.3)
    fig.suptitle(title, fontsize=10)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chart.png"
        save_figure(fig, path)
        return path.read_bytes()


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for an ``<img src>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
