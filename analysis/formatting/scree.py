"""The scree plot of an exploratory factor analysis or a parallel analysis (matplotlib, no pyplot
state; deterministic bytes through :func:`analysis.formatting.figures.save_figure`)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .figures import finish_figure


def scree_figure(observed, random=None, path=None, title: str = "Scree plot", ylabel: str = "Eigenvalue",
                 retained: int | None = None):
    """Eigenvalues by position: observed (filled) and, for a parallel analysis, random (dashed).

    Parameters
    ----------
    observed : dict of str to array
        Label → eigenvalues, largest first (e.g. ``{"Components": ..., "Factors": ...}``).
    random : dict of str to array, optional
        Label → the random-data eigenvalues of a parallel analysis, drawn dashed.
    path : str or Path, optional
        Where to save (``.png``, ``.svg`` or ``.pdf``), atomically and byte-identical on a rerun.
    title, ylabel : str
    retained : int, optional
        Number of factors suggested; marked with a vertical line.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from analysis.formatting.scree import scree_figure
    >>> fig = scree_figure({"Factors": [2.5, 0.9, 0.3]}, {"Factors": [0.4, 0.2, 0.1]}, retained=1)
    >>> [line.get_label() for line in fig.axes[0].lines][:2]
    ['Factors (observed)', 'Factors (random data)']
    """
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot(1, 1, 1)
    markers = ["o", "s", "^", "D"]
    for k, (label, values) in enumerate(observed.items()):
        v = np.asarray(values, float)
        ax.plot(np.arange(1, len(v) + 1), v, marker=markers[k % 4], color="black", linewidth=1.2,
                markerfacecolor="black" if k == 0 else "white", label=f"{label} (observed)")
    for k, (label, values) in enumerate((random or {}).items()):
        v = np.asarray(values, float)
        ax.plot(np.arange(1, len(v) + 1), v, linestyle="--", color="0.45", linewidth=1.0,
                marker=markers[k % 4], markersize=3, label=f"{label} (random data)")
    if retained:
        ax.axvline(retained, color="0.6", linestyle=":", linewidth=1.0)
    ax.axhline(0, color="0.8", linewidth=0.6)
    ax.set_xlabel("Position")
    ax.set_ylabel(ylabel)
    n = max(len(np.asarray(v)) for v in observed.values())
    ax.set_xticks(range(1, n + 1))
    ax.set_title(title, loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    return finish_figure(fig, ax, path)
