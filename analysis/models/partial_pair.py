"""One partial correlation: :func:`partial_correlation` (x and y given covariates, listwise),
:class:`PartialCorrelationResult` and its APA sentence (ppcor's ``pcor.test``; df = n − 2 − k).
"""

from __future__ import annotations

import pandas as pd

from ..checks import check_level
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..results import TableResult
from ._common import Reported, as_list, check_columns, check_frame, retired_attribute, screens_sample
from .correlation_pair import _TIDY, _check_method, _corr_pair, _numeric, _tidy_pairs

__all__ = ["partial_correlation", "PartialCorrelationResult"]

@screens_sample("partial_correlation")
def partial_correlation(data: pd.DataFrame, x: str, y: str, covar, method: str = "pearson",
                        level: float = 0.95) -> "PartialCorrelationResult":
    """Partial correlation of ``x`` and ``y`` given ``covar`` (listwise on all columns).

    Returns
    -------
    PartialCorrelationResult
        ``.table()``: one row ``x, y, method, covar, n, k, df, estimate (r), ci_low, ci_high,
        statistic (t), p_val`` with df = n − 2 − k and a Fisher-z CI with SE 1/√(n − 3 − k).
        DataFrame look-ups go to that table (``res["estimate"]``; ``res["r"]`` and ``res["t"]``,
        the old column names, work for one release with a FutureWarning).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import partial_correlation
    >>> res = partial_correlation(read_dataset("demo"), "exam1", "exam3", covar="exam2")
    >>> res.table()[["n", "df", "estimate"]].round(4)
         n   df  estimate
    0  381  378    0.3149
    >>> res.r_call
    'ppcor::pcor.test(data$exam1, data$exam3, data[, c("exam2")], method = "pearson")'
    """
    check_level(level, "partial_correlation")
    _check_method(method)
    check_frame(data)
    covar = as_list(covar)
    if not covar:
        raise DataError("names no covariate", argument="covar", value=covar, within="partial_correlation",
                        hint="give at least one covariate (covar=...), or use correlations()")
    if x in covar or y in covar:
        raise DataError(f"holds '{x if x in covar else y}', which is both a variable and a covariate", argument="covar",
                        value=covar, within="partial_correlation", hint="leave it out of covar=")
    cols = [x, y] + covar
    check_columns(data, cols, what="partial_correlation", numeric=True)
    d = data[cols].dropna()
    arr = _numeric(d, cols)
    row = _corr_pair(arr[:, 0], arr[:, 1], arr[:, 2:], method, level, names=(x, y))
    table = pd.DataFrame([{"x": x, "y": y, "method": method, "covar": "+".join(covar), **row}])[
        ["x", "y", "method", "covar", "n", "k", "df", "r", "ci_low", "ci_high", "t", "p_val"]]
    return PartialCorrelationResult(_tidy_pairs(table), x, y, covar, method, level, int(len(data) - len(d)))


class PartialCorrelationResult(Reported, TableResult):
    """Result of :func:`partial_correlation`: one row, ``x, y, method, covar, n, k, df, estimate,
    ci_low, ci_high, statistic, p_val``.

    ``table()`` is that row, ``summary()`` the same, ``apa()`` the APA text. DataFrame look-ups go to
    the table (``res["estimate"]``, ``res.iloc[0]``); the old column names ``r`` and ``t`` still work
    as keys for one release, with a FutureWarning.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import partial_correlation
    >>> res = partial_correlation(read_dataset("demo"), "exam1", "exam3", covar=["exam2", "age"])
    >>> res.n, res.n_excluded, int(res.table()["df"].iloc[0])
    (381, 19, 377)
    >>> # R: ppcor::pcor.test(data$exam1, data$exam3, data[, c("exam2", "age")])
    """

    _table_name = "pairs"

    def __init__(self, pairs, x, y, covar, method, level, n_listwise):
        self.pairs, self.x, self.y, self.covar = pairs, x, y, list(covar)
        self.method, self.level, self._n_listwise = method, level, n_listwise

    @property
    def n(self) -> int:
        return int(self.pairs["n"].iloc[0])

    @property
    def n_listwise(self) -> int:
        return self._n_listwise

    def __getitem__(self, key):
        # the columns r and t are now estimate and statistic: old keys keep working for one release
        keys = key if isinstance(key, list) else [key]
        for k in keys:
            if isinstance(k, str) and k in _TIDY:
                retired_attribute(self, k, _TIDY[k])
        if isinstance(key, list):
            key = [_TIDY.get(k, k) if isinstance(k, str) else k for k in key]
        elif isinstance(key, str):
            key = _TIDY.get(key, key)
        return self.table()[key]

    def _options(self) -> dict:
        return {"covar": list(self.covar), "method": self.method, "level": self.level, "ci_method": "fisher_z",
                "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        cv = ", ".join(f'"{c}"' for c in self.covar)
        return f'ppcor::pcor.test(data${self.x}, data${self.y}, data[, c({cv})], method = "{self.method}")'


@apa.register
def _(res: PartialCorrelationResult) -> Apa:
    r = res.pairs.iloc[0]
    sym = "r" if res.method == "pearson" else "r_s"
    given = ", ".join(res.covar)
    est = f"{sym} = {apa_num(r.estimate, gt1=False)}, {apa_ci(r.ci_low, r.ci_high, gt1=False, level=res.level)}"
    stat = f"t({int(r.df)}) = {apa_num(r.statistic)}, {apa_p(r.p_val)}"
    table = pd.DataFrame([{"Variables": f"{r.x}–{r.y}", "Given": given, "n": str(int(r.n)),
                           sym: apa_num(r.estimate, gt1=False),
                           f"{round(res.level * 100)}% CI": f"[{apa_num(r.ci_low, gt1=False)}, {apa_num(r.ci_high, gt1=False)}]",
                           "t": apa_num(r.statistic), "df": str(int(r.df)),
                           "p": apa_p(r.p_val).replace("p = ", "").replace("p ", "")}])
    return Apa(estimate=est, statistic=stat, table=table,
               full_result=f"The partial correlation of {r.x} and {r.y} given {given} (N = {int(r.n)}): {est}, {stat}.")
