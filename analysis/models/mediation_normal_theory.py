"""The normal-theory table of a mediation model (``MediationResult.normal_theory``): lavaan's
saturated-model ML estimates with delta-method SEs for indirect effects, their total and contrasts,
for comparison with ``lavaan::sem(...)`` ``:=`` parameters (see :mod:`.indirect_effects`).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats


def _normal_theory(ols, chains, names, x, y, m, total_key, contrasts, level) -> pd.DataFrame:
    """lavaan's saturated-model ML estimates with fixed.x and delta-method SEs for products
    (indirect), sums (total) and differences (contrasts)."""
    # parameter vector: all coefficients of the mediator and outcome equations
    # Cov(b_i, b_j) = σ_ij (X_i'X_i)⁻¹ X_i'X_j (X_j'X_j)⁻¹ with σ_ij = e_i'e_j / n (ML): the
    # saturated model; σ_ij = 0 exactly when one equation contains the other's outcome (serial)
    eqs = m + [y]
    keys = [(eq, v) for eq in eqs for v in ols[eq]["preds"]]
    theta = np.concatenate([ols[eq]["b"] for eq in eqs])
    n = ols[y]["X"].shape[0]
    rows_ = []
    for ei in eqs:
        ti = ols[ei]
        row = []
        for ej in eqs:
            tj = ols[ej]
            sij = float(ti["resid"] @ tj["resid"]) / n
            row.append(sij * ti["xtx_inv"] @ (ti["X"].T @ tj["X"]) @ tj["xtx_inv"])
        rows_.append(row)
    cov = np.block(rows_)
    index = {k: i for i, k in enumerate(keys)}
    zq = stats.norm.ppf(0.5 + level / 2)
    rows = []

    def add(path, value, grad):
        se = float(np.sqrt(grad @ cov @ grad))
        z = value / se
        rows.append({"path": path, "estimate": value, "se": se, "z": z, "p_val": 2 * stats.norm.sf(abs(z)),
                     "ci_low": value - zq * se, "ci_high": value + zq * se})

    def unit(key):
        g = np.zeros(len(theta))
        g[index[key]] = 1.0
        return g

    for mj in m:
        add(f"{mj} ~ {x}", theta[index[(mj, x)]], unit((mj, x)))
    for j, mj in enumerate(m):
        for mi in m[:j]:
            if (mj, mi) in index:
                add(f"{mj} ~ {mi}", theta[index[(mj, mi)]], unit((mj, mi)))
    for mj in m:
        add(f"{y} ~ {mj}", theta[index[(y, mj)]], unit((y, mj)))
    direct = (y, x)
    add("direct", theta[index[direct]], unit(direct))
    ind_vals, ind_grads = [], []
    for ch in chains:
        factors = [(ch[0], x)] + [(nxt, prev) for prev, nxt in zip(ch, ch[1:])] + [(y, ch[-1])]
        vals = [theta[index[f]] for f in factors]
        value = float(np.prod(vals))
        g = np.zeros(len(theta))
        for i, f in enumerate(factors):
            g[index[f]] += float(np.prod(vals[:i] + vals[i + 1:]))
        ind_vals.append(value)
        ind_grads.append(g)
    tot_ind = float(np.sum(ind_vals))
    g_tot = np.sum(ind_grads, axis=0)
    add("total", theta[index[direct]] + tot_ind, unit(direct) + g_tot)
    for nm, v, g in zip(names, ind_vals, ind_grads):
        add(nm, v, g)
    if len(chains) > 1:
        add("indirect total", tot_ind, g_tot)
        if contrasts:
            k = len(chains) + 1
            for (i, j), nm in zip(itertools.combinations(range(len(chains)), 2), names[k:]):
                add(nm, ind_vals[i] - ind_vals[j], ind_grads[i] - ind_grads[j])
    return pd.DataFrame(rows)
