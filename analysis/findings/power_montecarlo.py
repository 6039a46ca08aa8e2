"""Monte Carlo power: simple mediation (x → m → y) and an interaction (moderation).

Power is the share of ``n_rep`` simulated studies whose test rejects — for mediation, whose CI for
the indirect effect a·b excludes 0 — reported with its Monte Carlo SE √(p(1 − p)/n_rep).

How it is vectorised
--------------------
* The data of every replication are drawn at once as (n_rep × n) arrays from standardised paths,
  using elementwise arithmetic only (no matrix factorisation): x ~ N(0, 1),
  m = a·x + √(1 − a²)·e, y = c′·x + b·m + √(1 − c′² − b² − 2abc′)·e.
* The two OLS fits per replication (m ~ x and y ~ x + m, as ``lm``) come from centred sums of
  squares and cross-products in closed form, batched over replications.
* Monte Carlo CI (``ci_method="monte_carlo"``, Tofighi & MacKinnon's method; the R equivalent is
  ``MASS::mvrnorm(n_draws, c(a, b), diag(c(se_a², se_b²)))`` and ``quantile(a * b, ...)``): a* and b*
  are drawn around each replication's estimates; the CI limits are R's default (type 7) quantiles
  of a*·b*. Whether a CI excludes 0 follows from counting negative products (a comparison per
  draw); the two order statistics are selected with ``np.partition`` (no sort) only where the
  count sits at the quantile's position. One set of standard-normal draws serves 10 consecutive
  replications (common random numbers; see :func:`power_mediation`, Notes).
* Percentile bootstrap (``ci_method="percentile"``): each replication is resampled ``n_draws``
  times; a resample is a vector of row counts and its sums of squares are one matrix product, as
  in :mod:`analysis.models.indirect_effects`. Much slower (n_rep × n_draws × n work): use fewer draws.

Replications run in chunks of a fixed size, so one seed gives the same numbers on every run; a
tqdm progress bar shows the chunks when the output is a terminal (``progress=False`` hides it).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import draw_seed, seed_from
from ..errors import GoalscopeError
from ..formatting.apa import Apa, apa, apa_num
from ..results import Result

__all__ = ["MonteCarloPowerResult", "power_mediation", "power_moderation"]

CI_METHODS = ("monte_carlo", "percentile")
_CHUNK = 50          # replications per chunk (fixed: part of what makes a seed reproducible)
_SHARE = 10          # replications that share one Monte Carlo draw set (see power_mediation, Notes)


class MonteCarloError(GoalscopeError):
    """Arguments of a Monte Carlo power run that cannot be simulated."""


@dataclass(frozen=True)
class MonteCarloPowerResult(Result):
    """Monte Carlo power (the protocol of every goalscope result).

    Attributes
    ----------
    test : str
        ``"mediation"`` or ``"moderation"``.
    power, se : float
        Share of replications that reject, and its Monte Carlo SE √(p(1 − p)/n_rep).
    n : int
        Sample size of each simulated study.
    n_rep : int
    replications : DataFrame
        One row per replication: the estimates, SEs and CI (or p) and ``reject``.
    options : dict
        Every argument, including ``seed`` (``None`` draws a fresh seed, stated in ``.seed``, so the run can be repeated).
    r_call : str
        The equivalent R computation.

    Examples
    --------
    >>> from analysis import power_moderation
    >>> res = power_moderation(b_xw=0.15, n=300, n_rep=100, seed=3)
    >>> res.table()[["test", "estimate", "n", "n_rep"]].to_dict("records")
    [{'test': 'moderation', 'estimate': 0.65, 'n': 300, 'n_rep': 100}]

    R: ``res.r_call`` (``replicate(n_rep, …)`` of the same simulated studies).
    """

    test: str
    power: float
    se: float
    n: int
    n_rep: int
    level: float
    replications: pd.DataFrame
    options: dict = field(default_factory=dict)   # a field default: Result.options is a class attribute
    r_call: str = ""
    notes: list = field(default_factory=list)

    @property
    def seed(self):
        return self.options.get("seed")

    @property
    def n_excluded(self) -> int:
        return 0                 # simulated data: nothing excluded

    @property
    def ci_low(self) -> float:
        """Lower end of the normal-approximation CI (at ``level``) for the power."""
        return max(0.0, self.power - stats.norm.ppf(0.5 + self.level / 2) * self.se)

    @property
    def ci_high(self) -> float:
        return min(1.0, self.power + stats.norm.ppf(0.5 + self.level / 2) * self.se)

    def table(self) -> pd.DataFrame:
        """One tidy row: test, estimate (power), se, ci_low, ci_high, n, n_rep and the options."""
        row = {"test": self.test, "estimate": self.power, "se": self.se, "ci_low": self.ci_low,
               "ci_high": self.ci_high, "n": self.n, "n_rep": self.n_rep}
        row.update({k: v for k, v in self.options.items() if k not in ("n", "n_rep", "progress")})
        return pd.DataFrame([row])

    def summary(self) -> pd.DataFrame:
        return self.table()

    def __repr__(self) -> str:
        return f"<MonteCarloPowerResult {self.test}: {self.apa().full_result}>"


@apa.register
def _(res: MonteCarloPowerResult) -> Apa:
    o = res.options
    if res.test == "mediation":
        what = (f"the indirect effect (a = {apa_num(o['a'], gt1=False)}, b = {apa_num(o['b'], gt1=False)}, "
                f"c′ = {apa_num(o['c_prime'], gt1=False)}; {o['ci_method'].replace('_', ' ')} "
                f"{round(o['level'] * 100)}% CI excluding 0)")
    else:
        what = (f"the interaction (b = {apa_num(o['b_xw'], gt1=False)}, "
                f"two-tailed α = {apa_num(o['alpha'], gt1=False)})")
    est = f"power = {apa_num(res.power, 3, gt1=False)}, MC SE = {apa_num(res.se, 3, gt1=False)}"
    text = (f"In {res.n_rep} simulated samples of N = {res.n}, power to detect {what} was "
            f"{apa_num(res.power, 2, gt1=False)} (Monte Carlo SE {apa_num(res.se, 3, gt1=False)}).")
    return Apa(estimate=est, statistic="", full_result=text, table=res.table())


# ------------------------------------------------------------------------------------------------
def _check_common(n, n_rep, level, seed, k):
    if not isinstance(n, (int, np.integer)) or n < k + 2:
        raise MonteCarloError("", argument="n", value=n, hint=f"each simulated study needs a whole number of at least {k + 2} respondents")
    if not isinstance(n_rep, (int, np.integer)) or n_rep < 2:
        raise MonteCarloError("", argument="n_rep", value=n_rep, hint="give a whole number of replications (e.g. 1000)")
    if not isinstance(level, (int, float)) or not 0 < level < 1:
        raise MonteCarloError("", argument="level", value=level, hint="the confidence level must lie between 0 and 1 (e.g. 0.95)")
    if seed is not None and not isinstance(seed, (int, np.integer)):
        raise MonteCarloError("", argument="seed", value=seed, hint="give a whole number, or None for a fresh seed (stated in the result)")


def _bar(total, desc, progress):
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, unit="rep", leave=False)


def _draw_mediation_data(rng, n_rep, n, a, b, c_prime):
    """(n_rep × n) arrays x, m, y from standardised paths (elementwise arithmetic only)."""
    x = rng.standard_normal((n_rep, n))
    m = a * x + math.sqrt(1 - a * a) * rng.standard_normal((n_rep, n))
    resid = 1 - (c_prime ** 2 + b ** 2 + 2 * a * b * c_prime)
    y = c_prime * x + b * m + math.sqrt(resid) * rng.standard_normal((n_rep, n))
    return x, m, y


def _mediation_ols(x, m, y):
    """Per row: a, se_a (m ~ x) and c′, b, se_b (y ~ x + m), as ``lm``; closed-form centred sums."""
    n = x.shape[-1]
    xc = x - x.mean(axis=-1, keepdims=True)
    mc = m - m.mean(axis=-1, keepdims=True)
    yc = y - y.mean(axis=-1, keepdims=True)
    sxx = np.einsum("ij,ij->i", xc, xc)
    sxm = np.einsum("ij,ij->i", xc, mc)
    smm = np.einsum("ij,ij->i", mc, mc)
    sxy = np.einsum("ij,ij->i", xc, yc)
    smy = np.einsum("ij,ij->i", mc, yc)
    syy = np.einsum("ij,ij->i", yc, yc)
    return _paths_from_moments(n, sxx, sxm, smm, sxy, smy, syy)


def _paths_from_moments(n, sxx, sxm, smm, sxy, smy, syy, se=True):
    a = sxm / sxx
    det = sxx * smm - sxm ** 2
    c = (smm * sxy - sxm * smy) / det
    b = (sxx * smy - sxm * sxy) / det
    if not se:
        return a, b
    rss_m = smm - a * sxm
    rss_y = syy - c * sxy - b * smy
    se_a = np.sqrt(rss_m / (n - 2) / sxx)
    se_b = np.sqrt(rss_y / (n - 3) * sxx / det)
    return {"a": a, "se_a": se_a, "c_prime": c, "b": b, "se_b": se_b}


def _type7(values, p):
    """R's default quantile (type 7) of each row at probability ``p``, by selection (no sort)."""
    k = values.shape[1]
    h = (k - 1) * p
    lo = int(math.floor(h))
    frac = h - lo
    part = np.partition(values, lo, axis=1)
    x_lo = part[:, lo]
    if frac == 0 or lo + 1 >= k:
        return x_lo
    x_next = part[:, lo + 1:].min(axis=1)     # the next order statistic: the smallest above position lo
    return x_lo + frac * (x_next - x_lo)


