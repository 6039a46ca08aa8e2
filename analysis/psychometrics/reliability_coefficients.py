"""The reliability coefficients of one scale's item matrix, as psych computes them: Cronbach's α
(raw and standardised, with Feldt and bootstrap CIs), McDonald's ω (total; hierarchical with three
or more factors) and, for two-item scales, the Spearman–Brown coefficient with its CI.
:func:`~analysis.psychometrics.reliability` and :func:`~analysis.psychometrics.item_statistics`
apply them per scale (see :mod:`analysis.psychometrics.internal_consistency`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy import stats

from ..checks import check_level
from ..deprecation import renamed
from ..errors import DataError
from .factoring import correlation, cov2cor, gpf_oblique, minres, pairwise_cov, smc, varimax


def _alpha_core(c: np.ndarray, r: np.ndarray) -> dict:
    """psych's ``alpha.1``: α raw and standardised, G6, average and median r, S/N and Q (for the ASE)."""
    k = c.shape[0]
    tr, tot = np.trace(c), c.sum()
    sum_r = r.sum()
    out = {
        "alpha": (1 - tr / tot) * (k / (k - 1)),
        "alpha_std": (1 - k / sum_r) * (k / (k - 1)),
        "g6": 1 - (k - smc(r).sum()) / sum_r,
        "average_r": (sum_r - k) / (k * (k - 1)),
        "median_r": float(np.median(r[np.tril_indices(k, -1)])),
    }
    out["signal_noise"] = k * out["average_r"] / (1 - out["average_r"])
    cc = c @ c
    out["q"] = (2 * k ** 2 / ((k - 1) ** 2 * tot ** 3)) * (tot * (np.trace(cc) + tr ** 2) - 2 * tr * cc.sum())
    return out


