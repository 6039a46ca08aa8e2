"""Measurement of every instrument of a study: reliability, item statistics and factor structure.

For each instrument the study scores, on the analysed respondents: Cronbach's α with its Feldt CI
and McDonald's ω total (:func:`analysis.reliability`) — for a two-item scale the Spearman–Brown
coefficient with its Fisher-z CI instead (:func:`analysis.psychometrics.spearman_brown`) —, item
statistics with the keying check (:func:`analysis.item_statistics`; the keying check is
:func:`analysis.psychometrics.keying.keying_check`), and a confirmatory factor analysis of the
structures the key declares (:func:`cfa_plan`: the key's scales as correlated factors; for 2×2 goal
keys the competing 2×2, trichotomous and mastery/performance models; a total over the factors as a
competing one-factor model), or a note saying why a key gets none. A scale too short for a
statistic gets a note, not an error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import GoalscopeError
from ..scoring import prepare_items

@dataclass
class Measurement:
    """What the report shows about one instrument."""

    alias: str
    instrument: object
    n: int
    reliability: pd.DataFrame
    items: pd.DataFrame
    cfa_fit: pd.DataFrame | None = None          # one row per model: chisq, df, cfi, tli, rmsea, srmr, aic, bic
    cfa_text: str = ""
    keying: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def two_item_scales(self) -> list[str]:
        """The scales of two items (reported with Spearman–Brown, not α and ω)."""
        r = self.reliability
        return [] if not len(r) else list(r.loc[r["n_items"] == 2, "scale"])

    def reliability_table(self) -> tuple[pd.DataFrame, str]:
        """The report's reliability table and its caption: α with its Feldt CI and ω for scales of
        three or more items; for two-item scales the Spearman–Brown ρ with its Fisher-z CI in place
        of α and ω (their α and ω cells are empty)."""
        r = self.reliability
        keep = [c for c in ("scale", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega_total") if c in r]
        t = r[keep].copy()
        level = round(100 * RELIABILITY_LEVEL)
        caption = f"Reliability (Feldt {level}% CI for α)"
        two = (r["n_items"] == 2).to_numpy()
        if two.any():
            t.loc[two, [c for c in ("alpha", "alpha_ci_low", "alpha_ci_high", "omega_total") if c in t]] = np.nan
            for c in ("spearman_brown", "spearman_brown_ci_low", "spearman_brown_ci_high"):
                t[c] = r[c]
            caption = (f"Reliability (Feldt {level}% CI for α). Note. Two-item scales "
                       f"({', '.join(r.loc[two, 'scale'])}) show the Spearman–Brown coefficient with a Fisher-z "
                       f"{level}% CI in place of α and ω (Eisinga, te Grotenhuis & Pelzer, 2013).")
        return t, caption

    def item_table(self) -> pd.DataFrame:
        """The item statistics the report shows; α if deleted is left empty for two-item scales (the rest
        would be a single item)."""
        it = self.items[[c for c in ("scale", "item", "mean", "sd", "n_missing", "r_drop", "alpha_if_deleted")
                         if c in self.items]].copy()
        if "alpha_if_deleted" in it:
            it.loc[it["scale"].isin(self.two_item_scales), "alpha_if_deleted"] = np.nan
        return it

    def reliabilities(self) -> dict:
        """``{scale: α}`` for the correlation table's diagonal (whose note names α): scales of three or
        more items only (not ``all_items``, which has no score column)."""
        r = self.reliability
        return {} if not len(r) else {s: a for s, a, k in zip(r["scale"], r["alpha"], r["n_items"])
                                      if k > 2 and s != "all_items"}


#: the confidence level of the reliability CIs in the study report (reliability()'s default)
RELIABILITY_LEVEL = 0.95


def _item_options(spec: dict, missing) -> dict:
    opts = {k: v for k, v in spec.items() if k not in ("instrument", "columns", "method", "on_invalid")}
    codes = list(missing or []) + list(opts.pop("missing", None) or [])
    if codes:
        opts["missing"] = codes
    return opts


def _identification(sizes: list[int]) -> tuple[int, int]:
    """(variances and covariances, free parameters) of a correlated-factors model with marker
    loadings: each factor has ``sizes[f]`` items; free are k − 1 loadings and one variance per
    factor, one residual per item and every factor covariance."""
    p, m = sum(sizes), len(sizes)
    return p * (p + 1) // 2, 2 * p + m * (m - 1) // 2


@dataclass
class CfaPlan:
    """The structures a study's CFA fits for one key (:func:`cfa_plan`), and why some are not."""

    factors: list[str]
    models: dict[str, str]               # model name -> lavaan syntax
    notes: list[str] = field(default_factory=list)


