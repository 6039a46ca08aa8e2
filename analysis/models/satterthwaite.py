"""Satterthwaite degrees of freedom for the fixed effects of a linear mixed model, as lmerTest's
``summary(lmer(...), ddf = "Satterthwaite")`` (df, t, p).

For a fixed effect β_j with variance c(φ) = [C(φ)]_jj, C = (X'V⁻¹X)⁻¹ and φ the variance
parameters, the Satterthwaite df are ``2 c² / (g' A g)`` with g = ∂c/∂φ and A = 2 H⁻¹ the asymptotic
covariance of φ̂ (H: Hessian of the deviance, −2 log-likelihood — REML, or ML profiled over β as
lme4's ML deviance is), all in lme4's variance parameters (θ = relative Cholesky factor of Ψ/σ², σ)
as lmerTest uses them. lmerTest obtains g and H by numerical differentiation (numDeriv); we compute
them in closed form in the variance-component parametrisation φ = (elements of Ψ, σ²), in which
V = Σ_k φ_k G_k is linear, and carry them to (θ, σ) by the chain rule, including the term
Σ_k ∂D/∂φ_k · ∂²φ_k/∂(θ,σ)² of the Hessian. At an interior optimum that term is zero and the df do
not depend on the parametrisation; when a variance is estimated at zero it is not, and only (θ, σ)
reproduces lmerTest (there ∂C/∂θ = 0 and the df come from σ alone: n − p for a random intercept).
The two agree up to lmerTest's numerical-derivative error and the two optimisers' optima.

Why hand-written: no Python library offers Satterthwaite df for mixed models (statsmodels reports
Wald z only; pymer4 calls R). The formulas (V linear in φ, P = V⁻¹ − V⁻¹X C X'V⁻¹):

* ∂C/∂φ_k = C X'V⁻¹G_kV⁻¹X C
* REML: ∂²(−2ℓ_R)/∂φ_k∂φ_l = −tr(P G_k P G_l) + 2 y'P G_k P G_l P y
* ML (profiled over β): −tr(V⁻¹G_kV⁻¹G_l) + 2 r'V⁻¹G_kV⁻¹G_lV⁻¹r − 2 u_k'C u_l,
  u_k = X'V⁻¹G_kV⁻¹r, r = y − Xβ̂
* gradients: ∂(−2ℓ)/∂φ_k = tr(P G_k) − y'P G_k P y (REML); tr(V⁻¹G_k) − r'V⁻¹G_kV⁻¹r (ML)

are accumulated group by group (V is block-diagonal), so memory stays O(largest group²).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError

__all__ = ["satterthwaite_table"]


def _blocks(fit):
    """Per-group (X, Z, r) and the variance-parameter structure of a statsmodels MixedLM fit."""
    m = fit.model
    beta = np.asarray(fit.fe_params)
    return [(X, Z, y - X @ beta) for X, Z, y in zip(m.exog_li, m.exog_re_li, m.endog_li)]


def _chol_lower(a: np.ndarray) -> np.ndarray:
    """Lower Cholesky factor that tolerates a singular (boundary) matrix: a zero pivot gives a zero
    column, as lme4's θ on the boundary."""
    q = a.shape[0]
    L = np.zeros_like(a)
    for j in range(q):
        d = a[j, j] - L[j, :j] @ L[j, :j]
        L[j, j] = np.sqrt(d) if d > 0 else 0.0
        for i in range(j + 1, q):
            L[i, j] = (a[i, j] - L[i, :j] @ L[j, :j]) / L[j, j] if L[j, j] > 0 else 0.0
    return L


