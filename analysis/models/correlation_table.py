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

from ..checks import check_choice, check_level, near_columns
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..io.writers import atomic_write_text
from ._common import Reported, as_list, check_columns, check_frame, md_table, retired_attribute, screens_sample
from .correlation_pair import _check_method, _corr_pair, _tidy_pairs
from .partial_pair import PartialCorrelationResult, partial_correlation

# partial_correlation and PartialCorrelationResult live in partial_pair.py; they stay importable from here
__all__ = ["correlations", "partial_correlation", "CorrelationTable", "PartialCorrelationResult"]

PADJUST = {"holm": "holm", "bonferroni": "bonferroni", "fdr_bh": "fdr_bh", "bh": "fdr_bh", "fdr": "fdr_bh"}


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
