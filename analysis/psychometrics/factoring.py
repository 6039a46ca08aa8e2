"""Correlations, minres factor extraction and the rotations psych uses, written to match psych.

Why our own code: psych's ω (``omega``) chains ``fa(minres)`` → ``stats::varimax`` →
``GPArotation::oblimin`` → a second-order ``fa`` of Φ → Schmid–Leiman. factor_analyzer's minres
and oblimin start and stop differently (its rotations are normalised and its oblimin uses another
algorithm), so its ω-inputs differ from psych's beyond 1e-6. The functions below follow the
published algorithms (Harman's minres; Kaiser's varimax as in ``stats::varimax``; Jennrich's
gradient-projection oblique rotation as in ``GPArotation::GPFoblq``) with the same starting points
and stopping rules, so the same data give the same solution.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize


# ---------------------------------------------------------------------------------------------
def pairwise_cov(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise-complete covariance (R ``cov(x, use = "pairwise")``) and the pair counts.

    Each pair of columns uses the rows where both are observed, with its own means and the
    ``n_ij − 1`` denominator.
    """
    m = ~np.isnan(x)
    x0 = np.where(m, x, 0.0)
    mf = m.astype(float)
    n = mf.T @ mf
    sxy = x0.T @ x0
    sx = x0.T @ mf          # sx[i, j] = sum of x_i over rows where x_j is observed too
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = (sxy - sx * sx.T / n) / (n - 1)
    return cov, n


def cov2cor(c: np.ndarray) -> np.ndarray:
    d = 1.0 / np.sqrt(np.diag(c))
    r = c * d[:, None] * d[None, :]
    np.fill_diagonal(r, 1.0)
    return r


def correlation(x: np.ndarray, nan_policy: str = "pairwise") -> np.ndarray:
    """Pearson correlations of the columns of ``x``: R ``cor(x, use = "pairwise")`` or listwise.

    Pairwise, each pair is a full Pearson r on the rows where both are observed (its own means and
    SDs) — unlike ``cov2cor`` of the pairwise covariance, which psych's α uses.
    """
    if nan_policy == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    m = ~np.isnan(x)
    x0 = np.where(m, x, 0.0)
    mf = m.astype(float)
    n = mf.T @ mf
    sx = x0.T @ mf
    sxx = (x0 * x0).T @ mf
    with np.errstate(invalid="ignore", divide="ignore"):
        cxy = x0.T @ x0 - sx * sx.T / n
        vx = sxx - sx * sx / n
        r = cxy / np.sqrt(vx * vx.T)
    np.fill_diagonal(r, 1.0)
    return r


def smc(r: np.ndarray) -> np.ndarray:
    """Squared multiple correlations ``1 − 1/diag(R⁻¹)`` (psych ``smc``; pseudo-inverse if singular)."""
    try:
        inv = np.linalg.inv(r)
    except np.linalg.LinAlgError:
        inv = np.linalg.pinv(r)
    s = 1.0 - 1.0 / np.diag(inv)
    return np.clip(s, 0.0, 1.0)


# ---------------------------------------------------------------------------------------------
def _top_eigen(s: np.ndarray, nf: int):
    w, v = np.linalg.eigh(s)
    order = np.argsort(w)[::-1][:nf]
    return w[order], v[:, order]


def _minres_loadings(psi: np.ndarray, r: np.ndarray, nf: int) -> np.ndarray:
    s = r - np.diag(psi)
    w, v = _top_eigen(s, nf)
    return v * np.sqrt(np.maximum(w, 0.0))


