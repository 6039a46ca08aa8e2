"""One multi-group maximum-likelihood estimator for CFA models (single group = one group).

Why our own: semopy fits multi-group models group by group (no equality constraints across
groups), so it cannot fit invariance models; and a dedicated Fisher-scoring fitter with analytic
derivatives is faster than semopy's general optimiser. The same code fits every CFA and every step
of the invariance ladder (no logic twice).

The discrepancy is lavaan's normal-theory ML with the biased (÷N) sample covariance ``S_g`` and mean
``x̄_g`` of each group:

    F = Σ_g (n_g/N) [log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (x̄_g − μ_g)ᵀ Σ_g⁻¹ (x̄_g − μ_g)]

with ``Σ = ΛΨΛᵀ + Θ`` and ``μ = ν + Λα``; χ² = N·F. It is minimised by Fisher scoring (Gauss–Newton
with the expected information) with step halving. Standard errors come from the inverse expected
information with N (lavaan's default ``information = "expected"`` for complete data).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import dependent_columns
from ..errors import DataError
from .syntax import ModelSpec

LOG2PI = np.log(2 * np.pi)


@dataclass
class GroupData:
    """Sufficient statistics of one group: n, biased covariance S (÷n) and mean."""

    n: int
    cov: np.ndarray
    mean: np.ndarray
    logdet: float

    @classmethod
    def from_array(cls, x: np.ndarray, names=None) -> "GroupData":
        """From one group's answers (n × p); ``names``, the p items, name the columns of a refusal."""
        n = x.shape[0]
        mean = x.mean(axis=0)
        xc = x - mean
        cov = xc.T @ xc / n
        sign, logdet = np.linalg.slogdet(cov)
        if sign <= 0:
            singular(cov, names)
        return cls(n, cov, mean, float(logdet))


def singular(cov: np.ndarray, names=None):
    """Refuse a singular covariance matrix of the items, naming the items behind it (all of them when
    the dependency is too faint to single out; file=None: the fit sees arrays, the caller names the file)."""
    behind = (dependent_columns(cov, names) or [str(n) for n in names]) if names is not None else None
    raise DataError("the items' covariance matrix is singular (an item is constant or a linear combination of "
                    "others)", file=None, column=behind, hint="drop one of these items, or check the data")


class _Layout:
    """Index arrays that put the free parameters into each group's matrices."""

    def __init__(self, spec: ModelSpec):
        self.p, self.m = len(spec.observed), len(spec.latent)
        self.groups, self.active, self.local = [], [], []
        for g in range(spec.n_groups):
            # the free parameters of this group (derivatives are computed for these only)
            active = np.array(sorted({q.free - 1 for q in spec.params if q.group == g and q.free}), dtype=int)
            pos = {k: i for i, k in enumerate(active)}
            parts, local = {}, {}
            for mat in ("lambda", "psi", "theta", "nu", "alpha"):
                ps = [q for q in spec.params if q.group == g and q.mat == mat]
                parts[mat] = (np.array([q.row for q in ps], dtype=int), np.array([q.col for q in ps], dtype=int),
                              np.array([q.free - 1 for q in ps], dtype=int), np.array([q.value for q in ps]))
                local[mat] = np.array([pos.get(q.free - 1, -1) for q in ps], dtype=int)
            self.groups.append(parts)
            self.active.append(active)
            self.local.append(local)

    def matrices(self, theta: np.ndarray, g: int):
        parts = self.groups[g]
        p, m = self.p, self.m

        def fill(mat, shape, sym):
            r, c, f, v = parts[mat]
            out = np.zeros(shape)
            val = np.where(f >= 0, theta[np.maximum(f, 0)], v) if len(f) else v
            out[r, c] = val
            if sym:
                out[c, r] = val
            return out

        lam = fill("lambda", (p, m), False)
        psi = fill("psi", (m, m), True)
        the = fill("theta", (p, p), True)
        nu = fill("nu", (p, 1), False)[:, 0]
        alp = fill("alpha", (m, 1), False)[:, 0]
        return lam, psi, the, nu, alp


