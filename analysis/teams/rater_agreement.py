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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_columns, check_data, check_numeric, check_seed, draw_seed
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..io.partitions import opened
from .aggregation import group_moments
from .intraclass import group_codes
from .partitioned import merge_moments, per_partition, stacked
from ..results import Result, TableResult

#: expected proportions of options 1..5 under the alternative nulls of James et al. (1984)
NULL_PROPORTIONS_5 = {
    "slight_skew": (0.05, 0.15, 0.20, 0.35, 0.25),
    "moderate_skew": (0.00, 0.10, 0.15, 0.40, 0.35),
    "heavy_skew": (0.00, 0.00, 0.10, 0.40, 0.50),
    "triangular": (0.11, 0.22, 0.34, 0.22, 0.11),
    "normal": (0.07, 0.24, 0.38, 0.24, 0.07),
}


def null_variance(n_options: int | None = None, null="uniform") -> float:
    """σ²_EU, the item variance expected when raters do not agree.

    Parameters
    ----------
    n_options : int
        Number of response options A (5 for a 1-5 scale).
    null : str, float or sequence
        ``"uniform"`` ((A² − 1)/12), a named alternative for A = 5 (``"slight_skew"``,
        ``"moderate_skew"``, ``"heavy_skew"``, ``"triangular"``, ``"normal"``), a variance, or the
        expected proportion of each of the A options.

    Examples
    --------
    >>> null_variance(5)
    2.0
    >>> round(null_variance(5, "slight_skew"), 10)
    1.34

    # R: (5^2 - 1) / 12   (multilevel's ranvar argument)
    """
    if isinstance(null, (int, float, np.floating)) and not isinstance(null, bool):
        if not null > 0:
            raise DataError("is not a positive variance", argument="null", value=null,
                            hint="give a variance above 0, a tabled null's name or proportions")
        return float(null)
    if isinstance(null, str):
        if null == "uniform":
            a = _check_options(n_options)
            return (a * a - 1) / 12.0
        if null not in NULL_PROPORTIONS_5:
            raise DataError("is not a null distribution", argument="null", value=null,
                            hint="use 'uniform', " + ", ".join(repr(k) for k in NULL_PROPORTIONS_5)
                                 + ", a variance or proportions")
        if _check_options(n_options) != 5:
            raise DataError("is tabled for 5 response options only (James et al., 1984)", argument="null",
                            value=null, hint=f"for {n_options} options pass its variance (null=1.2) or proportions "
                                             f"(null=[...])")
        null = NULL_PROPORTIONS_5[null]
    p = np.asarray(null, dtype=float)
    if p.ndim != 1 or (n_options is not None and len(p) != n_options) or np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise DataError(f"is not {n_options or 'A'} non-negative proportions summing to 1", argument="null",
                        value=list(null), hint="give one proportion per response option")
    x = np.arange(1, len(p) + 1, dtype=float)
    m = float(p @ x)
    return float(p @ (x - m) ** 2)


def _check_options(n_options) -> int:
    if n_options is None:
        raise DataError("is not given", argument="n_options", value=n_options,
                        hint="say how many response options the items have (n_options=5 for a 1-5 scale)")
    a = int(n_options)
    if a != n_options or a < 2:
        raise DataError("is not a number of response options", argument="n_options", value=n_options,
                        hint="give a whole number of at least 2")
    return a


