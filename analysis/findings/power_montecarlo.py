"""Monte Carlo power: simple mediation (x → m → y) and an interaction (moderation).

Power is the share of ``n_rep`` simulated studies whose test rejects — for mediation, whose CI for
the indirect effect a·b excludes 0 — reported with its Monte Carlo SE √(p(1 − p)/n_rep).

Replications run in chunks of a fixed size, so one seed gives the same numbers on every run; a
tqdm progress bar shows the chunks when the output is a terminal (``progress=False`` hides it).

The mediation run is in :mod:`.mediation_power`, the result and what the runs share in
:mod:`.montecarlo_result`; this module holds the moderation run (and re-exports the others).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import draw_seed, seed_from
from .mediation_power import power_mediation
from .montecarlo_result import _CHUNK, MonteCarloError, MonteCarloPowerResult, _bar, _check_common

# power_mediation and MonteCarloPowerResult live in mediation_power.py and montecarlo_result.py;
# they stay importable from here
__all__ = ["MonteCarloPowerResult", "power_mediation", "power_moderation"]


# ------------------------------------------------------------------------------------------------
def _draw_moderation_data(rng, n_rep, n, b_x, b_w, b_xw, r_xw):
    x = rng.standard_normal((n_rep, n))
    w = r_xw * x + math.sqrt(1 - r_xw ** 2) * rng.standard_normal((n_rep, n))
    resid = 1 - _moderation_explained(b_x, b_w, b_xw, r_xw)
    y = b_x * x + b_w * w + b_xw * x * w + math.sqrt(resid) * rng.standard_normal((n_rep, n))
    return x, w, y


def _moderation_explained(b_x, b_w, b_xw, r_xw):
    """Var(b_x x + b_w w + b_xw xw) for standard bivariate normal x, w (Var(xw) = 1 + ρ², Cov(xw, x) = 0)."""
    return b_x ** 2 + b_w ** 2 + 2 * b_x * b_w * r_xw + b_xw ** 2 * (1 + r_xw ** 2)


def _moderation_ols(x, w, y):
    """Per row: OLS of y on 1, x, w, x·w (as ``lm(y ~ x * w)``); the interaction's b, se, t."""
    n = x.shape[1]
    X = np.stack([np.ones_like(x), x, w, x * w], axis=2)            # n_rep × n × 4
    xtx = np.einsum("rni,rnj->rij", X, X)
    xty = np.einsum("rni,rn->ri", X, y)
    beta = np.linalg.solve(xtx, xty[..., None])[..., 0]
    resid = y - np.einsum("rni,ri->rn", X, beta)
    s2 = np.einsum("rn,rn->r", resid, resid) / (n - 4)
    inv33 = np.linalg.solve(xtx, np.broadcast_to(np.eye(4)[:, 3], (x.shape[0], 4))[..., None])[:, 3, 0]
    se = np.sqrt(s2 * inv33)
    return beta[:, 3], se


def power_moderation(b_xw: float, n: int, b_x: float = 0.0, b_w: float = 0.0, r_xw: float = 0.0,
                     n_rep: int = 1000, alpha: float = 0.05, level: float = 0.95, seed: int | None = None,
                     progress: bool | None = None) -> MonteCarloPowerResult:
    """Monte Carlo power for an interaction x × w in ``lm(y ~ x * w)`` (standardised x and w).

    Parameters
    ----------
    b_xw : float
        The interaction coefficient (y is in standard-deviation units of its total variance).
    n : int
        Sample size of each simulated study.
    b_x, b_w : float
        Main effects.
    r_xw : float
        Correlation of x and w (bivariate normal).
    n_rep : int
    alpha : float
        Significance level of the two-sided t test of the interaction (df = n − 4).
    level : float
        Confidence level of the CI reported for the power itself.
    seed : int or numpy.random.Generator, optional
        As in :func:`power_mediation`: ``None`` draws a fresh seed, stated in ``.seed``.
    progress : bool, optional

    Returns
    -------
    MonteCarloPowerResult
        ``.replications``: b_xw, se, statistic, p_val, reject per study.

    Notes
    -----
    The analytic counterpart (fixed predictors) is ``power_regression(f2=…, u=1, n=n)`` with
    f² = b_xw²(1 + r_xw²) / (1 − R²), R² = b_x² + b_w² + 2 b_x b_w r_xw + b_xw²(1 + r_xw²).

    Examples
    --------
    >>> from analysis import power_moderation
    >>> res = power_moderation(b_xw=0.15, n=300, b_x=0.3, b_w=0.2, n_rep=200, seed=3)
    >>> res.power, res.n_rep
    (0.76, 200)

    R: ``res.r_call`` gives the simulation (``lm(y ~ x * w)`` on ``n_rep`` samples; the share with p < alpha).
    """
    seed = seed_from(seed)
    _check_common(n, n_rep, level, seed, 4)
    seed = draw_seed() if seed is None else seed   # stated on the result: the run can be repeated
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise MonteCarloError("", argument="alpha", value=alpha, hint="the significance level must lie between 0 and 1")
    if not -1 < r_xw < 1:
        raise MonteCarloError("", argument="r_xw", value=r_xw, hint="a correlation must lie strictly between -1 and 1")
    explained = _moderation_explained(b_x, b_w, b_xw, r_xw)
    if explained >= 1:
        raise MonteCarloError(f"explain {explained:.3f} of the variance of y (must be below 1)",
                              argument="b_x, b_w, b_xw", value=(b_x, b_w, b_xw), hint="use smaller effects")
    rng = np.random.default_rng(seed)
    est, ses = np.empty(n_rep), np.empty(n_rep)
    bar = _bar(n_rep, "power_moderation", progress)
    try:
        for start in range(0, n_rep, _CHUNK):
            k = min(_CHUNK, n_rep - start)
            x, w, y = _draw_moderation_data(rng, k, n, b_x, b_w, b_xw, r_xw)
            est[start:start + k], ses[start:start + k] = _moderation_ols(x, w, y)
            if bar is not None:
                bar.update(k)
    finally:
        if bar is not None:
            bar.close()
    t = est / ses
    pv = 2 * stats.t.sf(np.abs(t), n - 4)
    reject = pv < alpha
    p = float(reject.mean())
    reps = pd.DataFrame({"b_xw": est, "se": ses, "statistic": t, "df": n - 4, "p_val": pv, "reject": reject})
    r_call = (f"mean(replicate({n_rep}, {{x <- rnorm({n}); w <- {r_xw:g}*x + rnorm({n}, sd = sqrt(1 - {r_xw:g}^2)); "
              f"y <- {b_x:g}*x + {b_w:g}*w + {b_xw:g}*x*w + rnorm({n}, sd = sqrt({1 - explained:.6g})); "
              f"summary(lm(y ~ x * w))$coef[4, 4] < {alpha:g}}}))")
    options = {"b_xw": b_xw, "b_x": b_x, "b_w": b_w, "r_xw": r_xw, "n": n, "n_rep": n_rep, "alpha": alpha,
               "level": level, "seed": seed}
    return MonteCarloPowerResult(test="moderation", power=p, se=math.sqrt(p * (1 - p) / n_rep), n=n, n_rep=n_rep,
                                 level=level, replications=reps, options=options, r_call=r_call)
