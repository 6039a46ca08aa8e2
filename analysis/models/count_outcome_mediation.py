"""Mediation x → m → y with a count outcome (:func:`count_mediation`): the mediator model is OLS (a
path), the outcome model a Poisson or NB regression (b and direct c′ paths, on the log-rate scale);
the indirect effect a·b is on the log-rate scale too (exp(a·b) is a rate ratio per unit of x
through the mediator), with a percentile bootstrap CI.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_seed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..results import TableResult
from ._common import Reported, as_list, check_columns, check_frame, coefficient_figure, complete_cases, screens_sample, used_seed
from .count_design import _check_counts, _design
from .count_fitting import _fit, _irls, _nb_newton
from .counts import CountResult, _p_cell, count_regression

__all__ = ["count_mediation", "CountMediationResult"]


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


def _num(x) -> str:
    """Three decimals, or two significant digits for small effects (an indirect effect of 0.0005
    must not print as 0.000)."""
    if x is None or not np.isfinite(x) or x == 0 or abs(x) >= 0.01:
        return apa_num(x, 3)
    return apa_num(x, 1 - math.floor(math.log10(abs(x))))


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