# ---------------------------------------------------------------------------------------------
@dataclass
class GroupedItems:
    """Complete rows of some items, sorted by group, with per-group sums of squares ready."""

    labels: np.ndarray      # group labels in sorted order (G,)
    n: np.ndarray           # complete rows per group (G,)
    n_excluded: np.ndarray  # rows dropped for a missing item, per group (G,)
    x: np.ndarray           # complete rows, items in columns (N × J, Fortran order)
    codes: np.ndarray       # group code (0..G-1) of each row of ``x`` (N,)
    columns: list
    all_labels: np.ndarray = None      # every group, including those without complete rows
    keep: np.ndarray = None            # which of ``all_labels`` have complete rows
    all_n_excluded: np.ndarray = None
    n_rows: int = 0                    # rows of the data, complete or not

    @classmethod
    def counted(cls, labels: np.ndarray, n_all: np.ndarray, n_full: np.ndarray, columns: list, n_rows: int, *,
                group: str, source, what: str, x: np.ndarray = None, codes: np.ndarray = None) -> "GroupedItems":
        """From every group's label (sorted), rows with a group (``n_all``) and complete rows (``n_full``).

        ``x`` and ``codes`` are the complete rows when they are in memory; partitioned data give
        the moments instead (:meth:`with_moments`).
        """
        if len(labels) == 0:
            raise DataError("has no values", file=source, column=group, item="the group column", within=what,
                            hint="Choose the column that holds each respondent's group.")
        keep = n_full > 0  # groups whose every row misses an item get NaN statistics and n = 0
        if not keep.any():
            raise DataError(f"have no row with every one of them and a '{group}' value: nothing to compute",
                            file=source, column=columns, within=what, hint="Check the items' missing values.")
        if codes is not None and not keep.all():
            codes = (np.cumsum(keep) - 1)[codes]
        return cls(labels=np.asarray(labels)[keep], n=n_full[keep], n_excluded=(n_all - n_full)[keep], x=x,
                   codes=codes, columns=columns, all_labels=np.asarray(labels), keep=keep,
                   all_n_excluded=n_all - n_full, n_rows=int(n_rows))

    def with_moments(self, mean: np.ndarray, ss: np.ndarray) -> "GroupedItems":
        """Set each kept group's item means and sums of squares around them (G × J), for data whose
        rows are not in memory (:mod:`analysis.teams.partitioned`); ``var`` follows from them."""
        self._mean = mean
        self._var = within_variance(ss, self.n)
        return self

    @property
    def mean(self) -> np.ndarray:
        if not hasattr(self, "_mean"):
            self._mean = self.group_sum(self.x) / self.n[:, None]
        return self._mean

    @property
    def dev(self) -> np.ndarray:
        if not hasattr(self, "_dev"):
            self._dev = self.x - self.mean[self.codes]
        return self._dev

    @property
    def var(self) -> np.ndarray:
        """Unbiased within-group variance of each item (G × J); NaN for groups of one."""
        if not hasattr(self, "_var"):
            self._var = within_variance(self.group_sum(self.dev * self.dev), self.n)
        return self._var

    def group_sum(self, v: np.ndarray) -> np.ndarray:
        """Per-group column sums of an N × J array (one ``np.bincount`` per item, O(N))."""
        g = len(self.n)
        return np.column_stack([np.bincount(self.codes, weights=v[:, j], minlength=g) for j in range(v.shape[1])])

    def median(self) -> np.ndarray:
        """Within-group median of each item (G × J), by counting for integer codes, else by sorting."""
        g, j_items = len(self.n), self.x.shape[1]
        r_lo, r_hi = (self.n - 1) // 2, self.n // 2          # 0-based ranks of the middle values
        out = np.empty((g, j_items))
        lo_val, hi_val = float(self.x.min()), float(self.x.max())
        span = hi_val - lo_val
        if span < 256 and np.array_equal(self.x, np.round(self.x)):
            # answer codes: count each code per group, then read the middle ranks off the cumulative counts
            v = int(span) + 1
            for j in range(j_items):  # a loop over items, not groups
                idx = (self.x[:, j] - lo_val).astype(np.int64)
                cum = np.bincount(self.codes * v + idx, minlength=g * v).reshape(g, v).cumsum(axis=1)
                a = np.argmax(cum > r_lo[:, None], axis=1)
                b = np.argmax(cum > r_hi[:, None], axis=1)
                out[:, j] = lo_val + (a + b) / 2.0
            return out
        starts = np.concatenate([[0], np.cumsum(self.n)[:-1]])
        for j in range(j_items):
            srt = self.x[np.lexsort((self.x[:, j], self.codes)), j]
            out[:, j] = (srt[starts + r_lo] + srt[starts + r_hi]) / 2.0
        return out