def _mc_reject(za, zb, est, level, limits):
    """Monte Carlo CI of a·b for the replications ``est`` that share one draw set (za, zb).

    a* = a + se_a·za and b* = b + se_b·zb, so a*·b* = se_a·se_b·(a/se_a + za)(b/se_b + zb). Whether
    the type-7 CI excludes 0 follows from how many products are negative: with N draws and
    h = (N − 1)q = k + f, the lower limit x₍ₖ₎ + f(x₍ₖ₊₁₎ − x₍ₖ₎) is > 0 when at most k products
    are ≤ 0 and ≤ 0 when k + 2 or more are; only at exactly k + 1 (and likewise for the upper
    limit) are the two order statistics needed, and then the limit is computed. Counting signs is
    a comparison per draw instead of a selection, which is what makes the run fast; the decision is
    the quantile's own. With ``limits`` every CI limit is computed by selection.
    """
    r, nd = est["a"].shape[0], za.shape[0]
    da = est["a"] / est["se_a"]
    db = est["b"] / est["se_b"]
    # a product is negative exactly when one factor is (ties have probability 0)
    neg = (za[None, :] < -da[:, None]) ^ (zb[None, :] < -db[:, None])
    c_neg = np.count_nonzero(neg, axis=1)
    c_pos = nd - c_neg
    q = (1 - level) / 2
    h = (nd - 1) * q
    k = int(math.floor(h))
    exact = (h == k)
    low_pos = c_neg <= k
    high_neg = c_pos <= k
    todo = np.arange(r) if limits else np.flatnonzero(~exact & ((c_neg == k + 1) | (c_pos == k + 1)))
    low = np.full(r, np.nan)
    high = np.full(r, np.nan)
    if todo.size:
        sa, sb = est["se_a"][todo], est["se_b"][todo]
        prod = (est["a"][todo, None] + sa[:, None] * za[None, :]) * (est["b"][todo, None] + sb[:, None] * zb[None, :])
        low[todo] = _type7(prod, q)
        high[todo] = -_type7(-prod, q)       # type 7 at 1 − q equals −(type 7 of −x at q)
        low_pos[todo] = low[todo] > 0
        high_neg[todo] = high[todo] < 0
    return low_pos | high_neg, low, high


