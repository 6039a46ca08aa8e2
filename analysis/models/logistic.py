"""Logistic regression for a binary outcome (statsmodels' binomial GLM), as R's glm(family = binomial)."""

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
                      p_cell, screens_sample, tidy, wald_table, whole)

__all__ = ["logistic_regression", "LogisticResult"]


@dataclass
class LogisticResult(Fitted, Reported):
    """A logistic regression (statsmodels Logit, ML).

    Attributes
    ----------
    coefficients : DataFrame
        ``term, estimate, se, z, p_val, ci_low, ci_high, odds_ratio, or_ci_low, or_ci_high``
        (Wald tests and CIs, as ``summary(glm)`` and ``confint.default``).
    lr_chi2, lr_df, lr_p_val : likelihood-ratio test against the intercept-only model.
    mcfadden_r2, nagelkerke_r2, aic, n

    ``table()`` is the coefficient table in the protocol's columns (``statistic`` the Wald z, ``df``
    NaN), ``summary()`` one row of model fit (LR χ² test, pseudo-R², AIC), ``figure(path=None)``
    the log-odds coefficients with their CIs.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import logistic_regression
    >>> res = logistic_regression(read_dataset("demo"), "exam3", ["exam1"], threshold=60)
    >>> res.r_call
    'glm(I(exam3 >= 60) ~ exam1, family = binomial, data); confint.default(m)'
    """

    coefficients: pd.DataFrame
    fit: object
    y: str
    level: float
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    formula: str | None = None
    threshold: float | None = None

    def table(self) -> pd.DataFrame:
        """Tidy coefficients: ``term, estimate, se, statistic (z), df (NaN), p_val, ci_low, ci_high,
        odds_ratio, or_ci_low, or_ci_high``."""
        return tidy(self.coefficients, "z")

    def summary(self) -> pd.DataFrame:
        """One row: ``outcome, n, n_excluded, statistic (LR χ²), df, p_val, mcfadden_r2,
        nagelkerke_r2, aic``."""
        return pd.DataFrame([{"outcome": self.y, **self._sample_facts(), "statistic": self.lr_chi2, "df": self.lr_df,
                              "p_val": self.lr_p_val, "mcfadden_r2": self.mcfadden_r2,
                              "nagelkerke_r2": self.nagelkerke_r2, "aic": self.aic}])

    def _options(self) -> dict:
        return {"threshold": self.threshold, "level": self.level, "ci_method": "wald", "nan_policy": "listwise",
                "formula": self.formula}

    @property
    def r_call(self) -> str:
        if self.formula:
            rhs = self.formula.split("~", 1)[1].strip()
        else:
            rhs = " + ".join(t for t in self.coefficients["term"] if t != "Intercept")
        lhs = self.y if self.threshold is None else f"I({self.y} >= {self.threshold:g})"
        return f"glm({lhs} ~ {rhs}, family = binomial, data); confint.default(m)"

    def figure(self, path=None):
        """The coefficients (log odds) with their CIs; written to ``path`` when given."""
        return coefficient_figure(self.table(), f"Logistic regression of {self.y}", path,
                                  xlabel="Log odds with its confidence interval")

    n = fit_value("nobs", int)

    @property
    def llnull(self) -> float:
        """Log-likelihood of the intercept-only model, in closed form (statsmodels refits it with
        a loose tolerance, 1e-8 off)."""
        y = self.fit.model.endog
        p = y.mean()
        return float(len(y) * (p * np.log(p) + (1 - p) * np.log(1 - p)))

    @property
    def lr_chi2(self) -> float:
        return float(2 * (self.fit.llf - self.llnull))

    lr_df = fit_value("df_model", whole)

    @property
    def lr_p_val(self) -> float:
        return float(stats.chi2.sf(self.lr_chi2, self.lr_df))

    @property
    def mcfadden_r2(self) -> float:
        return float(1 - self.fit.llf / self.llnull)

    @property
    def nagelkerke_r2(self) -> float:
        n, ll, ll0 = self.n, self.fit.llf, self.llnull
        return float((1 - np.exp(2 * (ll0 - ll) / n)) / (1 - np.exp(2 * ll0 / n)))

    aic = fit_value("aic")


