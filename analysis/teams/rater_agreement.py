"""Within-group agreement: r_wg, r_wg(j), Lindell's r*_wg(j), AD_M and a_wg, as in R multilevel 2.7.

Definitions (``n`` raters in a group after listwise deletion, ``J`` items, ``s²_j`` the unbiased
variance of item ``j`` within the group, ``S̄² = mean_j s²_j``, ``σ²_EU`` the variance expected
under the null of no agreement):

=================  ==============================================================================
r_wg               1 − s²/σ²_EU, with s² truncated at σ²_EU (so r_wg ≥ 0)        multilevel::rwg
r_wg(j)            J(1 − S̄²/σ²_EU) / [J(1 − S̄²/σ²_EU) + S̄²/σ²_EU], S̄² truncated at σ²_EU
                                                                                multilevel::rwg.j
r*_wg(j)           1 − S̄²/σ²_EU, not truncated (Lindell, Brandt & Whitney 1999)
                                                                        multilevel::rwg.j.lindell
AD_M / AD_Md       mean over items of Σ|x − mean| / n (or median)                  multilevel::ad.m
a_wg               per item 1 − 2s² / {[(H+L)M − M² − HL] · n/(n−1)}; missing when the mean M
                   lies where the maximum possible variance is not defined (M < [L(n−1)+H]/n or
                   M > [H(n−1)+L]/n); 1 when M equals H or L; then averaged over the items that
                   have a value (Brown & Hauenstein 2005)                          multilevel::awg
=================  ==============================================================================

Groups with fewer than two complete rows get NaN, as in multilevel. Rows with a missing item or
group are dropped per call (listwise, multilevel's ``na.exclude``) and counted in ``n_excluded``.

Null distributions (``null=``): ``"uniform"`` gives σ²_EU = (A² − 1)/12 for A response options
(James, Demaree & Wolf 1984). For A = 5 the named alternatives of James et al. (1984), tabled by
LeBreton & Senter (2008, Table 2), are built from their response proportions below and reproduce
the tabled variances (slight skew 1.34, moderate skew 0.90, heavy skew 0.44, triangular 1.32,
normal 1.04). For other numbers of options pass the variance (``null=1.2``) or the expected
proportions of each option (``null=[.1, .2, .4, .2, .1]``). Note that psych's ``statsBy`` "rwg"
is a within-group correlation, not this agreement index.

Everything is vectorised over groups (``np.bincount`` per item; one sort per item for medians), no loop over groups.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..deprecation import renamed
from ..errors import DataError
from .agreement_nulls import NULL_PROPORTIONS_5, null_variance  # noqa: F401  (NULL_PROPORTIONS_5: its old home)
from .agreement_nulls import _response
from .agreement_result import AgreementResult, _agreement_result, _r_call
from .grouped_items import GroupedItems, group_items, grouped_variances
from .random_groups import RgrAgreeResult, rgr_agree  # noqa: F401  (their old home)


def _rwg_j(mean_var: np.ndarray, j: int, ranvar: float) -> np.ndarray:
    s = np.minimum(mean_var, ranvar)            # multilevel truncates S̄² at σ²_EU
    a = j * (1.0 - s / ranvar)
    with np.errstate(invalid="ignore", divide="ignore"):
        return a / (a + s / ranvar)


def _ad(gi: GroupedItems, center: str) -> np.ndarray:
    if center == "mean":
        dev = np.abs(gi.dev)
    elif center == "median":
        dev = np.abs(gi.x - gi.median()[gi.codes])
    else:
        raise DataError("is not a centre; method must be 'mean' or 'median'", argument="method", value=center,
                        hint="use 'mean' or 'median'")
    ad = gi.group_sum(dev) / gi.n[:, None]
    return np.where(gi.n > 1, ad.mean(axis=1), np.nan)


def _awg(gi: GroupedItems, low: float, high: float) -> np.ndarray:
    m, v, k = gi.mean, gi.var, gi.n[:, None].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        max_var = ((high + low) * m - m * m - high * low) * (k / (k - 1))
        a = 1.0 - 2.0 * v / max_var
    a = np.where((m < (low * (k - 1) + high) / k) | (m > (high * (k - 1) + low) / k), np.nan, a)
    a = np.where((m == high) | (m == low), 1.0, a)
    a = np.where(k > 1, a, np.nan)
    # a team whose every item is NaN gives NaN, as R's mean(na.rm = TRUE) of nothing: no warning
    with np.errstate(invalid="ignore"), warnings.catch_warnings(action="ignore", category=RuntimeWarning):
        return np.nanmean(a, axis=1)


def _rwg_family(data, items, group, n_options, null, column: str, r_fn: str, index) -> AgreementResult:
    """One index of the r_wg family per group, ``index(gi, ranvar)`` with σ²_EU of ``null``, as ``column``
    (``r_fn``: its multilevel function); the data's groups from :func:`grouped_variances`."""
    ranvar = null_variance(n_options, null)
    gi = grouped_variances(data, items, group)
    return _agreement_result(gi, {column: index(gi, ranvar)},
                             {"group": group, "n_options": n_options, "null": null, "null_variance": ranvar},
                             _r_call(r_fn, gi.columns, group, ranvar))


