"""A study's instruments: each key with the study's ``method`` and ``min_valid`` applied, the rule
used per scale, the specs :func:`analysis.careless` takes, the measure of each construct, and the
scoring and screening of the study's data (see :mod:`.walk` for the whole run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import audit_table, with_instrument
from ..errors import GoalscopeError, StudyError
from ..scoring import prepare_items, score_items
from .schema import _SAME_METRIC, InstrumentUse, Study, study_error, study_key

__all__ = ["construct_measures", "instrument_specs", "score_study", "scoring_key", "scoring_rules", "screen_study"]


def _per_scale(value, inst, what: str, alias: str, study: Study) -> dict:
    """``value`` for every scale (a single value) or as given (``{scale: value}``), checked against the key."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return {name: value for name in inst.scales}
    unknown = [str(s) for s in value if s not in inst.scales]
    if unknown:
        raise StudyError(f"names scale(s) {', '.join(unknown)}, which key '{inst.id}' does not have (scales: "
                         f"{', '.join(inst.scales)})", file=study.path, field=f"instruments.{alias}.{what}",
                         hint="name the key's scales only")
    return dict(value)


def scoring_key(study: Study, alias: str, use: InstrumentUse | None = None):
    """The key of one study instrument with the study's ``method`` and ``min_valid`` applied."""
    use = use or study.instruments[alias]
    inst = study_key(study, use)
    methods = _per_scale(use.method, inst, "method", alias, study)
    counts = _per_scale(use.min_valid, inst, "min_valid", alias, study)
    if not methods and not counts:
        return inst
    scales = dict(inst.scales)
    for name, method in methods.items():
        s = scales[name]
        if method == s.method:
            continue
        field = f"instruments.{alias}.method" + (f".{name}" if isinstance(use.method, dict) else "")
        if s.bands and _SAME_METRIC[method] != _SAME_METRIC[s.method]:
            raise StudyError(
                f"scale '{name}': method {method} would put the score on another metric than the key's severity "
                f"bands (set for {s.method})", file=study.path, field=field,
                hint="use " + ("sum or prorated_sum" if _SAME_METRIC[s.method] == "sum" else s.method)
                     + " for this scale")
        if method == "scaled_sum":
            raise StudyError(f"scale '{name}': method scaled_sum needs the key's multiplier", file=study.path,
                             field=field, hint="set it in the key file instead")
        scales[name] = s.model_copy(update={"method": method, "multiplier": 1.0})
    inst = inst.model_copy(update={"scales": scales})
    for name, count in counts.items():
        try:
            inst = inst.with_min_valid({name: count})
        except GoalscopeError as exc:      # the key's refusal of the count, placed in the study file
            field = f"instruments.{alias}.min_valid" + (f".{name}" if isinstance(use.min_valid, dict) else "")
            raise StudyError(f"{exc.problem} ({exc.within})", file=study.path, field=field, value=count,
                             hint=exc.hint) from None
    return inst


def scoring_rules(study: Study, alias: str) -> pd.DataFrame:
    """One row per scale: the ``method`` and ``min_valid`` used and where each came from (key or study file)."""
    use = study.instruments[alias]
    key, used = study_key(study, use), scoring_key(study, alias)
    rows = []
    for name, s in used.scales.items():
        k = key.scales[name]
        from_study = s.method != k.method or s.n_required != k.n_required
        rows.append({"instrument": alias, "scale": name, "method": s.method, "min_valid": s.n_required,
                     "n_items": len(s.items), "rule_from": "study file" if from_study else "key"})
    return pd.DataFrame(rows)


def instrument_specs(study: Study) -> dict:
    """``{alias: {instrument, columns, quirks…}}`` of a study, as :func:`analysis.careless` takes them."""
    specs = {}
    for alias, use in study.instruments.items():
        spec = use.model_dump(exclude_none=True)
        spec.pop("method", None)      # applied to the key below, with min_valid
        spec.pop("min_valid", None)
        spec["instrument"] = scoring_key(study, alias, use)
        if not spec.get("anchors_reversed"):
            spec.pop("anchors_reversed", None)
        specs[alias] = spec
    return specs