def _boot_ci(rng, x, m, y, n_draws, level):
    """Percentile bootstrap CI of a·b for each replication (row counts × moments, one product)."""
    r, n = x.shape
    low, high = np.empty(r), np.empty(r)
    q = (1 - level) / 2
    small = np.int16 if n < 2 ** 15 else np.int64
    offsets = (np.arange(n_draws, dtype=np.intp) * n)[:, None]
    for i in range(r):
        O = np.column_stack([np.ones(n), x[i], m[i], y[i], x[i] ** 2, x[i] * m[i], m[i] ** 2, x[i] * y[i],
                             m[i] * y[i]])
        idx = rng.integers(0, n, size=(n_draws, n), dtype=small) + offsets
        counts = np.bincount(idx.ravel(), minlength=n_draws * n).reshape(n_draws, n).astype(float)
        s = counts @ O
        s1, sx, sm, sy, sxx, sxm, smm, sxy, smy = (s[:, j] for j in range(9))
        a, b = _paths_from_moments(n, sxx - sx * sx / s1, sxm - sx * sm / s1, smm - sm * sm / s1,
                                   sxy - sx * sy / s1, smy - sm * sy / s1, None, se=False)
        prod = (a * b)[None, :]
        low[i] = _type7(prod, q)[0]
        high[i] = -_type7(-prod, q)[0]
    return low, high


