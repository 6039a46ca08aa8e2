"""Replicate-weight variances and Rubin's rules: a statistic re-estimated under every replicate
weight, its variance from the design's formula, the plausible values combined as ``mitools::MIcombine``
does, and the tests and intervals that follow (the formulas: :mod:`analysis.models.survey_weights`).

Written by hand: the Python survey libraries checked do not give them (see survey_weights).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_numeric


class SurveyData:
    """The data of one analysis: the columns it uses (plausible values resolved), for each PV draw."""

    def __init__(self, data, design, pvs, columns, what):
        self.design, self.pvs, self.columns = design, pvs, list(columns)
        plain = [c for c in self.columns if c not in pvs]
        values = check_numeric(data, plain, what, hint="recode it or set it to missing", na_tokens=False)
        self._pv = {}
        for name in self.columns:
            if name in pvs:
                pv = check_numeric(data, pvs[name], what, hint="a plausible value must be a number", na_tokens=False)
                values[name] = np.where(pv.isna().any(axis=1), np.nan, 0.0)   # missing where any value is
                self._pv[name] = pv.to_numpy()
        self.values = values
        self.index = data.index
        self.w = data[design.weight].to_numpy(float)
        self.reps = data[list(design.replicate_weights)].to_numpy(float)

    def draws(self, cols) -> int:
        """M when ``cols`` hold a plausible-value score, else 1."""
        return len(next(iter(self.pvs.values()))) if any(c in self.pvs for c in cols) else 1

    def complete(self, cols) -> np.ndarray:
        return self.values[list(cols)].notna().all(axis=1).to_numpy()

    def matrix(self, cols, keep, m: int) -> np.ndarray:
        """Columns ``cols`` of the kept rows, plausible value m (0-based) for a PV score."""
        out = []
        for c in cols:
            out.append(self._pv[c][keep, m] if c in self.pvs else self.values[c].to_numpy()[keep])
        return np.column_stack(out)


def replicated(prepare, stat, d: SurveyData, keep, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """θ with the final weight and its replicate variance, for each plausible value draw: (M, p) each.

    ``prepare(m)`` gives the data of draw m (once), ``stat(data, w, full)`` the statistic under weights w
    (``full``: the full-sample estimate, where a replicate fit starts; None for the full sample).
    """
    ests, variances = [], []
    reps = d.reps[keep]
    for m in range(draws):
        data = prepare(m)
        full = np.atleast_1d(stat(data, d.w[keep], None))
        rep = np.array([np.atleast_1d(stat(data, reps[:, r], full)) for r in range(reps.shape[1])])
        ests.append(full)
        variances.append(d.design.variance(full, rep))
    return np.array(ests), np.array(variances)


def rubin(ests: np.ndarray, variances: np.ndarray):
    """Rubin's rules as mitools::MIcombine (df.complete = Inf): estimate, SE, df (NaN for one draw)."""
    m = ests.shape[0]
    if m == 1:
        return ests[0], np.sqrt(variances[0]), np.full(ests.shape[1], np.nan)
    qbar = ests.mean(axis=0)
    ubar = variances.mean(axis=0)
    between = ests.var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * between
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (1 + 1 / m) * between / ubar
        df = np.where(r > 0, (m - 1) * (1 + 1 / r) ** 2, np.inf)
    return qbar, np.sqrt(total), df


def inference(est, se, df, level, test=True) -> dict:
    """CI (t on df, or the normal quantile where df is NaN or infinite), statistic and p."""
    est, se, df = (np.asarray(x, float) for x in (est, se, df))
    normal = ~np.isfinite(df)
    q = np.where(normal, stats.norm.ppf(0.5 + level / 2), stats.t.ppf(0.5 + level / 2, np.where(normal, 1, df)))
    out = {"estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se}
    if test:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = est / se
        p = np.where(normal, 2 * stats.norm.sf(np.abs(s)), 2 * stats.t.sf(np.abs(s), np.where(normal, 1, df)))
    else:
        s = p = np.full(est.shape, np.nan)
    out.update(statistic=s, df=np.where(np.isinf(df), np.nan, df), p_val=p)
    return out


def missing_rows(d: SurveyData, cols) -> pd.DataFrame:
    miss = d.values[list(cols)].isna()
    bad = miss.any(axis=1).to_numpy()
    reasons = [f"missing {', '.join(map(str, miss.columns[r]))}" for r in miss.to_numpy()[bad]]
    return pd.DataFrame({"row": d.index[bad], "reason": reasons})


# --- the statistics, for weights w (one replicate) ---------------------------------------------
def w_mean(x, w):
    return np.sum(w * x) / np.sum(w)


def w_sd(x, w):
    n = len(x)
    return np.sqrt(n / (n - 1) * np.sum(w * (x - w_mean(x, w)) ** 2) / np.sum(w))


def w_r(xy, w):
    c = np.cov(xy, rowvar=False, aweights=w)
    return c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])


def w_wls(X, y, w):
    sw = np.sqrt(w)
    return np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]


def w_logit(X, y, w, start=None):
    import statsmodels.api as sm

    # the tight tolerance matches R run with glm.control(epsilon = 1e-14) to 1e-10
    fit = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w).fit(start_params=start, tol=1e-14,
                                                                            maxiter=100)
    return fit.params
