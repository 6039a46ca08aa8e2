"""Polychoric correlations of ordinal items, as ``psych::polychoric`` (global thresholds from each
item's marginals, pairwise tables, ML for ρ) with an exact bivariate-normal CDF (Owen's T) instead of
Genz's approximation in ``mnormt``. The result keeps the protocol (:mod:`analysis.results`): a tidy
table with one row per item pair, ``.rho`` (the matrix) and ``.tau`` (the thresholds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..deprecation import retired_attribute
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..results import Result
from .item_matrix import item_params, item_matrix, r_columns


class PolychoricResult(Result):
    """Polychoric correlations (:func:`polychoric`).

    ``.rho`` (items × items), ``.tau`` (items × cut points), ``.table()`` (one row per item pair:
    ``item_1, item_2, estimate, n``), ``.summary()`` (one row: ``n, n_items, n_categories,
    smoothed``). ``rho, tau = polychoric(...)`` (the tuple of earlier releases) still works for one
    release, with a FutureWarning naming ``.rho`` and ``.tau``.
    """

    def __init__(self, rho: pd.DataFrame, tau: pd.DataFrame, pairs: pd.DataFrame, n: int, n_excluded: int,
                 smoothed: bool, options: dict, r_call: str):
        self.rho, self.tau, self.pairs = rho, tau, pairs
        self.n, self.n_excluded, self.smoothed = int(n), int(n_excluded), bool(smoothed)
        self.options, self.r_call = dict(options), r_call

    def table(self) -> pd.DataFrame:
        """One row per item pair: ``item_1, item_2, estimate`` (ρ) and ``n`` (respondents answering both)."""
        return self.pairs.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"n": [self.n], "n_items": [len(self.rho)], "n_categories": [self.tau.shape[1] + 1],
                             "smoothed": [self.smoothed]})

    # --- the (rho, tau) tuple of earlier releases, for one release ----------------------------------
    def __iter__(self):
        retired_attribute(self, "(rho, tau) unpacking", "rho and .tau")
        return iter((self.rho, self.tau))

    def __getitem__(self, k):
        if k in (0, 1):
            retired_attribute(self, f"[{k}]", "rho" if k == 0 else "tau")
            return (self.rho, self.tau)[k]
        raise TypeError(f"a PolychoricResult is not a tuple: use .rho, .tau or .table() (not [{k!r}])")

    def __repr__(self) -> str:
        return f"PolychoricResult(n={self.n}, {len(self.rho)} items)\n{self.rho.round(3)!r}"


@apa.register
def _apa_polychoric(res: PolychoricResult) -> Apa:
    est = res.pairs["estimate"]
    text = (f"polychoric correlations of {len(res.rho)} items (N = {res.n}): median ρ = "
            f"{apa_num(est.median(), gt1=False)}, range [{apa_num(est.min(), gt1=False)}, "
            f"{apa_num(est.max(), gt1=False)}]")
    names = list(res.rho.index)
    cells = [[apa_num(res.rho.iloc[i, j], gt1=False) if j < i else ("—" if i == j else "") for j in range(len(names))]
             for i in range(len(names))]
    table = pd.DataFrame(cells, columns=names).assign(Item=names)[["Item"] + names]
    return Apa(estimate=text, full_result=text, table=table)


def _bvn_cdf(h, k, rho):
    """Φ₂(h, k; ρ) for finite h, k (arrays) via Owen's T (exact to machine precision).

    A zero argument is moved to 1e-300: Φ₂ is continuous there and Owen's formula is not defined.
    """
    h, k = np.broadcast_arrays(np.asarray(h, float), np.asarray(k, float))
    h = np.where(h == 0, 1e-300, h)
    k = np.where(k == 0, 1e-300, k)
    s = np.sqrt(1 - rho * rho)
    with np.errstate(over="ignore", divide="ignore"):
        ah = (k - rho * h) / (h * s)
        ak = (h - rho * k) / (k * s)
    corr = np.where(h * k < 0, 0.5, 0.0)
    return 0.5 * special.ndtr(h) + 0.5 * special.ndtr(k) - special.owens_t(h, ah) - special.owens_t(k, ak) - corr


def _cell_probs(rho, tr, tc):
    """Cell probabilities of a bivariate normal cut at thresholds ``tr`` (rows) and ``tc`` (cols)."""
    hr = np.concatenate([[-np.inf], tr, [np.inf]])
    hc = np.concatenate([[-np.inf], tc, [np.inf]])
    f = np.zeros((len(hr), len(hc)))
    f[-1, 1:] = special.ndtr(hc[1:])
    f[1:, -1] = special.ndtr(hr[1:])
    f[-1, -1] = 1.0
    if len(tr) and len(tc):
        hh, kk = np.meshgrid(tr, tc, indexing="ij")
        f[1:-1, 1:-1] = _bvn_cdf(hh, kk, rho)
    return f[1:, 1:] - f[:-1, 1:] - f[1:, :-1] + f[:-1, :-1]


@item_params
def polychoric(data: pd.DataFrame, columns=None, *, instrument=None, **options) -> PolychoricResult:
    """Polychoric correlations of ordinal items (``psych::polychoric`` with its defaults).

    Thresholds are global (each item's marginal proportions over its answers); each pair's ρ
    maximises the likelihood of the pairwise table. psych's ``optimize`` stops at a tolerance of
    about 1e-4 in ρ; we solve to 1e-10, so the two agree to that tolerance.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; integer answer codes (≤ 8 categories).
    columns : list of str, optional
        The item columns (default all columns).
    {item_params}

    Returns
    -------
    PolychoricResult
        ``.rho`` (items × items), ``.tau`` (items × cut points), ``.table()`` one row per pair
        (``item_1, item_2, estimate, n``).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.psychometrics import polychoric
    >>> res = polychoric(read_dataset("demo"), instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99])
    >>> res.rho.shape, res.table().columns.tolist(), len(res.table())
    ((12, 12), ['item_1', 'item_2', 'estimate', 'n'], 66)

    ::

        # R: psych::polychoric(x)
    """
    x, names, _ = item_matrix(data, columns, instrument, what="polychoric", **options)
    lo = np.nanmin(x)
    source = data.attrs.get("source") if isinstance(data, pd.DataFrame) else None
    fractional = [n for n, col in zip(names, x.T) if np.any(np.nan_to_num(col) % 1 != 0)]
    if fractional:
        raise DataError("polychoric correlations need integer response codes, and these hold other numbers",
                        file=source, column=fractional,
                        hint="Recode the answers to whole response codes, or use Pearson correlations")
    codes = (x - lo).astype(float)
    ncat = int(np.nanmax(codes)) + 1
    if ncat > 8:
        wide = [n for n, col in zip(names, codes.T) if np.nanmax(col, initial=0) + 1 > 8]
        raise DataError(f"{ncat} response categories: polychoric correlations are meant for ≤ 8", file=source,
                        column=wide, hint="use Pearson correlations for these items")
    p = x.shape[1]
    tau = np.empty((p, ncat - 1))
    for j in range(p):
        c = codes[~np.isnan(codes[:, j]), j].astype(int)
        freq = np.bincount(c, minlength=ncat) / c.size
        with np.errstate(divide="ignore"):
            tau[j] = stats.norm.ppf(np.cumsum(freq)[:-1])
    rho = np.eye(p)
    pairs = []
    for i in range(1, p):
        for j in range(i):
            ok = ~np.isnan(codes[:, i]) & ~np.isnan(codes[:, j])
            tab = np.zeros((ncat, ncat))
            np.add.at(tab, (codes[ok, i].astype(int), codes[ok, j].astype(int)), 1.0)
            tab /= tab.sum()
            ti, tj = tau[i], tau[j]

            def nll(r, tab=tab, ti=ti, tj=tj):
                pr = _cell_probs(r, ti, tj)
                good = (pr > 0) & (tab > 0)
                return -np.sum(tab[good] * np.log(pr[good]))

            res = optimize.minimize_scalar(nll, bounds=(-0.9999, 0.9999), method="bounded",
                                           options={"xatol": 1e-10})
            rho[i, j] = rho[j, i] = res.x
            pairs.append((j, i, int(ok.sum())))
    smooth = _smooth(rho)
    smoothed = smooth is not rho
    rho = smooth
    cuts = [str(k) for k in range(1, ncat)]
    table = pd.DataFrame({"item_1": [names[a] for a, b, _ in pairs], "item_2": [names[b] for a, b, _ in pairs],
                          "estimate": [rho[a, b] for a, b, _ in pairs], "n": [m for _, _, m in pairs]})
    table = table.sort_values(["item_1", "item_2"], key=lambda s: s.map(names.index), kind="stable")
    answered = ~np.isnan(x).all(axis=1)
    return PolychoricResult(pd.DataFrame(rho, index=names, columns=names), pd.DataFrame(tau, index=names, columns=cuts),
                            table.reset_index(drop=True), n=int(answered.sum()), n_excluded=int((~answered).sum()),
                            smoothed=smoothed, options={"columns": columns, "instrument": getattr(instrument, "id", instrument),
                                                "nan_policy": "pairwise", **options},
                            r_call=f"psych::polychoric({r_columns(names)})")


def _smooth(r: np.ndarray) -> np.ndarray:
    """psych ``cor.smooth``: make a non-positive-definite correlation matrix positive definite."""
    w, v = np.linalg.eigh(r)
    if w.min() > np.finfo(float).eps:
        return r
    w = np.where(w < np.finfo(float).eps, 100 * np.finfo(float).eps, w)
    w = w * len(w) / w.sum()
    s = (v * w) @ v.T
    d = 1 / np.sqrt(np.diag(s))
    return s * d[:, None] * d[None, :]
