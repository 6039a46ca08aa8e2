"""Goal profiles: person-centred latent profiles of the goal subscales (Gaussian mixtures).

:func:`goal_profiles` fits scikit-learn ``GaussianMixture`` models with 1 … ``k_max`` classes
(seeded, several starts, tight EM tolerance) and reports per k the log-likelihood, number of free
parameters, AIC, BIC, sample-size-adjusted BIC, relative entropy and the smallest class; the chosen
solution (lowest BIC unless ``k`` is given) gives class sizes, profile means, posterior
probabilities, a profile plot and :meth:`ProfileResult.outcome_differences` (one-way ANOVA of
outcomes across profiles, with η²).

Conventions (as R's mclust, model "VVV" for ``covariance="full"``): BIC = −2 logL + p ln n (mclust
reports its negative); p = k·d means + k·(covariance parameters) + (k − 1) proportions. Relative
entropy = 1 − Σᵢ Σⱼ −pᵢⱼ ln pᵢⱼ / (n ln k) (NaN for k = 1). Profiles are numbered by size
(1 = largest) so that the numbering does not depend on the random start.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_seed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..formatting.figures import save_figure
from ._common import Reported, as_list, check_columns, check_frame, complete_cases, screens_sample, used_seed

__all__ = ["goal_profiles", "ProfileResult"]

COVARIANCE = {"full": "full", "diag": "diag", "tied": "tied", "spherical": "spherical"}


def _n_params(gm, d: int) -> int:
    k = gm.n_components
    cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}[gm.covariance_type]
    return int(k * d + cov + k - 1)


def _entropy(post: np.ndarray) -> float:
    n, k = post.shape
    if k == 1:
        return float("nan")
    p = np.clip(post, 1e-300, 1)
    return float(1 - np.sum(-post * np.log(p)) / (n * np.log(k)))


@dataclass
class ProfileResult(Reported):
    """Result of :func:`goal_profiles`.

    Attributes
    ----------
    fit_indices : DataFrame
        ``k, loglik, n_params, aic, bic, sabic, entropy, smallest_n, smallest_prop``.
    k : int
        Number of profiles of the chosen solution.
    classes : Series
        Profile (1 … k, 1 = largest) of every complete row (index of ``data``).
    posterior : DataFrame
        Posterior probabilities (rows × profiles).
    means : DataFrame
        Profile means (profiles × variables).
    class_sizes : DataFrame
        ``profile, n, proportion``.
    models : dict
        The fitted GaussianMixture per k.
    seed : int
        The seed the starts used: the one given, or a fresh one drawn when ``seed=None``.

    ``table()`` is ``fit_indices`` (one row per number of profiles), ``summary()`` one row of the
    chosen solution (k, n, n_excluded, BIC, entropy, smallest class, seed), ``figure(path=None)``
    the profile plot.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import goal_profiles
    >>> res = goal_profiles(read_dataset("demo"), ["exam1", "exam2", "exam3"], k_max=2, seed=1)
    >>> res.summary()[["k", "n", "n_excluded", "seed"]]
       k    n  n_excluded  seed
    0  1  381          19     1
    >>> res.r_call
    'mclust::Mclust(data[, c("exam1", "exam2", "exam3")], G = 1:2, modelNames = "VVV")'
    """

    fit_indices: pd.DataFrame
    k: int
    classes: pd.Series
    posterior: pd.DataFrame
    means: pd.DataFrame
    class_sizes: pd.DataFrame
    models: dict
    columns: list
    data: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    seed: object = None
    options_used: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(len(self.classes))

    def table(self) -> pd.DataFrame:
        """One row per number of profiles: ``k, loglik, n_params, aic, bic, sabic, entropy, smallest_n,
        smallest_prop, converged``."""
        return self.fit_indices.reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row of the chosen solution: ``k, n, n_excluded, loglik, bic, entropy, smallest_n,
        smallest_prop, seed``."""
        c = self.fit_indices.set_index("k").loc[self.k]
        return pd.DataFrame([{"k": int(self.k), **self._sample_facts(), "loglik": c.loglik, "bic": c.bic,
                              "entropy": c.entropy, "smallest_n": int(c.smallest_n),
                              "smallest_prop": c.smallest_prop, "seed": self.seed}])

    def _options(self) -> dict:
        return {**self.options_used, "seed": self.seed, "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        cols = ", ".join(f'"{c}"' for c in self.columns)
        model = {"full": "VVV", "diag": "VVI", "tied": "EEE", "spherical": "VII"}.get(
            self.options_used.get("covariance", "full"), "VVV")
        k_max = int(self.fit_indices["k"].max())
        return f'mclust::Mclust(data[, c({cols})], G = 1:{k_max}, modelNames = "{model}")'

    def figure(self, path=None):
        """The profile plot (see :meth:`plot`); written to ``path`` when given."""
        return self.plot(path=path)


    def outcome_differences(self, data: pd.DataFrame, outcomes) -> pd.DataFrame:
        """One-way ANOVA of each outcome across the profiles (rows of ``data`` matched by index).

        Returns ``outcome, n, f, df1, df2, p_val, eta2`` plus ``mean_<profile>`` columns
        (R: ``summary(aov(y ~ factor(profile)))``).
        """
        outcomes = as_list(outcomes)
        check_columns(data, outcomes, what="outcome_differences", numeric=True)
        rows = []
        for o in outcomes:
            y = pd.to_numeric(data.loc[self.classes.index, o])
            ok = y.notna()
            g, yy = self.classes[ok].to_numpy(), y[ok].to_numpy(float)
            groups = [yy[g == j] for j in range(1, self.k + 1) if np.any(g == j)]
            if len(groups) < 2:
                raise DataError("has values in fewer than two profiles", file=data.attrs.get("source"), column=o,
                                within="outcome_differences", hint="Compare an outcome answered in several profiles.")
            n = len(yy)
            grand = yy.mean()
            ssb = sum(len(x) * (x.mean() - grand) ** 2 for x in groups)
            ssw = sum(((x - x.mean()) ** 2).sum() for x in groups)
            df1, df2 = len(groups) - 1, n - len(groups)
            f = (ssb / df1) / (ssw / df2)
            row = {"outcome": o, "n": n, "f": f, "df1": df1, "df2": df2,
                   "p_val": float(stats.f.sf(f, df1, df2)), "eta2": ssb / (ssb + ssw)}
            for j in range(1, self.k + 1):
                row[f"mean_{j}"] = float(yy[g == j].mean()) if np.any(g == j) else np.nan
            rows.append(row)
        return pd.DataFrame(rows)

    def plot(self, ax=None, path=None):
        """Profile plot (seaborn): mean of each variable per profile. Saved when ``path`` is given."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        long = self.means.reset_index().melt(id_vars="profile", var_name="variable", value_name="mean")
        sizes = self.class_sizes.set_index("profile")
        long["profile"] = [f"{p} ({sizes.loc[p, 'proportion']:.0%})" for p in long["profile"]]
        if ax is None:
            fig, ax = plt.subplots(figsize=(1.3 * len(self.columns) + 2.5, 3.6))
        else:
            fig = ax.figure
        sns.pointplot(data=long, x="variable", y="mean", hue="profile", ax=ax, palette="colorblind",
                      markers="o", linestyles="-")
        ax.set_xticks(range(len(self.columns)))
        ax.set_xticklabels([str(c).replace("_", "\n") for c in self.columns])   # long names wrap
        ax.set_xlabel("")
        ax.set_ylabel("profile mean")
        ax.set_title(f"{self.k} profiles")
        ax.legend(title="profile (share)", frameon=False, bbox_to_anchor=(1.02, 1), loc="upper left")
        sns.despine(ax=ax)
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
        return fig


@screens_sample("goal_profiles")
def goal_profiles(data: pd.DataFrame, columns, k_max: int = 6, k: int | None = None, seed=None,
                  covariance: str = "full", n_init: int = 10, standardize: bool = False,
                  reg_covar: float = 1e-6, tol: float = 1e-6, max_iter: int = 1000) -> ProfileResult:
    """Latent profiles of the goal subscales by Gaussian mixtures with 1 … ``k_max`` classes.

    Parameters
    ----------
    columns : list of str
        The subscale scores (e.g. the four AGQ-R goals).
    k_max : int
        Largest number of profiles tried.
    k : int, optional
        The solution to describe (default: the lowest BIC).
    seed : int or numpy.random.Generator, optional
        Seed of the k-means starts (``random_state``): same inputs + seed → same profiles. Default
        None: a fresh seed is drawn and stated on the result (``result.seed``); only a run given
        that seed repeats it (the default was 2026 before; the study pipeline still uses 2026 when
        the study gives no seed).
    covariance : {"full", "diag", "tied", "spherical"}
        Within-profile covariance (mclust VVV, VVI, EEE, VII).
    n_init : int
        Random starts per k (the best likelihood is kept).
    standardize : bool
        z-standardise the columns first (means are then reported in SD units).
    reg_covar : float
        Ridge added to the covariance diagonals (scikit-learn's default; keeps profiles of
        discrete scores from collapsing). 0 gives the plain ML solution (as mclust).
    tol, max_iter : EM convergence (change in the mean log-likelihood per row) and iteration cap.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import goal_profiles
    >>> res = goal_profiles(d, ["mastery_approach", "performance_approach", "mastery_avoidance",
    ...                         "performance_avoidance"], k_max=3, seed=1)
    >>> res.table().k.tolist(), res.k
    ([1, 2, 3], 2)
    >>> # R: mclust::Mclust(d[, goals], G = 1:3, modelNames = "VVV")
    """
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits

    check_frame(data)
    columns = as_list(columns)
    if len(columns) < 1:
        raise DataError("names no column", argument="columns", value=columns, within="goal_profiles",
                        hint="give the subscale columns")
    check_columns(data, columns, what="goal_profiles", numeric=True)
    if covariance not in COVARIANCE:
        raise DataError("is not a covariance structure", argument="covariance", value=covariance,
                        within="goal_profiles", hint="use full, diag, tied or spherical")
    if int(k_max) < 1:
        raise DataError("is below 1", argument="k_max", value=k_max, within="goal_profiles",
                        hint="k_max must be at least 1")
    k_max = int(k_max)
    if k is not None and not (1 <= int(k) <= k_max):
        raise DataError(f"must be between 1 and k_max={k_max}", argument="k", value=k, within="goal_profiles",
                        hint="raise k_max, or choose a smaller k")
    seed = used_seed(check_seed(seed, "goal_profiles"))
    cc = complete_cases(data, columns, what="goal_profiles")
    X = cc.data[columns].apply(pd.to_numeric).to_numpy(float)
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)
    n, d = X.shape
    models, rows = {}, []
    for kk in range(1, k_max + 1):
        if n < 2 * kk * (d + 1):
            raise DataError(f"have {n} complete rows, too few for {kk} profiles of {d} variables",
                            file=data.attrs.get("source"), column=columns, within="goal_profiles",
                            hint="Collect more responses, or lower k_max.")
        gm = GaussianMixture(n_components=kk, covariance_type=covariance, tol=tol, max_iter=max_iter,
                             n_init=n_init if kk > 1 else 1, random_state=seed, reg_covar=reg_covar)
        # one BLAS/OpenMP thread: k-means starts on small data are 20x slower when threads contend
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            warnings.simplefilter("ignore")
            try:
                gm.fit(X)
            except ValueError:     # a collapsing component: retry with sklearn's default ridge
                gm = GaussianMixture(n_components=kk, covariance_type=covariance, tol=tol, max_iter=max_iter,
                                     n_init=n_init, random_state=seed, reg_covar=max(reg_covar, 1e-6))
                gm.fit(X)
        models[kk] = gm
        ll = float(gm.score(X) * n)
        p = _n_params(gm, d)
        post = gm.predict_proba(X)
        counts = np.bincount(post.argmax(axis=1), minlength=kk)
        rows.append({"k": kk, "loglik": ll, "n_params": p, "aic": -2 * ll + 2 * p, "bic": -2 * ll + p * np.log(n),
                     "sabic": -2 * ll + p * np.log((n + 2) / 24), "entropy": _entropy(post),
                     "smallest_n": int(counts.min()), "smallest_prop": float(counts.min() / n),
                     "converged": bool(gm.converged_)})
    fit = pd.DataFrame(rows)
    worse = fit.k[fit.loglik.diff() < -1e-6].tolist()
    if worse:
        warnings.warn(f"goal_profiles: the {worse[0]}-profile solution has a lower likelihood than "
                      f"{worse[0] - 1} profiles (a local optimum); raise n_init", stacklevel=2)
    chosen = int(fit.loc[fit.bic.idxmin(), "k"]) if k is None else int(k)
    gm = models[chosen]
    post = gm.predict_proba(X)
    # number profiles by size (largest first), ties by the first variable's mean
    raw = post.argmax(axis=1)
    sizes = np.bincount(raw, minlength=chosen)
    order = sorted(range(chosen), key=lambda j: (-sizes[j], gm.means_[j, 0]))
    relabel = {old: new + 1 for new, old in enumerate(order)}
    classes = pd.Series([relabel[j] for j in raw], index=cc.data.index, name="profile")
    posterior = pd.DataFrame(post[:, order], index=cc.data.index, columns=[f"p{j}" for j in range(1, chosen + 1)])
    means = pd.DataFrame(gm.means_[order], columns=columns, index=pd.Index(range(1, chosen + 1), name="profile"))
    cs = pd.DataFrame({"profile": range(1, chosen + 1), "n": sizes[order].astype(int),
                       "proportion": sizes[order] / n})
    return ProfileResult(fit, chosen, classes, posterior, means, cs, models, columns, cc.data, cc.excluded, seed,
                         {"k_max": k_max, "k": k, "covariance": covariance, "n_init": n_init,
                          "standardize": standardize, "reg_covar": reg_covar, "tol": tol, "max_iter": max_iter})


@apa.register
def _(res: ProfileResult) -> Apa:
    rows = [{"Profiles": int(r.k), "log L": apa_num(r.loglik), "p": int(r.n_params), "AIC": apa_num(r.aic),
             "BIC": apa_num(r.bic), "SABIC": apa_num(r.sabic),
             "Entropy": "—" if np.isnan(r.entropy) else apa_num(r.entropy, gt1=False),
             "Smallest class": f"{int(r.smallest_n)} ({r.smallest_prop:.1%})"} for r in res.fit_indices.itertuples()]
    chosen = res.fit_indices.set_index("k").loc[res.k]
    sizes = ", ".join(f"{r.profile}: n = {r.n} ({r.proportion:.1%})" for r in res.class_sizes.itertuples())
    ent = "" if np.isnan(chosen.entropy) else f", entropy = {apa_num(chosen.entropy, gt1=False)}"
    full = (f"Gaussian mixture models with 1–{int(res.fit_indices.k.max())} profiles of "
            f"{', '.join(res.columns)} (N = {int(res.class_sizes.n.sum())}): the {res.k}-profile solution had "
            f"BIC = {apa_num(chosen.bic)}{ent}; profile sizes {sizes}.")
    return Apa(estimate=f"{res.k} profiles", statistic=f"BIC = {apa_num(chosen.bic)}{ent}", full_result=full,
               table=pd.DataFrame(rows))