@renamed(ci="level")
def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt (1965) CI of α from the F distribution, as ``psych::alpha.ci``.

    Examples
    --------
    >>> lo, hi = feldt_ci(0.7030184, 2800, 5)
    >>> round(lo, 4), round(hi, 4)
    (0.6853, 0.7201)
    """
    a = 1 - level
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - a / 2, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(a / 2, df1, df2)
    return float(low), float(high)


#: how :func:`spearman_brown` makes its interval (stated in ``reliability(...).options``)
SPEARMAN_BROWN_CI_METHOD = "fisher_z"


def spearman_brown(r: float, n: int, level: float = 0.95) -> dict:
    """The Spearman–Brown reliability of a two-item scale, with its CI.

    ρ_SB = 2r / (1 + r), with r the Pearson correlation of the two (keyed) items — the
    coefficient Eisinga, te Grotenhuis & Pelzer (2013) recommend for two-item scales over α and
    the inter-item r. The CI (``ci_method = "fisher_z"``): the Fisher-z CI of r,
    tanh(atanh(r) ± z₁₋α/₂ / √(n − 3)), with each bound carried through 2r / (1 + r) (increasing
    in r, so the bounds stay in order).

    Parameters
    ----------
    r : float
        The inter-item Pearson correlation (−1 < r < 1).
    n : int
        The respondents who answered both items (at least 4).
    level : float
        Confidence level.

    Returns
    -------
    dict
        ``estimate, ci_low, ci_high, r, n, level, ci_method``.

    Examples
    --------
    >>> sb = spearman_brown(0.5, 103)
    >>> round(sb["estimate"], 4), round(sb["ci_low"], 4), round(sb["ci_high"], 4), sb["ci_method"]
    (0.6667, 0.5067, 0.7748, 'fisher_z')

    The same in R (psych's Fisher-z interval of r, then the Spearman–Brown formula)::

        # R: r <- cor(x1, x2); ci <- psych::r.con(r, n); 2 * c(r, ci) / (1 + c(r, ci))
        # R: psych::splitHalf(cbind(x1, x2))$maxrb   # equals 2r / (1 + r) for two items
    """
    check_level(level, "spearman_brown", "level")
    r = float(r)
    if not -1 < r < 1:
        raise DataError("is not an inter-item correlation", argument="r", value=r, within="spearman_brown",
                        hint="give a number strictly between -1 and 1")
    if int(n) < 4:
        raise DataError("is too few for the CI", argument="n", value=n, within="spearman_brown",
                        hint="give the number of respondents who answered both items, at least 4")
    half = stats.norm.ppf(1 - (1 - level) / 2) / np.sqrt(int(n) - 3)
    z = np.arctanh(r)
    lo, hi = np.tanh(z - half), np.tanh(z + half)

    def sb(v):
        return float(2 * v / (1 + v))

    return {"estimate": sb(r), "ci_low": sb(lo), "ci_high": sb(hi), "r": r, "n": int(n), "level": level,
            "ci_method": SPEARMAN_BROWN_CI_METHOD}


class _Block(NamedTuple):
    """Where a block of items is, for a refusal: its file, its columns and the scale they form."""
    file: str | None = None
    columns: list | None = None
    scale: str | None = None


def item_block(items, name: str, columns=None) -> _Block:
    cols = list(columns if columns is not None else items.scale_columns(name))
    return _Block(items.source, cols, f"scale '{name}' of '{items.instrument.id}'")


def two_item_sb(x: np.ndarray, level: float, where: _Block = _Block()) -> dict:
    """The Spearman–Brown columns of a keyed n × 2 block: r and n from the respondents who answered both."""
    both = x[~np.isnan(x).any(axis=1)]
    n = both.shape[0]
    if n < 4:
        raise DataError(f"only {n} respondent(s) answered both items; the Spearman–Brown CI needs at least 4",
                        file=where.file, column=where.columns, item=where.scale,
                        hint="Collect more responses, or check that missing= does not hold real answer codes.")
    r = float(np.corrcoef(both[:, 0], both[:, 1])[0, 1])
    sb = spearman_brown(r, n, level)
    return {"inter_item_r": r, "n_pairs": n, "spearman_brown": sb["estimate"],
            "spearman_brown_ci_low": sb["ci_low"], "spearman_brown_ci_high": sb["ci_high"]}


def omega_coefficients(r: np.ndarray, nfactors: int = 1) -> dict:
    """ω total and ω hierarchical of a correlation matrix, as ``psych::omega`` (minres, oblimin, SL).

    With one factor ω total is ``(V − Σu²)/V`` from the one-factor minres solution. With three or
    more factors the group factors are rotated (varimax, then oblimin), the general factor is the
    one-factor solution of their correlations Φ, and ω_h = (Σ g)² / V after psych's ``flip``
    (items with negative general loadings are reversed for V, as psych does).
    """
    k = r.shape[0]
    lam = minres(r, nfactors)
    if nfactors == 1:
        orth, g = lam, lam[:, 0]
    else:
        if nfactors < 3:
            raise DataError("is too few group factors for ω hierarchical", argument="nfactors", value=nfactors,
                            hint="give three or more (one per scale), or 1 for ω total")
        orth, _ = varimax(lam)
        fload, phi = gpf_oblique(orth, "oblimin")
        gl = minres(phi, 1)[:, 0]
        g = fload @ gl
    key = np.where(g < 0, -1.0, 1.0)
    rk = r * key[:, None] * key[None, :]
    vt = rk.sum()
    u2 = 1.0 - (orth ** 2).sum(axis=1)
    return {"omega_total": float((vt - u2.sum()) / vt), "omega_h": float((np.abs(g).sum()) ** 2 / vt),
            "flipped": [int(i) for i in np.flatnonzero(key < 0)], "n_items": k}


def _rows(x: np.ndarray, nan_policy: str) -> tuple[np.ndarray, int]:
    """The rows analysed under ``nan_policy`` and the number excluded."""
    if nan_policy == "listwise":
        keep = ~np.isnan(x).any(axis=1)
    else:
        keep = ~np.isnan(x).all(axis=1)
    return x[keep], int((~keep).sum())


def scale_stats(x: np.ndarray, nan_policy: str, level: float, want_omega: bool, where: _Block = _Block()):
    """Scale-level and item-level statistics of one keyed n × k block (psych ``alpha`` semantics);
    ``where`` names the block in refusals (:func:`item_block`)."""
    n_missing = np.isnan(x).sum(axis=0)
    x, n_excluded = _rows(x, nan_policy)
    n, k = x.shape
    if k < 2:
        raise DataError("α needs at least two items in a scale", file=where.file, column=where.columns,
                        item=where.scale, hint="Score a single item as it is, or add the scale's other items.")
    if n < 3:
        blank = " (every answer in these columns is blank or missing)" if n == 0 and n_excluded else ""
        raise DataError(f"only {n} respondent(s) with answers under nan_policy='{nan_policy}'{blank}; α needs "
                        f"at least 3.", file=where.file, column=where.columns, item=where.scale,
                        hint="Check that columns= points at the answers and that missing= does not hold real answer "
                             "codes, or collect more responses.")
    c, npair = pairwise_cov(x)
    if np.any(npair < 2) or np.any(~np.isfinite(c)):
        raise DataError("some pairs of items were never answered together; α cannot be computed pairwise",
                        file=where.file, column=where.columns, item=where.scale,
                        hint="use more respondents, or leave out the items that were shown to different people")
    sd = np.sqrt(np.diag(c))
    if np.any(sd == 0):
        raise DataError("an item has no variance (everyone gave the same answer)", file=where.file,
                        column=where.columns, item=where.scale, hint="drop it or check the data")
    r = cov2cor(c)
    core = _alpha_core(c, r)
    total = np.nanmean(x, axis=1)
    # item–total correlation, pairwise as psych (cor(total, x, use = "pairwise"))
    raw_r = correlation(np.column_stack([total, x]))[0, 1:]
    vt = r.sum()
    rc = r.copy()
    np.fill_diagonal(rc, smc(r))
    drop = []
    r_drop = np.empty(k)
    for i in range(k):
        keep = np.arange(k) != i
        drop.append(_alpha_core(c[np.ix_(keep, keep)], r[np.ix_(keep, keep)]) if k > 2 else None)
        v_drop = c[np.ix_(keep, keep)].sum()
        r_drop[i] = (c[:, i].sum() - c[i, i]) / np.sqrt(c[i, i] * v_drop)
    lo, hi = feldt_ci(core["alpha"], n, k, level)
    scale = {
        "n": n, "n_excluded": n_excluded, "n_items": k,
        "alpha": core["alpha"], "alpha_std": core["alpha_std"], "alpha_ci_low": lo, "alpha_ci_high": hi,
        "alpha_se": float(np.sqrt(core["q"] / n)), "g6": core["g6"], "average_r": core["average_r"],
        "median_r": core["median_r"], "signal_noise": core["signal_noise"],
        "mean": float(np.nanmean(total)), "sd": float(np.nanstd(total, ddof=1)),
    }
    if want_omega:
        scale["omega_total"] = omega_coefficients(correlation(x), 1)["omega_total"]
    with np.errstate(invalid="ignore"):
        item = {
            "n": (~np.isnan(x)).sum(axis=0), "n_missing": n_missing,
            "mean": np.nanmean(x, axis=0), "sd": np.nanstd(x, axis=0, ddof=1),
            "r_total": raw_r, "r_total_std": r.sum(axis=0) / np.sqrt(vt),
            "r_cor": rc.sum(axis=0) / np.sqrt(rc.sum()), "r_drop": r_drop,
        }
    if k > 2:
        item["alpha_if_deleted"] = [d["alpha"] for d in drop]
        item["alpha_std_if_deleted"] = [d["alpha_std"] for d in drop]
        item["average_r_if_deleted"] = [d["average_r"] for d in drop]
    else:  # psych's two-item case: the covariance ratio (raw) and the correlation (standardised)
        item["alpha_if_deleted"] = [c[0, 1] / c[1, 1], c[0, 1] / c[0, 0]]
        item["alpha_std_if_deleted"] = [r[0, 1]] * 2
        item["average_r_if_deleted"] = [r[0, 1]] * 2
    return scale, item, x


@renamed(ci="level")
def bootstrap_alpha(x: np.ndarray, n_boot: int, seed=None, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap CI of raw α (rows resampled; pairwise covariances, as psych ``n.iter``).

    Quantiles as R's type 7 (numpy's default). Same ``seed`` → same interval.
    """
    rng = np.random.default_rng(seed)
    n, k = x.shape
    boots = np.empty(n_boot)
    for b in range(n_boot):
        c = pairwise_cov(x[rng.integers(0, n, n)])[0]
        boots[b] = (1 - np.trace(c) / c.sum()) * (k / (k - 1))
    a = (1 - level) / 2
    lo, hi = np.quantile(boots, [a, 1 - a])
    return float(lo), float(hi)
