"""ICC(1) and ICC(2) from a one-way ANOVA with unequal group sizes, as in R multilevel 2.7.

With ``N`` observations in ``G`` groups, MSB and MSW the between- and within-group mean squares
of the one-way ANOVA, and ``k = N / G`` the mean group size (multilevel's ``ICC1`` takes
``GSIZE = (df_within + df_between + 1) / (df_between + 1)``, which is N / G)::

    ICC(1) = (MSB − MSW) / (MSB + (k − 1) MSW)        # R: multilevel::ICC1(aov(y ~ as.factor(g)))
    ICC(2) = (MSB − MSW) / MSB                        # R: multilevel::ICC2(aov(y ~ as.factor(g)))

R's ``aov`` builds a dense N × G design matrix (it did not finish in 15 minutes for 100,000
people in 5,000 teams); here the sums of squares come from ``np.bincount`` in O(N) time and memory.
Rows with a missing value or group are dropped (as ``aov`` does) and counted in ``n_excluded``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_data, check_numeric
from ..errors import DataError

ICC_COLUMNS = ["variable", "n", "n_excluded", "n_groups", "k", "df_between", "df_within", "msb", "msw",
               "f", "p_val", "icc1", "icc2"]


def _codes(data: pd.DataFrame, group: str):
    if group not in data.columns:
        raise DataError(f"group column '{group}' is not in the data")
    return pd.factorize(data[group], sort=False, use_na_sentinel=True)[0]


def oneway(y: np.ndarray, codes: np.ndarray) -> dict:
    """One-way ANOVA pieces from values and integer group codes (``codes < 0`` or NaN y dropped)."""
    ok = (codes >= 0) & ~np.isnan(y)
    y, c = y[ok], codes[ok]
    n_g = np.bincount(c)
    present = n_g > 0
    g = int(present.sum())
    n = len(y)
    if g < 2 or n <= g:
        raise DataError(f"ICC needs at least two groups and more people than groups (have {n} people in {g} groups)")
    sums = np.bincount(c, weights=y, minlength=len(n_g))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(present, sums / np.maximum(n_g, 1), 0.0)
    grand = y.mean()
    dev = y - means[c]
    ssw = float(dev @ dev)
    d = means[present] - grand
    ssb = float(n_g[present] @ (d * d))
    df_b, df_w = g - 1, n - g
    msb, msw = ssb / df_b, ssw / df_w
    k = n / g
    with np.errstate(invalid="ignore", divide="ignore"):
        f = msb / msw
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
    return {"n": n, "n_excluded": int((~ok).sum()), "n_groups": g, "k": k, "df_between": df_b, "df_within": df_w,
            "msb": msb, "msw": msw, "f": f, "p_val": float(stats.f.sf(f, df_b, df_w)), "icc1": icc1, "icc2": icc2}


def icc(data: pd.DataFrame, value, group: str) -> pd.DataFrame:
    """ICC(1) and ICC(2) of one or more variables nested in groups.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    value : str or list of str
        Variable(s) measured on persons (item or scale scores).
    group : str
        Grouping column.

    Returns
    -------
    DataFrame
        One row per variable: ``variable, n, n_excluded, n_groups, k`` (mean group size),
        ``df_between, df_within, msb, msw, f, p_val, icc1, icc2``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 2, 2, 3, 3, 3], "y": [4, 5, 4, 2, 1, 3, 3, 4]})
    >>> icc(df, "y", "team")[["icc1", "icc2"]].round(4)
         icc1    icc2
    0  0.8204  0.9241

    # R: m <- aov(y ~ as.factor(team), df); multilevel::ICC1(m); multilevel::ICC2(m)
    """
    data = check_data(data, "icc")
    values = [value] if isinstance(value, str) else list(value)
    codes = _codes(data, group)
    numeric = check_numeric(data, values, "icc", hint="an ICC needs numeric scores; score the items first (score) "
                            "or recode the value")
    rows = []
    for v in values:
        y = numeric[v].to_numpy(dtype=np.float64, na_value=np.nan)
        rows.append({"variable": v, **oneway(y, codes)})
    return pd.DataFrame(rows, columns=ICC_COLUMNS)
