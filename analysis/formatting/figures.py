"""Saving figures: deterministic bytes, atomic writes, never under ``data/raw/``.

Every figure goalscope writes (exclusion flow, interaction plots, profile plots, …) goes through
:func:`save_figure`, so the same inputs give byte-identical PNG/SVG/PDF files.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from ..atomic import atomic_write_bytes
from ..errors import DataError

_FORMATS = {
    ".png": {"format": "png", "dpi": 150, "metadata": {"Software": None}},
    ".svg": {"format": "svg", "metadata": {"Date": None, "Creator": None}},
    ".pdf": {"format": "pdf", "metadata": {"CreationDate": None, "Creator": None, "Producer": None}},
}


def save_figure(fig, path, also_svg: bool = False) -> list[Path]:
    """Save ``fig`` by the file ending (.png, .svg or .pdf) without timestamps and with fixed SVG
    ids; ``also_svg`` writes an .svg beside a .png. Returns the files written.

    Examples
    --------
    >>> import os, tempfile, matplotlib.pyplot as plt
    >>> from analysis.formatting.figures import save_figure
    >>> fig, ax = plt.subplots(); _ = ax.plot([1, 2])
    >>> [p.suffix for p in save_figure(fig, os.path.join(tempfile.mkdtemp(), "f.png"), also_svg=True)]
    ['.png', '.svg']
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _FORMATS:
        raise DataError("is not a figure file name", argument="path", value=Path(path),
                        hint="use a .png, .svg or .pdf file name")
    suffixes = [suffix] + ([".svg"] if also_svg and suffix == ".png" else [])
    written = []
    with matplotlib.rc_context({"svg.hashsalt": "goalscope", "svg.fonttype": "path"}):
        for s in suffixes:
            buf = io.BytesIO()
            fig.savefig(buf, **_FORMATS[s])
            written.append(atomic_write_bytes(p.with_suffix(s), buf.getvalue()))
    return written


def finish_figure(fig, ax, path=None, layout: bool = True):
    """The last steps every goalscope chart shares: no top/right frame, a tight layout (unless the
    caller placed the axes itself, ``layout=False``), saved by :func:`save_figure` when ``path`` is
    given; returns the figure.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from analysis.formatting.figures import finish_figure
    >>> fig = Figure(); ax = fig.subplots(); _ = ax.plot([1, 2])
    >>> finish_figure(fig, ax) is fig, ax.spines["top"].get_visible()
    (True, False)
    """
    ax.spines[["top", "right"]].set_visible(False)
    if layout:
        fig.tight_layout()
    if path is not None:
        save_figure(fig, path)
    return fig