def power_mediation(a: float, b: float, c_prime: float = 0.0, n: int = 200, n_rep: int = 1000,
                    n_draws: int = 10000, ci_method: str = "monte_carlo", level: float = 0.95,
                    seed: int | None = None, progress: bool | None = None,
                    ci_limits: bool = False) -> MonteCarloPowerResult:
    """Monte Carlo power for a simple mediation x → m → y (standardised paths).

    Each of ``n_rep`` simulated samples of size ``n`` is fitted with two OLS regressions (m ~ x,
    y ~ x + m, as ``lm``); the indirect effect a·b counts as detected when its CI excludes 0.

    Parameters
    ----------
    a, b : float
        Standardised paths x → m and m → y (given x).
    c_prime : float
        Standardised direct path x → y.
    n : int
        Sample size of each simulated study.
    n_rep : int
        Number of simulated studies.
    n_draws : int
        Monte Carlo draws of (a, b), or bootstrap resamples, per study.
    ci_method : {"monte_carlo", "percentile"}
        Monte Carlo CI (draws around the estimates) or percentile bootstrap (much slower).
    level : float
        Confidence level of the CI for a·b.
    seed : int or numpy.random.Generator, optional
        Seed of ``numpy.random.default_rng``; ``None`` (default) draws a fresh seed, stated in ``.seed``
        (pass it to repeat the run).
    progress : bool, optional
        Show a tqdm progress bar; default: only when stderr is a terminal.
    ci_limits : bool
        Also compute every replication's Monte Carlo CI limits (slower; the decisions are the same).
        Without it, ``ci_low``/``ci_high`` are filled only where the decision needed them.

    Returns
    -------
    MonteCarloPowerResult
        ``.power``, ``.se`` (Monte Carlo SE), ``.replications`` (a, se_a, b, se_b, c_prime,
        ci_low, ci_high, reject per study).

    Notes
    -----
    Monte Carlo CI: every set of ``n_draws`` standard-normal pairs serves 10 consecutive
    replications (each still gets its own a* = â + se_a·z, b* = b̂ + se_b·z, so each CI is the
    method's CI). Sharing is a common-random-numbers device that cuts the random numbers tenfold;
    the price is a small positive correlation between decisions of the same block, which inflates
    the true Monte Carlo variance of the power over √(p(1 − p)/n_rep) by at most
    9·Var(π)/(p(1 − p)), where π is the power given one draw set: with 10 000 draws the 2.5 %
    quantile moves by ≈ 0.027 SD, so sd(π) ≤ 0.4·0.027 ≈ 0.011 and the SE is understated by
    under 1 % at p = .5 (under 2 % at p = .1 or .9). The bootstrap draws fresh resamples for every
    replication.

    Examples
    --------
    >>> from analysis import power_mediation
    >>> res = power_mediation(a=0.3, b=0.3, n=100, n_rep=200, n_draws=2000, seed=1)
    >>> res.power, round(res.se, 3)
    (0.715, 0.032)

    In R, one replication is ``f1 <- lm(m ~ x); f2 <- lm(y ~ x + m)``, then
    ``d <- MASS::mvrnorm(10000, c(a_hat, b_hat), diag(c(se_a^2, se_b^2)))`` and
    ``quantile(d[, 1] * d[, 2], c(.025, .975))`` (benchmarks/power.py runs that loop).
    """
    seed = seed_from(seed)
    _check_common(n, n_rep, level, seed, 2)
    seed = draw_seed() if seed is None else seed   # stated on the result: the run can be repeated
    if ci_method not in CI_METHODS:
        raise MonteCarloError("", argument="ci_method", value=ci_method, hint=f"use one of {', '.join(CI_METHODS)}")
    if not isinstance(n_draws, (int, np.integer)) or n_draws < 100:
        raise MonteCarloError("", argument="n_draws", value=n_draws, hint="give a whole number of at least 100 draws (e.g. 10000)")
    for name, v in (("a", a), ("b", b), ("c_prime", c_prime)):
        if not isinstance(v, (int, float)) or not -1 < v < 1:
            raise MonteCarloError("", argument=name, value=v, hint="a standardised path must lie strictly between -1 and 1")
    explained = c_prime ** 2 + b ** 2 + 2 * a * b * c_prime
    if explained >= 1:
        raise MonteCarloError(f"explain {explained:.3f} of the variance of y (c′² + b² + 2abc′ must be below 1)",
                              argument="a, b, c_prime", value=(a, b, c_prime), hint="use smaller paths")
    rng = np.random.default_rng(seed)
    x, m, y = _draw_mediation_data(rng, n_rep, n, a, b, c_prime)
    est = _mediation_ols(x, m, y)
    low, high = np.full(n_rep, np.nan), np.full(n_rep, np.nan)
    reject = np.zeros(n_rep, dtype=bool)
    step = _SHARE if ci_method == "monte_carlo" else _CHUNK
    bar = _bar(n_rep, f"power_mediation ({ci_method})", progress)
    try:
        for start in range(0, n_rep, step):
            sl = slice(start, min(start + step, n_rep))
            if ci_method == "monte_carlo":
                za = rng.standard_normal(n_draws)
                zb = rng.standard_normal(n_draws)
                reject[sl], low[sl], high[sl] = _mc_reject(za, zb, {k: v[sl] for k, v in est.items()}, level,
                                                           ci_limits)
            else:
                low[sl], high[sl] = _boot_ci(rng, x[sl], m[sl], y[sl], n_draws, level)
                reject[sl] = (low[sl] > 0) | (high[sl] < 0)
            if bar is not None:
                bar.update(sl.stop - sl.start)
    finally:
        if bar is not None:
            bar.close()
    p = float(reject.mean())
    reps = pd.DataFrame({"a": est["a"], "se_a": est["se_a"], "b": est["b"], "se_b": est["se_b"],
                         "c_prime": est["c_prime"], "ci_low": low, "ci_high": high, "reject": reject})
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    r_call = (f"mean(replicate({n_rep}, {{x <- rnorm({n}); m <- {a:g}*x + rnorm({n}, sd = sqrt(1 - {a:g}^2)); "
              f"y <- {c_prime:g}*x + {b:g}*m + rnorm({n}, sd = sqrt({1 - explained:.6g})); "
              f"f1 <- summary(lm(m ~ x))$coef; f2 <- summary(lm(y ~ x + m))$coef; "
              + (f"d <- MASS::mvrnorm({n_draws}, c(f1[2, 1], f2[3, 1]), diag(c(f1[2, 2]^2, f2[3, 2]^2))); "
                 f"ci <- quantile(d[, 1] * d[, 2], c({lo:g}, {hi:g}))"
                 if ci_method == "monte_carlo" else
                 f"ab <- replicate({n_draws}, {{i <- sample({n}, replace = TRUE); "
                 f"coef(lm(m[i] ~ x[i]))[2] * coef(lm(y[i] ~ x[i] + m[i]))[3]}}); ci <- quantile(ab, c({lo:g}, {hi:g}))")
              + "; ci[1] > 0 || ci[2] < 0}))")
    options = {"a": a, "b": b, "c_prime": c_prime, "n": n, "n_rep": n_rep, "n_draws": n_draws,
               "ci_method": ci_method, "level": level, "seed": seed, "ci_limits": ci_limits}
    return MonteCarloPowerResult(test="mediation", power=p, se=math.sqrt(p * (1 - p) / n_rep), n=n, n_rep=n_rep,
                                 level=level, replications=reps, options=options, r_call=r_call)


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
