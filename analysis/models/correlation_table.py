"""Correlation tables (APA style) and partial correlations.

* Pearson r with a Fisher-z CI and the t test on n − 2 df (as R's ``cor.test``).
* Spearman ρ: Pearson r of ranks, with psych ``corr.test``'s Fisher-z CI and t approximation.
* Partial correlations given k covariates: r of the residuals, tested on **df = n − 2 − k** with a
  Fisher-z CI of standard error 1/√(n − 3 − k) (ppcor / psych ``corr.p(r, n − k)``). Pingouin
  #171 tested them on n − 2; here df is computed in one place, from k, and checked against R's
  ``lm`` t values (the partial-correlation t equals the t of x in ``y ~ x + covariates``).
* Optional multiple-comparison adjustment over the pairs of one table (holm, bonferroni,
  fdr_bh; R's ``p.adjust``).

Written by hand rather than with ``pingouin.pairwise_corr`` because we need the CI and df of
partials, per-pair n with pairwise deletion and the APA table in one pass.
"""

from __future__ import annotations

import html
import itertools

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_choice, check_level, near_columns
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..io.writers import atomic_write_text
from ..results import TableResult
from ._common import Reported, as_list, check_columns, check_frame, md_table, retired_attribute, screens_sample

__all__ = ["correlations", "partial_correlation", "CorrelationTable", "PartialCorrelationResult"]

#: the per-pair columns of :func:`correlations` / :func:`partial_correlation` under their
#: protocol names in ``.table()`` (``.long`` keeps ``r`` and ``t``)
_TIDY = {"r": "estimate", "t": "statistic"}


def _tidy_pairs(long: pd.DataFrame) -> pd.DataFrame:
    """``x, y, method, covar, n, k, df, estimate, ci_low, ci_high, statistic, p_val`` (+ ``p_adj``)."""
    return long.rename(columns=_TIDY).reset_index(drop=True)

METHODS = ("pearson", "spearman")
PADJUST = {"holm": "holm", "bonferroni": "bonferroni", "fdr_bh": "fdr_bh", "bh": "fdr_bh", "fdr": "fdr_bh"}


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



def _check_method(method):
    if method not in METHODS:
        raise DataError("is not supported", argument="method", value=method, within="correlation",
                        hint=f"use one of {', '.join(METHODS)}")


