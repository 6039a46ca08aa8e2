"""Figures for the tidy tables of declared analyses, readable without colour.

:func:`coefficient_plot` draws estimates with their CIs (one row per term, intercepts left out);
:func:`correlation_plot` draws the lower triangle of a correlation table with the r printed in each
cell on a grey scale. Both return a matplotlib figure; :func:`analysis.formatting.figures.save_figure`
writes it with deterministic bytes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .labels import label_term


def coefficient_plot(long: pd.DataFrame, labels: dict | None = None, title: str = "",
                     xlabel: str = "Estimate with its confidence interval"):
    """Estimates and CIs of a model table (``term, estimate, ci_low, ci_high``), intercepts omitted.

    >>> t = pd.DataFrame({"term": ["Intercept", "a", "b"], "estimate": [1, .2, -.1],
    ...                   "ci_low": [.5, .1, -.3], "ci_high": [1.5, .3, .1]})
    >>> len(coefficient_plot(t).axes[0].lines) > 0
    True
    """
    labels = labels or {}
    t = long[~long["term"].astype(str).str.lower().isin(["intercept", "const", "(intercept)"])]
    t = t.dropna(subset=["estimate"])
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(t), 2) + 1.2))
    y = np.arange(len(t))[::-1]
    names = [label_term(v, labels) for v in t["term"]]
    low, high = t["ci_low"].to_numpy(float), t["ci_high"].to_numpy(float)
    est = t["estimate"].to_numpy(float)
    ax.hlines(y, low, high, color="black", linewidth=1.4)
    ax.plot(est, y, "o", color="black", markerfacecolor="white", markersize=6)
    ax.axvline(0, color="0.5", linestyle="--", linewidth=0.8)
    ax.set_yticks(y, names)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def correlation_plot(long: pd.DataFrame, labels: dict | None = None, title: str = ""):
    """The lower triangle of a correlation table (``x, y, r``), r printed in each cell, grey scale.

    >>> t = pd.DataFrame({"x": ["a", "a", "b"], "y": ["b", "c", "c"], "r": [.3, -.2, .5]})
    >>> len(correlation_plot(t).axes) >= 1
    True
    """
    labels = labels or {}
    cols = list(dict.fromkeys(list(long["x"]) + list(long["y"])))
    k = len(cols)
    pos = {c: i for i, c in enumerate(cols)}
    m = np.full((k, k), np.nan)
    for row in long.itertuples(index=False):
        i, j = sorted((pos[row.x], pos[row.y]), reverse=True)
        m[i, j] = row.r
    fig, ax = plt.subplots(figsize=(1.0 * k + 2.5, 0.8 * k + 1.5))
    ax.imshow(np.abs(m), cmap="Greys", vmin=0, vmax=1.4)
    for i in range(k):
        for j in range(i):
            if not np.isnan(m[i, j]):
                ax.text(j, i, f"{m[i, j]:.2f}".replace("0.", ".").replace("-", "−"), ha="center", va="center",
                        fontsize=9, color="white" if abs(m[i, j]) > 0.7 else "black")
    names = [labels.get(c, c) for c in cols]
    ax.set_xticks(range(k), names, rotation=40, ha="right")
    ax.set_yticks(range(k), names)
    if title:
        ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig
