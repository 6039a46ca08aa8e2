"""Analytic power and sample size: a correlation, a regression F test, two independent correlations.

Each function takes every quantity of its power equation and solves for the one left ``None``
(as R's ``pwr``): power from the sample size, the sample size for a wanted power, or the smallest
detectable effect. The power equations are those of ``pwr`` 1.3 — read from ``print(pwr::pwr.r.test)``
and ``print(pwr::pwr.f2.test)`` — so the powers equal pwr's to machine precision. The solutions
differ from pwr's printed ones by up to ~1e-4: pwr calls ``uniroot`` at its default tolerance
(``.Machine$double.eps^0.25``), we find the same root with Brent's method to 1e-12 (scipy's
``brentq``); tests/reference/findings/power_pwr.R stores both.

* :func:`power_correlation` — ``pwr::pwr.r.test``: Fisher's z with pwr's bias term
  ``r / (2 (n − 1))`` and the critical r from the t distribution on n − 2 df.
* :func:`power_regression` — ``pwr::pwr.f2.test``: noncentral F with λ = f² (u + v + 1), where
  n = v + u + 1 (u predictors tested, v residual df).
* :func:`power_correlation_difference` — two independent correlations (Cohen's q = atanh r₁ −
  atanh r₂), normal test with SE √(1/(n₁ − 3) + 1/(n₂ − 3)); equal to
  ``pwr::pwr.norm.test(d = q / SE, n = 1)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize

from ..errors import GoalscopeError
from .power_equations import _f2_power, _norm_power, _r_power
from .power_result import PowerResult

__all__ = ["PowerResult", "power_correlation", "power_regression", "power_correlation_difference",
           "sample_size_table"]

ALTERNATIVES = ("two-sided", "greater", "less")
_R_ALT = {"two-sided": "two.sided", "greater": "greater", "less": "less"}
_XTOL = 1e-12


class PowerError(GoalscopeError):
    """Arguments of a power calculation that cannot be solved."""


# ------------------------------------------------------------------------------------------------
def _check_alpha(alpha):
    if not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise PowerError("", argument="alpha", value=alpha, hint="the significance level must be a number between 0 and 1 (e.g. 0.05)")


def _check_power(power):
    if power is not None and (not isinstance(power, (int, float)) or not 0 < power < 1):
        raise PowerError("", argument="power", value=power, hint="give a power between 0 and 1 (e.g. 0.8)")


def _check_alternative(alternative):
    if alternative not in ALTERNATIVES:
        raise PowerError("", argument="alternative", value=alternative, hint=f"use one of {', '.join(ALTERNATIVES)}")


def _one_none(what: dict) -> str:
    left = [k for k, v in what.items() if v is None]
    if len(left) != 1:
        given = ", ".join(what)
        raise PowerError(f"has {len(left)} of them as None", argument=given,
                         value=tuple(what.values()),
                         hint=f"leave exactly one of {given} as None (the one to solve for)")
    return left[0]


def _root(f, lo, hi, what):
    flo, fhi = f(lo), f(hi)
    if not (np.isfinite(flo) and np.isfinite(fhi)) or flo * fhi > 0:
        raise PowerError(f"no {what} in [{lo:g}, {hi:g}] gives the requested power", argument=what, value=None,
                         hint="check the inputs (is the power below alpha, or the effect 0?)")
    return optimize.brentq(f, lo, hi, xtol=_XTOL, rtol=4 * np.finfo(float).eps, maxiter=500)


# ------------------------------------------------------------------------------------------------
def power_correlation(r: float | None = None, n: float | None = None, power: float | None = None,
                      alpha: float = 0.05, alternative: str = "two-sided") -> PowerResult:
    """Power, sample size or detectable effect for a Pearson correlation (``pwr::pwr.r.test``).

    Leave exactly one of ``r``, ``n`` and ``power`` as ``None``; it is solved for.

    Parameters
    ----------
    r : float, optional
        The population correlation (negative values allowed; two-sided tests use |r|).
    n : float, optional
        Sample size (at least 4).
    power : float, optional
        Wanted power, between 0 and 1.
    alpha : float
        Significance level.
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: H1 ρ > 0; ``"less"``: H1 ρ < 0.

    Returns
    -------
    PowerResult
        ``.n_exact`` (unrounded, as pwr; ``.n`` and ``.n_required`` round up), ``.power``, ``.estimate`` (r).

    Notes
    -----
    pwr's approximation: z = atanh r + r / (2(n − 1)), critical r from t on n − 2 df,
    power = Φ((z − atanh r_c)√(n − 3)) (+ the other tail when two-sided).

    Examples
    --------
    N for 80 % power to detect the meta-analytic mastery-approach–depression correlation r = −.18:

    >>> from analysis import power_correlation
    >>> res = power_correlation(r=-0.18, power=0.80)
    >>> round(res.n_exact, 4), res.n_required
    (239.1141, 240)
    >>> round(power_correlation(r=0.3, n=50).power, 6)
    0.571556

    The same in R: ``pwr::pwr.r.test(r = -0.18, power = 0.80, sig.level = 0.05)``.
    """
    _check_alpha(alpha)
    _check_power(power)
    _check_alternative(alternative)
    solve = _one_none({"r": r, "n": n, "power": power})
    if r is not None and not -1 < r < 1:
        raise PowerError("", argument="r", value=r, hint="a correlation must lie strictly between -1 and 1")
    if n is not None and (not isinstance(n, (int, float)) or n < 4):
        raise PowerError("", argument="n", value=n, hint="the correlation test needs at least 4 respondents")
    if solve == "power":
        power = _r_power(n, r, alpha, alternative)
    elif solve == "n":
        n = _root(lambda x: _r_power(x, r, alpha, alternative) - power, 4 + 1e-10, 1e9, "n")
    else:
        lo = 1e-10 if alternative == "two-sided" else -1 + 1e-10
        r = _root(lambda x: _r_power(n, x, alpha, alternative) - power, lo, 1 - 1e-10, "r")
    parts = ["" if solve == "n" else f"n = {n:g}", "" if solve == "r" else f"r = {r:g}", f"sig.level = {alpha:g}",
             "" if solve == "power" else f"power = {power:g}", f'alternative = "{_R_ALT[alternative]}"']
    call = "pwr::pwr.r.test(" + ", ".join(x for x in parts if x) + ")"
    return PowerResult(test="correlation", effect="r", estimate=float(r), n_exact=float(n), power=float(power),
                       alpha=alpha, alternative=alternative, solved_for=solve,
                       options={"r": r if solve != "r" else None, "n": n if solve != "n" else None,
                                "power": power if solve != "power" else None, "alpha": alpha,
                                "alternative": alternative},
                       r_call=call)


# ------------------------------------------------------------------------------------------------
def power_regression(f2: float | None = None, u: int = 1, n: float | None = None, power: float | None = None,
                     alpha: float = 0.05) -> PowerResult:
    """Power, sample size or detectable f² for a regression F test (``pwr::pwr.f2.test``).

    Leave exactly one of ``f2``, ``n`` and ``power`` as ``None``.

    Parameters
    ----------
    f2 : float, optional
        Cohen's f² = R² / (1 − R²) for the whole model, or ΔR² / (1 − R²_full) for ``u`` added
        predictors (an interaction: u = 1).
    u : int
        Numerator df: the number of predictors tested.
    n : float, optional
        Total sample size; pwr's v (residual df) is n − u − 1.
    power : float, optional
    alpha : float

    Returns
    -------
    PowerResult
        ``extra`` holds ``u`` and ``v``.

    Examples
    --------
    >>> from analysis import power_regression
    >>> res = power_regression(f2=0.02, u=1, power=0.8)
    >>> round(res.extra["v"], 4), res.n_required
    (392.373, 395)
    >>> round(power_regression(f2=0.15, u=3, n=200).power, 6)
    0.998028

    The same in R: ``pwr::pwr.f2.test(u = 1, f2 = 0.02, power = 0.8)`` (n = v + u + 1).
    """
    _check_alpha(alpha)
    _check_power(power)
    if not isinstance(u, (int, np.integer)) or u < 1:
        raise PowerError("", argument="u", value=u, hint="the number of tested predictors must be a whole number ≥ 1")
    solve = _one_none({"f2": f2, "n": n, "power": power})
    if f2 is not None and f2 < 0:
        raise PowerError("", argument="f2", value=f2, hint="Cohen's f² cannot be negative")
    if n is not None and n - u - 1 < 1:
        raise PowerError("", argument="n", value=n, hint=f"with u = {u} predictors the sample needs at least {u + 2} respondents")
    if solve == "power":
        power = _f2_power(u, n - u - 1, f2, alpha)
    elif solve == "n":
        v = _root(lambda x: _f2_power(u, x, f2, alpha) - power, 1 + 1e-10, 1e9, "n")
        n = v + u + 1
    else:
        f2 = _root(lambda x: _f2_power(u, n - u - 1, x, alpha) - power, 1e-7, 1e7, "f2")
    v = n - u - 1
    parts = [f"u = {u}", "" if solve == "n" else f"v = {v:g}", "" if solve == "f2" else f"f2 = {f2:g}",
             f"sig.level = {alpha:g}", "" if solve == "power" else f"power = {power:g}"]
    call = "pwr::pwr.f2.test(" + ", ".join(p for p in parts if p) + ")  # n = v + u + 1"
    return PowerResult(test="regression", effect="f2", estimate=float(f2), n_exact=float(n), power=float(power),
                       alpha=alpha, alternative="greater", solved_for=solve,
                       options={"f2": f2 if solve != "f2" else None, "u": u, "n": n if solve != "n" else None,
                                "power": power if solve != "power" else None, "alpha": alpha},
                       r_call=call, extra={"u": int(u), "v": float(v)})


# ------------------------------------------------------------------------------------------------
def power_correlation_difference(r1: float, r2: float, n1: float | None = None, n2: float | None = None,
                                 power: float | None = None, alpha: float = 0.05,
                                 alternative: str = "two-sided") -> PowerResult:
    """Power or per-group N for the difference between two independent correlations (Cohen's q).

    q = atanh r₁ − atanh r₂ is tested with z = q / √(1/(n₁ − 3) + 1/(n₂ − 3)). Give ``n1`` (and
    ``n2``, default ``n1``) for the power, or ``power`` for the N per group (equal groups).

    Parameters
    ----------
    r1, r2 : float
        Correlations in the two populations (e.g. published and expected in a new sample).
    n1, n2 : float, optional
        Group sizes (each at least 4).
    power : float, optional
    alpha : float
    alternative : {"two-sided", "greater", "less"}
        ``"greater"``: H1 ρ₁ > ρ₂.

    Returns
    -------
    PowerResult
        ``estimate`` = q; ``n`` = n₁ + n₂ when power is solved, the N per group when n is solved;
        ``extra`` holds r1, r2, n1, n2.

    Examples
    --------
    >>> from analysis import power_correlation_difference
    >>> round(power_correlation_difference(0.3, 0.1, n1=100, n2=100).power, 6)
    0.307741
    >>> power_correlation_difference(0.5, 0.2, power=0.9).n_required
    178

    In R (normal approximation): ``pwr::pwr.norm.test(d = q / sqrt(1/(n1-3) + 1/(n2-3)), n = 1)``,
    or for the N per group ``pwr::pwr.norm.test(d = q / sqrt(2), power = 0.9)$n + 3``.
    """
    _check_alpha(alpha)
    _check_power(power)
    _check_alternative(alternative)
    for name, r in (("r1", r1), ("r2", r2)):
        if r is None or not -1 < r < 1:
            raise PowerError("", argument=name, value=r, hint="a correlation must lie strictly between -1 and 1")
    if (n1 is None) == (power is None):
        raise PowerError("are both given or both missing", argument="n1, power", value=(n1, power),
                         hint="give either n1 (and n2) to compute the power, or power to compute the N per group")
    q = math.atanh(r1) - math.atanh(r2)
    if power is None:
        n2 = n1 if n2 is None else n2
        for name, m in (("n1", n1), ("n2", n2)):
            if m < 4:
                raise PowerError("", argument=name, value=m, hint="each group needs at least 4 respondents")
        power = _norm_power(q / math.sqrt(1 / (n1 - 3) + 1 / (n2 - 3)), alpha, alternative)
        n_out, solve = n1 + n2, "power"
        call = (f"pwr::pwr.norm.test(d = {q:.6g} / sqrt(1/({n1:g} - 3) + 1/({n2:g} - 3)), n = 1, "
                f"sig.level = {alpha:g}, alternative = \"{_R_ALT[alternative]}\")")
    else:
        if n2 is not None:
            raise PowerError("is given with power=", argument="n2", value=n2,
                             hint="to solve for the N per group leave n1 and n2 as None")
        m = _root(lambda x: _norm_power(q / math.sqrt(2 / x), alpha, alternative) - power, 1e-6, 1e9, "n")
        n1 = n2 = n_out = m + 3
        solve = "n"
        call = (f"pwr::pwr.norm.test(d = {q:.6g} / sqrt(2), power = {power:g}, sig.level = {alpha:g}, "
                f"alternative = \"{_R_ALT[alternative]}\")$n + 3  # per group")
    return PowerResult(test="correlation difference", effect="q", estimate=q, n_exact=float(n_out), power=float(power),
                       alpha=alpha, alternative=alternative, solved_for=solve,
                       options={"r1": r1, "r2": r2, "n1": None if solve == "n" else n1,
                                "n2": None if solve == "n" else n2, "power": None if solve == "power" else power,
                                "alpha": alpha, "alternative": alternative},
                       r_call=call, extra={"r1": r1, "r2": r2, "n1": float(n1), "n2": float(n2)})


# ------------------------------------------------------------------------------------------------
def sample_size_table(r: float, powers=(0.80, 0.90, 0.95), alpha: float = 0.05,
                      alternative: str = "two-sided", label: str | None = None) -> pd.DataFrame:
    """N needed to detect a correlation ``r`` at each power in ``powers`` (what ``goalscope power`` prints).

    Returns
    -------
    DataFrame
        ``label, r, alpha, alternative, power, n`` (unrounded) and ``n_required`` (rounded up).

    Examples
    --------
    >>> from analysis.findings.power import sample_size_table
    >>> sample_size_table(-0.18)["n_required"].tolist()
    [240, 320, 395]
    """
    rows = []
    for p in powers:
        res = power_correlation(r=r, power=p, alpha=alpha, alternative=alternative)
        rows.append({"label": label or f"r = {r:g}", "r": r, "alpha": alpha, "alternative": alternative,
                     "power": p, "n": res.n_exact, "n_required": res.n_required})
    return pd.DataFrame(rows)