def minres(r: np.ndarray, nf: int) -> np.ndarray:
    """Unrotated minimum-residual (ULS on the off-diagonal) loadings, as psych ``fa(fm="minres")``.

    psych minimises the off-diagonal residual sum of squares over the uniquenesses ψ (bounded to
    [0.005, max(smc, 1)]) with the loadings the top eigenvectors of ``R − diag(ψ)``, starting at
    ``1 − smc``. We minimise the same function from the same start with a far tighter stopping rule;
    psych's optimiser stops earlier, so the two agree to its precision (see the reference tests).
    Column signs follow psych: positive column sums.
    """
    p = r.shape[0]
    s0 = smc(r)
    upper = max(float(s0.max()), 1.0)
    start = np.diag(r) - s0
    low = np.tril_indices(p, -1)

    # At the minimum the loadings reproduce the diagonal: diag(ΛΛᵀ) + ψ = diag(R) (the zero of
    # psych's gradient). Solve that by Powell's hybrid method; fall back to bounded L-BFGS-B on
    # the residual sum of squares when the root leaves psych's bounds (Heywood cases).
    def gap(psi):
        return np.sum(_minres_loadings(psi, r, nf) ** 2, axis=1) + psi - np.diag(r)

    sol = optimize.root(gap, start, method="hybr", options={"xtol": 1e-13})
    if sol.success and np.all(sol.x >= 0.005) and np.all(sol.x <= upper):
        psi = sol.x
    else:
        def fun(psi):
            lam = _minres_loadings(psi, r, nf)
            res = (r - lam @ lam.T)[low]
            return float(res @ res), np.sum(lam * lam, axis=1) + psi - np.diag(r)

        psi = optimize.minimize(fun, start, jac=True, method="L-BFGS-B", bounds=[(0.005, upper)] * p,
                                options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000, "maxcor": 20}).x
    lam = _minres_loadings(psi, r, nf)
    signs = np.sign(lam.sum(axis=0))
    signs[signs == 0] = 1.0
    return lam * signs


# ---------------------------------------------------------------------------------------------
def varimax(lam: np.ndarray, normalize: bool = True, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """Kaiser's varimax exactly as R ``stats::varimax`` (same start, iteration and stop)."""
    nc = lam.shape[1]
    if nc < 2:
        return lam.copy(), np.eye(nc)
    x = lam
    if normalize:
        sc = np.sqrt((x ** 2).sum(axis=1))
        x = x / sc[:, None]
    p = x.shape[0]
    tt = np.eye(nc)
    d = 0.0
    for _ in range(1000):
        z = x @ tt
        b = x.T @ (z ** 3 - z * ((z ** 2).sum(axis=0) / p))
        u, sv, vt = np.linalg.svd(b)
        tt = u @ vt
        dpast, d = d, float(sv.sum())
        if d < dpast * (1 + eps):
            break
    z = x @ tt
    if normalize:
        z = z * sc[:, None]
    return z, tt


def _oblimin_vgq(lam: np.ndarray, gam: float = 0.0):
    k = lam.shape[1]
    off = 1.0 - np.eye(k)
    x = (lam ** 2) @ off
    if gam != 0:
        p = lam.shape[0]
        x = (np.eye(p) - gam / p) @ x
    return lam * x, float(np.sum(lam ** 2 * x) / 4.0)


def _geomin_vgq(lam: np.ndarray, delta: float = 0.01):
    k = lam.shape[1]
    l2 = lam ** 2 + delta
    pro = np.exp(np.log(l2).sum(axis=1) / k)
    return (2.0 / k) * lam / l2 * pro[:, None], float(pro.sum())


_CRITERIA = {"oblimin": _oblimin_vgq, "quartimin": _oblimin_vgq, "geomin": _geomin_vgq}


def gpf_oblique(a: np.ndarray, criterion: str = "oblimin", eps: float = 1e-5, maxit: int = 1000,
                **args) -> tuple[np.ndarray, np.ndarray]:
    """Gradient-projection oblique rotation (Jennrich 2002), the algorithm of ``GPArotation::GPFoblq``.

    Returns the pattern loadings and Φ. Same start (identity), step doubling/halving and stopping
    rule (‖projected gradient‖ < eps) as GPArotation, so the same local optimum is reached.
    """
    vgq = _CRITERIA[criterion]
    k = a.shape[1]
    tmat = np.eye(k)
    al = 1.0
    lam = a @ np.linalg.inv(tmat).T
    gq, f = vgq(lam, **args)
    g = -(lam.T @ gq @ np.linalg.inv(tmat)).T
    for _ in range(maxit + 1):
        gp = g - tmat * (tmat * g).sum(axis=0)[None, :]
        s = float(np.sqrt(np.sum(gp ** 2)))
        if s < eps:
            break
        al *= 2.0
        for _i in range(11):
            x = tmat - al * gp
            v = 1.0 / np.sqrt((x ** 2).sum(axis=0))
            tmatt = x * v[None, :]
            lam = a @ np.linalg.inv(tmatt).T
            gqt, ft = vgq(lam, **args)
            if f - ft > 0.5 * s ** 2 * al:
                break
            al /= 2.0
        tmat = tmatt
        f = ft
        g = -(lam.T @ gqt @ np.linalg.inv(tmatt)).T
    return lam, tmat.T @ tmat