@screens_sample("logistic_regression")
def logistic_regression(data: pd.DataFrame, y: str | None = None, x=None, formula: str | None = None,
                        threshold: float | None = None, level: float = 0.95) -> LogisticResult:
    """Logistic regression of a binary outcome (0/1), or of ``y >= threshold``.

    Parameters
    ----------
    y : str
        Binary outcome column (0/1 or two values ordered low → high), or a score dichotomised
        with ``threshold`` (e.g. PHQ-9 total with ``threshold=10``: 1 = at or above).
    x, formula : predictors as in :func:`regression`.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import logistic_regression
    >>> res = logistic_regression(read_dataset("demo"), "exam3", ["exam1", "age"], threshold=60)
    >>> res.n
    387
    >>> res.table()[["term", "estimate", "odds_ratio"]].round(3)
            term  estimate  odds_ratio
    0  Intercept   -17.742       0.000
    1      exam1     0.267       1.306
    2        age    -0.002       0.998
    >>> # R: glm(I(exam3 >= 60) ~ exam1 + age, binomial, d)
    """
    check_level(level, "logistic_regression")
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    y, cols = design_columns(data, y, x, formula, "logistic_regression")
    cc = complete_cases(data, cols, what="logistic_regression")
    d = cc.data.copy()
    yv = pd.to_numeric(d[y])
    if threshold is not None:
        yv = (yv >= threshold).astype(float)
    values = np.sort(yv.unique())
    if len(values) != 2:
        raise DataError(f"must have exactly two values among complete rows (found {len(values)}: "
                        f"{list(values[:5])})", file=data.attrs.get("source"), column=y, item="the outcome",
                        within="logistic_regression", hint="use threshold= to dichotomise a score")
    yv = (yv == values[1]).astype(float)
    d[y] = yv
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if formula is not None:
                fit = smf.logit(formula, d).fit(disp=0, method="newton", maxiter=200, tol=1e-12)
            else:
                X = sm.add_constant(d[as_list(x)].astype(float), has_constant="add").rename(
                    columns={"const": "Intercept"})
                fit = sm.Logit(yv, X).fit(disp=0, method="newton", maxiter=200, tol=1e-12)
        except np.linalg.LinAlgError:
            raise DataError("are perfectly collinear", file=data.attrs.get("source"), column=cols[1:],
                            within="logistic_regression", hint="drop one") from None
        except Exception as exc:
            if "separation" in str(exc).lower():
                raise DataError("are predictors with perfect separation — one predicts the outcome exactly, so "
                                "the odds ratios are infinite", file=data.attrs.get("source"), column=cols[1:],
                                within="logistic_regression",
                                hint="Leave out the predictor that separates, or use a penalised model.") from None
            raise
    tab = wald_table(fit.params.to_numpy(), fit.bse.to_numpy(), df=None, level=level,
                     names=list(fit.params.index), stat="z")
    tab["odds_ratio"] = np.exp(tab.estimate)
    tab["or_ci_low"] = np.exp(tab.ci_low)
    tab["or_ci_high"] = np.exp(tab.ci_high)
    return LogisticResult(tab, fit, y, level, cc.excluded, formula, threshold)


@apa.register
def _(res: LogisticResult) -> Apa:
    rows, parts = [], []
    ci = f"{round(res.level * 100)}% CI"
    for r in res.coefficients.itertuples(index=False):
        rows.append({"Predictor": r.term, "b": apa_num(r.estimate), "SE": apa_num(r.se),
                     "OR": apa_num(r.odds_ratio), f"OR {ci}": f"[{apa_num(r.or_ci_low)}, {apa_num(r.or_ci_high)}]",
                     "z": apa_num(r.z), "p": p_cell(r.p_val)})
        if r.term != "Intercept":
            parts.append(f"{r.term}: OR = {apa_num(r.odds_ratio)}, {apa_ci(r.or_ci_low, r.or_ci_high, level=res.level)}, "
                         f"z = {apa_num(r.z)}, {apa_p(r.p_val)}")
    stat = f"χ²({res.lr_df}, N = {res.n}) = {apa_num(res.lr_chi2)}, {apa_p(res.lr_p_val)}"
    return Apa(estimate=f"Nagelkerke R² = {apa_num(res.nagelkerke_r2, gt1=False)}", statistic=stat,
               full_result=f"{res.y}: {stat}, Nagelkerke R² = {apa_num(res.nagelkerke_r2, gt1=False)}. "
                           + "; ".join(parts) + ".", table=pd.DataFrame(rows))