def cfa_plan(inst, columns: dict | None = None) -> CfaPlan:
    """The CFA models a key declares through its scales, or the sentence saying why there is none.

    The factors are the key's scales that are not totals of other scales
    (:func:`analysis.psychometrics.syntax.facet_scales`), have two or more items and do not share
    items with a scale chosen before them. Which models are fitted (decision table; ``p`` items,
    ``m`` factors, ``p(p + 1)/2`` variances and covariances against ``2p + m(m − 1)/2`` free
    parameters with marker loadings):

    ==========================================  =================================================
    the key                                     fitted
    ==========================================  =================================================
    no scale with two or more items             nothing: "every scale has a single item"
    one factor of two items (df < 0)            nothing: not identified (3 moments, 4 parameters)
    one factor of three items (df = 0)          nothing: just identified, tests nothing
    the four 2×2 goal scales                    2×2, trichotomous and mastery/performance models
                                                (:func:`analysis.competing_models`), compared
    two or more factors and a total over them   the factors model and the total's one-factor
                                                model, compared
    any other identified model (df > 0)         the factors model (correlated factors: two items
                                                per factor are identified when factors correlate)
    ==========================================  =================================================

    Scales left out (a single item; items shared with another factor) get a note in every row.
    """
    from ..psychometrics import competing_models
    from ..psychometrics.syntax import facet_scales

    def col(i):
        return str(columns[i]) if columns else str(i)

    notes: list[str] = []
    single = [s for s, sc in inst.scales.items() if len(sc.items) < 2]
    if single:
        notes.append(f"Scale(s) {', '.join(single)} have a single item, so they are not factors in the CFA.")
    factors, used, shared = [], set(), []
    for s in facet_scales(inst):
        its = set(inst.scales[s].items)
        if len(its) < 2:
            continue
        if its & used:
            shared.append(s)
            continue
        factors.append(s)
        used |= its
    if shared:
        notes.append(f"Scale(s) {', '.join(shared)} share items with another factor, so they are not factors "
                     f"in the CFA.")
    if not factors:
        return CfaPlan([], {}, notes + ["No CFA: every scale of the key has a single item, and a factor needs "
                                        "at least two."])
    sizes = [len(inst.scales[s].items) for s in factors]
    moments, params = _identification(sizes)
    what = (f"the one-factor model of scale {factors[0]} ({sizes[0]} items)" if len(factors) == 1 else
            f"the {len(factors)}-factor model of scales {', '.join(factors)}")
    if moments < params:
        return CfaPlan(factors, {}, notes + [
            f"No CFA: {what} is not identified ({moments} variances and covariances against {params} free "
            f"parameters); a one-factor model needs at least three items."])
    if moments == params:
        return CfaPlan(factors, {}, notes + [
            f"No CFA: {what} is just identified (df = 0: {moments} variances and covariances, {params} free "
            f"parameters), so it reproduces any data exactly and tests nothing."])
    if {"mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"} <= set(inst.scales):
        return CfaPlan(factors, competing_models(inst, columns), notes)
    name = "one-factor" if len(factors) == 1 else f"{len(factors)}-factor"
    models = {name: "\n".join(f"{s} =~ " + " + ".join(col(i) for i in inst.scales[s].items) for s in factors)}
    if len(factors) >= 2:
        totals = [s for s, sc in inst.scales.items() if s not in factors and set(sc.items) == used]
        if totals:
            models[f"one-factor ({totals[0]})"] = f"{totals[0]} =~ " + " + ".join(
                col(i) for i in inst.scales[totals[0]].items)
    return CfaPlan(factors, models, notes)


def measure_instrument(data: pd.DataFrame, alias: str, spec: dict, missing=None) -> Measurement:
    """Reliability, item statistics and CFA of one study instrument on ``data`` (analysed rows)."""
    from ..psychometrics import cfa, compare_models, item_statistics, reliability

    inst = spec["instrument"]
    opts = _item_options(spec, missing)
    opts["on_invalid"] = "missing"           # values were already checked (or audited) when scored
    items = prepare_items(data, inst, spec.get("columns"), **opts)
    notes: list[str] = []
    scales = [s for s, sc in inst.scales.items() if len(sc.items) >= 2]
    rel, stats = pd.DataFrame(), pd.DataFrame()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if scales:
                rel = reliability(items, scales=scales, level=RELIABILITY_LEVEL)
                stats = item_statistics(items, scales=scales).table()
        except GoalscopeError as exc:        # e.g. too few respondents: the report says so and goes on
            notes.append(f"No reliability estimates: {exc}")
    notes += sorted({str(w.message) for w in caught if "negatively" not in str(w.message)})
    keying = [w for w in rel["keying_warning"] if isinstance(w, str) and w] if "keying_warning" in rel else []
    m = Measurement(alias=alias, instrument=inst, n=len(data), reliability=rel, items=stats, notes=notes,
                    keying=keying)
    plan = cfa_plan(inst, dict(items.columns))
    m.notes += plan.notes
    try:
        if len(plan.models) >= 2:
            fits = compare_models(data, plan.models, instrument=inst, columns=spec.get("columns"), **opts)
            m.cfa_fit = fits = fits.table()
            best = fits.sort_values("bic").iloc[0]
            m.cfa_text = (f"Of the competing structures, the {best['model']} model had the lowest BIC "
                          f"(N = {int(best['n']) if 'n' in fits else len(data)}).")
        elif plan.models:
            (name, syntax), = plan.models.items()
            res = cfa(data, syntax, instrument=inst, columns=spec.get("columns"), **opts)
            fit = res.fit_indices
            m.cfa_fit = pd.DataFrame([{"model": name,
                                       **{k: fit[k] for k in ("chisq", "df", "p_val", "cfi", "tli", "rmsea",
                                                              "rmsea_ci_low", "rmsea_ci_high", "srmr", "aic", "bic")
                                          if k in fit}}])
            m.cfa_text = str(res.apa())
    except GoalscopeError as exc:
        m.notes.append(f"CFA not fitted: {exc}")
    except (np.linalg.LinAlgError, FloatingPointError) as exc:
        m.notes.append(f"CFA did not converge: {exc}")
    return m