def rwg(data, item, group, n_options=None, *, null="uniform") -> AgreementResult:
    """r_wg for one item: ``group, n, n_excluded, rwg`` (James, Demaree & Wolf 1984).

    ``data`` may be partitioned (a Dask DataFrame or a folder of Parquet files): the same table,
    computed partition by partition by Dask (:mod:`analysis.teams.partitioned`).

    Returns an :class:`AgreementResult` (its ``.table()`` one row per group; ``res["rwg"]``
    reads the column as before).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 2, 2, 2], "q": [4, 4, 5, 1, 3, 5]})
    >>> rwg(df, "q", "team", n_options=5)["rwg"].round(4).tolist()
    [0.8333, 0.0]

    # R: multilevel::rwg(df$q, df$team, ranvar = 2)
    """
    if not isinstance(item, str):
        raise DataError("is not one column name", argument="item", value=item, within="rwg",
                        hint="rwg takes one item column; use rwg_j for several items")
    return _rwg_family(data, [item], group, n_options, null, "rwg", "rwg",
                       lambda gi, ranvar: _rwg_j(gi.var[:, 0], 1, ranvar))


def rwg_j(data, items, group, n_options=None, *, null="uniform") -> AgreementResult:
    """r_wg(j) for J parallel items: ``group, n, n_excluded, rwg_j`` (James et al. 1984).

    ``data`` may be partitioned (a Dask DataFrame or a folder of Parquet files): the same table,
    computed partition by partition by Dask (:mod:`analysis.teams.partitioned`).

    Returns an :class:`AgreementResult` (one row per group in ``.table()``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1], "a": [4, 4, 5], "b": [4, 5, 5]})
    >>> round(float(rwg_j(df, ["a", "b"], "team", 5)["rwg_j"][0]), 6)
    0.909091

    # R: multilevel::rwg.j(df[, c("a", "b")], df$team, ranvar = 2)
    """
    return _rwg_family(data, items, group, n_options, null, "rwg_j", "rwg.j",
                       lambda gi, ranvar: _rwg_j(gi.var.mean(axis=1), len(gi.columns), ranvar))


def rwg_j_lindell(data, items, group, n_options=None, *, null="uniform") -> AgreementResult:
    """Lindell's r*_wg(j) = 1 − S̄²/σ²_EU (not truncated): ``group, n, n_excluded, rwg_j_lindell``.

    ``data`` may be partitioned (a Dask DataFrame or a folder of Parquet files): the same table,
    computed partition by partition by Dask (:mod:`analysis.teams.partitioned`).

    Returns an :class:`AgreementResult` (one row per group in ``.table()``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1], "a": [4, 4, 5], "b": [4, 5, 5]})
    >>> round(float(rwg_j_lindell(df, ["a", "b"], "team", 5)["rwg_j_lindell"][0]), 6)
    0.833333

    # R: multilevel::rwg.j.lindell(df[, c("a", "b")], df$team, ranvar = 2)
    """
    return _rwg_family(data, items, group, n_options, null, "rwg_j_lindell", "rwg.j.lindell",
                       lambda gi, ranvar: 1.0 - gi.var.mean(axis=1) / ranvar)