def _phi_of_theta_sigma(psi, sigma2, pairs):
    """Jacobian (K × K) and Hessians (K × K × K) of φ = (ψ_ab for ``pairs``, σ²) with respect to
    lme4's variance parameters (θ: the lower triangle of Λ, column by column, Ψ = σ²ΛΛ'; then σ)."""
    q = psi.shape[0]
    sigma = np.sqrt(sigma2)
    L = _chol_lower(psi / sigma2)
    tpos = [(i, j) for j in range(q) for i in range(j, q)]     # lme4's θ order (column-major)
    K = len(pairs) + 1
    J = np.zeros((K, K))
    Hs = np.zeros((K, K, K))
    LL = L @ L.T
    for k, (a, b) in enumerate(pairs):
        for u, (i, j) in enumerate(tpos):
            d = (a == i) * L[b, j] + (b == i) * L[a, j]                       # ∂(ΛΛ')_ab/∂Λ_ij
            J[k, u] = sigma2 * d
            Hs[k, u, K - 1] = Hs[k, K - 1, u] = 2 * sigma * d
            for v, (i2, j2) in enumerate(tpos):
                dd = (j == j2) * ((a == i) * (b == i2) + (a == i2) * (b == i))  # ∂²(ΛΛ')_ab
                Hs[k, u, v] = sigma2 * dd
        J[k, K - 1] = 2 * sigma * LL[a, b]
        Hs[k, K - 1, K - 1] = 2 * LL[a, b]
    J[K - 1, K - 1] = 2 * sigma
    Hs[K - 1, K - 1, K - 1] = 2.0
    return J, Hs


