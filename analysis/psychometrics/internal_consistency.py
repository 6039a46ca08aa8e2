"""Reliability per scale: Cronbach's α (raw, standardised, Feldt and bootstrap CIs), item statistics
and McDonald's ω (total; hierarchical for instruments with three or more scales).

Every number equals ``psych::alpha`` / ``psych::omega`` (psych 2.2.9) on the same keyed items; the
reference tests hold them to 1e-6 on psychTools ``bfi``. Reverse keys come from the instrument via
:func:`analysis.prepare_items` (``ItemSet.keyed_array``) — applied once, before every statistic,
with the declared response range (psych infers it from the data; on ``bfi`` both are 1–6).

Two-item scales: α and ω do not fit a scale of two items (ω's one-factor model with two
indicators is not identified), so a two-item scale gets the Spearman–Brown coefficient
ρ_SB = 2r / (1 + r) of its inter-item Pearson r, with a CI from the Fisher-z CI of r carried through
the same formula (Eisinga, te Grotenhuis & Pelzer, 2013, Int J Public Health 58, 637–642;
:func:`spearman_brown`), and ``omega_total`` stays empty. For two items ``psych::splitHalf``'s
split-half values equal ρ_SB (tests/reference/psychometrics/spearman_brown.R).

Missing answers (``nan_policy``):

* ``"pairwise"`` (psych's default ``use = "pairwise"``): covariances from pairwise-complete rows;
  item means/SDs from each item's answers; the scale total is the mean of the answered items.
  Respondents who answered none of the scale's items are excluded (counted in ``n_excluded``);
  psych keeps them in ``n`` for the Feldt CI — with no such rows (bfi) the two agree.
* ``"listwise"``: only respondents who answered every item of the scale (psych on ``na.omit(x)``).

The keying check (psych::alpha's "Some items were negatively correlated with the total scale"):
:func:`reliability` adds the columns ``negative_items`` (the items that correlate negatively with
the rest of their scale after keying) and ``keying_warning`` (which items, their item-rest r and
the declaration that would fix it), empty when the keying fits and for ``all_items`` (whose scales
may rightly correlate negatively); each warning is also issued as a ``KeyingWarning``.
:func:`item_statistics` marks the same items in ``keying_flagged``. See
:mod:`analysis.psychometrics.keying`.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..report.apa import Apa, apa, apa_ci, apa_num
from ..results import TableResult
from ..scoring.mapping import ItemSet, prepare_items
from .factoring import correlation, cov2cor, gpf_oblique, minres, pairwise_cov, smc, varimax
from .keying import KeyingWarning, keying_check
from .syntax import facet_scales
from ..checks import check_choice, check_level, check_n_boot, check_seed, draw_seed
from ..deprecation import renamed

NAN_POLICIES = ("pairwise", "listwise")


# ---------------------------------------------------------------------------------------------
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


def _block(items, name: str, columns=None) -> _Block:
    cols = list(columns if columns is not None else items.scale_columns(name))
    return _Block(items.source, cols, f"scale '{name}' of '{items.instrument.id}'")


def _two_item_sb(x: np.ndarray, level: float, where: _Block = _Block()) -> dict:
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


# ---------------------------------------------------------------------------------------------
def _rows(x: np.ndarray, nan_policy: str) -> tuple[np.ndarray, int]:
    """The rows analysed under ``nan_policy`` and the number excluded."""
    if nan_policy == "listwise":
        keep = ~np.isnan(x).any(axis=1)
    else:
        keep = ~np.isnan(x).all(axis=1)
    return x[keep], int((~keep).sum())


def _scale_stats(x: np.ndarray, nan_policy: str, level: float, want_omega: bool, where: _Block = _Block()):
    """Scale-level and item-level statistics of one keyed n × k block (psych ``alpha`` semantics);
    ``where`` names the block in refusals (:func:`_block`)."""
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


def _items_of(data, instrument, columns, options) -> ItemSet:
    if isinstance(data, ItemSet):
        return data
    if instrument is None:
        raise DataError("names no instrument, so the items cannot be found", argument="instrument", value=None,
                        hint="say which instrument the items belong to: instrument='agq-r' or a key file")
    return prepare_items(data, instrument, columns, **options)


def _check_policy(nan_policy, what="reliability"):
    check_choice(nan_policy, NAN_POLICIES, what, "nan_policy")


def _alpha_apa(a, lo, hi, level, omega=None) -> str:
    text = f"α = {apa_num(a, 2, gt1=False)}, {apa_ci(lo, hi, 2, gt1=False, level=level)}"
    if omega is not None and np.isfinite(omega):
        text += f", ω = {apa_num(omega, 2, gt1=False)}"
    return text


def _sb_apa(row, level) -> str:
    return (f"Spearman–Brown ρ = {apa_num(row.spearman_brown, 2, gt1=False)}, "
            f"{apa_ci(row.spearman_brown_ci_low, row.spearman_brown_ci_high, 2, gt1=False, level=level)} "
            f"(two items, r = {apa_num(row.inter_item_r, 2, gt1=False)}, n = {int(row.n_pairs)})")


# ---------------------------------------------------------------------------------------------
@renamed(ci="level")
def reliability(data, instrument=None, columns=None, *, nan_policy: str = "pairwise", level: float = 0.95,
                n_boot: int | None = None, seed=None, omega: bool = True, scales=None,
                **options) -> "ReliabilityResult":
    """Cronbach's α with CIs and McDonald's ω for every scale of an instrument (Spearman–Brown for two items).

    Parameters
    ----------
    data : DataFrame or ItemSet
        One row per respondent, or items already prepared by :func:`analysis.prepare_items`.
    instrument : str, Path or Instrument
        Shipped id, key file or loaded key (reverse keys and response range come from it).
    columns : str, dict, list or None
        Where the items are, as in :func:`analysis.score`.
    nan_policy : {"pairwise", "listwise"}
        Missing-answer policy (stated in the output column ``nan_policy``).
    level : float
        Confidence level of the Feldt (and bootstrap) interval (``ci=`` is its old name, which
        still works for one release with a FutureWarning).
    n_boot : int, optional
        Number of bootstrap resamples for a percentile CI of α (``alpha_boot_ci_low/high``).
    seed : int or numpy.random.Generator, optional
        Seed of the bootstrap (default None: a fresh seed is drawn, and the seed used is stated in
        ``.options["seed"]``; the interval is reproducible when you pass a seed, or that one).
    omega : bool
        Compute ω total per scale and, for instruments with three or more scales, a row
        ``all_items`` with ω total and ω hierarchical (one group factor per scale).
    scales : list of str, optional
        Only these scales.
    **options
        Dataset quirks for :func:`analysis.prepare_items` (``missing``, ``response``, ``recode``, …).

    Returns
    -------
    ReliabilityResult
        ``.estimates`` (also ``.table()``), one row per scale: ``scale, n_items, n, n_excluded,
        nan_policy, alpha, alpha_std, alpha_ci_low, alpha_ci_high, ci_method, alpha_se, g6,
        average_r, median_r, signal_noise, mean, sd, omega_total, omega_h, apa`` (+
        ``alpha_boot_ci_low, alpha_boot_ci_high``); with a two-item scale also ``inter_item_r,
        n_pairs, spearman_brown, spearman_brown_ci_low, spearman_brown_ci_high`` (Fisher-z CI, see
        :func:`spearman_brown`; ``omega_total`` is empty for two items and ``apa`` gives ρ_SB).
        ``.options`` states both interval methods (``ci_method``: Feldt for α;
        ``spearman_brown_ci_method``: ``"fisher_z"``). ``.audit``: the values set to missing.
        ``result["alpha"]``, ``.set_index(...)`` … act on ``.estimates``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import reliability
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(300, 1))
    >>> df = pd.DataFrame(np.clip(np.round(3 + f + rng.normal(size=(300, 12))), 1, 5),
    ...                   columns=[f"AGQ_{i}" for i in range(1, 13)])
    >>> res = reliability(df, "agq-r", columns="AGQ_{n}")
    >>> list(res["scale"])[:2]
    ['mastery_approach', 'performance_approach']

    The psych equivalent for one scale (pairwise, the default)::

        # R: psych::alpha(items, keys = c("A1")); psych::omega(keyed_items, nfactors = 1)$omega.tot
    """
    _check_policy(nan_policy)
    check_level(level, "reliability", "level")
    if n_boot is not None:
        n_boot = check_n_boot(n_boot, "reliability")
    seed = check_seed(seed, "reliability")
    if n_boot and seed is None:
        seed = draw_seed()
    items = _items_of(data, instrument, columns, options)
    inst = items.instrument
    names = list(inst.scales) if scales is None else list(scales)
    unknown = [s for s in names if s not in inst.scales]
    if unknown:
        raise DataError(f"names scale(s) that instrument '{inst.id}' does not have: {', '.join(unknown)}",
                        argument="scales", value=scales, hint=f"choose among {', '.join(inst.scales)}")
    rows = []
    for name in names:
        if len(inst.scales[name].items) < 2:  # α and ω are undefined for a single item: say so, go on
            rows.append({"scale": name, "n_items": 1, "nan_policy": nan_policy, "ci_method": "none"})
            continue
        two = len(inst.scales[name].items) == 2
        scale, _item, x = _scale_stats(items.keyed_array(name), nan_policy, level, omega and not two,
                                       _block(items, name))
        row = {"scale": name, **scale, "nan_policy": nan_policy, "ci_method": "feldt"}
        if two:
            row.update(_two_item_sb(x, level, _block(items, name)))
        if n_boot:
            row["alpha_boot_ci_low"], row["alpha_boot_ci_high"] = bootstrap_alpha(x, int(n_boot), seed, level)
        rows.append(row)
    multi = [s for s in facet_scales(inst, names) if len(inst.scales[s].items) >= 2]
    if omega and len(multi) >= 3:
        cols, blocks = [], []
        for s in multi:  # each item once, keyed as in its first scale
            for col, x in zip(items.scale_columns(s), items.keyed_array(s).T):
                if col not in cols:
                    cols.append(col)
                    blocks.append(x)
        xall = np.column_stack(blocks)
        scale, _item, x = _scale_stats(xall, nan_policy, level, False, _block(items, "all_items", cols))
        om = omega_coefficients(correlation(x), len(multi))
        row = {"scale": "all_items", **scale, "nan_policy": nan_policy, "ci_method": "feldt",
               "omega_total": om["omega_total"], "omega_h": om["omega_h"]}
        if n_boot:
            row["alpha_boot_ci_low"], row["alpha_boot_ci_high"] = bootstrap_alpha(x, int(n_boot), seed, level)
        rows.append(row)
    out = pd.DataFrame(rows)
    for col in ("omega_total", "omega_h"):
        if col not in out:
            out[col] = np.nan
    order = ["scale", "n_items", "n", "n_excluded", "nan_policy", "alpha", "alpha_std", "alpha_ci_low",
             "alpha_ci_high", "ci_method", "alpha_boot_ci_low", "alpha_boot_ci_high", "alpha_se", "g6",
             "average_r", "median_r", "signal_noise", "mean", "sd", "omega_total", "omega_h",
             "inter_item_r", "n_pairs", "spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]
    out = out[[c for c in order if c in out]]
    # psych::alpha's check, on the keyed items: the warning travels with the table (columns
    # negative_items, keying_warning) and is also issued as a KeyingWarning
    keying = keying_check(items, nan_policy=nan_policy, scales=names, warn=False)
    found = keying.summary().set_index("scale")
    out["negative_items"] = [found["negative_items"].get(s, "") for s in out["scale"]]
    out["keying_warning"] = [found["message"].get(s, "") for s in out["scale"]]
    for message in keying.warnings:
        warnings.warn(message, KeyingWarning, stacklevel=2)

    out["apa"] = [_sb_apa(r, level) if r.n_items == 2 else
                  _alpha_apa(r.alpha, r.alpha_ci_low, r.alpha_ci_high, level, r.omega_total) if r.n_items > 2
                  else "α not defined for a single item" for r in out.itertuples()]
    out.attrs = {"instrument": inst.id, "nan_policy": nan_policy}
    return ReliabilityResult(out, items.audit.reset_index(drop=True), n=items.n_rows(),
                             options={"nan_policy": nan_policy, "level": level, "n_boot": n_boot, "seed": seed,
                                      "omega": omega, "ci_method": "feldt",
                                      "spearman_brown_ci_method": SPEARMAN_BROWN_CI_METHOD, "scales": scales,
                                      "columns": columns, **options})


class ReliabilityResult(TableResult):
    """The :func:`reliability` table (``.estimates``, one row per scale) and the audit (``.audit``).

    The audit of values set to missing while preparing the items (``row, id, column, item, value,
    reason``) lives on the result, not in ``attrs``. The result shows its table in a notebook and
    passes ``result[...]``, ``.set_index(...)``, ``.iloc``, ``.itertuples()`` … on to
    ``.estimates`` (documented delegation); ``.table()`` returns it too. ``.summary()``: one row per
    scale (α with its CI, ω); ``.apa()``: one sentence per scale (what ``reliability_apa`` gave in
    earlier releases), with the APA table in ``.apa().table``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import reliability
    >>> rel = reliability(read_dataset("demo"), "agq-r", columns="agq_{n}", response={"min": 1, "max": 7},
    ...                   missing=[-99])
    >>> str(rel.apa()).split(";")[0]
    'mastery_approach: α = .73, 95% CI [.69, .78], ω = .74'
    >>> rel.r_call
    'psych::alpha(items, keys = reversed); psych::omega(keyed_items, nfactors = 1)$omega.tot'

    ::

        # R: psych::alpha(items, keys = reversed); psych::omega(keyed_items, nfactors = 1)$omega.tot
    """

    _table_name = "estimates"
    r_call = "psych::alpha(items, keys = reversed); psych::omega(keyed_items, nfactors = 1)$omega.tot"

    def __init__(self, estimates: pd.DataFrame, audit: pd.DataFrame, n: int, options: dict | None = None):
        self.estimates = estimates
        self.audit = audit
        self.n = n
        self.options = dict(options or {})

    @property
    def n_excluded(self) -> int:
        """Most respondents excluded from any one scale (each scale's count is in the table)."""
        col = self.estimates.get("n_excluded")
        return int(col.max()) if col is not None and col.notna().any() else 0

    def summary(self) -> pd.DataFrame:
        cols = ["scale", "n_items", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "omega_h",
                "spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"]
        return self.estimates[[c for c in cols if c in self.estimates]].copy()



def item_statistics(data, instrument=None, columns=None, *, nan_policy: str = "pairwise", scales=None,
                    **options) -> "ItemStatistics":
    """Item statistics per scale: mean, SD, missing count, item–total and item–rest r, α if deleted.

    Parameters
    ----------
    data, instrument, columns, nan_policy, scales, **options
        As :func:`reliability`.

    Returns
    -------
    ItemStatistics
        ``.items`` (also ``.table()``; ``result["r_drop"]``, ``.loc`` … act on it), one row per item: ``scale, item, item_id, reversed, n, n_missing, mean, sd, r_total,
        r_total_std, r_cor, r_drop, alpha_if_deleted, alpha_std_if_deleted, average_r_if_deleted,
        nan_policy, keying_flagged``. Means are of the keyed (reversed where the key says so)
        answers, as psych. ``keying_flagged`` marks the items the keying check names (see
        :func:`reliability`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import item_statistics
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame(rng.integers(1, 6, size=(50, 12)), columns=[f"AGQ_{i}" for i in range(1, 13)])
    >>> res = item_statistics(df, "agq-r", columns="AGQ_{n}")
    >>> res.shape[0], res.summary()["n_items"].tolist()
    (12, [3, 3, 3, 3])

    ::

        # R: psych::alpha(items, keys = c("A1"))$item.stats; $alpha.drop
    """
    _check_policy(nan_policy, "item_statistics")
    items = _items_of(data, instrument, columns, options)
    inst = items.instrument
    names = list(inst.scales) if scales is None else list(scales)
    parts = []
    for name in [s for s in names if len(inst.scales[s].items) >= 2]:
        _scale, item, _x = _scale_stats(items.keyed_array(name), nan_policy, 0.95, False, _block(items, name))
        rev = inst.reversed_in(name)
        df = pd.DataFrame(item)
        df.insert(0, "reversed", [i in rev for i in inst.scales[name].items])
        df.insert(0, "item_id", list(inst.scales[name].items))   # the key's ids as they are (numbers stay numbers)
        df.insert(0, "item", items.scale_columns(name))
        df.insert(0, "scale", name)
        df["nan_policy"] = nan_policy
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    keying = keying_check(items, nan_policy=nan_policy, scales=[s for s in names if len(inst.scales[s].items) >= 2],
                          warn=False).table()
    out["keying_flagged"] = keying["flagged"].to_numpy(bool)
    out.attrs = {"instrument": inst.id, "nan_policy": nan_policy}
    return ItemStatistics(out, items.audit.reset_index(drop=True), n=items.n_rows(),
                          options={"instrument": inst.id, "nan_policy": nan_policy, "scales": scales, "columns": columns,
                                   **options})


class ItemStatistics(TableResult):
    """The :func:`item_statistics` table (``.items``, one row per item) and the audit (``.audit``).

    ``.summary()``: one row per scale (``scale, n_items, n, n_flagged, r_drop_min, r_drop_max,
    mean_r_drop``);
    ``.apa()``: the item-rest correlations in words. As a :class:`~analysis.results.TableResult` it
    shows its table and passes ``result["r_drop"]``, ``.loc``, ``.round(...)`` … on to ``.items``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import item_statistics
    >>> res = item_statistics(read_dataset("demo"), "agq-r", columns="agq_{n}", response={"min": 1, "max": 7},
    ...                       missing=[-99])
    >>> res.table()[["scale", "item"]].iloc[0].tolist(), res.n
    (['mastery_approach', 'agq_1'], 400)

    ::

        # R: psych::alpha(items, keys = reversed)$item.stats; psych::alpha(...)$alpha.drop
    """

    _table_name = "items"
    r_call = "psych::alpha(items, keys = reversed)$item.stats; psych::alpha(items, keys = reversed)$alpha.drop"

    def __init__(self, items: pd.DataFrame, audit: pd.DataFrame, n: int, options: dict | None = None):
        self.items, self.audit, self.n = items, audit, int(n)
        self.options = dict(options or {})

    def summary(self) -> pd.DataFrame:
        t = self.items
        g = t.groupby("scale", sort=False)
        return pd.DataFrame({"scale": list(g.groups), "n_items": g.size().to_numpy(), "n": g["n"].max().to_numpy(),
                             "n_flagged": g["keying_flagged"].sum().to_numpy(int),
                             "r_drop_min": g["r_drop"].min().to_numpy(), "r_drop_max": g["r_drop"].max().to_numpy(),
                             "mean_r_drop": g["r_drop"].mean().to_numpy()})


@apa.register
def _apa_items(res: ItemStatistics) -> Apa:
    parts = [f"{r.scale}: item-rest r from {apa_num(r.r_drop_min, 2, gt1=False)} to "
             f"{apa_num(r.r_drop_max, 2, gt1=False)} (mean "
             f"{apa_num(r.mean_r_drop, 2, gt1=False)}, {r.n_items} items)" for r in res.summary().itertuples()]
    text = "; ".join(parts)
    t = res.items
    table = pd.DataFrame({"Scale": t["scale"], "Item": t["item"], "M": [apa_num(v) for v in t["mean"]],
                          "SD": [apa_num(v) for v in t["sd"]],
                          "Item-rest r": [apa_num(v, gt1=False) for v in t["r_drop"]],
                          "α if deleted": [apa_num(v, gt1=False) for v in t["alpha_if_deleted"]]})
    return Apa(estimate=text, full_result=text, table=table)




def _reliability_apa(table: pd.DataFrame) -> Apa:
    text = "; ".join(f"{r.scale}: {r.apa}" for r in table.itertuples())
    cols = [c for c in ("scale", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total", "omega_h",
                        "spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high") if c in table]
    t = table[cols]
    fmt = pd.DataFrame({"Scale": t["scale"], "N": ["—" if pd.isna(v) else str(int(v)) for v in t.get("n", [])]})
    for c, name in [("alpha", "α"), ("alpha_ci_low", "α CI low"), ("alpha_ci_high", "α CI high"),
                    ("omega_total", "ω total"), ("omega_h", "ω h"), ("spearman_brown", "ρ SB"),
                    ("spearman_brown_ci_low", "ρ SB CI low"), ("spearman_brown_ci_high", "ρ SB CI high")]:
        if c in t:
            fmt[name] = ["—" if pd.isna(v) else apa_num(v, 2, gt1=False) for v in t[c]]
    return Apa(estimate=text, full_result=text, table=fmt)


def reliability_apa(table) -> Apa:
    """Deprecated: use ``reliability(...).apa()`` (works for one release, with a FutureWarning).

    Examples
    --------
    >>> import warnings
    >>> from analysis.datasets import read_dataset
    >>> from analysis import reliability
    >>> rel = reliability(read_dataset("demo"), "agq-r", columns="agq_{n}", response={"min": 1, "max": 7},
    ...                   missing=[-99])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", FutureWarning)
    ...     old = reliability_apa(rel)
    >>> old == rel.apa()
    True

    ::

        # R: psych::alpha(items, keys = reversed)   (and papaja-style text from its numbers)
    """
    warnings.warn("reliability_apa(...) is replaced by reliability(...).apa(); the old function stops working in "
                  "the next release", FutureWarning, stacklevel=2)
    if isinstance(table, ReliabilityResult):
        table = table.estimates
    return _reliability_apa(table)


@apa.register
def _apa_reliability(result: ReliabilityResult) -> Apa:
    return _reliability_apa(result.estimates)
