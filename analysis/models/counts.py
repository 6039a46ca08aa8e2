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

Why the fitting is hand-written (numpy IRLS + θ by Newton)
----------------------------------------------------------
statsmodels' ``NegativeBinomial`` (discrete) maximises the joint likelihood with a generic
optimiser and reports α = 1/θ with its own covariance (including the β × α block), and its GLM
``NegativeBinomial`` family needs α fixed. ``MASS::glm.nb`` alternates (1) IRLS for β at fixed θ and
(2) Newton steps for θ at fixed μ (``theta.ml``) until both settle, and reports the β covariance at
fixed θ and SE(θ) = 1/√(observed information of θ). We reproduce exactly that alternation with a
short IRLS on the design matrix (also used warm-started inside the mediation bootstrap, where
rebuilding a statsmodels model per resample would dominate the run time); the tests check it
against R to 1e-6 and against statsmodels' GLM at R's θ. Inside the bootstrap the NB model is
refitted by a joint Newton step on (β, log θ) warm-started at the full-sample estimates
(:func:`_nb_newton`; same maximum, tested against the alternation), about 1.3 ms per resample
for N = 1000, so 5000 resamples take about 7 s (Poisson: 0.5 s).

Count outcomes in mediation (:func:`count_mediation`): the mediator model is OLS (a path), the
outcome model a Poisson or NB regression (b and direct c′ paths, on the log-rate scale); the
indirect effect a·b is on the log-rate scale too (exp(a·b) is a rate ratio per unit of x through
the mediator), with a percentile bootstrap CI.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

from ..checks import check_seed
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..io.readers import row_label
from ..results import TableResult
from ._common import (Reported, as_list, check_columns, check_roles, check_frame, coefficient_figure, complete_cases,
                      screens_sample, used_seed)

__all__ = ["count_regression", "CountResult", "count_mediation", "CountMediationResult", "FAMILIES"]

FAMILIES = ("poisson", "negative_binomial")
_R_FAMILY = {"poisson": "poisson", "negative_binomial": "nb"}


# --- fitting ------------------------------------------------------------------------------------
@dataclass
class _Fit:
    beta: np.ndarray
    cov: np.ndarray
    mu: np.ndarray
    theta: float            # inf for Poisson
    theta_se: float
    converged: bool
    iterations: int


def _weights(mu, theta):
    return mu if math.isinf(theta) else mu / (1.0 + mu / theta)


def _irls(y, X, off, theta, beta=None, tol=1e-13, maxit=100, columns=None):
    """IRLS for a log-link Poisson (theta = inf) or NB2 GLM at fixed theta; returns (beta, mu, XtWX, ok).

    Starts as R does (mustart = y + 0.1 for Poisson, y + (y == 0)/6 for NB) unless ``beta`` is given.
    ``columns`` (the predictor columns) name the place of a refusal: the loop sees arrays only.
    """
    if beta is None:
        mu = y + (0.1 if math.isinf(theta) else (y == 0) / 6.0)
        eta = np.log(mu)
    else:
        eta = X @ beta + off
        mu = np.exp(eta)
    dev_old = np.inf
    for it in range(1, maxit + 1):
        w = _weights(mu, theta)
        z = eta - off + (y - mu) / mu
        XtW = X.T * w
        A = XtW @ X
        try:
            beta = np.linalg.solve(A, XtW @ z)
        except np.linalg.LinAlgError:
            raise DataError("are perfectly collinear (one is a linear function of the others)", file=None,
                            column=columns, within="count model", hint="drop one of them") from None
        eta = X @ beta + off
        with np.errstate(over="ignore"):
            mu = np.exp(eta)
        if not np.all(np.isfinite(mu)):
            raise DataError("the fit diverged (an expected count overflowed)", file=None, column=columns,
                            within="count model", hint="check for a predictor that separates zero from non-zero "
                            "counts, and drop it or merge its categories")
        dev = _deviance(y, mu, theta)
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1):
            break
        dev_old = dev
    w = _weights(mu, theta)
    A = (X.T * w) @ X
    return beta, mu, A, it < maxit