def satterthwaite_table(fit, reml: bool, level: float = 0.95) -> pd.DataFrame:
    """Fixed effects with Satterthwaite df: ``term, estimate, se, statistic (t), df, p_val, ci_low, ci_high``.

    Parameters
    ----------
    fit : statsmodels MixedLMResults
        A fit with one grouping factor and no extra variance components (``vc_formula``).
    reml : bool
        Whether the fit is REML (else ML, profiled over the fixed effects as lme4).
    level : float
        Confidence level of the t intervals ``estimate ± qt(level, df) · se``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import mixed_model, wide_to_long
    >>> from analysis.models.satterthwaite import satterthwaite_table
    >>> long = wide_to_long(read_dataset("demo"), ["exam1", "exam2", "exam3"], id_column="respondent_id",
    ...                     keep=["age"])
    >>> res = mixed_model(long, "score ~ time + age", group="respondent_id", ddf=None)
    >>> satterthwaite_table(res.fit, reml=True)[["term", "df"]].round(3)
            term       df
    0  Intercept  401.082
    1       time  780.778
    2        age  396.552
    >>> # R: summary(lmerTest::lmer(score ~ time + age + (1 | respondent_id), long))
    """
    m = fit.model
    if m.k_vc:
        raise DataError("has extra variance components (vc_formula=)", argument="fit", value=type(fit).__name__,
                        within="satterthwaite_table",
                        hint="Satterthwaite df need a model without them; fit it without vc_formula, or use ddf=None")
    psi = np.asarray(fit.cov_re, float)
    sigma2 = float(fit.scale)
    q = psi.shape[0]
    pairs = [(a, b) for a in range(q) for b in range(a + 1)]        # lower triangle of Ψ, then σ²
    K = len(pairs) + 1
    blocks = _blocks(fit)
    p = blocks[0][0].shape[1]

    # pass 1: C = (X'V⁻¹X)⁻¹
    xtwx = np.zeros((p, p))
    cache = []
    for X, Z, r in blocks:
        W = np.linalg.inv(Z @ psi @ Z.T + sigma2 * np.eye(X.shape[0]))
        W = (W + W.T) / 2
        B = W @ X
        xtwx += X.T @ B
        cache.append((W, B, W @ r, Z))
    C = np.linalg.inv(xtwx)

    # pass 2: traces and quadratic forms, group by group
    T1 = np.zeros((K, K))       # Σ tr(W G_k W G_l)
    S = np.zeros((K, K))        # Σ e'G_k W G_l e,  e = W r
    N = np.zeros((K, K, p, p))  # Σ B'G_k W G_l B
    M = np.zeros((K, p, p))     # Σ B'G_k B      (= X'W G_k W X)
    U = np.zeros((K, p))        # Σ B'G_k e
    TR = np.zeros(K)            # Σ tr(W G_k)
    Q = np.zeros(K)             # Σ e'G_k e
    for W, B, e, Z in cache:
        n_i = W.shape[0]
        G = []
        for a, b in pairs:
            za, zb = Z[:, a:a + 1], Z[:, b:b + 1]
            G.append(za @ za.T if a == b else za @ zb.T + zb @ za.T)
        G.append(np.eye(n_i))
        WG = [W @ g for g in G]
        GB = [g @ B for g in G]
        Ge = [g @ e for g in G]
        for k in range(K):
            M[k] += B.T @ GB[k]
            U[k] += B.T @ Ge[k]
            TR[k] += np.sum(W * G[k])
            Q[k] += e @ Ge[k]
            for l in range(k, K):
                T1[k, l] += np.sum(WG[k] * WG[l].T)
                S[k, l] += Ge[k] @ W @ Ge[l]
                N[k, l] += GB[k].T @ W @ GB[l]
    H = np.zeros((K, K))
    for k in range(K):
        for l in range(k, K):
            uCu = U[k] @ C @ U[l]
            if reml:
                tr_pgpg = T1[k, l] - 2 * np.trace(C @ N[k, l]) + np.trace(C @ M[k] @ C @ M[l])
                H[k, l] = -tr_pgpg + 2 * (S[k, l] - uCu)
            else:
                H[k, l] = -T1[k, l] + 2 * S[k, l] - 2 * uCu
            H[l, k] = H[k, l]
    # gradient of the deviance in φ (zero at an interior optimum, not on the boundary)
    grad = TR - Q - (np.array([np.trace(C @ M[k]) for k in range(K)]) if reml else 0.0)
    beta = np.asarray(fit.fe_params, float)
    var = np.diag(C)
    dC = np.stack([C @ M[k] @ C for k in range(K)])          # K × p × p
    g_phi = dC[:, np.arange(p), np.arange(p)].T                # p × K: ∂C_jj/∂φ
    # to lmerTest's parametrisation (θ = relative Cholesky factor of Ψ/σ², σ): at an interior optimum
    # the df are the same in any parametrisation, but when a variance is estimated at zero only this
    # one matches lmerTest (there ∂C/∂θ = 0 and the df come from σ alone, as in OLS)
    J, Hphi = _phi_of_theta_sigma(psi, sigma2, pairs)
    H_vp = J.T @ H @ J + np.einsum("k,kab->ab", grad, Hphi)
    g = g_phi @ J
    try:
        A = 2 * np.linalg.inv(H_vp)           # asymptotic covariance of the variance parameters
        with np.errstate(divide="ignore", invalid="ignore"):
            df = 2 * var ** 2 / np.einsum("jk,kl,jl->j", g, A, g)
    except np.linalg.LinAlgError:
        df = np.full(p, np.nan)
    if not np.all(np.isfinite(df) & (df > 0)):
        # a variance component on the boundary (estimated as 0) leaves the Hessian singular
        warnings.warn("mixed_model: Satterthwaite df could not be computed for every fixed effect "
                      "(a variance component is estimated at or near zero); their df and p are NaN — "
                      "simplify the random-effects structure", stacklevel=3)
        df = np.where(np.isfinite(df) & (df > 0), df, np.nan)
    se = np.sqrt(var)
    t = beta / se
    qt = stats.t.ppf(0.5 + level / 2, df)
    return pd.DataFrame({"term": list(fit.fe_params.index), "estimate": beta, "se": se, "statistic": t,
                         "df": df, "p_val": 2 * stats.t.sf(np.abs(t), df),
                         "ci_low": beta - qt * se, "ci_high": beta + qt * se})
