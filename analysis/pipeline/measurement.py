"""Measurement of every instrument of a study: reliability, item statistics and factor structure.

For each instrument the study scores, on the analysed respondents: Cronbach's α with its Feldt CI
and McDonald's ω total (:func:`analysis.reliability`), item statistics with the keying check
(:func:`analysis.item_statistics`; the keying check is :func:`analysis.psychometrics.keying.keying_check`), and a confirmatory factor analysis of the key's structure — for
2×2 goal keys, the competing 2×2, trichotomous and mastery/performance models
(:func:`analysis.compare_models`). A scale too short for a statistic gets a note, not an error.
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


def _item_options(spec: dict, missing) -> dict:
    opts = {k: v for k, v in spec.items() if k not in ("instrument", "columns", "method", "on_invalid")}
    codes = list(missing or []) + list(opts.pop("missing", None) or [])
    if codes:
        opts["missing"] = codes
    return opts


def _factors(inst) -> list[str]:
    """The scales a CFA of the key models: subscales of three or more items that do not overlap;
    a total (a scale containing another scale's items) only when there are no such subscales."""
    sets = {s: set(sc.items) for s, sc in inst.scales.items()}
    totals = {s for s, its in sets.items() if any(o != s and sets[o] < its for o in sets)}
    chosen: list[str] = []
    used: set = set()
    for group in ([s for s in sets if s not in totals], sorted(totals, key=lambda t: -len(sets[t]))):
        for s in group:
            if len(sets[s]) >= 3 and not sets[s] & used:
                chosen.append(s)
                used |= sets[s]
        if chosen:
            return chosen
    return chosen


def measure_instrument(data: pd.DataFrame, alias: str, spec: dict, missing=None) -> Measurement:
    """Reliability, item statistics and CFA of one study instrument on ``data`` (analysed rows)."""
    from ..psychometrics import cfa, compare_models, competing_models, item_statistics, reliability

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
                rel = reliability(items, scales=scales)
                stats = item_statistics(items, scales=scales).table()
        except GoalscopeError as exc:        # e.g. too few respondents: the report says so and goes on
            notes.append(f"No reliability estimates: {exc}")
    notes += sorted({str(w.message) for w in caught if "negatively" not in str(w.message)})
    keying = [w for w in rel["keying_warning"] if isinstance(w, str) and w] if "keying_warning" in rel else []
    m = Measurement(alias=alias, instrument=inst, n=len(data), reliability=rel, items=stats, notes=notes,
                    keying=keying)
    factors = _factors(inst)
    try:
        if {"mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"} <= set(inst.scales):
            mapping = dict(items.columns)
            fits = compare_models(data, competing_models(inst, mapping), instrument=inst,
                                  columns=spec.get("columns"), **opts)
            m.cfa_fit = fits = fits.table()
            best = fits.sort_values("bic").iloc[0]
            m.cfa_text = (f"Of the competing structures, the {best['model']} model had the lowest BIC "
                          f"(N = {int(best['n']) if 'n' in fits else len(data)}).")
        elif factors:
            syntax = "\n".join(f"{s} =~ " + " + ".join(str(items.columns[i]) for i in inst.scales[s].items)
                               for s in factors)
            res = cfa(data, syntax, instrument=inst, columns=spec.get("columns"), **opts)
            fit = res.fit_indices
            m.cfa_fit = pd.DataFrame([{"model": f"{len(factors)}-factor" if len(factors) > 1 else "one-factor",
                                       **{k: fit[k] for k in ("chisq", "df", "p_val", "cfi", "tli", "rmsea",
                                                              "rmsea_ci_low", "rmsea_ci_high", "srmr", "aic", "bic")
                                          if k in fit}}])
            m.cfa_text = str(res.apa())
    except GoalscopeError as exc:
        m.notes.append(f"CFA not fitted: {exc}")
    except (np.linalg.LinAlgError, FloatingPointError) as exc:
        m.notes.append(f"CFA did not converge: {exc}")
    return m
