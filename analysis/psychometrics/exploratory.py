"""Exploratory factor analysis as ``psych::fa`` (minres), with the checks that go with it: KMO and
Bartlett's test (:mod:`.adequacy`), parallel analysis (:mod:`.dimensionality`) and polychoric
correlations (:mod:`.ordinal`), re-exported here.

Why not factor_analyzer throughout: its minres stops differently, its oblique rotations are not
GPArotation's (so loadings differ from psych beyond rounding), and its Bartlett p-value was once
taken from the density (PR #66). Extraction and rotations come from :mod:`.factoring` (psych's
algorithms, psych's starts and stopping rules); Bartlett's p is ``chi2.sf``; polychoric
correlations follow psych's ``polychoric`` (see :mod:`.ordinal`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import check_choice
from ..deprecation import renamed, retired_attribute
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..results import Result
from .adequacy import BartlettResult, KMOResult, bartlett, kmo
from .dimensionality import ParallelAnalysisResult, parallel_analysis
from .factoring import correlation, gpf_oblique, minres, varimax
from .item_matrix import item_matrix
from .ordinal import PolychoricResult, polychoric

ROTATIONS = ("oblimin", "quartimin", "geomin", "promax", "varimax", "none")
_PSYCH_ROTATE = {"geomin": "geominQ"}   # psych's name of GPArotation's oblique geomin


# ---------------------------------------------------------------------------------------------
def rotate(loadings: np.ndarray, rotation: str = "oblimin") -> tuple[np.ndarray, np.ndarray | None]:
    """Rotate unrotated loadings as psych ``fa`` does; returns (pattern, Φ or None)."""
    if rotation not in ROTATIONS:
        raise DataError("is not a rotation", argument="rotation", value=rotation,
                        hint=f"rotation must be one of {', '.join(ROTATIONS)}")
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
class EFAResult(Result):
    """An exploratory factor analysis (:func:`efa`): pattern ``loadings`` (items × factors, psych's
    MR1, MR2, …), factor correlations ``phi`` (oblique rotations), ``communality``, ``variance``
    explained, ``eigenvalues`` (of the reduced correlation matrix, psych's ``values``), and the KMO /
    Bartlett checks (:class:`~analysis.psychometrics.adequacy.KMOResult`,
    :class:`~analysis.psychometrics.adequacy.BartlettResult`).

    ``.table()``: one row per item, ``item, mr1, mr2, …, h2, u2`` (numbers); ``.summary()``: one
    row with the sample, the options, KMO, Bartlett's test and the variance explained; ``.apa()``;
    ``.figure(path=None)``: the scree plot. ``.apa_text`` (earlier releases) still works for one
    release, with a FutureWarning naming ``.apa()``.
    """

    loadings: pd.DataFrame
    phi: pd.DataFrame | None
    communality: pd.Series
    variance: pd.DataFrame
    kmo: KMOResult
    bartlett: BartlettResult
    rotation: str
    method: str = "minres"
    correlation: str = "pearson"
    nan_policy: str = "pairwise"
    n: int = 0
    eigenvalues: np.ndarray = field(default_factory=lambda: np.empty(0))
    #: values set to missing while preparing an instrument's items; None for plain columns
    audit: pd.DataFrame | None = field(default=None, repr=False)
    n_excluded: int = 0
    options: dict = field(default_factory=dict)

    @property
    def n_factors(self) -> int:
        return int(self.loadings.shape[1])

    @property
    def r_call(self) -> str:
        extra = ", cor = \"poly\"" if self.correlation == "polychoric" else ""
        if self.nan_policy == "listwise":
            extra += ", use = \"complete\""
        return (f"psych::fa(x, nfactors = {self.n_factors}, rotate = \"{_PSYCH_ROTATE.get(self.rotation, self.rotation)}\", "
                f"fm = \"{self.method}\"{extra})")

    def _text(self) -> str:
        b = self.bartlett.test.iloc[0]
        return (f"KMO = {apa_num(self.kmo.overall, gt1=False)}, Bartlett's χ²({int(b['df'])}) = "
                f"{apa_num(b['statistic'])}, {apa_p(b['p_val'])}; {self.n_factors} factor(s) ({self.method}, "
                f"{self.rotation}) explain {apa_num(100 * self.variance['proportion'].sum(), 1)}% of the variance")

    @property
    def apa_text(self) -> str:
        retired_attribute(self, "apa_text", "apa()")
        return self._text()

    def table(self) -> pd.DataFrame:
        """One row per item: the loadings (``mr1``, ``mr2``, …), communality ``h2`` and uniqueness ``u2``."""
        out = self.loadings.copy()
        out.columns = [str(c).lower() for c in out.columns]
        out = out.assign(h2=self.communality.to_numpy(), u2=1 - self.communality.to_numpy())
        out.insert(0, "item", [str(i) for i in out.index])
        return out.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row: ``n, n_excluded, n_items, n_factors, method, rotation, correlation, nan_policy, kmo,
        bartlett_statistic, bartlett_df, bartlett_p_val, variance_explained``."""
        b = self.bartlett.test.iloc[0]
        return pd.DataFrame([{
            "n": self.n, "n_excluded": self.n_excluded, "n_items": len(self.loadings), "n_factors": self.n_factors,
            "method": self.method, "rotation": self.rotation, "correlation": self.correlation,
            "nan_policy": self.nan_policy, "kmo": self.kmo.overall, "bartlett_statistic": float(b["statistic"]),
            "bartlett_df": int(b["df"]), "bartlett_p_val": float(b["p_val"]),
            "variance_explained": float(self.variance["proportion"].sum())}])

    def figure(self, path=None):
        """Scree plot of the eigenvalues of the reduced correlation matrix (the factors retained marked)."""
        from ..formatting.scree import scree_figure

        return scree_figure({"Factors": self.eigenvalues}, path=path, retained=self.n_factors,
                            title=f"Scree plot ({self.method}, {self.n_factors} factor(s) retained)")

    def __repr__(self) -> str:
        return f"EFAResult(n={self.n}, {self._text()})"


@apa.register
def _(res: EFAResult) -> Apa:
    text = res._text()
    t = res.table()
    table = pd.DataFrame({"Item": t["item"]})
    for c, name in zip(t.columns[1:-2], res.loadings.columns):
        table[name] = [apa_num(v, gt1=False) for v in t[c]]
    table["h2"] = [apa_num(v, gt1=False) for v in t["h2"]]
    table["u2"] = [apa_num(v, gt1=False) for v in t["u2"]]
    return Apa(statistic=text, full_result=text, table=table)


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
        ``.loadings``, ``.phi``, ``.communality``, ``.variance``, ``.eigenvalues``, ``.kmo``,
        ``.bartlett``; ``.table()`` one row per item (``item, mr1, …, h2, u2``); ``.summary()``;
        ``.apa()``; ``.figure(path=None)`` the scree plot; ``.n``, ``.n_excluded`` (listwise),
        ``.options``, ``.r_call``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis.psychometrics import efa
    >>> rng = np.random.default_rng(0); f = rng.normal(size=(400, 2))
    >>> x = np.column_stack([f[:, [0]] * [.8, .7, .6], f[:, [1]] * [.8, .7, .6]]) + rng.normal(scale=.6, size=(400, 6))
    >>> res = efa(pd.DataFrame(x, columns=list("abcdef")), 2)
    >>> res.loadings.shape
    (6, 2)
    >>> res.table().columns.tolist()
    ['item', 'mr1', 'mr2', 'h2', 'u2']
    >>> res.r_call
    'psych::fa(x, nfactors = 2, rotate = "oblimin", fm = "minres")'

    ::

        # R: psych::fa(x, nfactors = 2, rotate = "oblimin", fm = "minres")
    """
    check_choice(nan_policy, ("pairwise", "listwise"), "efa", "nan_policy")
    x, names, audit = item_matrix(data, columns, instrument, what="efa", **options)
    n_excluded = 0
    if nan_policy == "listwise":
        complete = ~np.isnan(x).any(axis=1)
        n_excluded = int((~complete).sum())
        x = x[complete]
    p = x.shape[1]
    if not 1 <= int(n_factors) < p:
        raise DataError(f"is not a number of factors for {p} items", argument="n_factors", value=n_factors,
                        within="efa", hint=f"n_factors must be between 1 and {p - 1}")
    frame = pd.DataFrame(x, columns=names)
    if cor == "polychoric":
        r = polychoric(frame).rho.to_numpy()
    elif cor == "pearson":
        r = correlation(x)
    else:
        raise DataError("is not a correlation type", argument="cor", value=cor, within="efa",
                        hint="cor must be 'pearson' or 'polychoric'")
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
        nan_policy=nan_policy, n=x.shape[0], eigenvalues=np.sort(np.linalg.eigvalsh(reduced))[::-1], audit=audit,
        n_excluded=n_excluded, options={"n_factors": int(n_factors), "columns": columns, "rotation": rotation,
                                        "cor": cor, "nan_policy": nan_policy, **options})


__all__ = ["efa", "EFAResult", "kmo", "KMOResult", "bartlett", "BartlettResult", "polychoric", "PolychoricResult",
           "parallel_analysis", "ParallelAnalysisResult", "rotate"]
