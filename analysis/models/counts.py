"""Count outcomes: Poisson and negative-binomial regression with rate ratios (checked against R's
``glm(family = poisson)`` and ``MASS::glm.nb``).

* Both models use the log link: ``log E[y] = offset + X b``; ``exp(b)`` is the rate ratio (the
  factor by which the expected count changes per unit of the predictor).
* Poisson: Var(y) = μ. Negative binomial (NB2, MASS's parametrisation): Var(y) = μ + μ²/θ, with θ
  estimated by maximum likelihood.
* Tests and CIs are Wald z (``summary(glm)``, ``confint.default``); the NB coefficient covariance
  is that of the GLM at the final θ (dispersion 1), as ``summary.negbin``.
* Deviance, null deviance (intercept + offset only, at the same θ), logLik and AIC are R's. The NB
  AIC counts θ as a parameter (``AIC(glm.nb(...))``).

The fitting (numpy IRLS + θ by Newton, and why it is hand-written) is in
:mod:`analysis.models.count_fitting`; mediation with a count outcome in
:mod:`analysis.models.count_outcome_mediation`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..io.readers import row_label
from ._common import Reported, as_list, check_columns, check_roles, check_frame, complete_cases, screens_sample
from .count_design import _check_counts, _design, _show
from .count_fitting import _deviance, _fit, _irls, _loglik

__all__ = ["count_regression", "CountResult", "FAMILIES"]

FAMILIES = ("poisson", "negative_binomial")


@dataclass
class CountResult(Reported):
    """A Poisson or negative-binomial regression.

    Attributes
    ----------
    coefficients : DataFrame
        ``term, estimate, se, statistic (z), df (NaN: z test), p_val, ci_low, ci_high, rate_ratio,
        rate_ratio_ci_low, rate_ratio_ci_high``.
    family : "poisson" or "negative_binomial"
    theta, theta_se : NB dispersion θ (Var = μ + μ²/θ) and its SE (NaN for Poisson).
    deviance, null_deviance, df_resid, df_null, loglik, aic, n
    excluded : DataFrame of rows left out for missing values (``row, reason``).

    ``table()`` is the tidy coefficient table, ``summary()`` one row of model statistics,
    ``apa()`` the APA text and table, ``r_call`` the equivalent R call, ``figure(path=None)`` a
    forest plot of the rate ratios.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import count_regression
    >>> res = count_regression(read_dataset("demo"), "extra_tasks", ["exam1"])
    >>> res.summary()[["family", "n", "df_resid", "n_excluded"]]
        family    n  df_resid  n_excluded
    0  poisson  394       392           6
    >>> res.r_call
    'glm(extra_tasks ~ exam1, family = poisson, data = d); confint.default(m)'
    """

    coefficients: pd.DataFrame
    family: str
    outcome: str
    predictors: list
    covar: list
    offset: str | None
    level: float
    n: int
    theta: float
    theta_se: float
    deviance: float
    null_deviance: float
    df_resid: int
    df_null: int
    loglik: float
    aic: float
    converged: bool
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self) -> pd.DataFrame:
        """Tidy coefficients: ``term, estimate, se, statistic (z), df (NaN), p_val, ci_low, ci_high``
        and the rate ratios with their CIs."""
        return self.coefficients.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row: ``family, n, theta, theta_se, deviance, df_resid, null_deviance, df_null, loglik,
        aic, converged, outcome, n_excluded``."""
        return pd.DataFrame([{"family": self.family, "n": self.n, "theta": self.theta, "theta_se": self.theta_se,
                              "deviance": self.deviance, "df_resid": self.df_resid,
                              "null_deviance": self.null_deviance, "df_null": self.df_null,
                              "loglik": self.loglik, "aic": self.aic, "converged": self.converged,
                              "outcome": self.outcome, "n_excluded": self.n_excluded}])

    def _options(self) -> dict:
        return {"family": self.family, "covar": self.covar, "offset": self.offset, "level": self.level,
                "ci_method": "wald", "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        rhs = " + ".join(self.predictors + self.covar + ([f"offset({self.offset})"] if self.offset else []))
        if self.family == "poisson":
            return f"glm({self.outcome} ~ {rhs}, family = poisson, data = d); confint.default(m)"
        return f"MASS::glm.nb({self.outcome} ~ {rhs}, data = d); confint.default(m)"

    def figure(self, path=None):
        """Forest plot of the rate ratios with their CIs (log axis); saved atomically when ``path``."""
        from ..formatting.figures import save_figure  # noqa: F401  (imported lazily: matplotlib)
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        t = self.coefficients[self.coefficients.term != "Intercept"].iloc[::-1]
        fig, ax = plt.subplots(figsize=(6, 0.45 * len(t) + 1.2))
        ax.errorbar(t.rate_ratio, range(len(t)), xerr=[t.rate_ratio - t.rate_ratio_ci_low,
                                                      t.rate_ratio_ci_high - t.rate_ratio],
                    fmt="s", color="black", capsize=3)
        ax.axvline(1, color="grey", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_yticks(range(len(t)), list(t.term))
        ax.set_xlabel(f"Rate ratio ({round(self.level * 100)}% CI)")
        ax.set_title(f"{self.outcome}: {'Poisson' if self.family == 'poisson' else 'negative-binomial'} regression")
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
            plt.close(fig)
        return fig


@renamed(outcome="y", predictors="x")
@screens_sample("count_regression")
def count_regression(data: pd.DataFrame, y: str, x, family: str = "poisson", covar=None,
                     offset: str | None = None, level: float = 0.95) -> CountResult:
    """Poisson or negative-binomial regression of a count, with rate ratios.

    Parameters
    ----------
    data : DataFrame
    y : str
        Count column (whole numbers ≥ 0). ``outcome=`` is its old name (deprecated).
    x : list of str
        Predictor columns (``predictors=``, deprecated), named as in :func:`regression`. Numeric columns enter as they are; text or categorical columns as
        treatment dummies against the first category (alphabetical for text), named as R names
        them (``woolB``).
    family : {"poisson", "negative_binomial"}
    covar : list of str, optional
        Covariates (entered after the predictors; reported like them).
    offset : str, optional
        Column added to the linear predictor as is, as R's ``offset()``: give the log of the
        exposure (e.g. a ``log_hours`` column) to model rates.
    level : float
        Confidence level of the Wald CIs.

    Returns
    -------
    CountResult

    Rows with a missing value on a model column are excluded and listed in ``result.excluded``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import count_regression
    >>> d = read_dataset("demo")
    >>> res = count_regression(d, "extra_tasks", ["exam1", "age"], family="negative_binomial")
    >>> round(res.theta, 4), res.n, res.n_excluded
    (1.7492, 394, 6)
    >>> res.table()[["term", "estimate", "rate_ratio"]].round(3)
            term  estimate  rate_ratio
    0  Intercept     1.462       4.315
    1      exam1    -0.007       0.993
    2        age     0.005       1.005
    >>> res.r_call
    'MASS::glm.nb(extra_tasks ~ exam1 + age, data = d); confint.default(m)'
    >>> # R: MASS::glm.nb(extra_tasks ~ exam1 + age, data = d)
    """
    what = f"count_regression ({family})"
    outcome, predictors = y, x          # the roles as regression() names them; the body says what they are
    check_frame(data)
    if family not in FAMILIES:
        raise DataError(f"is not a family; family must be one of {', '.join(FAMILIES)}", argument="family",
                        value=family, within="count_regression", hint="choose one of them")
    if not 0 < level < 1:
        raise DataError("is not a confidence level", argument="level", value=level, within="count_regression",
                        hint="give a number strictly between 0 and 1, e.g. 0.95 for a 95% CI")
    predictors, covar = as_list(predictors), as_list(covar)
    xs = check_roles(outcome, predictors, "count_regression", covar=covar)
    cols = [outcome] + xs + ([offset] if offset else [])
    check_columns(data, cols, what=what)
    check_columns(data, [outcome] + ([offset] if offset else []), what=what, numeric=True)
    cc = complete_cases(data, cols, what=what)
    d = cc.data
    y = _check_counts(d, outcome, what)
    X, names = _design(d, xs)
    off = d[offset].to_numpy(float) if offset else np.zeros(len(d))
    if not np.all(np.isfinite(off)):
        i = int(np.flatnonzero(~np.isfinite(off))[0])
        raise DataError("is not finite: the offset enters the linear predictor as is (log exposure) and must be "
                        "finite — an exposure of 0 has log −inf", file=data.attrs.get("source"),
                        row=row_label(d, d.index[i]), column=offset, item="the offset", value=_show(d[offset].iloc[i]),
                        within=what, hint="drop the row or set it to missing")
    if len(y) <= X.shape[1]:
        raise DataError(f"have {len(y)} complete rows, too few for {X.shape[1]} coefficients",
                        file=data.attrs.get("source"), column=cols, within=what,
                        hint="Collect more responses, or use fewer predictors.")
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise DataError("are perfectly collinear (one is a linear function of the others, or a category is empty)",
                        file=data.attrs.get("source"), column=xs, within=what, hint="drop one of them")
    if not y.any():
        raise DataError("holds 0 in every complete row; there is nothing to model", file=data.attrs.get("source"),
                        column=outcome, item="the outcome", within=what,
                        hint="Check that it is the right column and that missing codes were not read as 0.")
    f = _fit(y, X, off, family, columns=xs, outcome=outcome)
    if not f.converged:
        warnings.warn(f"{what}: the fit did not converge; treat the estimates with caution", stacklevel=2)
    se = np.sqrt(np.diag(f.cov))
    z = f.beta / se
    q = stats.norm.ppf(0.5 + level / 2)
    tab = pd.DataFrame({"term": names, "estimate": f.beta, "se": se, "statistic": z, "df": np.nan,
                        "p_val": 2 * stats.norm.sf(np.abs(z)), "ci_low": f.beta - q * se, "ci_high": f.beta + q * se})
    tab["rate_ratio"] = np.exp(tab.estimate)
    tab["rate_ratio_ci_low"] = np.exp(tab.ci_low)
    tab["rate_ratio_ci_high"] = np.exp(tab.ci_high)
    # null model: intercept (+ offset) at the same θ, as glm.fit's null deviance
    ones = np.ones((len(y), 1))
    mu0 = np.full(len(y), y.mean()) if not offset else _irls(y, ones, off, f.theta)[1]
    ll = _loglik(y, f.mu, f.theta)
    k = X.shape[1] + (0 if family == "poisson" else 1)
    return CountResult(tab, family, outcome, predictors, covar, offset, level, int(len(y)), f.theta if family != "poisson" else float("nan"),
                       f.theta_se, _deviance(y, f.mu, f.theta), _deviance(y, mu0, f.theta), int(len(y) - X.shape[1]),
                       int(len(y) - 1), ll, -2 * ll + 2 * k, f.converged, cc.excluded)


# --- APA ----------------------------------------------------------------------------------------
def _p_cell(p):
    return apa_p(p).replace("p = ", "").replace("p ", "")


@apa.register
def _(res: CountResult) -> Apa:
    ci = f"{round(res.level * 100)}% CI"
    rows, parts = [], []
    for r in res.coefficients.itertuples(index=False):
        rows.append({"Predictor": r.term, "b": apa_num(r.estimate, 3), "SE": apa_num(r.se, 3),
                     "RR": apa_num(r.rate_ratio), f"RR {ci}": f"[{apa_num(r.rate_ratio_ci_low)}, {apa_num(r.rate_ratio_ci_high)}]",
                     "z": apa_num(r.statistic), "p": _p_cell(r.p_val)})
        if r.term != "Intercept":
            parts.append(f"{r.term}: RR = {apa_num(r.rate_ratio)}, {apa_ci(r.rate_ratio_ci_low, r.rate_ratio_ci_high, level=res.level)}, "
                         f"z = {apa_num(r.statistic)}, {apa_p(r.p_val)}")
    name = "Poisson" if res.family == "poisson" else "Negative-binomial"
    model = f"deviance = {apa_num(res.deviance)} on {res.df_resid} df, AIC = {apa_num(res.aic)}"
    if res.family != "poisson":
        model = f"θ = {apa_num(res.theta)} (SE = {apa_num(res.theta_se)}), " + model
    first = res.coefficients.iloc[1] if len(res.coefficients) > 1 else res.coefficients.iloc[0]
    return Apa(estimate=f"RR = {apa_num(first.rate_ratio)}, {apa_ci(first.rate_ratio_ci_low, first.rate_ratio_ci_high, level=res.level)}",
               statistic=f"z = {apa_num(first.statistic)}, {apa_p(first.p_val)}",
               full_result=f"{name} regression of {res.outcome} (N = {res.n}; {model}): " + "; ".join(parts) + ".",
               table=pd.DataFrame(rows))
