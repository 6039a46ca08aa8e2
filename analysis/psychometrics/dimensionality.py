"""How many factors? Horn's parallel analysis as ``psych::fa.parallel`` (components and minres
factors), as a result of the protocol (:mod:`analysis.results`) with its scree plot."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import check_seed, draw_seed
from ..deprecation import retired_attribute
from ..formatting.apa import Apa, apa
from ..results import TableResult
from .factoring import correlation, minres
from .item_matrix import item_params, item_matrix


class ParallelAnalysisResult(TableResult):
    """A parallel analysis (:func:`parallel_analysis`).

    ``.eigenvalues`` (also ``.table()``): one row per position, ``position, pc_observed,
    pc_random, fa_observed, fa_random``; ``.n_factors`` and ``.n_components`` (the suggested
    numbers); ``.seed`` (given or drawn), ``.n_iter``, ``.quantile``; ``.figure(path=None)`` the
    scree plot. ``result.attrs[...]`` (where earlier releases kept these) still works for one
    release, with a FutureWarning.
    """

    _table_name = "eigenvalues"

    def __init__(self, eigenvalues: pd.DataFrame, n_factors: int, n_components: int, n: int, n_iter: int,
                 seed: int, quantile, columns, instrument=None, extra=None):
        self.eigenvalues = eigenvalues
        self.n_factors, self.n_components, self.n = int(n_factors), int(n_components), int(n)
        self.n_iter, self.seed, self.quantile = int(n_iter), seed, quantile
        self.options = {"columns": columns, "instrument": instrument, "n_iter": self.n_iter, "seed": seed,
                        "quantile": quantile, **(extra or {})}

    @property
    def r_call(self) -> str:
        quant = "" if self.quantile is None else f", quant = {self.quantile:g}"
        return (f"set.seed({self.seed}); psych::fa.parallel(x, n.iter = {self.n_iter}{quant})  "
                f"# R draws its own random data: the observed eigenvalues agree, the random ones by chance")

    @property
    def attrs(self) -> dict:
        retired_attribute(self, "attrs", "n_factors, .n_components, .n_iter and .seed")
        return {"n_factors": self.n_factors, "n_components": self.n_components, "n_iter": self.n_iter,
                "seed": self.seed}

    def summary(self) -> pd.DataFrame:
        """One row: ``n, n_items, n_iter, quantile, seed, n_factors, n_components``."""
        return pd.DataFrame({"n": [self.n], "n_items": [len(self.eigenvalues)], "n_iter": [self.n_iter],
                             "quantile": [np.nan if self.quantile is None else float(self.quantile)],
                             "seed": [self.seed], "n_factors": [self.n_factors],
                             "n_components": [self.n_components]})

    def figure(self, path=None):
        """The scree plot: observed and random eigenvalues of components and factors."""
        from ..formatting.scree import scree_figure

        e = self.eigenvalues
        return scree_figure({"Components": e["pc_observed"], "Factors": e["fa_observed"]},
                            {"Components": e["pc_random"], "Factors": e["fa_random"]}, path=path,
                            title=f"Parallel analysis ({self.n_iter} random data sets)", retained=self.n_factors)


@apa.register
def _apa_parallel(res: ParallelAnalysisResult) -> Apa:
    what = "mean" if res.quantile is None else f"{res.quantile:g} quantile"
    text = (f"Parallel analysis ({res.n_iter} random data sets of N = {res.n}, {what} of their eigenvalues; "
            f"seed {res.seed}) suggested {res.n_factors} factor(s) and {res.n_components} component(s)")
    e = res.eigenvalues
    table = pd.DataFrame({"Position": e["position"].astype(str)})
    for col, name in [("pc_observed", "Components"), ("pc_random", "Components (random)"),
                      ("fa_observed", "Factors"), ("fa_random", "Factors (random)")]:
        table[name] = [f"{v:.2f}" for v in e[col]]
    return Apa(estimate=text, full_result=text, table=table)


@item_params
def parallel_analysis(data: pd.DataFrame, columns=None, *, n_iter: int = 20, seed=None,
                      quantile: float | None = None, instrument=None, **options) -> ParallelAnalysisResult:
    """Horn's parallel analysis for components and (minres) factors, as ``psych::fa.parallel``.

    Observed eigenvalues: of R (components) and of R with one-factor minres communalities on the
    diagonal (factors), as psych. Random eigenvalues: from ``n_iter`` normal data sets of the same
    size (mean, or the ``quantile``); suggested numbers are the leading run of observed values above
    them. Same ``seed`` → same result; with ``seed=None`` (the default) a fresh seed is drawn and
    stated in ``.seed``, so a run is reproducible only with a seed (given, or that one).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    columns : list of str, optional
        The item columns (default all columns).
    n_iter : int
        Number of random data sets.
    seed : int or numpy.random.Generator, optional
        Seed of the random data (default None: drawn, and stated in the result).
    quantile : float, optional
        Compare with this quantile of the random eigenvalues instead of their mean.
    {item_params}

    Returns
    -------
    ParallelAnalysisResult
        ``.table()``: ``position, pc_observed, pc_random, fa_observed, fa_random``;
        ``.n_factors``, ``.n_components``, ``.seed``; ``.figure(path=None)`` the scree plot.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.psychometrics import parallel_analysis
    >>> res = parallel_analysis(read_dataset("demo"), instrument="agq-r", columns="agq_{n}", response={"min": 1, "max": 7}, missing=[-99], seed=1)
    >>> res.table().columns.tolist()
    ['position', 'pc_observed', 'pc_random', 'fa_observed', 'fa_random']
    >>> res.seed, len(res.table())
    (1, 12)

    ::

        # R: set.seed(42); psych::fa.parallel(x, n.iter = 20)
    """
    x, names, _ = item_matrix(data, columns, instrument, what="parallel_analysis", **options)
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

    out = pd.DataFrame({"position": np.arange(1, p + 1), "pc_observed": pc_obs, "pc_random": pc_rand,
                        "fa_observed": fa_obs, "fa_random": fa_rand})
    return ParallelAnalysisResult(out, run(fa_obs, fa_rand), run(pc_obs, pc_rand), n=n, n_iter=n_iter, seed=seed,
                                  quantile=quantile, columns=columns,
                                  instrument=getattr(instrument, "id", instrument), extra=options)


def _fa_values(r: np.ndarray) -> np.ndarray:
    lam = minres(r, 1)
    reduced = r.copy()
    np.fill_diagonal(reduced, (lam ** 2).sum(axis=1))
    return np.sort(np.linalg.eigvalsh(reduced))[::-1]