@renamed(type="method")
def ad_m(data, items, group, method: str = "mean") -> AgreementResult:
    """Average deviation AD_M (``method="mean"``) or AD_Md (``"median"``): ``group, n, n_excluded, ad_m``.

    ``method`` says what the deviations are taken from: each group's mean or its median
    (multilevel's ``type``; ``type=`` is the old name here, shadowing a built-in, and still works
    for one release with a FutureWarning).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 1], "q": [1, 2, 2, 5]})
    >>> float(ad_m(df, "q", "team")["ad_m"][0]), float(ad_m(df, "q", "team", "median")["ad_m"][0])
    (1.25, 1.0)

    # R: multilevel::ad.m(df$q, df$team, type = "mean")
    """
    gi = group_items(data, items, group)
    return _agreement_result(gi, {"ad_m": _ad(gi, method)}, {"group": group, "method": method},
                             _r_call("ad.m", gi.columns, group, method=method))


@renamed(range="response")
def awg(data, items, group, response=(1, 5)) -> AgreementResult:
    """a_wg (Brown & Hauenstein 2005), averaged over items: ``group, n, n_excluded, awg``.

    ``response`` is the (lowest, highest) response code, a tuple or ``{"min": …, "max": …}`` as in
    :func:`agreement` and :func:`analysis.prepare_items` (multilevel's ``range``; ``range=`` is the
    old name here, shadowing a built-in, and still works for one release with a FutureWarning).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 1], "q": [2, 3, 3, 4]})
    >>> round(float(awg(df, "q", "team", (1, 5))["awg"][0]), 4)
    0.75

    # R: multilevel::awg(df$q, df$team, range = c(1, 5))
    """
    _, lo, hi = _response(None, response)
    gi = group_items(data, items, group)
    return _agreement_result(gi, {"awg": _awg(gi, lo, hi)}, {"group": group, "response": (lo, hi)},
                             _r_call("awg", gi.columns, group, response=(lo, hi)))


def agreement(data, items, group, n_options=None, *, null="uniform", response=None) -> AgreementResult:
    """All agreement indices for a set of items, one row per group.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    items : list of str
        Item columns of one scale, reverse keys already applied (``ItemSet.keyed(scale)``).
    group : str
        Grouping column (team, department, …).
    n_options : int
        Number of response options A (σ²_EU = (A² − 1)/12 under the uniform null).
    null : str, float or sequence
        Null distribution, see :func:`null_variance`.
    response : tuple or dict, optional
        Lowest and highest response code for a_wg; default ``(1, n_options)``.

    Returns
    -------
    AgreementResult
        ``.table()``: ``group, n, n_excluded, n_items, rwg_j, rwg_j_lindell, ad_m, ad_md, awg``
        (and ``rwg`` when one item is given). ``n`` counts complete rows; ``n_excluded`` rows
        dropped because an item was missing. ``res["rwg_j"]``, ``.loc`` … read the table.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": ["a"] * 3 + ["b"] * 3, "q1": [4, 4, 5, 1, 3, 5], "q2": [4, 5, 5, 2, 4, 5]})
    >>> agreement(df, ["q1", "q2"], "team", n_options=5)[["group", "n", "rwg_j"]].round(3)
      group  n  rwg_j
    0     a  3  0.909
    1     b  3  0.000

    # R: multilevel::rwg.j(x, grpid, ranvar = 2); rwg.j.lindell(...); ad.m(...); awg(x, grpid, c(1, 5))
    """
    n_options, lo, hi = _response(n_options, response)
    ranvar = null_variance(n_options, null)
    gi = group_items(data, items, group)
    j = len(gi.columns)
    mean_var = gi.var.mean(axis=1)
    cols = {"n_items": np.full(len(gi.n), j)}
    if j == 1:
        cols["rwg"] = _rwg_j(mean_var, 1, ranvar)
    cols.update({
        "rwg_j": _rwg_j(mean_var, j, ranvar),
        "rwg_j_lindell": 1.0 - mean_var / ranvar,
        "ad_m": _ad(gi, "mean"),
        "ad_md": _ad(gi, "median"),
        "awg": _awg(gi, lo, hi),
    })
    calls = [_r_call("rwg" if j == 1 else "rwg.j", gi.columns, group, ranvar),
             _r_call("rwg.j.lindell", gi.columns, group, ranvar), _r_call("ad.m", gi.columns, group, method="mean"),
             _r_call("ad.m", gi.columns, group, method="median"), _r_call("awg", gi.columns, group, response=(lo, hi))]
    res = _agreement_result(gi, cols, {"group": group, "n_options": n_options, "null": null,
                                             "null_variance": ranvar, "response": (lo, hi)},
                            "; ".join(calls), attrs={"null_variance": ranvar})
    res.groups["n_items"] = j
    return res
