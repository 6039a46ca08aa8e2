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

from ..checks import check_data, check_numeric, is_partitioned
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..io.partitions import opened
from .aggregation import group_moments
from .partitioned import merge_moments, per_partition, stacked
from ..results import TableResult
from ..checks import near_columns

ICC_COLUMNS = ["variable", "n", "n_excluded", "n_groups", "k", "df_between", "df_within", "msb", "msw",
               "f", "p_val", "icc1", "icc2"]


def group_codes(data: pd.DataFrame, group: str):
    """``(code of each row's group, the groups)``; -1 for a row without a group."""
    if group not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=group, item="the group column",
                        hint="Name the column that holds each respondent's group." + near_columns(group, data))
    return pd.factorize(data[group], sort=False, use_na_sentinel=True)


def numeric_values(data: pd.DataFrame, values: list) -> pd.DataFrame:
    """The ``values`` columns as floats (a text cell refused with its file row, column and value)."""
    return check_numeric(data, values, "icc", hint="an ICC needs numeric scores; score the items first (score) "
                         "or recode the value")


def oneway(y: np.ndarray, codes: np.ndarray, *, column=None, group=None, file=None) -> dict:
    """One-way ANOVA pieces from values and integer group codes (``codes < 0`` or NaN y dropped).

    ``column``, ``group`` and ``file`` name the variable, its group column and the export in a refusal
    (the caller knows them; the arrays do not)."""
    ok = (codes >= 0) & ~np.isnan(y)
    y, c = y[ok], codes[ok]
    n_g = np.bincount(c)
    present = n_g > 0
    check_groups(len(y), int(present.sum()), column=column, group=group, file=file)
    sums = np.bincount(c, weights=y, minlength=len(n_g))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(present, sums / np.maximum(n_g, 1), 0.0)
    dev = y - means[c]
    return oneway_from_moments(n_g[present], means[present], float(dev @ dev), y.mean(), int((~ok).sum()))


def check_groups(n: int, g: int, *, column=None, group=None, file=None) -> None:
    """An ICC needs two groups and more people than groups; ``column``, ``group`` and ``file`` name the
    variable, its group column and the export in the refusal."""
    if g < 2 or n <= g:
        raise DataError(f"ICC needs at least two groups and more people than groups (have {n} people in {g} groups)",
                        file=file, column=column, item=f"grouped by '{group}'" if group else None,
                        hint="Collect answers from more groups, or check that the group column gives each "
                             "respondent's group.")


def oneway_from_moments(n_g: np.ndarray, means: np.ndarray, ssw: float, grand: float, n_excluded: int, *,
                        column=None, group=None, file=None) -> dict:
    """The ANOVA table, F, p and ICC(1)/ICC(2) from each group's size and mean (groups with people only),
    the pooled within-group sum of squares and the grand mean.

    The one formula of :func:`oneway` (rows in memory) and of :func:`analysis.teams.partitioned`
    (moments merged over partitions).
    """
    g = len(n_g)
    n = int(n_g.sum())
    check_groups(n, g, column=column, group=group, file=file)
    d = means - grand
    ssb = float(n_g @ (d * d))
    df_b, df_w = g - 1, n - g
    msb, msw = ssb / df_b, ssw / df_w
    k = n / g
    with np.errstate(invalid="ignore", divide="ignore"):
        f = msb / msw
        icc1 = (msb - msw) / (msb + (k - 1) * msw)
        icc2 = (msb - msw) / msb
    return {"n": n, "n_excluded": n_excluded, "n_groups": g, "k": k, "df_between": df_b, "df_within": df_w,
            "msb": msb, "msw": msw, "f": f, "p_val": float(stats.f.sf(f, df_b, df_w)), "icc1": icc1, "icc2": icc2}


class IccResult(TableResult):
    """ICC(1) and ICC(2), one row per variable (the result protocol of :mod:`analysis.results`).

    ``table()`` (= ``.variables``): ``variable, n, n_excluded, n_groups, k, df_between, df_within,
    msb, msw, f, p_val, icc1, icc2``; ``summary()`` the same table; ``apa()`` "ICC(1) = .12,
    ICC(2) = .61, F(9, 190) = 3.20, p < .001"; ``n`` people with a group and a value of at least
    one variable, ``n_excluded`` the other rows; ``options`` and ``r_call``. Like a DataFrame it
    passes ``res["icc1"]``, ``.loc``, ``.to_csv`` … on to its table.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import icc
    >>> res = icc(read_dataset("staff_demo"), "performance", "team")
    >>> res.n, res.options["group"], res.variables["n_groups"].item()
    (334, 'team', 34)

    # R: multilevel::ICC1(aov(performance ~ as.factor(team), staff))
    """

    _table_name = "variables"

    def __init__(self, variables: pd.DataFrame, n: int, n_excluded: int, options: dict, r_call: str):
        self.variables = variables
        self.n = int(n)
        self.n_excluded = int(n_excluded)
        self.options = dict(options)
        self.r_call = r_call


