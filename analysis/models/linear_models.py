"""Regression: OLS (statsmodels) with standardised β, HC3, VIF and hierarchical blocks (logistic
regression for binary outcomes: :mod:`analysis.models.logistic`, reached here through ``family=``).

* Predictors are given as column names (``x=[...]``) or as a statsmodels formula (``formula=``).
* Standardised β = b · SD(design column) / SD(y): the slopes of the regression on z scores for
  numeric predictors (as ``lm`` on ``scale()``d data), and lm.beta's definition for dummy and
  product columns.
* ``hc3=True``: heteroskedasticity-consistent SEs (HC3) with t tests on the residual df, as
  ``lmtest::coeftest(m, sandwich::vcovHC(m, "HC3"))``.
* VIF_j = 1 / (1 − R²_j) from the design matrix (statsmodels), as ``car::vif`` for 1-df terms.
* Rows with a missing value on any model column are excluded once (listwise) and listed in
  ``result.excluded``; hierarchical blocks all use the same rows, so ΔR² and the F change compare
  nested models on one sample (as ``anova(m1, m2)``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_level
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ._common import (Fitted, Reported, as_list, coefficient_figure, complete_cases, design_columns, fit_value,
                      p_cell, r_formula, screens_sample, tidy, wald_table, whole)
from .logistic import logistic_regression

__all__ = ["regression", "hierarchical_regression", "RegressionResult", "HierarchicalResult"]


def _fit_ols(d: pd.DataFrame, y: str, x, formula):
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    if formula is not None:
        return smf.ols(formula, d).fit()
    X = sm.add_constant(d[x].astype(float), has_constant="add").rename(columns={"const": "Intercept"})
    return sm.OLS(d[y].astype(float), X).fit()


def _vif(exog: np.ndarray, names) -> pd.DataFrame:
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    rows = []
    for j, n in enumerate(names):
        if n == "Intercept":
            continue
        with np.errstate(divide="ignore"):
            rows.append({"term": n, "vif": float(variance_inflation_factor(exog, j))})
    return pd.DataFrame(rows, columns=["term", "vif"])


@dataclass
class RegressionResult(Fitted, Reported):
    """An OLS fit.

    Attributes
    ----------
    coefficients : DataFrame
        ``term, estimate, se, t, p_val, ci_low, ci_high, beta`` (HC3 SEs when ``hc3``).
    vif : DataFrame
        ``term, vif``.
    r2, adj_r2, f, df_model, df_resid, f_p_val, n : model summary.
    fit : statsmodels RegressionResults (classical covariance; ``fit_hc3`` with HC3).
    excluded : DataFrame of rows left out (``row, reason``).

    ``table()`` is the coefficient table in the protocol's columns (``term, estimate, se,
    statistic (t), df, p_val, ci_low, ci_high, beta``), ``summary()`` one row of model fit (n,
    n_excluded, R², adjusted R², F, its df and p), ``apa()`` the APA text (``.apa().table`` the
    formatted table), ``figure(path=None)`` the coefficients with their CIs.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import regression
    >>> res = regression(d, "exam3", ["mastery_approach"])
    >>> res.r_call
    'lm(exam3 ~ mastery_approach, data)'
    >>> list(res.summary().columns[:4])
    ['outcome', 'n', 'n_excluded', 'r2']
    """

    coefficients: pd.DataFrame
    vif: pd.DataFrame
    fit: object
    y: str
    hc3: bool
    level: float
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    formula: str | None = None

    def table(self) -> pd.DataFrame:
        """Tidy coefficients: ``term, estimate, se, statistic, df, p_val, ci_low, ci_high, beta``."""
        return tidy(self.coefficients, "t", self.df_resid)

    def _cov(self) -> np.ndarray:   # the HC3 covariance when the SEs are HC3 (sandwich::vcovHC type "HC3")
        return np.asarray(self.fit.cov_HC3) if self.hc3 else np.asarray(self.fit.cov_params())

    def summary(self) -> pd.DataFrame:
        """One row: ``outcome, n, n_excluded, r2, adj_r2, statistic (F), df_model, df_resid, p_val, hc3``."""
        return pd.DataFrame([{"outcome": self.y, **self._sample_facts(), "r2": self.r2, "adj_r2": self.adj_r2,
                              "statistic": self.f, "df_model": self.df_model, "df_resid": self.df_resid,
                              "p_val": self.f_p_val, "hc3": self.hc3}])

    def _options(self) -> dict:
        return {"hc3": self.hc3, "level": self.level, "nan_policy": "listwise", "formula": self.formula}

    @property
    def predictors(self) -> list:
        return [t for t in self.coefficients["term"] if t != "Intercept"]

    @property
    def r_call(self) -> str:
        model = f"lm({self.formula if self.formula else r_formula(self.y, self.predictors)}, data)"
        if self.hc3:
            return f"lmtest::coeftest(m <- {model}, vcov = sandwich::vcovHC(m, type = \"HC3\")); confint(...)"
        return model

    def figure(self, path=None):
        """The coefficients with their CIs (intercept left out); written to ``path`` when given."""
        return coefficient_figure(self.table(), f"Regression of {self.y}", path)

    n = fit_value("nobs", int)
    r2 = fit_value("rsquared")
    adj_r2 = fit_value("rsquared_adj")
    f = fit_value("fvalue")
    df_model = fit_value("df_model", whole)
    df_resid = fit_value("df_resid", whole)
    f_p_val = fit_value("f_pvalue")


@screens_sample("regression")
def regression(data: pd.DataFrame, y: str | None = None, x=None, formula: str | None = None,
               hc3: bool = False, level: float = 0.95, family: str = "gaussian"):
    """OLS regression with standardised β, optional HC3 SEs and VIFs.

    Parameters
    ----------
    data : DataFrame
    y : str
        Outcome column (not needed with ``formula``).
    x : list of str
        Predictor columns. Or give ``formula`` (statsmodels/patsy syntax, e.g. ``"y ~ a * b"``).
    hc3 : bool
        HC3 standard errors (t tests and CIs on the residual df).
    level : float
        Confidence level.
    family : {"gaussian", "logistic", "poisson", "negative_binomial"}
        ``"gaussian"`` (default): OLS. The others dispatch to :func:`logistic_regression` and
        :func:`analysis.models.count_regression` (count models take ``x=[columns]``).

    Returns
    -------
    RegressionResult (LogisticResult, CountResult for the other families)

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import regression
    >>> res = regression(read_dataset("demo"), "exam3", ["exam1", "age"])
    >>> res.table()[["term", "estimate", "statistic", "beta"]].round(3)
            term  estimate  statistic   beta
    0  Intercept     4.433      1.430    NaN
    1      exam1     0.866     27.438  0.813
    2        age    -0.095     -1.059 -0.031
    >>> res.r_call
    'lm(exam3 ~ exam1 + age, data)'
    >>> # R: lm(exam3 ~ exam1 + age, d); lm(scale(exam3) ~ scale(exam1) + scale(age), d)
    """
    check_level(level, "regression")
    if family != "gaussian":
        return _other_family(data, y, x, formula, hc3, level, family)
    y, cols = design_columns(data, y, x, formula, "regression")
    cc = complete_cases(data, cols, what="regression")
    return _ols_result(cc.data, y, as_list(x) if formula is None else None, formula, hc3, level, cc.excluded)


def _other_family(data, y, x, formula, hc3, level, family):
    """The family= hook of :func:`regression`."""
    from .counts import FAMILIES, count_regression

    if family not in ("logistic",) + FAMILIES:
        raise DataError(f"is not a family; family must be one of gaussian, logistic, {', '.join(FAMILIES)}",
                        argument="family", value=family, within="regression", hint="choose one of them")
    if hc3:
        raise DataError(f"applies to OLS only, not to family={family!r}", argument="hc3", value=hc3,
                        within="regression", hint="leave hc3 out, or use family='gaussian'")
    if family == "logistic":
        return logistic_regression(data, y, x, formula=formula, level=level)
    if formula is not None or x is None:
        raise DataError("takes the predictors as x=[columns], not a formula", argument="family", value=family,
                        within="regression", hint="give x=[columns] instead of formula=")
    return count_regression(data, y, x, family=family, level=level)


def _ols_result(d, y, x, formula, hc3, level, excluded) -> RegressionResult:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # rank deficiency is reported below, as a DataError
            fit = _fit_ols(d, y, x, formula)
    except Exception as exc:  # patsy errors: a misspelt column in a formula and the like
        raise DataError(f"cannot build the model ({exc})", argument="formula" if formula is not None else "x",
                        value=formula if formula is not None else x, within="regression",
                        hint="Check the names against the file's columns.") from None
    names = list(fit.params.index)
    if fit.df_resid < 1:
        raise DataError(f"have {int(fit.nobs)} complete rows, too few for {len(names)} coefficients",
                        file=d.attrs.get("source"), column=[y] + ([] if x is None else as_list(x)), within="regression",
                        hint="Collect more responses, or use fewer predictors.")
    if np.linalg.matrix_rank(fit.model.exog) < fit.model.exog.shape[1]:
        raise DataError("are perfectly collinear (one is a linear function of the others)",
                        file=d.attrs.get("source"), column=[c for c in names if c != "Intercept"], within="regression",
                        hint="drop one of them")
    se = fit.bse.to_numpy()
    if hc3:
        se = np.sqrt(np.diag(fit.cov_HC3))
    tab = wald_table(fit.params.to_numpy(), se, df=fit.df_resid, level=level, names=names, stat="t")
    sd_x = np.std(fit.model.exog, axis=0, ddof=1)
    sd_y = np.std(fit.model.endog, ddof=1)
    tab["beta"] = [np.nan if n == "Intercept" else b * s / sd_y for n, b, s in zip(names, tab.estimate, sd_x)]
    return RegressionResult(tab, _vif(fit.model.exog, names), fit, y, hc3, level, excluded, formula)


@dataclass
class HierarchicalResult(Reported):
    """Nested OLS models, one per block.

    Attributes
    ----------
    steps : DataFrame
        ``step, predictors, r2, adj_r2, delta_r2, f_change, df1, df2, p_val`` (p of the F change).
    models : list of RegressionResult

    ``table()`` is one row per step in the protocol's columns (``step, predictors, r2, adj_r2,
    estimate (ΔR²), statistic (F change), df1, df2, p_val, n``), ``summary()`` one row per step
    model with its overall fit (R², F on df_model and df_resid, p), ``figure(path=None)`` the
    coefficients of the last model.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import hierarchical_regression
    >>> h = hierarchical_regression(d, "exam3", [["exam1"], ["mastery_approach"]])
    >>> h.summary()[["step", "n", "r2"]].round(3)
       step    n     r2
    0     1  386  0.662
    1     2  386  0.713
    """

    steps: pd.DataFrame
    models: list
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        return self.models[-1].n

    @property
    def y(self) -> str:
        return self.models[-1].y

    def table(self) -> pd.DataFrame:
        """One row per step: ΔR² (``estimate``) and its F test (``statistic``, ``df1``, ``df2``, ``p_val``)."""
        t = self.steps.rename(columns={"delta_r2": "estimate", "f_change": "statistic"}).reset_index(drop=True)
        t["n"] = self.n
        return t

    def summary(self) -> pd.DataFrame:
        """One row per step model: ``step, outcome, n, n_excluded, r2, adj_r2, statistic (F), df_model,
        df_resid, p_val``."""
        rows = []
        for step, m in zip(self.steps["step"], self.models):
            rows.append({"step": int(step), **m.summary().iloc[0].to_dict()})
        out = pd.DataFrame(rows).drop(columns=["hc3"])
        out["n_excluded"] = self.n_excluded
        return out

    def _options(self) -> dict:
        m = self.models[-1]
        return {"blocks": [b.split(", ") for b in self.steps["predictors"]], "hc3": m.hc3, "level": m.level,
                "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        return "anova(" + ", ".join(f"lm({r_formula(m.y, m.predictors)}, data)" for m in self.models) + ")"

    def figure(self, path=None):
        """The coefficients of the last step with their CIs; written to ``path`` when given."""
        return coefficient_figure(self.models[-1].table(), f"Regression of {self.y} (step {len(self.models)})", path)


@screens_sample("hierarchical_regression")
def hierarchical_regression(data: pd.DataFrame, y: str, blocks, hc3: bool = False,
                            level: float = 0.95) -> HierarchicalResult:
    """Hierarchical OLS: predictors entered in blocks; ΔR² and the F change of every step.

    Parameters
    ----------
    blocks : list of lists of column names
        Block 1 first; each step adds its block to the previous predictors.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import hierarchical_regression
    >>> h = hierarchical_regression(read_dataset("demo"), "exam3", [["age"], ["exam1", "exam2"]])
    >>> h.table()[["step", "estimate", "statistic", "df1", "df2"]].round(3)
       step  estimate  statistic  df1  df2
    0     1     0.001      0.515    1  379
    1     2     0.732    517.655    2  377
    >>> h.r_call
    'anova(lm(exam3 ~ age, data), lm(exam3 ~ age + exam1 + exam2, data))'
    
    """
    check_level(level, "hierarchical_regression")
    blocks = [as_list(b) for b in as_list(blocks)] if not isinstance(blocks, str) else [[blocks]]
    if len(blocks) < 1 or any(len(b) == 0 for b in blocks):
        raise DataError("is not a list of non-empty lists of columns", argument="blocks", value=blocks,
                        within="hierarchical_regression", hint="give e.g. blocks=[['age'], ['exam1', 'exam2']]")
    allx = [c for b in blocks for c in b]
    dup = [c for c in allx if allx.count(c) > 1]
    if dup:
        raise DataError(f"names '{dup[0]}' in more than one block", argument="blocks", value=blocks,
                        within="hierarchical_regression", hint="enter each predictor in one block")
    design_columns(data, y, allx, None, "hierarchical_regression")
    cc = complete_cases(data, [y] + allx, what="hierarchical_regression")
    models, rows, prev, xs = [], [], None, []
    for i, b in enumerate(blocks, start=1):
        xs = xs + b
        m = _ols_result(cc.data, y, xs, None, hc3, level, cc.excluded)
        models.append(m)
        r2_prev = 0.0 if prev is None else prev.r2
        df1 = len(b)
        df2 = m.df_resid
        fch = ((m.r2 - r2_prev) / df1) / ((1 - m.r2) / df2)
        rows.append({"step": i, "predictors": ", ".join(b), "r2": m.r2, "adj_r2": m.adj_r2,
                     "delta_r2": m.r2 - r2_prev, "f_change": fch, "df1": df1, "df2": df2,
                     "p_val": float(stats.f.sf(fch, df1, df2))})
        prev = m
    return HierarchicalResult(pd.DataFrame(rows), models, cc.excluded)


# --- APA --------------------------------------------------------------------------------------


@apa.register
def _(res: RegressionResult) -> Apa:
    rows, parts = [], []
    for r in res.coefficients.itertuples(index=False):
        rows.append({"Predictor": r.term, "b": apa_num(r.estimate), "SE": apa_num(r.se),
                     f"{round(res.level * 100)}% CI": f"[{apa_num(r.ci_low)}, {apa_num(r.ci_high)}]",
                     "β": "" if np.isnan(r.beta) else apa_num(r.beta, gt1=False),
                     "t": apa_num(r.t), "p": p_cell(r.p_val)})
        if r.term != "Intercept":
            parts.append(f"{r.term}: b = {apa_num(r.estimate)}, {apa_ci(r.ci_low, r.ci_high, level=res.level)}, "
                         f"β = {apa_num(r.beta, gt1=False)}, t({res.df_resid}) = {apa_num(r.t)}, {apa_p(r.p_val)}")
    model = (f"R² = {apa_num(res.r2, gt1=False)}, adjusted R² = {apa_num(res.adj_r2, gt1=False)}, "
             f"F({res.df_model}, {res.df_resid}) = {apa_num(res.f)}, {apa_p(res.f_p_val)}")
    se = " (HC3 standard errors)" if res.hc3 else ""
    return Apa(estimate=f"R² = {apa_num(res.r2, gt1=False)}",
               statistic=f"F({res.df_model}, {res.df_resid}) = {apa_num(res.f)}, {apa_p(res.f_p_val)}",
               full_result=f"{res.y} (N = {res.n}){se}: {model}. " + "; ".join(parts) + ".",
               table=pd.DataFrame(rows))


@apa.register
def _(res: HierarchicalResult) -> Apa:
    rows, parts = [], []
    for s in res.steps.itertuples(index=False):
        rows.append({"Step": s.step, "Predictors added": s.predictors, "R²": apa_num(s.r2, gt1=False),
                     "ΔR²": apa_num(s.delta_r2, gt1=False), "F change": apa_num(s.f_change),
                     "df": f"{s.df1}, {s.df2}", "p": p_cell(s.p_val)})
        parts.append(f"step {s.step} ({s.predictors}): ΔR² = {apa_num(s.delta_r2, gt1=False)}, "
                     f"F({s.df1}, {s.df2}) = {apa_num(s.f_change)}, {apa_p(s.p_val)}")
    last = res.steps.iloc[-1]
    return Apa(estimate=f"ΔR² = {apa_num(last.delta_r2, gt1=False)}",
               statistic=f"F({last.df1}, {last.df2}) = {apa_num(last.f_change)}, {apa_p(last.p_val)}",
               full_result="; ".join(parts) + ".", table=pd.DataFrame(rows))


