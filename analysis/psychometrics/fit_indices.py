"""Fit indices on lavaan's definitions (lavaan 0.6: ``lav_fit_cfi.R``, ``lav_fit_rmsea.R``,
``lav_fit_srmr.R``, ``lav_fit_aic.R``), one small function each.

Written here because semopy lacks SRMR and the RMSEA confidence interval, and its AIC/BIC are not
on lavaan's log-likelihood scale (semopy uses the discrepancy function, not the full-information
log-likelihood with the ``N·p·log 2π`` constant). Conventions as lavaan's ML default: N (not N−1)
everywhere, χ² = Σ n_g F_g, RMSEA multiplied by √G for G groups.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, special, stats


def chisq_pvalue(chisq: float, df: int) -> float:
    """Upper-tail p of the χ² test (survival function, not 1 − cdf)."""
    return float(stats.chi2.sf(chisq, df)) if df > 0 else np.nan


def baseline_chisq(groups) -> tuple[float, int]:
    """χ² and df of the independence model (variances and means free, covariances zero), summed
    over groups. ``groups``: objects with ``n``, ``cov`` (÷n) and ``logdet``."""
    chisq = sum(g.n * (np.log(np.diag(g.cov)).sum() - g.logdet) for g in groups)
    df = sum(len(g.cov) * (len(g.cov) - 1) // 2 for g in groups)
    return float(chisq), int(df)


def cfi(chisq: float, df: int, chisq_base: float, df_base: int) -> float:
    """Comparative fit index (Bentler 1990)."""
    num = max(chisq - df, 0.0)
    den = max(chisq - df, chisq_base - df_base, 0.0)
    return 1.0 if den == 0 else float(1.0 - num / den)


def tli(chisq: float, df: int, chisq_base: float, df_base: int) -> float:
    """Tucker–Lewis index (non-normed fit index); lavaan reports it unbounded."""
    if df == 0:
        return 1.0
    return float((chisq_base / df_base - chisq / df) / (chisq_base / df_base - 1.0))


def rmsea(chisq: float, df: int, n: int, n_groups: int = 1) -> float:
    """Root mean square error of approximation, with N (lavaan) and the √G multi-group factor."""
    if df == 0:
        return 0.0
    return float(np.sqrt(max(chisq / n / df - 1.0 / n, 0.0)) * np.sqrt(n_groups))


def rmsea_ci(chisq: float, df: int, n: int, n_groups: int = 1, level: float = 0.90) -> tuple[float, float]:
    """The RMSEA confidence interval from the non-central χ² (Browne & Cudeck 1993), as lavaan:
    the non-centralities at which the observed χ² is the upper/lower (1 − level)/2 quantile."""
    if df < 1:
        return 0.0, 0.0
    hi_p, lo_p = 1 - (1 - level) / 2, (1 - level) / 2

    def cdf(lam):  # the non-central χ² cdf ufunc (scipy.stats.ncx2 adds ~0.2 ms per call)
        return special.chdtr(df, chisq) if lam == 0 else special.chndtr(chisq, df, lam)

    if cdf(0.0) < hi_p:
        lam_l = 0.0
    else:
        lam_l = optimize.brentq(lambda lam: cdf(lam) - hi_p, 0.0, max(chisq, 1.0), xtol=1e-12)
    upper = max(n, 4 * chisq)
    if cdf(0.0) < lo_p or cdf(upper) > lo_p:
        lam_u = 0.0
    else:
        lam_u = optimize.brentq(lambda lam: cdf(lam) - lo_p, 0.0, upper, xtol=1e-12)
    f = np.sqrt(n_groups)
    return float(np.sqrt(lam_l / (n * df)) * f), float(np.sqrt(lam_u / (n * df)) * f)


def srmr(groups, implied, meanstructure: bool) -> float:
    """Standardised root mean square residual (Bentler's, lavaan ``srmr``): residual covariances
    divided by the observed SDs, over the lower triangle with the diagonal, plus the standardised
    mean residuals when there is a mean structure; groups weighted by n_g/N."""
    total = sum(g.n for g in groups)
    out = 0.0
    for g, (sigma, mu) in zip(groups, implied):
        sd = np.sqrt(np.diag(g.cov))
        res = (g.cov - sigma) / np.outer(sd, sd)
        low = res[np.tril_indices(len(sd))]
        ss, k = float(low @ low), low.size
        if meanstructure:
            mres = (g.mean - mu) / sd
            ss, k = ss + float(mres @ mres), k + len(sd)
        out += g.n / total * np.sqrt(ss / k)
    return float(out)


def information_criteria(loglik: float, npar: int, n: int) -> tuple[float, float]:
    """AIC and BIC on the full-information log-likelihood (lavaan's ``aic``, ``bic``)."""
    return float(-2 * loglik + 2 * npar), float(-2 * loglik + npar * np.log(n))