def group_items(data: pd.DataFrame, items, group, what: str = "agreement") -> GroupedItems:
    """Check columns, drop incomplete rows (listwise, counted per group) and sort by group."""
    data = check_data(data, what)
    items = item_list(data, items, group, what)
    x = item_matrix(data, items, what)
    codes, labels = pd.factorize(data[group], sort=True, use_na_sentinel=True)
    g = len(labels)
    has_group = codes >= 0
    complete = has_group & ~np.isnan(x).any(axis=1)
    n_all = np.bincount(codes[has_group], minlength=g)
    if complete.all():
        codes_c = codes
    else:
        codes_c, x = codes[complete], x[complete]
    x = np.asfortranarray(x)  # each item contiguous for the per-item bincounts
    return GroupedItems.counted(labels, n_all, np.bincount(codes_c, minlength=g), items, len(data), group=group,
                                source=data.attrs.get("source"), what=what, x=x, codes=codes_c)


def item_list(data: pd.DataFrame, items, group, what: str) -> list:
    """The item columns as a list, refused when empty or when the data lack one of them or the group."""
    items = [items] if isinstance(items, str) else list(items)
    if not items:
        raise DataError("names no item column", argument="items", value=items, within=what,
                        hint="give at least one item column")
    check_columns(data, items + [group], what)
    return items


def item_matrix(data: pd.DataFrame, items: list, what: str) -> np.ndarray:
    """The items as an N × J float array (a text cell refused with its file row, column and value)."""
    block = data[items]
    if all(pd.api.types.is_float_dtype(t) or pd.api.types.is_integer_dtype(t) for t in block.dtypes) and \
            not any(isinstance(t, pd.api.extensions.ExtensionDtype) for t in block.dtypes):
        return block.to_numpy(dtype=np.float64)      # one copy for plain numpy columns
    return check_numeric(data, items, what, hint="agreement needs numeric answers; score or recode the items "
                         "first (prepare_items, recode=, labels=)").to_numpy(dtype=np.float64)


