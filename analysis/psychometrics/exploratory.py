"""Exploratory factor analysis as ``psych::fa`` (minres), with parallel analysis, KMO, Bartlett's
test and polychoric correlations.

Why not factor_analyzer throughout: its minres stops differently, its oblique rotations are not
GPArotation's (so loadings differ from psych beyond rounding), and its Bartlett p-value was once
taken from the density (PR #66). Extraction and rotations come from :mod:`.factoring` (psych's
algorithms, psych's starts and stopping rules); Bartlett's p is ``chi2.sf``; polychoric
correlations follow psych's ``polychoric`` (global thresholds from each item's marginals, pairwise
tables, ML for ρ) with an exact bivariate-normal CDF (Owen's T) instead of Genz's Monte-Carlo-free
approximation in ``mnormt``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ..checks import check_choice, check_columns, check_data, check_numeric, check_seed, draw_seed
from ..deprecation import renamed
from ..errors import DataError
from ..report.apa import Apa, apa, apa_num, apa_p
from .factoring import correlation, gpf_oblique, minres, varimax

ROTATIONS = ("oblimin", "quartimin", "geomin", "promax", "varimax", "none")


# ---------------------------------------------------------------------------------------------
def _matrix(data, columns=None, instrument=None, what="efa", **options):
    """(n × p float array, column names, audit) from a DataFrame, optionally an instrument's keyed items.

    ``columns`` means what it means everywhere: with an instrument, how its items map to the
    export's columns (pattern, map or list, as :func:`analysis.prepare_items`); without one, the
    item columns themselves (default all).
    The audit lists the values set to missing while preparing an instrument's items (None for plain columns).
    """
    data = check_data(data, what)
    if instrument is not None:
        from ..scoring.mapping import prepare_items

        items = prepare_items(data, instrument, columns, **options)
        blocks, names = [], []
        for scale in items.instrument.scales:
            for col, x in zip(items.scale_columns(scale), items.keyed_array(scale).T):
                if col not in names:
                    names.append(col)
                    blocks.append(x)
        return np.column_stack(blocks), names, items.audit.reset_index(drop=True)
    cols = check_columns(data, list(data.columns) if columns is None else columns, what)
    x = check_numeric(data, cols, what)
    return x.to_numpy(float), [str(c) for c in cols], None


def kmo(data: pd.DataFrame, columns=None) -> pd.Series:
    """Kaiser–Meyer–Olkin measure of sampling adequacy, overall and per item (``psych::KMO``).

    Correlations are pairwise (psych's default). Returns a Series: one MSA per item and ``overall``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.psychometrics import kmo
    >>> rng = np.random.default_rng(0); f = rng.normal(size=(200, 1))
    >>> df = pd.DataFrame(f + rng.normal(size=(200, 4)), columns=list("abcd"))
    >>> float(kmo(df)["overall"]) > 0.5
    True

    ::

        # R: psych::KMO(x)
    """
    x, names, _ = _matrix(data, columns, what="kmo")
    r = correlation(x)
    q = np.linalg.inv(r)
    d = 1 / np.sqrt(np.diag(q))
    q = q * d[:, None] * d[None, :]
    np.fill_diagonal(q, 0.0)
    r0 = r.copy()
    np.fill_diagonal(r0, 0.0)
    r2, q2 = (r0 ** 2), (q ** 2)
    msai = r2.sum(axis=0) / (r2.sum(axis=0) + q2.sum(axis=0))
    overall = r2.sum() / (r2.sum() + q2.sum())
    return pd.Series(list(msai) + [overall], index=names + ["overall"], name="msa")


def bartlett(data: pd.DataFrame, columns=None, n: int | None = None) -> pd.DataFrame:
    """Bartlett's test of sphericity (``psych::cortest.bartlett``); p from the χ² survival function.

    ``n`` defaults to the number of rows (psych's choice with raw data, missing answers included).

    ::

        # R: psych::cortest.bartlett(x)
    """
    x, _, _ = _matrix(data, columns, what="bartlett")
    r = correlation(x)
    p = r.shape[0]
    n = x.shape[0] if n is None else int(n)
    sign, logdet = np.linalg.slogdet(r)
    chisq = -logdet * (n - 1 - (2 * p + 5) / 6)
    df = p * (p - 1) // 2
    return pd.DataFrame({"chisq": [chisq], "df": [df], "p_val": [float(stats.chi2.sf(chisq, df))], "n": [n]})


# ---------------------------------------------------------------------------------------------
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


def polychoric(data: pd.DataFrame, columns=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Polychoric correlations of ordinal items (``psych::polychoric`` with its defaults).

    Thresholds are global (each item's marginal proportions over its answers); each pair's ρ
    maximises the likelihood of the pairwise table. psych's ``optimize`` stops at a tolerance of
    about 1e-4 in ρ; we solve to 1e-10, so the two agree to that tolerance.

    Returns
    -------
    (rho, tau) : DataFrames — correlations (items × items) and thresholds (items × cut points).

    ::

        # R: psych::polychoric(x)
    """
    x, names, _ = _matrix(data, columns, what="polychoric")
    lo = np.nanmin(x)
    if np.any((x[~np.isnan(x)] % 1) != 0):
        raise DataError("polychoric correlations need integer response codes")
    codes = (x - lo).astype(float)
    ncat = int(np.nanmax(codes)) + 1
    if ncat > 8:
        raise DataError(f"{ncat} response categories: polychoric correlations are meant for ≤ 8; use Pearson")
    p = x.shape[1]
    tau = np.empty((p, ncat - 1))
    for j in range(p):
        c = codes[~np.isnan(codes[:, j]), j].astype(int)
        freq = np.bincount(c, minlength=ncat) / c.size
        with np.errstate(divide="ignore"):
            tau[j] = stats.norm.ppf(np.cumsum(freq)[:-1])
    rho = np.eye(p)
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
    rho = _smooth(rho)
    cuts = [str(k) for k in range(1, ncat)]
    return pd.DataFrame(rho, index=names, columns=names), pd.DataFrame(tau, index=names, columns=cuts)


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


# ---------------------------------------------------------------------------------------------
def rotate(loadings: np.ndarray, rotation: str = "oblimin") -> tuple[np.ndarray, np.ndarray | None]:
    """Rotate unrotated loadings as psych ``fa`` does; returns (pattern, Φ or None)."""
    if rotation not in ROTATIONS:
        raise DataError(f"rotation must be one of {', '.join(ROTATIONS)}, not {rotation!r}")
    if loadings.shape[1] < 2 or rotation == "none":
        return loadings, None
    if rotation == "varimax":
        return varimax(loadings)[0], None
    if rotation in ("oblimin", "quartimin"):
        return gpf_oblique(loadings, "oblimin")
    if rotation == "geomin":
        return gpf_oblique(loadings, "geomin", delta=0.01)
    # promax: psych's kaiser() normalisation around its Promax (varimax, then power 4 target)
    h = np.sqrt((loadings ** 2).sum(axis=1))
    lw = loadings / h[:, None]
    x, tt = varimax(lw)
    target = x * np.abs(x) ** 3
    u = np.linalg.lstsq(x, target, rcond=None)[0]
    d = np.diag(np.linalg.inv(u.T @ u))
    u = u * np.sqrt(d)[None, :]
    z = x @ u
    u = tt @ u
    ui = np.linalg.inv(u)
    return z * h[:, None], ui @ ui.T


@dataclass
class EFAResult:
    """An exploratory factor analysis: pattern ``loadings``, factor correlations ``phi`` (oblique
    rotations), ``communality``, ``variance`` explained, and the KMO / Bartlett checks."""

    loadings: pd.DataFrame
    phi: pd.DataFrame | None
    communality: pd.Series
    variance: pd.DataFrame
    kmo: pd.Series
    bartlett: pd.DataFrame
    rotation: str
    method: str = "minres"
    correlation: str = "pearson"
    nan_policy: str = "pairwise"
    n: int = 0
    eigenvalues: np.ndarray = field(default_factory=lambda: np.empty(0))
    #: values set to missing while preparing an instrument's items; None for plain columns
    audit: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def apa_text(self) -> str:
        b = self.bartlett.iloc[0]
        k = self.loadings.shape[1]
        return (f"KMO = {apa_num(self.kmo['overall'], gt1=False)}, Bartlett's χ²({int(b.df)}) = "
                f"{apa_num(b.chisq)}, {apa_p(b.p_val)}; {k} factor(s) ({self.method}, {self.rotation}) "
                f"explain {apa_num(100 * self.variance['proportion'].sum(), 1)}% of the variance")

    def table(self) -> pd.DataFrame:
        """Loadings with communalities (h2) and uniquenesses (u2), one row per item."""
        return self.loadings.assign(h2=self.communality, u2=1 - self.communality)


@apa.register
def _(res: EFAResult) -> Apa:
    return Apa(statistic=res.apa_text, full_result=res.apa_text, table=res.table())


@renamed(item_columns="columns")
def efa(data: pd.DataFrame, n_factors: int, *, columns=None, instrument=None,
        rotation: str = "oblimin", cor: str = "pearson", nan_policy: str = "pairwise", **options) -> EFAResult:
    """Exploratory factor analysis by minimum residual (psych ``fa`` defaults: minres, oblimin).

    Parameters
    ----------
    data : DataFrame
    n_factors : int
    columns : str, dict or list, optional
        The item columns (default all columns). With ``instrument`` (and dataset quirks in
        ``**options``), how the instrument's items map to the columns, as in
        :func:`analysis.prepare_items`, to analyse its reverse-keyed items. ``item_columns=`` is
        the old name of this keyword (it still works for one release, with a FutureWarning).
    rotation : {"oblimin", "quartimin", "geomin", "promax", "varimax", "none"}
    cor : {"pearson", "polychoric"}
    nan_policy : {"pairwise", "listwise"}

    Returns
    -------
    EFAResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.psychometrics import efa
    >>> rng = np.random.default_rng(0); f = rng.normal(size=(400, 2))
    >>> x = np.column_stack([f[:, [0]] * [.8, .7, .6], f[:, [1]] * [.8, .7, .6]]) + rng.normal(scale=.6, size=(400, 6))
    >>> res = efa(pd.DataFrame(x, columns=list("abcdef")), 2)
    >>> res.loadings.shape
    (6, 2)

    ::

        # R: psych::fa(x, nfactors = 2, rotate = "oblimin", fm = "minres")
    """
    check_choice(nan_policy, ("pairwise", "listwise"), "efa", "nan_policy")
    x, names, audit = _matrix(data, columns, instrument, **options)
    if nan_policy == "listwise":
        x = x[~np.isnan(x).any(axis=1)]
    p = x.shape[1]
    if not 1 <= int(n_factors) < p:
        raise DataError(f"n_factors must be between 1 and {p - 1} for {p} items")
    frame = pd.DataFrame(x, columns=names)
    if cor == "polychoric":
        r = polychoric(frame)[0].to_numpy()
    elif cor == "pearson":
        r = correlation(x)
    else:
        raise DataError(f"cor must be 'pearson' or 'polychoric', not {cor!r}")
    unrot = minres(r, int(n_factors))
    lam, phi = rotate(unrot, rotation)
    signs = np.sign(lam.sum(axis=0))
    signs[signs == 0] = 1
    lam = lam * signs
    if phi is not None:
        phi = phi * signs[:, None] * signs[None, :]
    if lam.shape[1] > 1:
        ev = np.diag(lam.T @ lam) if phi is None else np.diag(phi @ lam.T @ lam)
        order = np.argsort(-ev, kind="stable")
        lam = lam[:, order]
        if phi is not None:
            phi = phi[np.ix_(order, order)]
    fac = [f"MR{i}" for i in range(1, lam.shape[1] + 1)]
    h2 = (unrot ** 2).sum(axis=1)
    ss = np.diag(lam.T @ lam) if phi is None else np.diag(phi @ lam.T @ lam)
    variance = pd.DataFrame({"ss_loadings": ss, "proportion": ss / p}, index=fac)
    reduced = r.copy()
    np.fill_diagonal(reduced, h2)
    return EFAResult(
        loadings=pd.DataFrame(lam, index=names, columns=fac),
        phi=None if phi is None else pd.DataFrame(phi, index=fac, columns=fac),
        communality=pd.Series(h2, index=names, name="h2"), variance=variance,
        kmo=kmo(frame), bartlett=bartlett(frame), rotation=rotation, correlation=cor,
        nan_policy=nan_policy, n=x.shape[0], eigenvalues=np.sort(np.linalg.eigvalsh(reduced))[::-1], audit=audit)


def parallel_analysis(data: pd.DataFrame, columns=None, *, n_iter: int = 20, seed=None,
                      quantile: float | None = None) -> pd.DataFrame:
    """Horn's parallel analysis for components and (minres) factors, as ``psych::fa.parallel``.

    Observed eigenvalues: of R (components) and of R with one-factor minres communalities on the
    diagonal (factors), as psych. Random eigenvalues: from ``n_iter`` normal data sets of the same
    size (mean, or the ``quantile``); suggested numbers are the leading run of observed values above
    them. Same ``seed`` → same result; with ``seed=None`` (the default) a fresh seed is drawn and
    stated in ``attrs["seed"]``, so a run is reproducible only with a seed (given, or that one).

    Returns
    -------
    DataFrame
        ``pc_observed, pc_random, fa_observed, fa_random`` per position; ``attrs["n_factors"]`` and
        ``attrs["n_components"]``.

    ::

        # R: set.seed(42); psych::fa.parallel(x, n.iter = 20)
    """
    x, names, _ = _matrix(data, columns, what="parallel_analysis")
    n, p = x.shape
    r = correlation(x)
    pc_obs = np.sort(np.linalg.eigvalsh(r))[::-1]
    fa_obs = _fa_values(r)
    seed = check_seed(seed, "parallel_analysis")
    if seed is None:
        seed = draw_seed()
    rng = np.random.default_rng(seed)
    sims_pc, sims_fa = [], []
    for _ in range(int(n_iter)):
        z = rng.standard_normal((n, p))
        rs = np.corrcoef(z, rowvar=False)
        sims_pc.append(np.sort(np.linalg.eigvalsh(rs))[::-1])
        sims_fa.append(_fa_values(rs))
    agg = (lambda a: np.mean(a, axis=0)) if quantile is None else (lambda a: np.quantile(a, quantile, axis=0))
    pc_rand, fa_rand = agg(np.array(sims_pc)), agg(np.array(sims_fa))

    def run(obs, rand):
        above = obs > rand
        return int(np.argmin(above)) if not above.all() else len(obs)

    out = pd.DataFrame({"pc_observed": pc_obs, "pc_random": pc_rand, "fa_observed": fa_obs, "fa_random": fa_rand},
                       index=pd.RangeIndex(1, p + 1, name="position"))
    out.attrs = {"n_factors": run(fa_obs, fa_rand), "n_components": run(pc_obs, pc_rand), "n_iter": n_iter,
                 "seed": seed}
    return out


def _fa_values(r: np.ndarray) -> np.ndarray:
    lam = minres(r, 1)
    reduced = r.copy()
    np.fill_diagonal(reduced, (lam ** 2).sum(axis=1))
    return np.sort(np.linalg.eigvalsh(reduced))[::-1]


__all__ = ["efa", "EFAResult", "kmo", "bartlett", "polychoric", "parallel_analysis", "rotate"]
