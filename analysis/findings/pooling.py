"""Pooling correlations: random-effects (REML, DL) and fixed-effect meta-analysis on Fisher's z.

Equal to ``metafor::rma(yi, vi, data = escalc(measure = "ZCOR", ri = r, ni = n), method = ...)``:
each r becomes z = atanh(r) with sampling variance 1 / (n - 3), the pooled z and its Wald CI come
from inverse-variance weights 1 / (v_i + τ²), and the estimate and CI are also given back on the r
scale (``predict(res, transf = transf.ztor)``).

Hand-written rather than a library because no maintained Python package reproduces metafor's REML
iteration and heterogeneity statistics (I², H², Q, the SE of τ²) together; the algebra is short
and every number is tested against metafor 3.8 to 1e-6 (tests/reference/findings/findings.R).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..results import Result
from ..checks import near_columns

_METHODS = ("REML", "DL", "FE")


def _as_array(values, name, data):
    if data is not None and isinstance(values, str):
        if values not in data.columns:
            raise DataError("is not in the data", file=data.attrs.get("source"), column=values, item=name, within="pool_effects",
                            hint="columns are " + ", ".join(map(str, data.columns)) + "." + near_columns(values, data))
        values = data[values]
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise DataError("is not all numbers", argument=name, value=values, within="pool_effects",
                        hint=f"{name} must be numbers") from None
    return arr


def _reml_tau2(y, v, tol=1e-13, max_iter=10_000):
    """REML τ² by Fisher scoring, started at the Hedges estimator (metafor's scheme, step halving
    at the lower bound 0); iterated to a tighter threshold than R's so both sit on the same root."""
    k = len(y)
    mu0 = np.mean(y)                               # Hedges (HE) start: unweighted
    tau2 = max(0.0, np.sum((y - mu0) ** 2) / (k - 1) - np.mean(v))
    for _ in range(max_iter):
        w = 1 / (v + tau2)
        sw = w.sum()
        mu = np.sum(w * y) / sw
        py = w * (y - mu)                           # P y
        tr_p = sw - np.sum(w ** 2) / sw
        tr_pp = np.sum(w ** 2) - 2 * np.sum(w ** 3) / sw + np.sum(w ** 2) ** 2 / sw ** 2
        adj = (np.sum(py ** 2) - tr_p) / tr_pp
        while tau2 + adj < 0:
            adj /= 2
        tau2_new = tau2 + adj
        if abs(tau2_new - tau2) < tol:
            tau2 = tau2_new
            break
        tau2 = tau2_new
    else:  # pragma: no cover - metafor's REML converges for any data with k >= 2
        raise DataError("did not converge", argument="method", value="REML", within="pool_effects", hint="try method='DL'")
    return tau2


class PoolResult(Result):
    """The pooled correlation (see :func:`pool_effects`). ``.table()`` one row; ``.summary()`` the
    studies with their z, variance and weight; ``.apa()``; ``.figure(path=None)`` a forest plot.

    Examples
    --------
    >>> from analysis import pool_effects
    >>> res = pool_effects([0.21, 0.30, 0.12, 0.25], [120, 340, 95, 210])
    >>> res.k, res.n, round(float(res.table().loc[0, "estimate_r"]), 4)
    (4, 765, 0.2511)

    R: ``metafor::rma(yi, vi, data = metafor::escalc(measure = "ZCOR", ri = r, ni = n), method = "REML")``
    (``res.r_call`` gives the full call).
    """

    def __init__(self, pooled: dict, studies: pd.DataFrame, method: str, level: float):
        self.pooled = pooled
        self.studies = studies
        self.method = method
        self.level = level
        self.n = int(studies["n"].sum())
        self.k = len(studies)
        self.options = {"method": method, "level": level}
        self.r_call = ('metafor::rma(yi, vi, data = metafor::escalc(measure = "ZCOR", ri = r, ni = n), '
                       f'method = "{method}", level = {level * 100:g}, control = list(threshold = 1e-10)); '
                       'predict(res, transf = transf.ztor)')

    def __repr__(self) -> str:
        p = self.pooled
        return (f"PoolResult({self.method}, k = {self.k}: r = {p['estimate_r']:.3f} "
                f"[{p['ci_low_r']:.3f}, {p['ci_high_r']:.3f}], tau2 = {p['tau2']:.4f}, I2 = {p['i2']:.1f}%)")

    def table(self) -> pd.DataFrame:
        """One row: z-scale ``estimate, se, ci_low, ci_high, statistic, p_val``; r-scale
        ``estimate_r, ci_low_r, ci_high_r, pi_low_r, pi_high_r``; ``tau2, se_tau2, tau, i2, h2, q,
        q_df, q_p_val``; ``k, n, method, level``."""
        return pd.DataFrame([self.pooled])

    def summary(self) -> pd.DataFrame:
        """The studies pooled: ``label, r, n, yi, vi, weight`` (weight in percent, as metafor's weights())."""
        return self.studies.copy()

    def figure(self, path=None):
        """Forest plot of the studies (squares sized by weight) and the pooled r (a diamond)."""
        from .forest import pooled_forest

        return pooled_forest(self, path)