def within_variance(ss: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Unbiased within-group variance (G × J) from sums of squares around the group means; NaN for groups of one."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n[:, None] > 1, ss / (n[:, None] - 1), np.nan)


def grouped_variances(data, items, group, what: str = "agreement") -> GroupedItems:
    """:func:`group_items` for data in memory; for partitioned data (a Dask DataFrame or a folder of
    Parquet files) the group sizes, item means and variances merged over the partitions."""
    from ..checks import is_partitioned

    if is_partitioned(data):
        return grouped_moments(data, items, group, what)
    return group_items(data, items, group, what)


def _frame(gi: GroupedItems, cols: dict) -> pd.DataFrame:
    """One row per group (groups without complete rows included, with NaN statistics)."""
    keep = gi.keep
    n = np.zeros(len(keep), dtype=np.int64)
    n[keep] = gi.n
    out = {"group": gi.all_labels, "n": n, "n_excluded": gi.all_n_excluded.astype(np.int64)}
    for k, v in cols.items():
        full = np.full(len(keep), np.nan)
        full[keep] = v
        out[k] = full
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------------------------
#: how the APA text and the R call name each index
INDEX_LABELS = {"rwg": "r_wg", "rwg_j": "r_wg(j)", "rwg_j_lindell": "r*_wg(j)", "ad_m": "AD_M", "ad_md": "AD_Md",
                "awg": "a_wg"}
_BOUNDED = {"rwg", "rwg_j", "rwg_j_lindell", "awg"}   # at most 1: no leading zero (APA)


class AgreementResult(TableResult):
    """Within-group agreement, one row per group (the result protocol of :mod:`analysis.results`).

    ``table()`` (= ``.groups``) is the per-group table (``group, n, n_excluded`` and the indices);
    ``summary()`` one row per index (groups with a value, mean, SD, median, min, max); ``apa()``
    the text; ``n`` the respondents analysed (complete rows with a group), ``n_excluded`` the rows
    left out (a missing item or group); ``options`` (``items, group, n_options, null,
    null_variance, response, method, nan_policy``) and ``r_call`` (the multilevel call). Like a
    DataFrame it passes ``res["rwg_j"]``, ``.loc``, ``.to_csv`` … on to its table.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import agreement
    >>> staff = read_dataset("staff_demo")
    >>> res = agreement(staff, ["wdgo_1", "wdgo_2", "wdgo_3"], "department", n_options=6)
    >>> res.n, res.n_excluded, res.options["null_variance"]
    (325, 9, 2.9166666666666665)
    >>> res.summary()["index"].tolist()
    ['rwg_j', 'rwg_j_lindell', 'ad_m', 'ad_md', 'awg']

    # R: multilevel::rwg.j(staff[, c("wdgo_1", "wdgo_2", "wdgo_3")], staff$department, ranvar = 2.916667)
    """

    _table_name = "groups"

    def __init__(self, groups: pd.DataFrame, indices: list, n: int, n_excluded: int, options: dict, r_call: str):
        self.groups = groups
        self.indices = list(indices)
        self.n = int(n)
        self.n_excluded = int(n_excluded)
        self.options = dict(options)
        self.r_call = r_call

    @property
    def null_variance(self) -> float | None:
        """σ²_EU used (None for AD_M and a_wg, which need none)."""
        return self.options.get("null_variance")

    def summary(self) -> pd.DataFrame:
        """One row per index: ``index, n_groups`` (groups with a value), ``mean, sd, median, min, max``."""
        rows = []
        for col in self.indices:
            x = self.groups[col].dropna()
            rows.append({"index": col, "n_groups": int(len(x)), "mean": x.mean(), "sd": x.std(ddof=1),
                         "median": x.median(), "min": x.min(), "max": x.max()})
        return pd.DataFrame(rows, columns=["index", "n_groups", "mean", "sd", "median", "min", "max"])


@apa.register
def _apa_agreement(res: AgreementResult) -> Apa:
    """"r_wg(j): Mdn = .78 (range .40–.95); … (10 groups, N = 200)"."""
    s = res.summary()
    parts = []
    for r in s.itertuples():
        gt1 = r.index not in _BOUNDED
        if r.n_groups:
            parts.append(f"{INDEX_LABELS[r.index]}: Mdn = {apa_num(r.median, gt1=gt1)}, M = {apa_num(r.mean, gt1=gt1)} "
                         f"(range {apa_num(r.min, gt1=gt1)} to {apa_num(r.max, gt1=gt1)})")
        else:
            parts.append(f"{INDEX_LABELS[r.index]}: undefined in every group")
    groups = f"{int((res.groups['n'] > 0).sum())} groups of {res.options['group']}, N = {res.n}"
    null = res.options.get("null")
    if res.null_variance is not None:
        groups += f"; null: {null if isinstance(null, str) else 'given'}, σ²_EU = {apa_num(res.null_variance)}"
    text = "; ".join(parts) + f" ({groups})."
    table = s.assign(**{c: s[c].map(lambda v, c=c: "" if pd.isna(v) else apa_num(v)) for c in
                        ("mean", "sd", "median", "min", "max")})
    return Apa(estimate="; ".join(parts), statistic="", full_result=text, table=table)


def _r_items(items) -> str:
    if len(items) == 1:
        return f"data${items[0]}"
    quoted = ", ".join('"' + c + '"' for c in items)
    return f"data[, c({quoted})]"


def _r_call(fn: str, items, group, ranvar=None, method=None, response=None) -> str:
    """The multilevel call of one index (``data`` is the user's data frame)."""
    args = [_r_items(items), f"data${group}"]
    if ranvar is not None:
        args.append(f"ranvar = {ranvar:.10g}")
    if method is not None:
        args.append(f'type = "{method}"')
    if response is not None:
        args.append(f"range = c({response[0]:g}, {response[1]:g})")
    return f"multilevel::{fn}({', '.join(args)})"


def _agreement_result(gi: GroupedItems, cols: dict, options: dict, r_call: str,
                      attrs: dict | None = None) -> AgreementResult:
    frame = _frame(gi, cols)
    if attrs:
        frame.attrs.update(attrs)
    n = int(gi.n.sum())
    options = {"items": list(gi.columns), **options, "nan_policy": "listwise"}
    return AgreementResult(frame, [c for c in cols if c in INDEX_LABELS], n=n, n_excluded=gi.n_rows - n,
                           options=options, r_call=r_call)


# ---------------------------------------------------------------------------------------------
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


def _response(n_options, response):
    if response is not None:
        try:
            lo, hi = (response["min"], response["max"]) if isinstance(response, dict) else response
            lo, hi = float(lo), float(hi)
        except (KeyError, TypeError, ValueError):
            raise DataError("is not a response range", argument="response", value=response,
                            hint="give (lowest, highest) answer code or {'min': …, 'max': …}") from None
        if not lo < hi:
            raise DataError("has min ≥ max", argument="response", value=response,
                            hint="give the lowest answer code first")
        if n_options is None:
            n_options = int(round(hi - lo)) + 1
        return n_options, lo, hi
    a = _check_options(n_options)
    return a, 1.0, float(a)


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
    ranvar = null_variance(n_options, null)
    gi = grouped_variances(data, [item], group)
    return _agreement_result(gi, {"rwg": _rwg_j(gi.var[:, 0], 1, ranvar)},
                             {"group": group, "n_options": n_options, "null": null, "null_variance": ranvar},
                             _r_call("rwg", [item], group, ranvar))


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
    ranvar = null_variance(n_options, null)
    gi = grouped_variances(data, items, group)
    return _agreement_result(gi, {"rwg_j": _rwg_j(gi.var.mean(axis=1), len(gi.columns), ranvar)},
                             {"group": group, "n_options": n_options, "null": null, "null_variance": ranvar},
                             _r_call("rwg.j", gi.columns, group, ranvar))


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
    ranvar = null_variance(n_options, null)
    gi = grouped_variances(data, items, group)
    return _agreement_result(gi, {"rwg_j_lindell": 1.0 - gi.var.mean(axis=1) / ranvar},
                             {"group": group, "n_options": n_options, "null": null, "null_variance": ranvar},
                             _r_call("rwg.j.lindell", gi.columns, group, ranvar))


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


# ---------------------------------------------------------------------------------------------
@dataclass
class RgrAgreeResult(Result):
    """Random-group resampling of within-group variances (Bliese & Halverson; multilevel::rgr.agree).

    ``table()`` one row: ``variable, n, n_groups, n_random_groups, mean_group_var,
    mean_random_var, sd_random_var, statistic`` (z), ``p_val`` (one-tailed: real groups agree more
    than random ones); ``summary()`` the same facts in multilevel's layout (``z``); ``quantiles()``
    the random-group variances' quantiles; ``apa()`` the text; ``options`` and ``r_call``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import rgr_agree
    >>> res = rgr_agree(read_dataset("staff_demo"), "wdgo_1", "department", 100, seed=1)
    >>> res.n, res.n_groups, res.table().columns[-2:].tolist()
    (334, 6, ['statistic', 'p_val'])

    # R: set.seed(1); summary(multilevel::rgr.agree(staff$wdgo_1, staff$department, 100))
    """

    variable: str
    n: int
    n_groups: int
    n_random_groups: int
    mean_random_var: float
    sd_random_var: float
    mean_group_var: float
    z: float
    random_vars: np.ndarray
    seed: int | None = None
    n_excluded: int = 0
    options: dict = field(default_factory=dict)
    r_call: str = ""

    @property
    def p_val(self) -> float:
        """One-tailed p of z (real groups agree more than random ones)."""
        return float(stats.norm.cdf(self.z))

    def quantiles(self) -> pd.DataFrame:
        """One-tailed lower and upper quantiles of the random-group variances (R's type-7)."""
        probs = [0.005, 0.01, 0.025, 0.05, 0.10, 0.90, 0.95, 0.975, 0.99, 0.995]
        return pd.DataFrame({"prob": probs, "random_var": np.quantile(self.random_vars, probs)})

    def table(self) -> pd.DataFrame:
        """One row: ``variable, n, n_groups, n_random_groups, mean_group_var, mean_random_var,
        sd_random_var, statistic`` (z) ``, p_val`` (one-tailed)."""
        return pd.DataFrame([{"variable": self.variable, "n": self.n, "n_groups": self.n_groups,
                              "n_random_groups": self.n_random_groups, "mean_group_var": self.mean_group_var,
                              "mean_random_var": self.mean_random_var, "sd_random_var": self.sd_random_var,
                              "statistic": self.z, "p_val": self.p_val}])

    def summary(self) -> pd.DataFrame:
        """One row: ``variable, n, n_groups, n_random_groups, mean_random_var, sd_random_var, mean_group_var, z``."""
        return pd.DataFrame([{"variable": self.variable, "n": self.n, "n_groups": self.n_groups,
                              "n_random_groups": self.n_random_groups, "mean_random_var": self.mean_random_var,
                              "sd_random_var": self.sd_random_var, "mean_group_var": self.mean_group_var,
                              "z": self.z}])


def rgr_agree(data, value, group, n_random_groups: int = 1000, *, seed=None, permutations=None) -> RgrAgreeResult:
    """Compare real within-group variances with those of random groups of the same sizes.

    Parameters
    ----------
    data : DataFrame
    value : str
        One variable (rows with a missing value are dropped).
    group : str
        Grouping column; every group needs at least two members.
    n_random_groups : int
        About this many random groups are drawn: ``round(n_random_groups / G)`` shuffles of all
        people, each cut into pseudo-groups with the real group sizes (in sorted group order).
    seed : int or numpy.random.Generator, optional
        Seed of numpy's generator (results are reproducible for a seed, not equal to R's draws).
        Default None: a fresh seed is drawn and stated as ``.seed`` on the result.
    permutations : array, optional
        ``reps × N`` row positions (0-based) defining the random groups explicitly; the first
        ``size_1`` positions form pseudo-group 1, and so on. Used to replay R's draws in tests.

    Returns
    -------
    RgrAgreeResult
        ``z = (mean real variance − mean random variance) / (SD random / √G)``; a negative z means
        real groups agree more than random ones. Under random grouping the expected mean random
        variance equals the total sample variance of ``value``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 2, 2, 2], "q": [4, 4, 5, 1, 2, 2]})
    >>> r = rgr_agree(df, "q", "team", 100, seed=1)
    >>> r.n_random_groups, round(r.mean_group_var, 4)
    (100, 0.3333)

    # R: set.seed(1); summary(multilevel::rgr.agree(df$q, df$team, 100))
    """
    gi = group_items(data, [value], group)
    if (gi.n < 2).any() or not gi.keep.all():
        small = gi.labels[gi.n < 2][:5].tolist() or gi.all_labels[~gi.keep][:5].tolist()
        raise DataError(f"has group(s) {small} with fewer than two people with a '{value}' value",
                        file=data.attrs.get("source"), column=group, within="rgr_agree",
                        hint="rgr_agree needs at least two people in every group; leave the small groups out")
    n, g = len(gi.x), len(gi.n)
    pseudo = np.repeat(np.arange(g), gi.n)
    given = permutations is not None      # R's draws replayed (tests): no seed of ours
    if permutations is None:
        reps = int(round(n_random_groups / g))
        seed = check_seed(seed, "rgr_agree")
        if seed is None:  # state the seed drawn, so the user can repeat the run
            seed = draw_seed()
        rng = np.random.default_rng(seed)
        permutations = np.stack([rng.permutation(n) for _ in range(reps)]) if reps else np.empty((0, n), dtype=int)
    perms = np.asarray(permutations, dtype=np.int64)
    if perms.ndim != 2 or perms.shape[1] != n:
        raise DataError(f"must be reps × {n} row positions", argument="permutations", value=perms.shape,
                        within="rgr_agree", hint="leave permutations out to draw them from seed=")
    xs = _data_order(data, value, group)  # R's ran.group draws rows of x in data order
    out = np.empty(perms.shape[0] * g)
    for r, p in enumerate(perms):  # a loop over replications; each is vectorised over groups
        v = xs[p]
        s = np.bincount(pseudo, weights=v, minlength=g)
        m = s / gi.n
        d = v - m[pseudo]
        out[r * g:(r + 1) * g] = np.bincount(pseudo, weights=d * d, minlength=g) / (gi.n - 1)
    mean_group_var = float(np.mean(gi.var[:, 0]))
    mean_r = float(out.mean()) if out.size else np.nan
    sd_r = float(out.std(ddof=1)) if out.size > 1 else np.nan
    z = (mean_group_var - mean_r) / (sd_r / np.sqrt(g))
    r_call = (f"summary(multilevel::rgr.agree(data${value}, data${group}, {n_random_groups}))" if given else
              f"set.seed({seed}); summary(multilevel::rgr.agree(data${value}, data${group}, {n_random_groups}))"
              f"  # R's draws differ from numpy's")
    options = {"value": value, "group": group, "n_random_groups": n_random_groups, "seed": seed,
               "permutations": "given" if given else None, "nan_policy": "omit"}
    return RgrAgreeResult(variable=value, n=n, n_groups=g, n_random_groups=out.size, mean_random_var=mean_r,
                          sd_random_var=sd_r, mean_group_var=mean_group_var, z=float(z), random_vars=out, seed=seed,
                          n_excluded=gi.n_rows - n, options=options, r_call=r_call)


def _data_order(data, value, group) -> np.ndarray:
    """Values of rows with a value and a group, in the data's row order (R's ``x``)."""
    y = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~np.isnan(y) & data[group].notna().to_numpy()
    return y[ok]


@apa.register
def _(res: RgrAgreeResult) -> Apa:
    est = (f"mean within-group variance = {apa_num(res.mean_group_var)}, random groups: M = "
           f"{apa_num(res.mean_random_var)}, SD = {apa_num(res.sd_random_var)}")
    p = res.p_val  # one-tailed: real groups agree more than random ones
    stat = f"z = {apa_num(res.z)}, {apa_p(p)} (one-tailed, {res.n_random_groups} random groups)"
    return Apa(estimate=est, statistic=stat, full_result=f"{est}; {stat}", table=res.summary())


# --- partitioned data (merged over the partitions: .partitioned) -----------------------------
def _agreement_part(part, items, group, what):
    x = item_matrix(part, items, what)
    codes, keys = group_codes(part, group)
    has_group = codes >= 0
    complete = has_group & ~np.isnan(x).any(axis=1)
    g = len(keys)
    out = {"key": keys, "n_all": np.bincount(codes[has_group], minlength=g)}
    for j in range(len(items)):
        n, mean, ss = group_moments(np.where(complete, x[:, j], np.nan), np.maximum(codes, 0), g)
        out.update({"n": n, f"mean_{j}": mean, f"ss_{j}": ss})
    return pd.DataFrame(out), len(part)


def grouped_moments(data, items, group, what: str = "agreement") -> GroupedItems:
    """The groups of partitioned data with each item's mean and variance (what :func:`analysis.rwg`,
    :func:`analysis.rwg_j` and :func:`analysis.rwg_j_lindell` need): the partitions' moments merged."""
    ddf, source, meta = opened(data, what)
    items = item_list(meta, items, group, what)
    done = per_partition(ddf, source, what, _agreement_part, items, group, what)
    parts = stacked([d[0] for d in done])
    n_all = parts.groupby("key", sort=True)["n_all"].sum()
    labels = n_all.index.to_numpy()
    means, sss = [], []
    for j in range(len(items)):
        m = merge_moments(parts, ["key"], ("n", f"mean_{j}", f"ss_{j}"))
        means.append(m["mean"].to_numpy())
        sss.append(m["ss"].to_numpy())
    n_full = m["n"].to_numpy()
    gi = GroupedItems.counted(labels, n_all.to_numpy(), n_full, items, sum(d[-1] for d in done), group=group,
                              source=source, what=what)
    keep = gi.keep
    return gi.with_moments(np.column_stack(means)[keep], np.column_stack(sss)[keep])
