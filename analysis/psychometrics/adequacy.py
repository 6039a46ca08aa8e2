"""Is a correlation matrix worth factoring? Kaiser–Meyer–Olkin's sampling adequacy (``psych::KMO``)
and Bartlett's test of sphericity (``psych::cortest.bartlett``), each as a result of the protocol
(:mod:`analysis.results`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..deprecation import retired_attribute
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..results import TableResult
from .factoring import correlation
from .item_matrix import item_params, item_matrix, r_columns


def _id(instrument):
    """How an options dict names the instrument (its id, or the path/string given)."""
    return getattr(instrument, "id", None if instrument is None else str(instrument))


class KMOResult(TableResult):
    """Sampling adequacy of :func:`kmo`: ``.items`` (also ``.table()``: ``item, msa``, one row per
    item), ``.overall`` (the overall MSA, also in ``.summary()``) and ``.msa`` (a Series by item).

    ``result["overall"]`` and ``result["<item>"]`` (the Series of earlier releases) still work for one
    release, with a FutureWarning naming ``.overall`` / ``.msa[...]``.
    """

    _table_name = "items"

    def __init__(self, items: pd.DataFrame, overall: float, n: int, options: dict, r_call: str):
        self.items, self.overall, self.n = items, float(overall), int(n)
        self.options, self.r_call = dict(options), r_call

    @property
    def msa(self) -> pd.Series:
        """Each item's MSA, indexed by item."""
        return pd.Series(self.items["msa"].to_numpy(), index=list(self.items["item"]), name="msa")

    def __getitem__(self, key):
        if isinstance(key, str) and key not in self.items.columns:
            if key == "overall":
                retired_attribute(self, '["overall"]', "overall")
                return self.overall
            if key in set(self.items["item"]):
                retired_attribute(self, f'["{key}"]', f'msa["{key}"]')
                return float(self.msa[key])
        return self.items[key]

    def summary(self) -> pd.DataFrame:
        """One row: ``n, n_items, msa`` (overall), ``msa_min``, ``msa_max`` (items)."""
        return pd.DataFrame({"n": [self.n], "n_items": [len(self.items)], "msa": [self.overall],
                             "msa_min": [self.items["msa"].min()], "msa_max": [self.items["msa"].max()]})


@apa.register
def _apa_kmo(res: KMOResult) -> Apa:
    text = (f"KMO = {apa_num(res.overall, gt1=False)} (items {apa_num(res.items['msa'].min(), gt1=False)}–"
            f"{apa_num(res.items['msa'].max(), gt1=False)})")
    table = pd.DataFrame({"Item": res.items["item"], "MSA": [apa_num(v, gt1=False) for v in res.items["msa"]]})
    return Apa(estimate=text, full_result=text, table=table)


@item_params
def kmo(data: pd.DataFrame, columns=None, *, instrument=None, **options) -> KMOResult:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per item (``psych::KMO``).

    Correlations are pairwise (psych's default).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    columns : list of str, optional
        The item columns (default all columns).
    {item_params}

    Returns
    -------
    KMOResult
        ``.table()``: ``item, msa`` (one row per item); ``.overall`` and ``.summary()``: the overall
        MSA; ``.apa()``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.psychometrics import kmo
    >>> demo = read_dataset("demo")
    >>> res = kmo(demo, instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    >>> res.table().columns.tolist(), res.n
    (['item', 'msa'], 400)
    >>> round(res.overall, 2) == round(float(res.summary()["msa"].iloc[0]), 2)
    True

    ::

        # R: psych::KMO(x)
    """
    x, names, _ = item_matrix(data, columns, instrument, what="kmo", **options)
    r = correlation(x)
    q = np.linalg.inv(r)
    d = 1 / np.sqrt(np.diag(q))
    q = q * d[:, None] * d[None, :]
    np.fill_diagonal(q, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2, q2 = (r0 ** 2), (q ** 2)
    msai = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + q2.sum())
    return KMOResult(pd.DataFrame({"item": names, "msa": msai}), overall, x.shape[0],
                     {"columns": columns, "instrument": _id(instrument), "nan_policy": "pairwise", **options},
                     f"psych::KMO({r_columns(names)})")


class BartlettResult(TableResult):
    """Bartlett's test of sphericity (:func:`bartlett`): ``.test`` (also ``.table()``), one row
    ``statistic, df, p_val, n`` (the χ² is ``statistic``; ``result["chisq"]`` and ``.chisq``, its
    name in earlier releases, still work for one release with a FutureWarning)."""

    _table_name = "test"

    def __init__(self, test: pd.DataFrame, n_items: int, options: dict, r_call: str):
        self.test, self.n_items = test, int(n_items)
        self.options, self.r_call = dict(options), r_call

    @property
    def n(self) -> int:
        return int(self.test["n"].iloc[0])

    @property
    def statistic(self) -> float:
        return float(self.test["statistic"].iloc[0])

    @property
    def chisq(self) -> pd.Series:
        retired_attribute(self, "chisq", "statistic")
        return self.test["statistic"]

    def __getitem__(self, key):
        if key == "chisq":
            retired_attribute(self, '["chisq"]', '["statistic"]')
            key = "statistic"
        return self.test[key]

    def summary(self) -> pd.DataFrame:
        """The test with the number of items."""
        return self.test.assign(n_items=self.n_items)


@apa.register
def _apa_bartlett(res: BartlettResult) -> Apa:
    t = res.test.iloc[0]
    stat = f"χ²({int(t['df'])}) = {apa_num(t['statistic'])}, {apa_p(t['p_val'])}"
    table = pd.DataFrame({"χ²": [apa_num(t["statistic"])], "df": [str(int(t["df"]))],
                          "p": [apa_p(t["p_val"]).removeprefix("p ").removeprefix("= ")], "N": [str(int(t["n"]))]})
    return Apa(statistic=stat, full_result=f"Bartlett's test of sphericity, {stat}", table=table)


@item_params
def bartlett(data: pd.DataFrame, columns=None, n: int | None = None, *, instrument=None,
             **options) -> BartlettResult:
    """Bartlett's test of sphericity (``psych::cortest.bartlett``); p from the χ² survival function.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    columns : list of str, optional
        The item columns (default all columns).
    n : int, optional
        Sample size of the test; defaults to the number of rows (psych's choice with raw data,
        missing answers included).
    {item_params}

    Returns
    -------
    BartlettResult
        ``.table()``: one row ``statistic, df, p_val, n``; ``.apa()``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.psychometrics import bartlett
    >>> res = bartlett(read_dataset("demo"), instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    >>> res.table().columns.tolist(), int(res.table()["df"].iloc[0])
    (['statistic', 'df', 'p_val', 'n'], 66)

    ::

        # R: psych::cortest.bartlett(x)
    """
    x, names, _ = item_matrix(data, columns, instrument, what="bartlett", **options)
    r = correlation(x)
    p = r.shape[0]
    n_used = x.shape[0] if n is None else int(n)
    sign, logdet = np.linalg.slogdet(r)
    chisq = -logdet * (n_used - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) // 2
    test = pd.DataFrame({"statistic": [chisq], "df": [df], "p_val": [float(stats.chi2.sf(chisq, df))], "n": [n_used]})
    call = f"psych::cortest.bartlett({r_columns(names)}" + (f", n = {n_used})" if n is not None else ")")
    return BartlettResult(test, p, {"columns": columns, "n": n, "instrument": _id(instrument), **options}, call)
