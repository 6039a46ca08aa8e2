"""Full-information ML for CFA with missing answers (lavaan ``missing = "ml"``).

The same model, layout and Fisher-scoring loop as :mod:`.ml`; only the likelihood changes: each
respondent contributes the normal log-likelihood of the items they answered. Respondents are
grouped by missingness pattern, so the cost grows with the number of patterns, not with N.

As lavaan: the saturated (h1) model is fitted by EM, χ² = 2(ℓ_h1 − ℓ_h0); the baseline model has
independent items with their available-case means and variances; SRMR compares the model with the
EM estimates; standard errors come from the observed information (lavaan's default for
``missing = "ml"``), here the central-difference derivative of our analytic gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DataError
from .ml import LOG2PI, MLFit, singular


@dataclass
class Pattern:
    obs: np.ndarray     # indices of the observed items
    n: int
    mean: np.ndarray    # of the observed items over these rows
    cov: np.ndarray     # biased (÷n) covariance of the observed items

    @property
    def grid(self):
        return np.ix_(self.obs, self.obs)


class FIMLData:
    """Missingness patterns of one group plus the EM (saturated) mean and covariance."""

    def __init__(self, x: np.ndarray, tol: float = 1e-12, max_iter: int = 5000, names=None):
        """``x`` one group's answers (n × p, NaN where not answered); ``names``, the p items, name the
        columns of a refusal."""
        keep = ~np.isnan(x).all(axis=1)
        x = x[keep]
        self.n, p = x.shape
        miss = np.isnan(x)
        keys, inverse = np.unique(miss, axis=0, return_inverse=True)
        self.patterns = []
        for k, key in enumerate(keys):
            rows = x[inverse.ravel() == k][:, ~key]
            m = rows.mean(axis=0)
            c = (rows - m).T @ (rows - m) / rows.shape[0]
            self.patterns.append(Pattern(np.flatnonzero(~key), rows.shape[0], m, c))
        # available-case moments (the independence model's estimates and the EM start)
        self.avail_mean = np.nanmean(x, axis=0)
        self.avail_var = np.nanvar(x, axis=0)
        self.avail_n = (~miss).sum(axis=0)
        if np.any(self.avail_var <= 0):
            flat = [str(n) for n, v in zip(names, self.avail_var) if v <= 0] if names is not None else None
            raise DataError("no variance among the answers", file=None, column=flat,
                            hint="drop it, or check the data")
        self.grids = [pt.grid for pt in self.patterns]
        self.mean, self.cov = self._em(tol, max_iter)
        sign, logdet = np.linalg.slogdet(self.cov)
        if sign <= 0:
            singular(self.cov, names)
        self.logdet = float(logdet)

    def _em(self, tol, max_iter):
        p = len(self.avail_mean)
        mu, sigma = self.avail_mean.copy(), np.diag(self.avail_var)
        for _ in range(max_iter):
            t1, t2 = np.zeros(p), np.zeros((p, p))
            for pt in self.patterns:
                o = pt.obs
                m = np.setdiff1d(np.arange(p), o)
                s1 = pt.n * pt.mean
                s2 = pt.n * (pt.cov + np.outer(pt.mean, pt.mean))
                t1[o] += s1
                t2[np.ix_(o, o)] += s2
                if m.size:
                    b = np.linalg.solve(sigma[np.ix_(o, o)], sigma[np.ix_(o, m)]).T      # m × o
                    a = mu[m] - b @ mu[o]
                    cmm = sigma[np.ix_(m, m)] - b @ sigma[np.ix_(o, m)]
                    em = pt.n * a + b @ s1
                    t1[m] += em
                    xmo = np.outer(a, s1) + b @ s2
                    t2[np.ix_(m, o)] += xmo
                    t2[np.ix_(o, m)] += xmo.T
                    t2[np.ix_(m, m)] += (pt.n * (cmm + np.outer(a, a)) + np.outer(a, s1 @ b.T)
                                         + np.outer(b @ s1, a) + b @ s2 @ b.T)
            new_mu = t1 / self.n
            new_sigma = t2 / self.n - np.outer(new_mu, new_mu)
            done = max(np.abs(new_mu - mu).max(), np.abs(new_sigma - sigma).max()) < tol
            mu, sigma = new_mu, new_sigma
            if done:
                break
        return mu, sigma

    def loglik(self, mu, sigma) -> float:
        ll = 0.0
        for pt in self.patterns:
            o = pt.obs
            so = sigma[np.ix_(o, o)]
            _, logdet = np.linalg.slogdet(so)
            d = pt.mean - mu[o]
            w = np.linalg.inv(so)
            ll += -0.5 * pt.n * (o.size * LOG2PI + logdet + np.sum(w * pt.cov) + d @ w @ d)
        return float(ll)

    def loglik_independence(self) -> float:
        return float(np.sum(-0.5 * self.avail_n * (LOG2PI + np.log(self.avail_var) + 1.0)))


class FIMLFit(MLFit):
    """:class:`MLFit` with the casewise (pattern-wise) likelihood; needs a mean structure."""

    def __init__(self, spec, data):
        if not spec.meanstructure:
            raise DataError("leaves out the mean structure (intercepts) that full-information ML needs",
                            argument="meanstructure", value=False, hint="fit with meanstructure=True")
        super().__init__(spec, data)
        self._grad_only = False
        self.ll_sat = [d.loglik(d.mean, d.cov) for d in data]

    def _group_terms(self, theta, g, need_info=True):
        d = self.data[g]
        lam, psi, the, nu, alp = self.layout.matrices(theta, g)
        sigma = lam @ psi @ lam.T + the
        try:
            np.linalg.cholesky(sigma)
        except np.linalg.LinAlgError:
            return None
        mu = nu + lam @ alp
        p = sigma.shape[0]
        m2ll = 0.0
        gsig, gmu = np.zeros((p, p)), np.zeros(p)
        if need_info:
            a_mat, m_vec = self._jacobian(theta, g, lam, psi, alp)
            k = a_mat.shape[0]
            info = np.zeros((k, k)) if not self._grad_only else None
        for pt, grid in zip(d.patterns, d.grids):
            o = pt.obs
            so = sigma[grid]
            w = np.linalg.inv(so)
            _, logdet = np.linalg.slogdet(so)
            dev = pt.mean - mu[o]
            wd = w @ dev
            m2ll += pt.n * (o.size * LOG2PI + logdet + np.sum(w * pt.cov) + dev @ wd)
            if need_info:
                wt = pt.n / d.n
                gsig[grid] += wt * (w - w @ (pt.cov + np.outer(dev, dev)) @ w)
                gmu[o] += wt * (-2.0 * wd)
                if info is not None:
                    ao = a_mat[:, o][:, :, o]
                    wa = w @ ao
                    mo = m_vec[:, o]
                    info += wt * (0.5 * wa.reshape(k, -1) @ wa.transpose(0, 2, 1).reshape(k, -1).T + mo @ w @ mo.T)
        f = (m2ll + 2.0 * self.ll_sat[g]) / d.n
        if not need_info:
            return f, None, None, (lam, psi, the, nu, alp, sigma, mu)
        grad = a_mat.reshape(k, -1) @ gsig.ravel() + m_vec @ gmu
        if info is None:
            info = np.zeros((k, k))
        return f, grad, info, (lam, psi, the, nu, alp, sigma, mu)

    def fit(self, start=None, max_iter: int = 500, tol: float = 1e-10) -> "FIMLFit":
        super().fit(start, max_iter, tol)
        # observed information: central differences of the analytic gradient of F (= −2ℓ/N)
        q = self.q
        hess = np.empty((q, q))
        self._grad_only = True
        for j in range(q):
            h = 1e-5 * max(1.0, abs(self.theta[j]))
            e = np.zeros(q)
            e[j] = h
            gp = self.objective(self.theta + e)[1]
            gm = self.objective(self.theta - e)[1]
            hess[:, j] = (gp - gm) / (2 * h)
        self._grad_only = False
        hess = 0.5 * (hess + hess.T)
        try:
            self.vcov = np.linalg.inv(0.5 * self.N * hess)
        except np.linalg.LinAlgError:
            self.vcov = np.full((q, q), np.nan)
        return self

    def loglik(self) -> float:
        return float(sum(d.loglik(m[6], m[5]) for d, m in zip(self.data, self.group_mats)))

    def loglik_saturated(self) -> float:
        return float(sum(self.ll_sat))

    def baseline(self) -> tuple[float, int]:
        chisq = sum(2.0 * (ls - d.loglik_independence()) for d, ls in zip(self.data, self.ll_sat))
        df = sum(len(d.mean) * (len(d.mean) - 1) // 2 for d in self.data)
        return float(chisq), int(df)