def _deviance(y, mu, theta) -> float:
    ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    if math.isinf(theta):
        return float(2 * np.sum(ylogy - (y - mu)))
    return float(2 * np.sum(np.where(y > 0, y * np.log(np.maximum(y, 1.0) / mu), 0.0)
                            - (y + theta) * np.log((y + theta) / (mu + theta))))


def _loglik(y, mu, theta) -> float:
    if math.isinf(theta):
        return float(np.sum(y * np.log(mu) - mu - special.gammaln(y + 1)))
    return float(np.sum(special.gammaln(theta + y) - special.gammaln(theta) - special.gammaln(y + 1)
                        + theta * math.log(theta) + y * np.log(mu + (y == 0)) - (theta + y) * np.log(theta + mu)))


def _theta_info(y, mu, th):
    return float(np.sum(-special.polygamma(1, th + y) + special.polygamma(1, th) - 1 / th
                        + 2 / (mu + th) - (y + th) / (mu + th) ** 2))


def _theta_ml(y, mu, theta=None, maxit=100):
    """MASS::theta.ml: Newton-Raphson for θ at fixed μ (score and observed information of θ).

    Iterated to full precision (MASS stops at |Δθ| < eps^¼), so the alternation below converges to
    the joint maximum rather than stopping early."""
    n = y.size
    th = n / np.sum((y / mu - 1) ** 2) if theta is None else theta
    for _ in range(maxit):
        score = float(np.sum(special.digamma(th + y) - special.digamma(th) + math.log(th) + 1
                             - np.log(th + mu) - (y + th) / (mu + th)))
        info = _theta_info(y, mu, th)
        new = abs(th + score / info)
        if not np.isfinite(new) or new > 1e10:
            return float("inf")
        done = abs(new - th) <= 1e-13 * new
        th = new
        if done:
            break
    return float(th)


def _fit(y, X, off, family, start=None, theta0=None, tol=1e-12, columns=None, outcome=None) -> _Fit:
    """Poisson IRLS, or glm.nb's alternation of IRLS (β | θ) and Newton (θ | μ) to convergence.
    ``columns`` (the predictors) and ``outcome`` name the place of a refusal."""
    if family == "poisson":
        beta, mu, A, ok = _irls(y, X, off, math.inf, beta=start, columns=columns)
        return _Fit(beta, np.linalg.inv(A), mu, math.inf, float("nan"), ok, 1)
    if theta0 is None:
        beta, mu, _, _ = _irls(y, X, off, math.inf, beta=start, columns=columns)  # MASS starts from a Poisson fit
        theta = _theta_ml(y, mu)
    else:
        beta, theta = start, theta0
    ok, it = False, 0
    for it in range(1, 201):
        if math.isinf(theta):
            break
        beta, mu, A, ok_irls = _irls(y, X, off, theta, beta=beta, columns=columns)
        new = _theta_ml(y, mu, theta)
        if math.isinf(new) or abs(new - theta) <= tol * theta:
            theta = new
            ok = ok_irls and not math.isinf(new)
            break
        theta = new
    # θ above 1e6 (R's glm.nb then warns "iteration limit reached" and prints a θ like 1.6e5 whose
    # value is arbitrary): μ²/θ is negligible, the likelihood is flat in θ and the model is Poisson
    if math.isinf(theta) or theta > 1e6:
        raise DataError("has no overdispersion beyond Poisson: θ grows without bound", file=None, column=outcome,
                        item="the outcome", within="negative-binomial model", hint="use family='poisson'")
    beta, mu, A, ok_irls = _irls(y, X, off, theta, beta=beta, columns=columns)
    return _Fit(beta, np.linalg.inv(A), mu, theta, 1 / math.sqrt(_theta_info(y, mu, theta)), ok and ok_irls, it)