@apa.register
def _apa_icc(res: IccResult) -> Apa:
    """"ICC(1) = .12, ICC(2) = .61, F(9, 190) = 3.20, p < .001" per variable."""
    t = res.variables
    parts, stats_ = [], []
    for r in t.itertuples():
        est = f"ICC(1) = {apa_num(r.icc1, gt1=False)}, ICC(2) = {apa_num(r.icc2, gt1=False)}"
        stat = f"F({int(r.df_between)}, {int(r.df_within)}) = {apa_num(r.f)}, {apa_p(r.p_val)}"
        label = f"{r.variable}: " if len(t) > 1 else ""
        parts.append(f"{label}{est}, {stat}")
        stats_.append(f"{label}{stat}")
    table = pd.DataFrame({"variable": t["variable"], "n": t["n"], "n_groups": t["n_groups"],
                          "icc1": t["icc1"].map(lambda v: apa_num(v, gt1=False)),
                          "icc2": t["icc2"].map(lambda v: apa_num(v, gt1=False)),
                          "f": [f"F({int(a)}, {int(b)}) = {apa_num(f)}" for a, b, f in
                                zip(t["df_between"], t["df_within"], t["f"])],
                          "p": t["p_val"].map(lambda p: apa_p(p))})
    estimate = "; ".join(p.split(", F(")[0] for p in parts)
    return Apa(estimate=estimate, statistic="; ".join(stats_), full_result="; ".join(parts), table=table)


@renamed(value="y")
def icc(data: pd.DataFrame, y, group: str) -> IccResult:
    """ICC(1) and ICC(2) of one or more variables nested in groups.

    Parameters
    ----------
    data : DataFrame, Dask DataFrame or folder
        One row per person. Partitioned data (a Dask DataFrame or a folder of Parquet files) give
        the same result, computed partition by partition by Dask (:mod:`analysis.teams.partitioned`).
    y : str or list of str
        Variable(s) measured on persons (item or scale scores); the outcome of R's ``aov(y ~ group)``
        (``value`` before this release: it still works, with a FutureWarning).
    group : str
        Grouping column.

    Returns
    -------
    IccResult
        ``.table()``, one row per variable: ``variable, n, n_excluded, n_groups, k`` (mean group
        size), ``df_between, df_within, msb, msw, f, p_val, icc1, icc2``; ``res["icc1"]``, ``.loc``
        … read the table as before.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": [1, 1, 1, 2, 2, 3, 3, 3], "y": [4, 5, 4, 2, 1, 3, 3, 4]})
    >>> icc(df, "y", "team")[["icc1", "icc2"]].round(4)
         icc1    icc2
    0  0.8204  0.9241

    # R: m <- aov(y ~ as.factor(team), df); multilevel::ICC1(m); multilevel::ICC2(m)
    """
    values = [y] if isinstance(y, str) else list(y)
    if is_partitioned(data):
        return partitioned_icc(data, values, group)
    data = check_data(data, "icc")
    codes = group_codes(data, group)[0]
    numeric = numeric_values(data, values)
    rows = []
    seen = np.zeros(len(data), dtype=bool)   # people with a group and a value of at least one variable
    for v in values:
        x = numeric[v].to_numpy(dtype=np.float64, na_value=np.nan)
        rows.append({"variable": v, **oneway(x, codes, column=v, group=group, file=data.attrs.get("source"))})
        seen |= (codes >= 0) & ~np.isnan(x)
    return icc_result(rows, int(seen.sum()), len(data), values, group)


def icc_result(rows: list[dict], n: int, n_rows: int, values: list, group: str) -> IccResult:
    """The :class:`IccResult` of one :func:`oneway` row per variable; ``n`` people with a group and a
    value of at least one variable among ``n_rows``."""
    r_call = "; ".join(f"m <- aov({v} ~ as.factor({group}), data); multilevel::ICC1(m); multilevel::ICC2(m)"
                       for v in values)
    return IccResult(pd.DataFrame(rows, columns=ICC_COLUMNS), n=n, n_excluded=n_rows - n,
                     options={"y": values, "group": group, "nan_policy": "omit"}, r_call=r_call)


# --- partitioned data (merged over the partitions: .partitioned) -----------------------------
def _icc_part(part, values, group):
    numeric = numeric_values(part, values)
    codes, keys = group_codes(part, group)
    has_group = codes >= 0
    seen = np.zeros(len(part), dtype=bool)
    frames = []
    for v in values:
        y = np.where(has_group, numeric[v].to_numpy(dtype=np.float64, na_value=np.nan), np.nan)
        seen |= ~np.isnan(y)
        n, mean, ss = group_moments(y, np.maximum(codes, 0), len(keys))
        frames.append(pd.DataFrame({"key": keys, "variable": v, "n": n, "mean": mean, "ss": ss}))
    return pd.concat(frames, ignore_index=True), int(seen.sum()), len(part)


def partitioned_icc(data, values: list, group: str):
    """:func:`analysis.icc` of partitioned data (same parameters and result)."""
    ddf, source, meta = opened(data, "icc")
    group_codes(meta, group)   # refuses a group column the data lack before anything is read
    numeric_values(meta, values)
    done = per_partition(ddf, source, "icc", _icc_part, values, group)
    n_rows = sum(d[-1] for d in done)
    merged = merge_moments(stacked([d[0] for d in done]), ["variable", "key"])
    rows = []
    for v in values:
        m = merged[(merged["variable"] == v) & (merged["n"] > 0)]
        n_g, means = m["n"].to_numpy(), m["mean"].to_numpy()
        n = int(n_g.sum())
        grand = float(n_g @ means) / n if n else np.nan
        rows.append({"variable": v, **oneway_from_moments(n_g, means, float(m["ss"].sum()), grand, n_rows - n,
                                                                 column=v, group=group)})
    return icc_result(rows, sum(d[1] for d in done), n_rows, values, group)
