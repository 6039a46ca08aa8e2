"""Path models of OLS equations and their vectorised bootstrap, with percentile and BCa intervals (used by
:func:`~analysis.models.mediation` and :func:`~analysis.models.moderated_mediation`).

How the bootstrap is vectorised
-------------------------------
Every equation of a path model is an OLS fit on a subset of the same columns V = [1, x, m…, w…, y].
A bootstrap resample is a vector of counts c (how often each row was drawn); the OLS fit on the
resample equals the weighted fit with weights c, whose normal equations only need the weighted
moment matrix S = V'diag(c)V. With O the n × q² matrix of row-wise outer products vᵢvᵢ', the
moment matrices of a whole chunk of resamples are one matrix product C @ O (C: chunk × n counts
drawn as an index matrix), and each equation is then a batched ``np.linalg.solve`` on sub-blocks of
S. The jackknife for the BCa acceleration uses the same trick (S − vᵢvᵢ'). No Python loop runs
over resamples; chunks bound the memory and drive the progress bar.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


CI_TYPES = ("percentile", "bca")


class PathModel:
    """A recursive path model of OLS equations on the columns of one matrix.

    Parameters
    ----------
    data : DataFrame
        Complete numeric columns (a constant column ``"1"`` is added).
    equations : dict
        ``{outcome: [predictors]}`` (the intercept is added to every equation).

    Its methods return coefficient arrays (batch × p) per equation for full-sample, bootstrap and
    jackknife weights; :func:`mediation` and the moderation station build on it.
    """

    def __init__(self, data: pd.DataFrame, equations: dict):
        self.names = ["1"] + list(data.columns)
        pos = {n: i for i, n in enumerate(self.names)}
        V = np.column_stack([np.ones(len(data)), data.to_numpy(float)])
        self.n, self.q = V.shape
        self.V = V
        # row-wise outer products, upper triangle only (S is symmetric): n × q(q+1)/2
        self._iu = np.triu_indices(self.q)
        self.O = V[:, self._iu[0]] * V[:, self._iu[1]]
        self.equations = {out: ["1"] + list(preds) for out, preds in equations.items()}
        self._idx = {out: ([pos[p] for p in preds], pos[out]) for out, preds in self.equations.items()}

    def _moments(self, M: np.ndarray) -> np.ndarray:
        """batch × q(q+1)/2 upper triangles → batch × q × q symmetric moment matrices."""
        S = np.empty((M.shape[0], self.q, self.q))
        S[:, self._iu[0], self._iu[1]] = M
        S[:, self._iu[1], self._iu[0]] = M
        return S

    def _solve(self, S: np.ndarray) -> dict:
        out = {}
        for name, (pi, ri) in self._idx.items():
            A = S[:, pi][:, :, pi]
            rhs = S[:, pi, ri]
            out[name] = np.linalg.solve(A, rhs[..., None])[..., 0]
        return out

    def coefs_from_counts(self, C: np.ndarray) -> dict:
        """Coefficients for each row of the weight matrix ``C`` (batch × n)."""
        return self._solve(self._moments(C @ self.O))

    def full(self) -> dict:
        return {k: v[0] for k, v in self.coefs_from_counts(np.ones((1, self.n))).items()}

    def jackknife(self) -> dict:
        """Leave-one-out coefficients (n × p per equation)."""
        return self._solve(self._moments(self.O.sum(axis=0)[None, :] - self.O))

    def ols_tables(self, level: float = 0.95) -> dict:
        """Per equation: estimates, OLS covariance (σ̂² = RSS / (n − p)), ML covariance
        (RSS / n, as lavaan with fixed.x), residual df."""
        out = {}
        coefs = self.full()
        for name, (pi, ri) in self._idx.items():
            X = self.V[:, pi]
            b = coefs[name]
            rss = float(np.sum((self.V[:, ri] - X @ b) ** 2))
            xtx_inv = np.linalg.inv(X.T @ X)
            df = self.n - len(pi)
            out[name] = {"b": b, "cov": xtx_inv * rss / df, "cov_ml": xtx_inv * rss / self.n, "df": df,
                         "preds": self.equations[name], "X": X, "xtx_inv": xtx_inv,
                         "resid": self.V[:, ri] - X @ b}
        return out

    def bootstrap(self, n_boot: int, rng: np.random.Generator, fn, progress=None) -> np.ndarray:
        """Apply ``fn(coefs) -> (batch × k)`` to ``n_boot`` resamples, chunk by chunk.

        Each chunk draws a (chunk × n) index matrix, turns it into resample counts with one
        ``bincount`` and solves every equation of every resample with one matrix product and
        batched solves. Chunks of ~256k cells keep the buffers in cache; BLAS runs on one thread
        (small products are slower when threads contend).
        """
        from threadpoolctl import threadpool_limits

        n = self.n
        chunk = int(max(1, min(n_boot, 262_144 // max(n, 1))))
        small = np.int16 if n < 2**15 else np.int32 if n < 2**31 else np.int64   # fewer random bits
        flat = np.empty((chunk, n), dtype=np.intp)
        counts = np.empty((chunk, n))
        offsets = (np.arange(chunk, dtype=np.intp) * n)[:, None]
        bar = None
        if _show_progress(progress, n_boot, n, self.q):
            from tqdm.auto import tqdm
            bar = tqdm(total=n_boot, desc="bootstrap", unit="resample", leave=False)
        parts, done = [], 0
        try:
            with threadpool_limits(limits=1):
                while done < n_boot:
                    b = min(chunk, n_boot - done)
                    idx = rng.integers(0, n, size=(b, n), dtype=small)     # the resample index matrix
                    np.add(idx, offsets[:b], out=flat[:b])
                    counts[:b] = np.bincount(flat[:b].ravel(), minlength=b * n).reshape(b, n)
                    parts.append(fn(self.coefs_from_counts(counts[:b])))
                    done += b
                    if bar is not None:
                        bar.update(b)
        finally:
            if bar is not None:
                bar.close()
        return np.concatenate(parts, axis=0)


def ols_path_row(t: dict, var: str, path: str, kind: str, level: float) -> dict:
    """One OLS coefficient of a :meth:`PathModel.ols_tables` equation as a tidy path row
    (t test and t CI on the residual df, as ``lm``)."""
    i = t["preds"].index(var)
    b, se = t["b"][i], math.sqrt(t["cov"][i, i])
    q = stats.t.ppf(0.5 + level / 2, t["df"])
    return {"path": path, "estimate": b, "se": se, "ci_low": b - q * se, "ci_high": b + q * se,
            "p_val": 2 * stats.t.sf(abs(b / se), t["df"]), "kind": kind}


def _show_progress(progress, n_boot, n, q) -> bool:
    if progress is not None:
        return bool(progress)
    return n_boot * n * q * (q + 1) / 2 > 5e9          # roughly > 2 s on one core


def boot_ci(boot: np.ndarray, est: np.ndarray, jack: np.ndarray | None, ci_method: str, level: float):
    """Percentile / BCa CIs and matching two-sided bootstrap p values, column-wise.

    ``boot``: B × k draws; ``est``: k full-sample estimates; ``jack``: n × k leave-one-out
    estimates (BCa only). BCa as Efron (1987): z0 = Φ⁻¹(#{θ* < θ̂}/B), acceleration from the
    jackknife, a = Σ(θ̄ − θᵢ)³ / (6 [Σ(θ̄ − θᵢ)²]^{3/2}).
    """
    B, k = boot.shape
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    lows, highs, ps, z0s, accs = [], [], [], [], []
    for j in range(k):
        t = boot[:, j]
        prop0 = np.mean(t < 0) + 0.5 * np.mean(t == 0)
        if ci_method == "bca":
            z0 = stats.norm.ppf(np.mean(t < est[j]))
            d = jack[:, j].mean() - jack[:, j]
            den = np.sum(d ** 2)
            a = float(np.sum(d ** 3) / (6 * den ** 1.5)) if den > 0 else 0.0
            qs = []
            for alpha in (lo_q, hi_q):
                z = stats.norm.ppf(alpha)
                qs.append(stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z))))
            if not np.isfinite(z0):
                qs = [np.nan, np.nan]
            low, high = (np.quantile(t, qs) if np.all(np.isfinite(qs)) else (np.nan, np.nan))
            # p: the α at which the BCa interval has 0 as an end point
            w = stats.norm.ppf(np.clip(prop0, 1 / B, 1 - 1 / B)) - z0
            u = w / (1 + a * w)
            za = u - z0
            p = float(min(1.0, 2 * min(stats.norm.cdf(za), stats.norm.sf(za))))
            z0s.append(z0)
            accs.append(a)
        else:
            low, high = np.quantile(t, [lo_q, hi_q])
            p = float(min(1.0, 2 * min(max(prop0, 1 / B), max(1 - prop0, 1 / B))))
        lows.append(float(low))
        highs.append(float(high))
        ps.append(p)
    return np.array(lows), np.array(highs), np.array(ps), (np.array(z0s), np.array(accs))
