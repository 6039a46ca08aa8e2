"""One correlation of a table: Pearson or Spearman r, optionally partial given covariates, with
its Fisher-z CI, t test and df (df = n − 2 − k; see :mod:`.correlation_table` for the rules and the
R functions they follow), and the per-pair columns under their protocol names.

Shared by :func:`~analysis.models.correlations` (every pair of a table) and
:func:`~analysis.models.partial_correlation` (one pair).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError

#: the per-pair columns of :func:`correlations` / :func:`partial_correlation` under their
#: protocol names in ``.table()`` (``.long`` keeps ``r`` and ``t``)
_TIDY = {"r": "estimate", "t": "statistic"}


def _tidy_pairs(long: pd.DataFrame) -> pd.DataFrame:
    """``x, y, method, covar, n, k, df, estimate, ci_low, ci_high, statistic, p_val`` (+ ``p_adj``)."""
    return long.rename(columns=_TIDY).reset_index(drop=True)

METHODS = ("pearson", "spearman")


def _corr_pair(x: np.ndarray, y: np.ndarray, z: np.ndarray | None, method: str, level: float,
               names=("x", "y")) -> dict:
    """r, CI, t, df, p of one (partial) correlation on complete data (already filtered)."""
    n = x.shape[0]
    k = 0 if z is None else z.shape[1]
    if method == "spearman":
        x, y = stats.rankdata(x), stats.rankdata(y)
        if k:
            z = np.column_stack([stats.rankdata(c) for c in z.T])
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    df = n - 2 - k
    if df < 1 or n - 3 - k < 1:
        raise DataError(f"have {n} complete rows, too few for {k} covariate(s) (need at least {k + 4})",
                        file=None, column=list(names[:2]), within="correlation",   # arrays only: the caller names the file
                        hint="Collect more responses, or use fewer covariates.")
    if k:
        design = np.column_stack([np.ones(n), z])
        beta, *_ = np.linalg.lstsq(design, np.column_stack([x, y]), rcond=None)
        res = np.column_stack([x, y]) - design @ beta
        for i, nm in enumerate(names):
            v0 = np.var(x if i == 0 else y)
            if v0 == 0 or np.var(res[:, i]) <= 1e-12 * v0:
                raise DataError("is (nearly) a linear function of the covariates, so its partial correlation is "
                                "undefined", file=None, column=nm, within="partial correlation",
                                hint="drop it from the covariates")
        x, y = res[:, 0], res[:, 1]
    sx, sy = np.std(x), np.std(y)
    if sx == 0 or sy == 0:
        nm = names[0] if sx == 0 else names[1]
        raise DataError(f"has no variance among the {n} complete rows", file=None, column=nm, within="correlation",
                        hint="Leave the column out: a constant correlates with nothing.")
    xc, yc = x - x.mean(), y - y.mean()
    r = float(np.clip(xc @ yc / np.sqrt((xc @ xc) * (yc @ yc)), -1, 1))
    with np.errstate(divide="ignore"):
        t = r * np.sqrt(df / (1 - r * r)) if abs(r) < 1 else np.sign(r) * np.inf
    p = float(2 * stats.t.sf(abs(t), df))
    q = stats.norm.ppf(0.5 + level / 2)
    zr = np.arctanh(r) if abs(r) < 1 else np.sign(r) * np.inf
    half = q / np.sqrt(n - 3 - k)
    return {"n": n, "k": k, "df": df, "r": r, "ci_low": float(np.tanh(zr - half)),
            "ci_high": float(np.tanh(zr + half)), "t": float(t), "p_val": p}


def _numeric(data, cols):
    return data[cols].apply(pd.to_numeric).to_numpy(float)


def _check_method(method):
    if method not in METHODS:
        raise DataError("is not supported", argument="method", value=method, within="correlation",
                        hint=f"use one of {', '.join(METHODS)}")