class MLFit:
    """Fit a :class:`ModelSpec` to per-group data by ML. Use :meth:`fit`; results are attributes."""

    def __init__(self, spec: ModelSpec, data: list[GroupData]):
        if len(data) != spec.n_groups:
            raise DataError(f"is not one array per group of a {spec.n_groups}-group model", argument="data",
                            value=f"{len(data)} arrays", hint="give one array of answers per group")
        self.spec, self.data = spec, data
        self.layout = _Layout(spec)
        self.q = spec.n_free
        self.N = sum(d.n for d in data)
        self.w = np.array([d.n / self.N for d in data])

    # -----------------------------------------------------------------------------------------
    def start(self) -> np.ndarray:
        """Starting values: Spearman triads for the marker's factor variance, loadings from
        covariances with the marker, half the variance for residuals; sample means for intercepts."""
        spec, lay = self.spec, self.layout
        sums, counts = np.zeros(self.q), np.zeros(self.q)
        for g, d in enumerate(self.data):
            s = d.cov
            ind = {j: [q for q in spec.params if q.group == g and q.mat == "lambda" and q.col == j]
                   for j in range(lay.m)}
            psi0, lam0 = {}, {}
            for j, qs in ind.items():
                rows = [q.row for q in qs]
                marker = next((q.row for q in qs if q.free == 0 and q.value != 0), rows[0])
                others = [r for r in rows if r != marker]
                if len(others) >= 2 and abs(s[others[0], others[1]]) > 1e-8:
                    v = s[marker, others[0]] * s[marker, others[1]] / s[others[0], others[1]]
                else:
                    v = 0.5 * s[marker, marker]
                v = float(np.clip(v, 0.05 * s[marker, marker], 0.95 * s[marker, marker]))
                fixed_var = next((q.value for q in spec.params if q.group == g and q.mat == "psi"
                                  and q.row == j and q.col == j and q.free == 0), None)
                scale = np.sqrt(v / fixed_var) if fixed_var else 1.0
                psi0[j] = fixed_var if fixed_var else v
                for q in qs:
                    lam0[(q.row, j)] = s[q.row, marker] / v * scale if q.row != marker else scale
            for q in spec.params:
                if q.group != g or q.free == 0:
                    continue
                if q.mat == "lambda":
                    val = lam0[(q.row, q.col)]
                elif q.mat == "psi":
                    val = psi0[q.row] if q.row == q.col else 0.0
                elif q.mat == "theta":
                    if q.row == q.col:
                        expl = sum(lam0.get((q.row, j), 0.0) ** 2 * psi0[j] for j in range(lay.m))
                        val = max(s[q.row, q.row] - expl, 0.1 * s[q.row, q.row])
                    else:
                        val = 0.0
                elif q.mat == "nu":
                    val = d.mean[q.row]
                else:
                    val = 0.0
                sums[q.free - 1] += val
                counts[q.free - 1] += 1
        return sums / np.maximum(counts, 1)

    # -----------------------------------------------------------------------------------------
    def _group_terms(self, theta, g, need_info=True):
        d = self.data[g]
        lam, psi, the, nu, alp = self.layout.matrices(theta, g)
        sigma = lam @ psi @ lam.T + the
        try:
            chol = np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError:
            return None
        logdet = 2.0 * np.log(np.diag(chol)).sum()
        winv = np.linalg.inv(sigma)
        p = sigma.shape[0]
        if self.spec.meanstructure:
            mu = nu + lam @ alp
            dev = d.mean - mu
        else:
            mu, dev = d.mean, np.zeros(p)
        wd = winv @ dev
        f = logdet + np.sum(d.cov * winv) - d.logdet - p + dev @ wd
        if not need_info:
            return f, None, None, (lam, psi, the, nu, alp, sigma, mu)
        a_mat, m_vec = self._jacobian(theta, g, lam, psi, alp)
        gmat = winv - winv @ (d.cov + np.outer(dev, dev)) @ winv
        k = a_mat.shape[0]
        grad = a_mat.reshape(k, -1) @ gmat.ravel() - 2.0 * m_vec @ wd
        wa = winv @ a_mat                                     # k × p × p
        # 0.5 tr(W A_a W A_b) = 0.5 Σ_ij (WA_a)_ij (WA_b)_ji, as one matrix product
        info = 0.5 * wa.reshape(k, -1) @ wa.transpose(0, 2, 1).reshape(k, -1).T + m_vec @ winv @ m_vec.T
        return f, grad, info, (lam, psi, the, nu, alp, sigma, mu)

    def _jacobian(self, theta, g, lam, psi, alp):
        """dΣ/dθ (k × p × p) and dμ/dθ (k × p) for the k free parameters of one group."""
        p, q = self.layout.p, len(self.layout.active[g])
        parts = {mat: (r, c, self.layout.local[g][mat], v) for mat, (r, c, _f, v) in self.layout.groups[g].items()}
        a_mat = np.zeros((q, p, p))
        m_vec = np.zeros((q, p))
        r, c, f, _ = parts["lambda"]
        sel = f >= 0
        if sel.any():
            r, c, f = r[sel], c[sel], f[sel]
            v = (lam @ psi)[:, c].T                      # entries × p
            e = np.zeros((len(f), p, p))
            idx = np.arange(len(f))
            e[idx, r, :] += v
            e[idx, :, r] += v
            np.add.at(a_mat, f, e)
            if self.spec.meanstructure:
                np.add.at(m_vec, (f, r), alp[c])
        r, c, f, _ = parts["psi"]
        sel = f >= 0
        if sel.any():
            r, c, f = r[sel], c[sel], f[sel]
            lr, lc = lam[:, r].T, lam[:, c].T
            e = np.einsum("ei,ej->eij", lr, lc)
            off = r != c
            e[off] += np.einsum("ei,ej->eij", lc[off], lr[off])
            np.add.at(a_mat, f, e)
        r, c, f, _ = parts["theta"]
        sel = f >= 0
        if sel.any():
            r, c, f = r[sel], c[sel], f[sel]
            np.add.at(a_mat, (f, r, c), 1.0)
            off = r != c
            np.add.at(a_mat, (f[off], c[off], r[off]), 1.0)
        if self.spec.meanstructure:
            r, c, f, _ = parts["nu"]
            sel = f >= 0
            np.add.at(m_vec, (f[sel], r[sel]), 1.0)
            r, c, f, _ = parts["alpha"]
            sel = f >= 0
            if sel.any():
                np.add.at(m_vec, f[sel], lam[:, r[sel]].T)
        return a_mat, m_vec

    def objective(self, theta, need_info=True):
        f_tot, g_tot, i_tot = 0.0, np.zeros(self.q), np.zeros((self.q, self.q))
        groups = []
        for g in range(self.spec.n_groups):
            out = self._group_terms(theta, g, need_info)
            if out is None:
                return np.inf, None, None, None
            f, grad, info, mats = out
            f_tot += self.w[g] * f
            if need_info:
                act = self.layout.active[g]
                g_tot[act] += self.w[g] * grad
                i_tot[np.ix_(act, act)] += self.w[g] * info
            groups.append((f, mats))
        return f_tot, g_tot, i_tot, groups

    # -----------------------------------------------------------------------------------------
    def fit(self, start=None, max_iter: int = 500, tol: float = 1e-10) -> "MLFit":
        theta = self.start() if start is None else np.asarray(start, float).copy()
        f, grad, info, _ = self.objective(theta)
        if not np.isfinite(f):
            theta = self._safe_start(theta)
            f, grad, info, _ = self.objective(theta)
        converged = False
        it = 0
        for it in range(1, max_iter + 1):
            try:
                step = np.linalg.solve(2.0 * info, grad)
            except np.linalg.LinAlgError:
                step = np.linalg.lstsq(2.0 * info, grad, rcond=None)[0]
            t = 1.0
            while True:
                new = theta - t * step
                fn = self.objective(new, need_info=False)[0]
                if np.isfinite(fn) and fn <= f + 1e-14 * abs(f):
                    break
                t /= 2.0
                if t < 1e-10:
                    break
            theta = new
            f_old = f
            f, grad, info, _ = self.objective(theta)
            if np.max(np.abs(t * step)) < 1e-9 or (abs(f_old - f) < tol * max(1.0, abs(f)) and np.max(np.abs(grad)) < 1e-7):
                converged = True
                break
        self.theta, self.fmin, self.grad, self.info = theta, f, grad, info
        self.iterations, self.converged = it, converged
        _, _, _, groups = self.objective(theta, need_info=False)
        self.group_f = np.array([gf for gf, _ in groups])
        self.group_mats = [mats for _, mats in groups]
        try:
            self.vcov = np.linalg.inv(self.N * info)
        except np.linalg.LinAlgError:
            self.vcov = np.full((self.q, self.q), np.nan)
        return self

    def _safe_start(self, theta):
        for q in self.spec.params:
            if q.free and q.mat == "theta" and q.row == q.col:
                theta[q.free - 1] = max(theta[q.free - 1], self.data[q.group].cov[q.row, q.row])
        return theta

    # -----------------------------------------------------------------------------------------
    @property
    def chisq(self) -> float:
        return float(np.sum([d.n * f for d, f in zip(self.data, self.group_f)]))

    def loglik(self) -> float:
        """Full-information log-likelihood of the model (lavaan ``logl``)."""
        ll = 0.0
        for d, (lam, psi, the, nu, alp, sigma, mu) in zip(self.data, self.group_mats):
            p = sigma.shape[0]
            _, logdet = np.linalg.slogdet(sigma)
            winv = np.linalg.inv(sigma)
            dev = d.mean - mu
            ll += -0.5 * d.n * (p * LOG2PI + logdet + np.sum(d.cov * winv) + dev @ winv @ dev)
        return float(ll)

    def loglik_saturated(self) -> float:
        """Log-likelihood of the unrestricted model (lavaan ``unrestricted.logl``)."""
        return float(sum(-0.5 * d.n * (len(d.mean) * LOG2PI + d.logdet + len(d.mean)) for d in self.data))

    def baseline(self) -> tuple[float, int]:
        """χ² and df of the independence model (see :func:`.fit_indices.baseline_chisq`)."""
        from .fit_indices import baseline_chisq

        return baseline_chisq(self.data)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.vcov), 0, None))