def pool_effects(r, n, labels=None, method: str = "REML", level: float = 0.95, data: pd.DataFrame | None = None
                 ) -> PoolResult:
    """Pool correlations in a random-effects (REML, DL) or fixed-effect (FE) meta-analysis.

    Parameters
    ----------
    r, n : sequence or column name
        The correlations and the sample size behind each (n ≥ 4). With ``data``, column names.
    labels : sequence or column name, optional
        Study labels for the summary and the forest plot (default ``1, 2, …``).
    method : {"REML", "DL", "FE"}
        τ² estimator: restricted maximum likelihood (metafor's default), DerSimonian–Laird, or a
        fixed-effect (common-effect) model with τ² = 0.
    level : float
        Confidence level of the CI and the prediction interval.
    data : DataFrame, optional
        Where ``r``, ``n`` and ``labels`` are looked up when given as column names.

    Returns
    -------
    PoolResult
        ``.table()`` holds the pooled z (``estimate``, ``se``, ``ci_low``, ``ci_high``,
        ``statistic``, ``p_val``), the same on the r scale (``estimate_r``, ``ci_low_r``,
        ``ci_high_r``, prediction interval ``pi_low_r``, ``pi_high_r``), τ², I², H², Q and its p.

    Notes
    -----
    z_i = atanh(r_i), v_i = 1/(n_i − 3); weights w_i = 1/(v_i + τ²); pooled z = Σw z/Σw with SE
    1/√Σw. I² = τ²/(τ² + ṽ) with ṽ = (k − 1)Σ(1/v)/((Σ1/v)² − Σ(1/v)²) for the random-effects
    models, and (Q − (k − 1))/Q for FE, as metafor reports them.

    Examples
    --------
    >>> from analysis import pool_effects
    >>> res = pool_effects(r=[-0.25, -0.10, -0.31, -0.05], n=[120, 340, 85, 383])
    >>> round(res.table()["estimate_r"].item(), 4), round(res.table()["i2"].item(), 2)
    (-0.1528, 63.57)

    The same in R::

        res <- metafor::rma(yi, vi, data = metafor::escalc(measure = "ZCOR", ri = r, ni = n),
                            control = list(threshold = 1e-10))
        predict(res, transf = metafor::transf.ztor)
    """
    method = str(method).upper()
    if method not in _METHODS:
        raise DataError(f"is not one of {', '.join(_METHODS)}", argument="method", value=method, within="pool_effects",
                        hint="choose one of them")
    if not 0 < level < 1:
        raise DataError("", argument="level", value=level, within="pool_effects", hint="level must lie between 0 and 1; e.g. 0.95")
    ra = _as_array(r, "r", data)
    na = _as_array(n, "n", data)
    if len(ra) != len(na):
        raise DataError(f"gives {len(na)} sample sizes for {len(ra)} correlations", argument="n", value=n, within="pool_effects",
                        hint="give one n per r")
    if len(ra) < 2:
        raise DataError("holds fewer than two correlations", argument="r", value=r, within="pool_effects",
                        hint="pooling needs at least two correlations")
    if labels is None:
        lab = [str(i) for i in range(1, len(ra) + 1)]
    elif data is not None and isinstance(labels, str):
        lab = [str(x) for x in data[labels]]
    else:
        lab = [str(x) for x in labels]
    if len(lab) != len(ra):
        raise DataError(f"gives {len(lab)} labels for {len(ra)} correlations", argument="labels", value=labels,
                        within="pool_effects", hint="give one label per correlation")
    for i, (ri, ni) in enumerate(zip(ra, na)):
        if not np.isfinite(ri) or not -1 < ri < 1:
            raise DataError(f"holds correlation {ri:g} of '{lab[i]}'", argument="r", value=r, within="pool_effects",
                            hint=f"correlation {ri:g} of '{lab[i]}' must lie strictly between -1 and 1")
        if not np.isfinite(ni) or ni < 4 or ni != round(ni):
            raise DataError(f"holds n = {ni:g} of '{lab[i]}'", argument="n", value=n, within="pool_effects",
                            hint=f"n = {ni:g} of '{lab[i]}' must be a whole number of at least 4")

    y = np.arctanh(ra)
    v = 1 / (na - 3)
    k = len(y)
    w_fe = 1 / v
    sw_fe = w_fe.sum()
    mu_fe = np.sum(w_fe * y) / sw_fe
    q = float(np.sum(w_fe * (y - mu_fe) ** 2))
    tr_p_fe = sw_fe - np.sum(w_fe ** 2) / sw_fe

    if method == "FE":
        tau2 = 0.0
    elif method == "DL":
        tau2 = max(0.0, (q - (k - 1)) / tr_p_fe)
    else:
        tau2 = _reml_tau2(y, v)

    w = 1 / (v + tau2)
    sw = w.sum()
    mu = float(np.sum(w * y) / sw)
    se = float(1 / math.sqrt(sw))
    zcrit = stats.norm.ppf(1 - (1 - level) / 2)
    zval = mu / se
    if method == "FE":
        i2 = 100 * max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
        h2 = q / (k - 1)
        se_tau2 = float("nan")
    else:
        vt = (k - 1) * sw_fe / (sw_fe ** 2 - np.sum(w_fe ** 2))
        i2 = 100 * tau2 / (tau2 + vt)
        h2 = (tau2 + vt) / vt
        if method == "REML":
            tr_pp = np.sum(w ** 2) - 2 * np.sum(w ** 3) / sw + np.sum(w ** 2) ** 2 / sw ** 2
            se_tau2 = float(math.sqrt(2 / tr_pp))
        else:  # DL: metafor's closed form, with the fixed-effect P matrix
            pp_fe = np.sum(w_fe ** 2) - 2 * np.sum(w_fe ** 3) / sw_fe + np.sum(w_fe ** 2) ** 2 / sw_fe ** 2
            se_tau2 = float(math.sqrt((2 * (k - 1) + 4 * tau2 * tr_p_fe + 2 * tau2 ** 2 * pp_fe) / tr_p_fe ** 2))
    pi_half = zcrit * math.sqrt(se ** 2 + tau2)
    pooled = {
        "method": method, "level": level, "k": k, "n": int(na.sum()),
        "estimate": mu, "se": se, "ci_low": mu - zcrit * se, "ci_high": mu + zcrit * se,
        "statistic": zval, "p_val": float(2 * stats.norm.sf(abs(zval))),
        "estimate_r": math.tanh(mu), "ci_low_r": math.tanh(mu - zcrit * se), "ci_high_r": math.tanh(mu + zcrit * se),
        # metafor's predict() gives no prediction interval for a fixed-effect model
        "pi_low_r": math.tanh(mu - pi_half) if method != "FE" else float("nan"),
        "pi_high_r": math.tanh(mu + pi_half) if method != "FE" else float("nan"),
        "tau2": float(tau2), "se_tau2": se_tau2, "tau": math.sqrt(tau2), "i2": float(i2), "h2": float(h2),
        "q": q, "q_df": k - 1, "q_p_val": float(stats.chi2.sf(q, k - 1)),
    }
    studies = pd.DataFrame({"label": lab, "r": ra, "n": na.astype(int), "yi": y, "vi": v,
                            "weight": 100 * w / sw})
    return PoolResult(pooled, studies, method, level)


@apa.register
def _(res: PoolResult) -> Apa:
    p = res.pooled
    est = f"r = {apa_num(p['estimate_r'], gt1=False)}, {apa_ci(p['ci_low_r'], p['ci_high_r'], gt1=False, level=res.level)}"
    stat = f"z = {apa_num(p['statistic'])}, {apa_p(p['p_val'])}"
    model = {"REML": "random-effects (REML)", "DL": "random-effects (DerSimonian–Laird)", "FE": "fixed-effect"}[res.method]
    het = (f"Q({p['q_df']}) = {apa_num(p['q'])}, {apa_p(p['q_p_val'])}, I² = {apa_num(p['i2'], 1)}%"
           + (f", τ² = {apa_num(p['tau2'], 4, gt1=False)}" if res.method != "FE" else ""))
    full = (f"A {model} meta-analysis of k = {res.k} correlations (N = {res.n:,}) gave a pooled {est}, {stat}; "
            f"heterogeneity {het}.")
    return Apa(estimate=est, statistic=stat, full_result=full, table=res.table())