def construct_measures(study: Study, specs: dict) -> dict:
    """``{construct: kind of measure}``: the study file's ``measures:``, else the default its instrument key
    gives the scale mapped to the construct (``measure:`` of a scale); constructs with neither are left out."""
    defaults = {f"{alias}_{name}": scale.measure for alias, spec in specs.items()
                for name, scale in spec["instrument"].scales.items() if scale.measure}
    out = {c: defaults[col] for c, col in study.constructs.items() if col in defaults}
    return out | dict(study.measures)


def screen_study(study: Study, data: pd.DataFrame):
    """Careless-responding indices and the study's exclusion rules (``screening:``), or None."""
    from ..io.readers import QUALTRICS_NOT_RESPONDENTS, qualtrics_response_type
    from ..screening import parse_rules, screen

    kinds = qualtrics_response_type(data) if data.attrs.get("qualtrics") else None
    not_respondents = kinds is not None and bool(kinds.isin(QUALTRICS_NOT_RESPONDENTS).any())
    if not study.screening and not not_respondents:
        return None
    rules = parse_rules(study.screening or {}, source=f"study file '{study.path}', screening",
                        file=study.path, field="screening")
    if not_respondents and not any(r.rule == "response_type" for r in rules):
        # previews, tests and spam are not respondents: flagged first and shown in the flow, never scored silently
        rules = parse_rules({"response_type": {}}) + rules
    # seed 0: careless's NA resampling as before its default became None (numbers unchanged, runs repeat)
    return screen(data, instrument_specs(study), rules=rules, id_column=study.id, seed=0,
                  missing=list(study.missing_codes) or None, on_invalid=study.on_invalid)


def score_study(study: Study, data: pd.DataFrame, items_out: dict | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Score every instrument of a study: (scores, audit, missing summary), one row per input row.
    ``items_out``, if given, receives ``{alias: ItemSet}`` (for the keying check)."""
    blocks, audits, missing_rows = [], [], []
    for alias, use in study.instruments.items():
        codes = list(study.missing_codes) + list(use.missing or [])
        try:
            instrument = scoring_key(study, alias, use)
            items = prepare_items(
                data, instrument, use.columns, missing=codes or None, labels=use.labels, recode=use.recode,
                response=use.response, reversed_in_file=use.reversed_in_file,
                anchors_reversed=use.anchors_reversed,
                on_invalid=use.on_invalid or study.on_invalid, id_column=study.id,
            )
        except StudyError:
            raise
        except GoalscopeError as exc:
            raise study_error(exc, study.name, alias) from None
        if items_out is not None:
            items_out[alias] = items
        scored = score_items(items)
        scored.columns = [f"{alias}_{c}" for c in scored.columns]
        blocks.append(scored)
        if len(items.audit):
            audits.append(with_instrument(items.audit, alias))
        rules = scoring_rules(study, alias).set_index("scale")
        for name in items.instrument.scales:
            col = scored[f"{alias}_{name}"]
            nv = scored[f"{alias}_{name}_n_valid"]
            k = len(items.instrument.scales[name].items)
            missing_rows.append({
                "instrument": alias, "scale": name, "n_items": k, "n": int(col.notna().sum()),
                "n_missing_score": int(col.isna().sum()),
                "n_complete": int((nv == k).sum()),
                "pct_items_missing": round(100 * float(1 - nv.sum() / (k * len(nv))), 2) if len(nv) else np.nan,
                "method": rules.at[name, "method"], "min_valid": int(rules.at[name, "min_valid"]),
                "rule_from": rules.at[name, "rule_from"],
            })
    scores = pd.concat(blocks, axis=1)
    audit = audit_table(audits, instrument=True)
    return scores, audit, pd.DataFrame(missing_rows)