def _nb_newton(y, X, off, beta, theta, tol=1e-8, maxit=25):
    """Joint Newton-Raphson on (β, log θ) for the NB2 likelihood from a nearby start; (β, θ) or None.

    Used only inside the bootstrap, warm-started at the full-sample estimates: it reaches the same
    maximum as glm.nb's alternation (the joint MLE) in 3-5 steps instead of dozens of IRLS/θ
    sweeps. For whole-number y the θ terms are finite sums, ψ(y+θ) − ψ(θ) = Σ_{k<y} 1/(θ+k) (and
    likewise ψ′ and log Γ), computed once per distinct count with a cumulative sum instead of
    special functions per row (scipy's polygamma dominated the run time). None (→ the caller falls
    back to the alternation) when a step fails to raise the likelihood after halving or the
    iterations run out."""
    yi = y.astype(np.int64)
    if yi.max() > 1_000_000:
        return None
    cnt = np.bincount(yi)
    k = np.arange(cnt.size - 1, dtype=float)
    lgy1 = float(np.sum(special.gammaln(y + 1)))
    p = X.shape[1]

    def cums(th, what):
        t = th + k
        return np.concatenate(([0.0], np.cumsum(what(t))))

    def loglik(b, lt):
        th = math.exp(lt)
        mu = np.exp(X @ b + off)
        lg = cnt @ cums(th, np.log)                       # Σ log Γ(y+θ) − log Γ(θ)
        return float(lg - lgy1 + y.size * th * lt + np.sum(y * np.log(mu) - (th + y) * np.log(th + mu)))

    lt = math.log(theta)
    ll = loglik(beta, lt)
    for _ in range(maxit):
        th = math.exp(lt)
        mu = np.exp(X @ beta + off)
        tm = th + mu
        g_eta = th * (y - mu) / tm
        h_eta = -th * mu * (th + y) / tm ** 2
        d1 = cnt @ cums(th, lambda t: 1 / t)              # Σ ψ(y+θ) − ψ(θ)
        d2 = -(cnt @ cums(th, lambda t: 1 / t ** 2))      # Σ ψ′(y+θ) − ψ′(θ)
        g_th = float(d1 + y.size * (lt + 1) - np.sum(np.log(tm) + (th + y) / tm))
        h_th = float(d2 + y.size / th - np.sum(2 / tm - (th + y) / tm ** 2))
        h_eta_th = mu * (y - mu) / tm ** 2
        # chain rule to log θ: ∂/∂lt = θ ∂/∂θ; ∂²/∂lt² = θ² ∂²/∂θ² + θ ∂/∂θ
        H = np.empty((p + 1, p + 1))
        H[:p, :p] = (X.T * h_eta) @ X
        H[:p, p] = H[p, :p] = th * (X.T @ h_eta_th)
        H[p, p] = th * th * h_th + th * g_th
        g = np.append(X.T @ g_eta, th * g_th)
        try:
            step = np.linalg.solve(H, -g)
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        for _ in range(30):
            nb, nlt = beta + t * step[:p], lt + t * step[p]
            with np.errstate(over="ignore", invalid="ignore"):
                nll = loglik(nb, nlt)
            if np.isfinite(nll) and nll >= ll - 1e-10 * abs(ll):
                break
            t /= 2
        else:
            return None
        beta, lt = nb, nlt
        # quadratic convergence: a full step below 1e-8 leaves an error of order 1e-16
        done = t == 1.0 and np.max(np.abs(step)) <= tol
        ll = nll
        if done:
            return beta, math.exp(lt)
    return None


# --- input --------------------------------------------------------------------------------------
def _is_categorical(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _design(d: pd.DataFrame, columns) -> tuple[np.ndarray, list[str]]:
    """Intercept + numeric columns as they are; text/categorical columns as treatment dummies
    (reference = first category, or the alphabetically first value), named column + level as R."""
    parts, names = [np.ones(len(d))], ["Intercept"]
    for c in columns:
        s = d[c]
        if _is_categorical(s):
            levels = list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype) else sorted(s.unique(), key=str)
            for lev in levels[1:]:
                parts.append((s == lev).to_numpy(float))
                names.append(f"{c}{lev}")
        else:
            parts.append(s.to_numpy(float))
            names.append(str(c))
    return np.column_stack(parts), names


def _show(v) -> str:
    """A cell value as the user sees it in the file (2.5, -inf, 'abc'), not numpy's repr."""
    return repr(v) if isinstance(v, str) else f"{float(v):g}"


