"""The respondents × items matrix and R's pairwise-complete correlations, for the indices.

``_matrix`` reads a DataFrame or 2-D array as a float matrix; ``_pairwise_cov`` is R's
``cov``/``cor(use = "pairwise")`` over the items; ``_row_corr`` each respondent's Pearson r of two
answer vectors (R's ``cor`` per row). Used by :mod:`.indices` (mahad, evenodd) and
:mod:`.synonym_pairs` (psychsyn, psychant).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import check_numeric
from ..errors import DataError

def _matrix(x, what: str) -> tuple[np.ndarray, pd.Index, list]:
    """Float matrix, row index and column names of ``x`` (DataFrame or 2-D array)."""
    if isinstance(x, pd.DataFrame):
        try:
            values = x.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):   # text cells: named with file, row, column and value
            values = check_numeric(x, list(x.columns), what,
                                   hint="prepare the items first (analysis.prepare_items)").to_numpy()
        return values, x.index, [str(c) for c in x.columns]
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise DataError(f"has {arr.ndim} dimension(s), not a respondents × items matrix", argument="x",
                        value=f"an array of shape {arr.shape}", within=what,
                        hint="pass a DataFrame or 2-D array with one row per respondent")
    return arr, pd.RangeIndex(arr.shape[0]), [f"V{j + 1}" for j in range(arr.shape[1])]


def _pairwise_cov(values: np.ndarray, corr: bool = False) -> np.ndarray:
    """Covariance (or correlation) matrix over pairwise-complete rows, like R's
    ``cov(x, use = "pairwise")`` / ``cor(...)``: each pair uses the rows where both items are
    answered, with that pair's own means. Computed with matrix products (BLAS) on data centred at
    the column means first (the pairwise formulas are shift-invariant; centring keeps them exact
    to rounding). NaN where a pair has fewer than two rows or an item no variance (correlation)."""
    ok = ~np.isnan(values)
    m = ok.astype(np.float64)
    centre = np.nanmean(np.where(ok.any(axis=0), values, 0.0), axis=0)
    x = np.where(ok, values - centre, 0.0)
    n = m.T @ m                                  # rows with both answered
    s = x.T @ m                                  # s[a, b]: sum of a over rows where b is answered
    ss = (x * x).T @ m                           # sum of squares of a over rows where b is answered
    xy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (xy - s * s.T / n) / (n - 1)
        if not corr:
            return np.where(n >= 2, cov, np.nan)
        va = (ss - s * s / n)                    # var of a over the pair's rows (times n - 1)
        vb = va.T
        r = (xy - s * s.T / n) / np.sqrt(va * vb)
    tiny = 1e-12 * np.maximum(1.0, ss)
    bad = (n < 2) | (va <= tiny) | (vb <= tiny.T)
    r = np.where(bad, np.nan, np.clip(r, -1.0, 1.0))
    np.fill_diagonal(r, np.where(np.diag(bad), np.nan, 1.0))
    return r


def _row_corr(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pearson r of ``a[i]`` with ``b[i]`` for every row over the complete pairs; (r, n_complete).

    NaN where fewer than two complete pairs or either side has no variance (R's ``cor`` gives NA).
    Sums of products via ``einsum`` (no n × k temporaries); each row is shifted by its first
    complete pair before summing so that the one-pass formulas keep full precision.
    """
    ok = ~(np.isnan(a) | np.isnan(b))
    n = ok.sum(axis=1)
    first = np.argmax(ok, axis=1)
    rows = np.arange(a.shape[0])
    a0 = np.where(ok, a - a[rows, first][:, None], 0.0)
    b0 = np.where(ok, b - b[rows, first][:, None], 0.0)
    sa, sb = a0.sum(axis=1), b0.sum(axis=1)
    saa = np.einsum("ij,ij->i", a0, a0)
    sbb = np.einsum("ij,ij->i", b0, b0)
    sab = np.einsum("ij,ij->i", a0, b0)
    with np.errstate(invalid="ignore", divide="ignore"):
        vaa = saa - sa * sa / n
        vbb = sbb - sb * sb / n
        r = (sab - sa * sb / n) / np.sqrt(vaa * vbb)
    # a variance that is zero up to rounding (constant answers) is zero: R's cor() says NA there
    undefined = (n < 2) | ~(vaa > 1e-12 * np.maximum(1.0, saa)) | ~(vbb > 1e-12 * np.maximum(1.0, sbb))
    r = np.where(undefined, np.nan, np.clip(r, -1.0, 1.0))
    return r, n
