"""pwr 1.3's power equations (the ``p.body`` of ``pwr.r.test`` and ``pwr.f2.test``, and the normal
test of ``pwr.norm.test``): power as a function of n, the effect and alpha. :mod:`.power` solves
them for the quantity left ``None``; :class:`~analysis.findings.power_result.PowerResult` draws
its power curve with them.
"""

from __future__ import annotations

import math

from scipy import stats


def _r_power(n, r, alpha, alternative):
    """pwr 1.3's power of the correlation test (``pwr.r.test``'s p.body).

    Written here although ``pingouin.power_corr`` computes the same formula (equal to 1e-15 for
    n > 4, tested): pingouin returns NaN with a warning at n = 4, which pwr (and this module)
    accept, and it checks its inputs with ``assert``. Over the 45 ``pwr.r.test`` cases of
    tests/reference/findings/power_pwr.csv pingouin 0.7.0 gives pwr's powers to 4.4e-16 and its
    solved n and r to 4.6e-13, but NaN for the three n = 4 cases (pwr: 0.1221 two-sided), so it
    does not give pwr's numbers over the tested cases."""
    tail = alpha / 2 if alternative == "two-sided" else alpha
    ttt = stats.t.isf(tail, n - 2)
    rc = math.sqrt(ttt ** 2 / (ttt ** 2 + n - 2))
    zrc = math.atanh(rc)
    if alternative == "less":
        r = -r
    if alternative == "two-sided":
        r = abs(r)
    zr = math.atanh(r) + r / (2 * (n - 1))
    s = math.sqrt(n - 3)
    p = stats.norm.cdf((zr - zrc) * s)
    if alternative == "two-sided":
        p += stats.norm.cdf((-zr - zrc) * s)
    return float(p)


def _f2_power(u, v, f2, alpha):
    """pwr 1.3's power of the regression F test (``pwr.f2.test``'s p.body)."""
    lam = f2 * (u + v + 1)
    return float(stats.ncf.sf(stats.f.isf(alpha, u, v), u, v, lam))


def _norm_power(z, alpha, alternative):
    """Power of a normal (z) test of a standardised effect ``z`` (``pwr.norm.test`` with n = 1)."""
    if alternative == "two-sided":
        c = stats.norm.isf(alpha / 2)
        return float(stats.norm.cdf(z - c) + stats.norm.cdf(-z - c))
    c = stats.norm.isf(alpha)
    return float(stats.norm.cdf(z - c) if alternative == "greater" else stats.norm.cdf(-z - c))