def _check_counts(data: pd.DataFrame, y: str, what: str) -> np.ndarray:
    s = data[y]
    if not pd.api.types.is_numeric_dtype(s):
        check_columns(data, [y], what=what, numeric=True)
    v = s.to_numpy(float)
    bad = (v < 0) | (v != np.floor(v)) | ~np.isfinite(v)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError("is not a count: a count outcome must be a whole number ≥ 0", file=data.attrs.get("source"),
                        row=row_label(data, data.index[i]), column=y, value=_show(s.iloc[i]), within=what,
                        hint="correct the value or set it to missing")
    return v


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


# --- mediation with a count outcome ---------------------------------------------------------------
@dataclass(repr=False)
class CountMediationResult(Reported, TableResult):
    """Mediation x → m → y with a count outcome y (Poisson or NB) and a continuous mediator m.

    Attributes
    ----------
    paths : DataFrame
        ``path (a, b, direct, indirect), term, estimate, se, statistic, df, p_val, ci_low, ci_high,
        rate_ratio`` — a: OLS of m (t test, residual df); b and direct: the count model (z test,
        log-rate scale); indirect = a·b on the log-rate scale with the bootstrap SD as ``se`` and a
        percentile bootstrap CI (``p_val``: twice the smaller bootstrap tail at 0).
    boot : ndarray
        The bootstrap draws of a·b.
    outcome_model : CountResult
    n, n_boot, seed, level, family

    ``table()`` is ``paths``, ``summary()`` one row of sample, bootstrap and indirect effect,
    ``figure(path=None)`` the paths with their CIs. Like the table ``mediation(..., family=...)``
    returned before, it answers DataFrame look-ups on that table (``res["estimate"]``, ``res.path``).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import count_mediation
    >>> res = count_mediation(read_dataset("demo"), x="age", m="exam1", y="extra_tasks", n_boot=200, seed=1)
    >>> res.summary()[["n", "n_excluded", "n_boot", "n_failed", "seed"]]
         n  n_excluded  n_boot  n_failed  seed
    0  394           6     200         0     1
    >>> # R: see r_call: lm() for a, glm(family = poisson) for b, boot::boot() for a·b
    """

    _table_name = "paths"

    paths: pd.DataFrame
    boot: np.ndarray
    outcome_model: CountResult
    x: str
    m: str
    y: str
    covar: list
    family: str
    n: int
    n_boot: int
    seed: object
    level: float
    n_failed: int = 0
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self) -> pd.DataFrame:
        """One row per path: ``path, term, estimate, se, statistic, df, p_val, ci_low, ci_high, rate_ratio``."""
        return self.paths.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row: the model, ``n, n_excluded``, the bootstrap (``n_boot, n_failed, seed``) and the
        indirect effect a·b (log-rate scale) with its percentile CI, p and rate ratio."""
        ind = self.paths.set_index("path").loc["indirect"]
        return pd.DataFrame([{"x": self.x, "m": self.m, "y": self.y, "family": self.family,
                              "covar": ", ".join(self.covar), **self._sample_facts(), "n_boot": self.n_boot,
                              "n_failed": self.n_failed, "level": self.level, "seed": self.seed,
                              "indirect": ind.estimate, "indirect_ci_low": ind.ci_low,
                              "indirect_ci_high": ind.ci_high, "indirect_p_val": ind.p_val,
                              "indirect_rate_ratio": ind.rate_ratio}])

    def _options(self) -> dict:
        return {"family": self.family, "covar": self.covar, "n_boot": self.n_boot, "seed": self.seed,
                "level": self.level, "ci_method": "percentile bootstrap", "nan_policy": "listwise"}

    def figure(self, path=None):
        """The a, b, direct and indirect paths with their CIs; written to ``path`` when given."""
        return coefficient_figure(self.table(), f"{self.x} → {self.m} → {self.y} ({self.family})", path)

    @property
    def r_call(self) -> str:
        cv = "".join(f" + {c}" for c in self.covar)
        fam = "glm(..., family = poisson)" if self.family == "poisson" else "MASS::glm.nb(...)"
        return (f"a <- coef(lm({self.m} ~ {self.x}{cv}, d))['{self.x}']; b <- coef({fam.replace('...', f'{self.y} ~ {self.x} + {self.m}{cv}')})['{self.m}']; "
                f"boot::boot(d, function(d, i) a(d[i, ]) * b(d[i, ]), R = {self.n_boot})")


@screens_sample("count_mediation")
def count_mediation(data: pd.DataFrame, x: str, m: str, y: str, family: str = "poisson", covar=None,
                    n_boot: int = 5000, seed=None, level: float = 0.95) -> CountMediationResult:
    """Simple mediation with a count outcome: a (OLS), b and direct (Poisson/NB), bootstrap a·b.

    The indirect effect is the product of the a path (change in the mediator per unit of x) and
    the b path (change in the log expected count per unit of the mediator): a change in the log
    rate, so exp(a·b) is the rate ratio per unit of x carried by the mediator. Each bootstrap
    resample draws n rows with replacement (``numpy.random.default_rng(seed).integers``, one
    resample after the other) and refits both models (the NB model re-estimates θ).

    Parameters
    ----------
    x, m, y : str
        Predictor, (continuous) mediator and count outcome columns.
    family : {"poisson", "negative_binomial"}
    covar : list of str, optional
        Covariates in both models.
    n_boot : int
        Bootstrap resamples (≥ 1000 recommended; at least 100).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap; the same inputs and seed give the same output.
        Default None: a fresh seed is drawn and stated on the result (``result.seed``); only a
        run given that seed repeats it.
    level : float

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import count_mediation
    >>> res = count_mediation(read_dataset("demo"), x="age", m="exam1", y="extra_tasks", n_boot=200, seed=1)
    >>> res.table()[["path", "estimate"]].round(5)
           path  estimate
    0         a  -0.03523
    1         b  -0.00715
    2    direct   0.00529
    3  indirect   0.00025
    >>> # R: lm(exam1 ~ age, d); glm(extra_tasks ~ age + exam1, family = poisson, d)
    """
    what = "count_mediation"
    check_frame(data)
    covar = as_list(covar)
    n_boot = int(n_boot)
    if n_boot < 100:
        raise DataError("is too few resamples for a CI", argument="n_boot", value=n_boot, within=what,
                        hint="use at least 1000")
    for a, b in ((x, m), (x, y), (m, y)):
        if a == b:
            raise DataError(f"names '{a}' twice among x, m and y", argument="x, m, y", value=(x, m, y), within=what,
                            hint="give three different columns")
    cols = [x, m, y] + covar
    check_columns(data, cols, what=what, numeric=True)
    cc = complete_cases(data, cols, what=what)
    d = cc.data
    outcome = count_regression(d, y, [x, m], family=family, covar=covar, level=level)
    yv = _check_counts(d, y, what)
    Xa = np.column_stack([np.ones(len(d)), d[[x] + covar].to_numpy(float)])
    Xy, _ = _design(d, [x, m] + covar)
    mv = d[m].to_numpy(float)
    n = len(d)
    ols_a = np.linalg.lstsq(Xa, mv, rcond=None)[0]
    resid = mv - Xa @ ols_a
    df_a = n - Xa.shape[1]
    cov_a = np.linalg.inv(Xa.T @ Xa) * (resid @ resid / df_a)
    a, se_a = ols_a[1], math.sqrt(cov_a[1, 1])
    ot = outcome.coefficients.set_index("term")
    b, direct = ot.loc[m], ot.loc[x]
    off = np.zeros(n)
    start = ot.estimate.to_numpy()
    theta0 = None if family == "poisson" else outcome.theta
    seed = used_seed(check_seed(seed, "count_mediation"))  # None: a fresh seed, stated on the result
    rng = np.random.default_rng(seed)
    boot = np.full(n_boot, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n_boot):
            idx = rng.integers(0, n, n)
            try:
                ab = np.linalg.lstsq(Xa[idx], mv[idx], rcond=None)[0][1]
                if family == "poisson":
                    b_m = _irls(yv[idx], Xy[idx], off, math.inf, beta=start)[0][2]
                else:
                    nt = _nb_newton(yv[idx], Xy[idx], off, start, theta0)
                    if nt is None:       # fall back to glm.nb's alternation
                        nt = (_fit(yv[idx], Xy[idx], off, family, start=start, theta0=theta0, tol=1e-9).beta, None)
                    b_m = nt[0][2]
                boot[i] = ab * b_m
            except (DataError, np.linalg.LinAlgError, FloatingPointError):
                pass        # a degenerate resample (reported as n_failed)
    ok = boot[np.isfinite(boot)]
    n_failed = n_boot - ok.size
    if ok.size < 0.9 * n_boot:
        raise DataError(f"{n_failed} of {n_boot} bootstrap resamples could not be fitted; the model is too unstable "
                        "for a bootstrap CI", file=data.attrs.get("source"), column=[x, m, y], within=what,
                        hint="check for sparse counts or a near-constant mediator")
    alpha = 1 - level
    lo, hi = np.quantile(ok, [alpha / 2, 1 - alpha / 2])
    p_boot = min(1.0, 2 * min(np.mean(ok <= 0), np.mean(ok >= 0)))
    t_a = a / se_a
    q_t = stats.t.ppf(0.5 + level / 2, df_a)
    rows = [
        {"path": "a", "term": f"{x} → {m}", "estimate": a, "se": se_a, "statistic": t_a, "df": float(df_a),
         "p_val": 2 * stats.t.sf(abs(t_a), df_a), "ci_low": a - q_t * se_a, "ci_high": a + q_t * se_a,
         "rate_ratio": np.nan},
    ]
    for path, r, term in (("b", b, f"{m} → {y}"), ("direct", direct, f"{x} → {y}")):
        rows.append({"path": path, "term": term, "estimate": r.estimate, "se": r.se, "statistic": r.statistic,
                     "df": np.nan, "p_val": r.p_val, "ci_low": r.ci_low, "ci_high": r.ci_high,
                     "rate_ratio": r.rate_ratio})
    ind = a * b.estimate
    rows.append({"path": "indirect", "term": f"{x} → {m} → {y}", "estimate": ind, "se": float(np.std(ok, ddof=1)),
                 "statistic": np.nan, "df": np.nan, "p_val": p_boot, "ci_low": lo, "ci_high": hi,
                 "rate_ratio": math.exp(ind)})
    return CountMediationResult(pd.DataFrame(rows), boot, outcome, x, m, y, covar, family, n, n_boot, seed,
                                level, n_failed, cc.excluded)


# --- APA ----------------------------------------------------------------------------------------
def _num(x) -> str:
    """Three decimals, or two significant digits for small effects (an indirect effect of 0.0005
    must not print as 0.000)."""
    if x is None or not np.isfinite(x) or x == 0 or abs(x) >= 0.01:
        return apa_num(x, 3)
    return apa_num(x, 1 - math.floor(math.log10(abs(x))))


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


@apa.register
def _(res: CountMediationResult) -> Apa:
    p = res.paths.set_index("path")
    ind = p.loc["indirect"]
    txt = (f"Indirect effect of {res.x} on {res.y} through {res.m} (log-rate scale): "
           f"ab = {_num(ind.estimate)}, {round(res.level * 100)}% percentile bootstrap CI "
           f"[{_num(ind.ci_low)}, {_num(ind.ci_high)}] ({res.n_boot} resamples), rate ratio "
           f"{apa_num(ind.rate_ratio, 3)}; a = {_num(p.loc['a'].estimate)}, b = {_num(p.loc['b'].estimate)}, "
           f"direct c′ = {_num(p.loc['direct'].estimate)} (N = {res.n}).")
    rows = [{"Path": r.path, "Effect": r.term, "Estimate": _num(r.estimate), "SE": _num(r.se),
             "CI": f"[{_num(r.ci_low)}, {_num(r.ci_high)}]", "p": _p_cell(r.p_val)}
            for r in res.paths.itertuples(index=False)]
    return Apa(estimate=f"ab = {_num(ind.estimate)}", statistic=f"CI [{_num(ind.ci_low)}, {_num(ind.ci_high)}]",
               full_result=txt, table=pd.DataFrame(rows))
