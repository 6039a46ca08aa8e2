"""Competing factor structures compared on the same respondents: the structures of the
achievement-goal literature for a 2×2 instrument (:func:`competing_models`) and
:func:`compare_models`, which fits each by :func:`~analysis.psychometrics.cfa` and compares them:
fit indices, ΔAIC and ΔBIC, and the χ² difference of each model with the one above it (least
restricted first; meaningful for nested models only), as ``lavaan::anova``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_numeric, near_columns
from ..deprecation import retired_attribute
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..instruments.registry import load_instrument
from ..results import TableResult
from .confirmatory import cfa, fit_apa_text, resolve_model
from .syntax import build_spec

__all__ = ["ModelComparison", "compare_models", "competing_models"]


def competing_models(instrument, columns: dict | None = None) -> dict:
    """The competing structures of the achievement-goal literature for a 2×2 instrument.

    Returns ``{"2x2": ..., "trichotomous": ..., "mastery_performance": ...}`` as lavaan syntax: four
    factors; mastery (approach + avoidance), performance-approach and performance-avoidance; and
    mastery vs performance. The instrument needs the scales ``mastery_approach``,
    ``performance_approach``, ``mastery_avoidance`` and ``performance_avoidance``.

    Examples
    --------
    >>> from analysis import competing_models
    >>> models = competing_models("agq-r", {i: f"agq_{i}" for i in range(1, 13)})
    >>> list(models), models["2x2"].splitlines()[0]
    (['2x2', 'trichotomous', 'mastery_performance'], 'mastery_approach =~ agq_1 + agq_3 + agq_7')

    ::

        # R: the same three model strings, each fitted with lavaan::cfa(model, data)
    """
    inst = load_instrument(instrument)
    need = ["mastery_approach", "performance_approach", "mastery_avoidance", "performance_avoidance"]
    lack = [s for s in need if s not in inst.scales]
    if lack:
        raise DataError(f"lacks the 2×2 scale(s) {', '.join(lack)}", argument="instrument", value=inst.id,
                        hint="use a key with the four 2×2 scales (e.g. agq-r)")

    def items(*scales):
        return " + ".join(str(columns[i]) if columns else str(i) for s in scales for i in inst.scales[s].items)

    return {
        "2x2": "\n".join(f"{s} =~ {items(s)}" for s in need),
        "trichotomous": f"mastery =~ {items('mastery_approach', 'mastery_avoidance')}\n"
                        f"performance_approach =~ {items('performance_approach')}\n"
                        f"performance_avoidance =~ {items('performance_avoidance')}",
        "mastery_performance": f"mastery =~ {items('mastery_approach', 'mastery_avoidance')}\n"
                               f"performance =~ {items('performance_approach', 'performance_avoidance')}",
    }


class ModelComparison(TableResult):
    """Competing CFA models fitted on the same respondents (:func:`compare_models`).

    ``.fits`` (also ``.table()``): one row per model, least restricted first — ``model, npar, df,
    chisq, p_val, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr, aic, bic, apa, chisq_diff,
    df_diff, p_diff, aic_diff, bic_diff, n``; ``.results`` (model → :class:`CFAResult`);
    ``.best`` (the model with the lowest BIC). ``result["bic"]``, ``.sort_values(...)`` … act on
    the table, as the DataFrame of earlier releases did.
    """

    _table_name = "fits"

    def __init__(self, fits: pd.DataFrame, results: dict, n: int, n_excluded: int, options: dict):
        self.fits, self.results = fits, results
        self.n, self.n_excluded, self.options = int(n), int(n_excluded), dict(options)

    @property
    def best(self) -> str:
        """The model with the lowest BIC."""
        return str(self.fits.loc[self.fits["bic"].idxmin(), "model"])

    @property
    def r_call(self) -> str:
        fits = ", ".join(f"fit_{m}" for m in self.fits["model"])
        return (f'fit_<model> <- lavaan::cfa(<model>, data, estimator = "ML") for each model; '
                f"anova({fits}); sapply(list({fits}), fitMeasures, c(\"aic\", \"bic\"))")

    @property
    def attrs(self) -> dict:
        retired_attribute(self, "attrs", "n_excluded and .options")
        return {"n_excluded": self.n_excluded, "nan_policy": "listwise"}

    def summary(self) -> pd.DataFrame:
        """The comparison itself: one row per model."""
        return self.fits


@apa.register
def _apa_comparison(res: ModelComparison) -> Apa:
    t = res.fits
    best = t.loc[t["bic"].idxmin()]
    text = (f"Of {len(t)} competing models (N = {res.n}), the {best['model']} model had the lowest BIC "
            f"({best['apa']})")
    table = pd.DataFrame({
        "Model": t["model"], "χ²": [apa_num(v) for v in t["chisq"]], "df": [str(int(v)) for v in t["df"]],
        "CFI": [apa_num(v, gt1=False) for v in t["cfi"]], "TLI": [apa_num(v, gt1=False) for v in t["tli"]],
        "RMSEA": [apa_num(v, gt1=False) for v in t["rmsea"]], "SRMR": [apa_num(v, gt1=False) for v in t["srmr"]],
        "ΔBIC": [apa_num(v, 1) for v in t["bic_diff"]]})
    return Apa(estimate=text, full_result=text, table=table)


def compare_models(data: pd.DataFrame, models: dict, *, instrument=None, columns=None, **options) -> ModelComparison:
    """Fit competing models on the same respondents and compare them (lavaan ``anova`` + AIC/BIC).

    Models are sorted by df (least restricted first, as lavaan's ``anova``); each row's Δχ², Δdf and
    p compare it with the row above (meaningful for nested models only). ΔAIC and ΔBIC are relative
    to the lowest value. Rows with a missing answer on any item of any model are excluded from all
    models, so all are fitted to the same respondents.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    models : dict
        Model name → lavaan-style syntax (e.g. :func:`competing_models`).
    instrument, columns, **options
        As :func:`cfa` (items cleaned and reverse-keyed once by :func:`analysis.prepare_items`).

    Returns
    -------
    ModelComparison
        ``.table()`` one row per model (fit indices, Δχ², ΔAIC, ΔBIC), ``.results`` the fits,
        ``.best``, ``.n``, ``.n_excluded``, ``.apa()``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import compare_models, competing_models
    >>> models = competing_models("agq-r", {i: f"agq_{i}" for i in range(1, 13)})
    >>> res = compare_models(read_dataset("demo"), models, instrument="agq-r", columns="agq_{n}",
    ...                      response={"min": 1, "max": 7}, missing=[-99])
    >>> res.table()["model"].tolist(), res.n + res.n_excluded
    (['2x2', 'trichotomous', 'mastery_performance'], 400)

    ::

        # R: anova(fit_2x2, fit_trichotomous, fit_mastery_performance)
    """
    if not isinstance(models, dict) or len(models) < 2:
        raise DataError("is not two or more models", argument="models", value=models, within="compare_models",
                        hint="give at least two models as {name: lavaan syntax}")
    texts, frame = {}, None
    for name, m in models.items():
        text, frame_m, _ = resolve_model(data, m, instrument, columns, what="compare_models", **options)
        texts[name] = text
        frame = frame_m if frame is None else frame
    observed = list(dict.fromkeys(v for t in texts.values() for v in build_spec(t, 1).observed))
    missing_cols = [c for c in observed if c not in frame.columns]
    if missing_cols:
        raise DataError("are named by the models, but the data do not have them", file=frame.attrs.get("source"),
                        column=missing_cols, within="compare_models",
                        hint="Check the models' names against the file's header." + near_columns(missing_cols, frame))
    ok = check_numeric(frame, observed, "compare_models", hint="recode it or set it to missing").notna().all(axis=1)
    rows, results = [], {}
    for name, text in texts.items():
        res = cfa(frame[ok], text)
        results[name] = res
        rows.append({"model": name, **res.fit_indices[["npar", "df", "chisq", "p_val", "cfi", "tli", "rmsea",
                                                        "rmsea_ci_low", "rmsea_ci_high", "srmr", "aic", "bic"]],
                     "apa": fit_apa_text(res.fit_indices)})
    out = pd.DataFrame(rows).sort_values("df", kind="stable").reset_index(drop=True)
    out["chisq_diff"] = out["chisq"].diff()
    out["df_diff"] = out["df"].diff()
    out["p_diff"] = [np.nan if i == 0 or d <= 0 else float(stats.chi2.sf(c, d))
                     for i, (c, d) in enumerate(zip(out["chisq_diff"], out["df_diff"]))]
    out["aic_diff"] = out["aic"] - out["aic"].min()
    out["bic_diff"] = out["bic"] - out["bic"].min()
    out["n"] = int(ok.sum())
    return ModelComparison(out, results, n=int(ok.sum()), n_excluded=int((~ok).sum()),
                           options={"models": dict(texts), "instrument": getattr(instrument, "id", instrument),
                                    "columns": columns, "nan_policy": "listwise", **options})