class CorrelationTable(Reported):
    """Result of :func:`correlations`.

    Attributes
    ----------
    long : DataFrame
        One row per pair: ``x, y, method, covar, n, k, df, r, ci_low, ci_high, t, p_val``
        (+ ``p_adj`` with ``padjust``).
    descriptives : DataFrame
        ``variable, n, mean, sd, alpha``.

    ``table()`` is ``long`` in the protocol's columns (``estimate`` the r, ``statistic`` its t);
    ``summary()`` the descriptives (one row per variable); ``apa()`` the APA text, whose ``.table``
    is the publication matrix (:meth:`apa_table`: M, SD, r below the diagonal, α on it);
    ``to_markdown()`` and ``to_html()`` write that matrix with its note; ``figure(path=None)`` the
    correlation grid. ``n`` counts the respondents that enter at least one pair, ``n_excluded``
    those received but not analysed (screening, or too few values for any pair).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import correlations
    >>> ct = correlations(read_dataset("demo"), ["exam1", "exam2", "exam3"])
    >>> ct.table()[["x", "y", "n", "estimate"]].round(3)
           x      y    n  estimate
    0  exam1  exam2  388     0.864
    1  exam1  exam3  387     0.813
    2  exam2  exam3  386     0.841
    >>> list(ct.apa().table.columns)
    ['Variable', 'M', 'SD', '1', '2', '3']
    >>> ct.r_call
    'psych::corr.test(data[, c("exam1", "exam2", "exam3")], method = "pearson", adjust = "none")'
    """

    def __init__(self, long, descriptives, columns, method, covar, padjust, level, labels,
                 nan_policy: str = "pairwise", n: int | None = None, n_listwise: int = 0):
        self.long = long
        self.descriptives = descriptives
        self.columns = columns
        self.method = method
        self.covar = covar
        self.padjust = padjust
        self.level = level
        self.labels = labels
        self.nan_policy = nan_policy
        self.n = int(long["n"].max()) if n is None else int(n)
        self._n_listwise = int(n_listwise)

    @property
    def n_listwise(self) -> int:
        """Respondents that enter no pair (too few values among the columns and covariates)."""
        return self._n_listwise

    def __repr__(self) -> str:
        return f"CorrelationTable({self.method}, {len(self.columns)} variables)\n{self.apa_table()}"

    def table(self, *args, **kwargs) -> pd.DataFrame:
        """One row per pair: ``x, y, method, covar, n, k, df, estimate (r), ci_low, ci_high,
        statistic (t), p_val`` (+ ``p_adj``).

        Called with formatting arguments (``show_ci``, ``digits``, ``stars``) it returns the APA
        matrix as before, with a FutureWarning: that is :meth:`apa_table` now.
        """
        if args or kwargs:
            retired_attribute(self, "table(show_ci=..., digits=..., stars=...)",
                              "apa_table(show_ci=..., digits=..., stars=...)")
            return self.apa_table(*args, **kwargs)
        return _tidy_pairs(self.long)

    def summary(self) -> pd.DataFrame:
        """The descriptives: one row per variable (``variable, n, mean, sd, alpha``)."""
        return self.descriptives.reset_index(drop=True)

    def _options(self) -> dict:
        return {"method": self.method, "covar": list(self.covar), "padjust": self.padjust,
                "nan_policy": self.nan_policy, "level": self.level, "ci_method": "fisher_z"}

    @property
    def r_call(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        if self.covar:
            cv = ", ".join(f'"{c}"' for c in self.covar)
            return (f'psych::corr.p(psych::partial.r(data, c({cols}), c({cv}), method = "{self.method}"), '
                    f'n = n - {len(self.covar)}, adjust = "{self.padjust or "none"}")')
        use = ', use = "complete"' if self.nan_policy == "listwise" else ""
        return f'psych::corr.test(data[, c({cols})], method = "{self.method}", adjust = "{self.padjust or "none"}"{use})'

    def figure(self, path=None):
        """The correlation grid (lower triangle, r in each cell); written to ``path`` when given."""
        from ..formatting.figures import save_figure
        from ..formatting.model_figures import correlation_plot

        fig = correlation_plot(self.long, self.labels, title="Correlations")
        if path is not None:
            save_figure(fig, path)
        return fig

    def matrix(self, what: str = "r") -> pd.DataFrame:
        """Square matrix of ``r`` (or ``p_val``, ``p_adj``, ``n``) with 1 / NaN on the diagonal."""
        m = pd.DataFrame(np.nan, index=self.columns, columns=self.columns)
        for row in self.long.itertuples(index=False):
            m.loc[row.x, row.y] = m.loc[row.y, row.x] = getattr(row, what)
        if what == "r":
            np.fill_diagonal(m.values, 1.0)
        return m

    def _p(self):
        return self.long["p_adj"] if "p_adj" in self.long else self.long["p_val"]

    @renamed(ci="show_ci")
    def apa_table(self, show_ci: bool = False, digits: int = 2, stars: bool = True) -> pd.DataFrame:
        """Publication table (strings): Variable, M, SD, then r in the lower triangle and α (in
        parentheses) on the diagonal; ``show_ci=True`` adds the CI under each r (``ci=`` is its old
        name: works for one release, with a FutureWarning). ``.apa().table`` is this table.

        Examples
        --------
        >>> from analysis.datasets import read_dataset
        >>> from analysis.models import correlations
        >>> ct = correlations(read_dataset("demo"), ["exam1", "exam2"])
        >>> ct.apa_table(show_ci=True)
          Variable      M     SD  1                   2
        0  1. exam1  69.81  10.78                  —
        1  2. exam2  57.21  11.12  .86*** [.84, .89]  —
        """
        cols = self.columns
        lab = [self.labels.get(c, c) for c in cols]
        desc = self.descriptives.set_index("variable")
        pos = {c: i for i, c in enumerate(cols)}
        cells = [["" for _ in cols] for _ in cols]
        for row, p in zip(self.long.itertuples(index=False), self._p()):
            i, j = sorted((pos[row.x], pos[row.y]), reverse=True)
            s = apa_num(row.r, digits, gt1=False)
            if stars:
                s += "***" if p < .001 else "**" if p < .01 else "*" if p < .05 else ""
            if show_ci:
                s += f" [{apa_num(row.ci_low, digits, gt1=False)}, {apa_num(row.ci_high, digits, gt1=False)}]"
            cells[i][j] = s
        for i, c in enumerate(cols):
            a = desc.loc[c, "alpha"]
            cells[i][i] = "—" if pd.isna(a) else f"({apa_num(a, digits, gt1=False)})"
        out = pd.DataFrame(cells, columns=[str(i + 1) for i in range(len(cols))])
        out.insert(0, "SD", [apa_num(desc.loc[c, "sd"], digits) for c in cols])
        out.insert(0, "M", [apa_num(desc.loc[c, "mean"], digits) for c in cols])
        out.insert(0, "Variable", [f"{i + 1}. {name}" for i, name in enumerate(lab)])
        return out

    @property
    def note(self) -> str:
        kind = "Pearson" if self.method == "pearson" else "Spearman"
        parts = [f"Note. M and SD are means and standard deviations; {kind} correlations below the diagonal"]
        if self.covar:
            parts[0] += f", partialling out {', '.join(self.covar)} (df = n − 2 − {len(self.covar)})"
        n = self.long["n"]
        parts.append(f"n = {n.min()}" if n.min() == n.max() else f"n = {n.min()}–{n.max()} (pairwise)")
        if self.sample_note:
            parts.append(f"respondents: {self.sample_note}")
        if self.descriptives["alpha"].notna().any():
            parts.append("Cronbach's α in parentheses on the diagonal")
        stars = "* p < .05. ** p < .01. *** p < .001"
        if self.padjust:
            stars += f" ({self.padjust}-adjusted)"
        return "; ".join(parts) + ". " + stars + "."

    @renamed(ci="show_ci")
    def to_markdown(self, show_ci: bool = False, digits: int = 2) -> str:
        return md_table(self.apa_table(show_ci=show_ci, digits=digits)) + "\n" + self.note + "\n"

    @renamed(ci="show_ci")
    def to_html(self, path=None, show_ci: bool = False, digits: int = 2) -> str:
        """An HTML table (with the note as caption); written atomically when ``path`` is given."""
        body = self.apa_table(show_ci=show_ci, digits=digits).to_html(index=False, escape=True, border=0,
                                                        classes="apa-table")
        text = (f'<figure class="apa">\n{body}\n<figcaption>{html.escape(self.note)}</figcaption>\n'
                f"</figure>\n")
        if path is not None:
            atomic_write_text(path, text)
        return text


@renamed(missing="nan_policy", alpha="reliabilities")
@screens_sample("correlations")
def correlations(data: pd.DataFrame, columns, method: str = "pearson", covar=None, reliabilities=None,
                 padjust: str | None = None, nan_policy: str = "pairwise", level: float = 0.95,
                 labels: dict | None = None) -> CorrelationTable:
    """APA correlation table: M, SD, α on the diagonal, r with CI and p for every pair.

    Parameters
    ----------
    data : DataFrame
    columns : list of str
        The variables (at least two).
    method : {"pearson", "spearman"}
    covar : str or list, optional
        Covariates: every r becomes a partial correlation (df = n − 2 − k).
    reliabilities : dict, optional
        ``{column: Cronbach's α}`` for the diagonal (e.g. from the reliability station); ``alpha=``
        is its old name (works for one release, with a FutureWarning).
    padjust : {"holm", "bonferroni", "fdr_bh"}, optional
        Adjust the p values over the pairs of the table (column ``p_adj``; stars use it).
    nan_policy : {"pairwise", "listwise"}
        Pairwise: each pair (with the covariates) uses its complete rows (psych ``corr.test``).
        Listwise: one sample of rows complete on every column. ``missing=`` is its old name (works
        for one release, with a FutureWarning).
    level : float
        Confidence level of the Fisher-z CIs.
    labels : dict, optional
        Display names ``{column: label}`` for the table.

    Returns
    -------
    CorrelationTable
        ``.table()`` (tidy, one row per pair: ``estimate`` the r, ``statistic`` its t), ``.long``
        (the same with the columns ``r`` and ``t``), ``.descriptives`` (``.summary()``),
        ``.apa()`` (its ``.table`` the publication matrix, :meth:`CorrelationTable.apa_table`),
        ``.to_markdown()``, ``.to_html()``.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import correlations
    >>> ct = correlations(d, ["mastery_approach", "exam1", "exam3"], padjust="holm")
    >>> ct.table()[["x", "y", "n", "estimate", "p_adj"]].round(3)
                      x      y    n  estimate  p_adj
    0  mastery_approach  exam1  393    -0.090  0.076
    1  mastery_approach  exam3  392     0.127  0.024
    2             exam1  exam3  387     0.813  0.000
    >>> # R: psych::corr.test(d[, c("mastery_approach", "exam1", "exam3")], adjust = "holm")
    """
    check_level(level, "correlations")
    _check_method(method)
    check_frame(data)
    columns = as_list(columns)
    covar = as_list(covar)
    if len(columns) < 2:
        raise DataError("names fewer than two columns", argument="columns", value=columns, within="correlations",
                        hint="give at least two columns")
    dup = [c for c in columns if columns.count(c) > 1]
    if dup:
        raise DataError(f"lists column '{dup[0]}' twice", argument="columns", value=columns, within="correlations",
                        hint="name each column once")
    clash = [c for c in covar if c in columns]
    if clash:
        raise DataError(f"holds '{clash[0]}', which is both a variable and a covariate", argument="covar",
                        value=covar, within="correlations", hint="leave it out of covar= or of columns=")
    check_columns(data, columns + covar, what="correlations", numeric=True)
    check_choice(nan_policy, ("pairwise", "listwise"), "correlations", "nan_policy")
    if padjust is not None and padjust != "none" and padjust not in PADJUST:
        raise DataError("is not an adjustment", argument="padjust", value=padjust, within="correlations",
                        hint="use holm, bonferroni or fdr_bh")
    padjust = None if padjust in (None, "none") else PADJUST[padjust]
    reliabilities = dict(reliabilities or {})
    unknown = [a for a in reliabilities if a not in columns]
    if unknown:
        raise DataError(f"gives a reliability for '{unknown[0]}', which is not among the columns",
                        argument="reliabilities", value=reliabilities, within="correlations",
                        hint="give reliabilities only for the columns correlated." + near_columns(unknown[0], columns))

    num = data[columns + covar].apply(pd.to_numeric)
    if nan_policy == "listwise":
        num = num.dropna()
    rows = []
    for a, b in itertools.combinations(columns, 2):
        d = num[[a, b] + covar].dropna().to_numpy(float)
        res = _corr_pair(d[:, 0], d[:, 1], d[:, 2:] if covar else None, method, level, names=(a, b))
        rows.append({"x": a, "y": b, "method": method, "covar": "+".join(covar), **res})
    long = pd.DataFrame(rows)[["x", "y", "method", "covar", "n", "k", "df", "r", "ci_low", "ci_high",
                               "t", "p_val"]]
    if padjust:
        from statsmodels.stats.multitest import multipletests
        long["p_adj"] = multipletests(long["p_val"].to_numpy(), method=padjust)[1]
    v = num[columns]
    desc = pd.DataFrame({"variable": columns, "n": v.notna().sum().to_numpy(),
                         "mean": v.mean().to_numpy(), "sd": v.std(ddof=1).to_numpy(),
                         "alpha": [float(reliabilities[c]) if c in reliabilities else np.nan for c in columns]})
    # respondents that enter at least one pair: complete covariates and two or more of the columns
    used = num[covar].notna().all(axis=1) & (num[columns].notna().sum(axis=1) >= 2)
    n_used = int(used.sum())
    return CorrelationTable(long, desc, columns, method, covar, padjust, level, dict(labels or {}),
                            nan_policy=nan_policy, n=n_used, n_listwise=len(data) - n_used)


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


@apa.register
def _(res: CorrelationTable) -> Apa:
    sym = "r" if res.method == "pearson" else "r_s"
    texts = []
    for row, p in zip(res.long.itertuples(index=False), res._p()):
        texts.append(f"{row.x}–{row.y}: {sym}({row.df}) = {apa_num(row.r, gt1=False)}, "
                     f"{apa_ci(row.ci_low, row.ci_high, gt1=False, level=res.level)}, {apa_p(p)}")
    first = res.long.iloc[0]
    return Apa(estimate=f"{sym} = {apa_num(first.r, gt1=False)}, "
                        f"{apa_ci(first.ci_low, first.ci_high, gt1=False, level=res.level)}",
               statistic=f"{sym}({first.df}) = {apa_num(first.r, gt1=False)}, {apa_p(res._p().iloc[0])}",
               full_result="; ".join(texts), table=res.apa_table())
