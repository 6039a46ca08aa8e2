"""The exclusion flow as a CONSORT-style diagram (matplotlib; deterministic PNG and SVG).

Main column: respondents received → after each rule → analysed; beside each step a box with the
respondents that rule excluded (or, for ``exclude: false`` rules, flagged only).
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from .figures import save_figure

_MAIN = dict(boxstyle="round,pad=0.5", facecolor="#eef3f8", edgecolor="#2b4c6f", linewidth=1.2)
_SIDE = dict(boxstyle="round,pad=0.45", facecolor="#fbeaea", edgecolor="#8c2d2d", linewidth=1.0)
_FLAG = dict(boxstyle="round,pad=0.45", facecolor="#f4f4f4", edgecolor="#777777", linewidth=1.0, linestyle="--")


def flow_figure(flow, path=None, n_received: int | None = None, title: str | None = "Exclusion flow",
                width: float = 7.5):
    """Draw the exclusion flow and optionally save it.

    Parameters
    ----------
    flow : DataFrame
        ``ScreeningResult.flow`` (``step, rule, description, exclude, n_before, n_flagged,
        n_excluded, n_after``).
    path : str or Path, optional
        Where to save: ``.png`` or ``.svg``; with ``.png`` an SVG is written beside it too.
        Written atomically, byte-identical for identical input.
    n_received : int, optional
        Respondents received (default: ``n_before`` of the first step).
    title : str or None
    width : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.formatting.flow import flow_figure
    >>> flow = pd.DataFrame({"step": [1], "rule": ["attention"], "description": ["failed attention check"],
    ...                      "exclude": [True], "n_before": [400], "n_flagged": [15], "n_excluded": [15],
    ...                      "n_after": [385]})
    >>> fig = flow_figure(flow)
    >>> len(fig.axes)
    1
    """
    steps = list(flow.itertuples(index=False))
    if n_received is None:
        n_received = int(steps[0].n_before) if steps else 0
    n_final = int(steps[-1].n_after) if steps else n_received
    height = 2.1 + 1.05 * max(len(steps), 1)
    fig = Figure(figsize=(width, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 10)
    ax.set_ylim(0, height)
    ax.axis("off")
    top = height - (0.55 if title else 0.3)
    if title:
        ax.text(5, height - 0.25, title, ha="center", va="top", fontsize=12, fontweight="bold")
    xm, xs = 2.6, 7.2
    y = top - 0.35
    ax.text(xm, y, f"Received\nN = {n_received}", ha="center", va="center", fontsize=10, bbox=_MAIN)
    y_prev = y
    for row in steps:
        y = y_prev - 1.05
        side_y = (y + y_prev) / 2
        n = int(row.n_excluded) if row.exclude else int(row.n_flagged)
        head = f"Step {row.step}: {row.rule}"
        body = "\n".join(textwrap.wrap(str(row.description), 34))
        tail = f"excluded n = {n}" if row.exclude else f"flagged, kept n = {n}"
        undefined = int(getattr(row, "n_undefined", 0) or 0)
        if undefined:
            tail += f" (undefined for {undefined})"
        ax.annotate("", xy=(xs - 1.75, side_y), xytext=(xm, side_y),
                    arrowprops=dict(arrowstyle="-|>", color="#8c2d2d" if row.exclude else "#777777", lw=1.0))
        ax.text(xs, side_y, f"{head}\n{body}\n{tail}", ha="center", va="center", fontsize=8.5,
                bbox=_SIDE if row.exclude else _FLAG)
        if row is not steps[-1]:
            ax.text(xm - 0.15, y + 0.12, f"n = {int(row.n_after)}", ha="right", va="center", fontsize=8.5,
                    color="#2b4c6f")
        y_prev = y
    y_end = y_prev - 0.1 if steps else y_prev - 1.05
    ax.annotate("", xy=(xm, y_end + 0.25), xytext=(xm, top - 0.75),
                arrowprops=dict(arrowstyle="-|>", color="#2b4c6f", lw=1.2))
    ax.text(xm, y_end, f"Analysed\nN = {n_final}", ha="center", va="top", fontsize=10, bbox=_MAIN)
    if path is not None:
        save_figure(fig, path, also_svg=True)
    return fig
