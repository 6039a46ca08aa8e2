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

import numpy as np
import pandas as pd

from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num
from ..results import TableResult
from ..scoring.mapping import ItemSet, prepare_items
from .factoring import correlation
from .keying import KeyingWarning, keying_check
from .reliability_coefficients import (SPEARMAN_BROWN_CI_METHOD, bootstrap_alpha, item_block, omega_coefficients,
                                       scale_stats, two_item_sb)
from .syntax import facet_scales
from ..checks import check_choice, check_level, check_n_boot, check_seed, draw_seed
from ..deprecation import renamed

NAN_POLICIES = ("pairwise", "listwise")


# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------


def items_of(data, instrument, columns, options) -> ItemSet:
    if isinstance(data, ItemSet):
        return data
    if instrument is None:
        raise DataError("names no instrument, so the items cannot be found", argument="instrument", value=None,
                        hint="say which instrument the items belong to: instrument='agq-r' or a key file")
    return prepare_items(data, instrument, columns, **options)


def check_policy(nan_policy, what="reliability"):
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
    check_policy(nan_policy)
    check_level(level, "reliability", "level")
    if n_boot is not None:
        n_boot = check_n_boot(n_boot, "reliability")
    seed = check_seed(seed, "reliability")
    if n_boot and seed is None:
        seed = draw_seed()
    items = items_of(data, instrument, columns, options)
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
        scale, _item, x = scale_stats(items.keyed_array(name), nan_policy, level, omega and not two,
                                       item_block(items, name))
        row = {"scale": name, **scale, "nan_policy": nan_policy, "ci_method": "feldt"}
        if two:
            row.update(two_item_sb(x, level, item_block(items, name)))
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
        scale, _item, x = scale_stats(xall, nan_policy, level, False, item_block(items, "all_items", cols))
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
