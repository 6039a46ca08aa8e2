"""The ``analyses:`` block of a study file: declared models, run on the kept respondents.

Each entry names a model type and its columns::

    analyses:
      - {id: goal_links, type: correlations, columns: [goals_*, procr_total], padjust: holm}
      - {id: goals_procrastination, type: regression, outcome: procr_total, predictors: [goals_*]}

:func:`~analysis.pipeline.analysis_specs.parse_analyses` validates the block (errors name the study
file, the entry and the field); :func:`run_analyses` runs every entry on the analysed respondents and returns one
:class:`AnalysisOutput` per entry: the station's own result object, a tidy long table (one row per
estimate, the columns the report and ``tables/<id>.csv`` use), the APA sentence, the N and the
figure, where the model has one. The models themselves live in :mod:`analysis.models`; this module
only translates a declaration into a call and a result into a table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import near_columns
from ..errors import UNSET, GoalscopeError, StudyError
from .analysis_specs import expand_columns

#: the columns of every model table (``tables/<id>.csv``), besides the extras a model adds
MODEL_COLUMNS = ["term", "estimate", "se", "statistic", "df", "p_val", "ci_low", "ci_high"]
CORRELATION_COLUMNS = ["x", "y", "n", "r", "ci_low", "ci_high", "p_val"]


@dataclass
class AnalysisOutput:
    """One declared analysis after it ran: the station's result and what the report shows."""

    id: str
    type: str
    title: str
    spec: object
    result: object
    long: pd.DataFrame                      # tidy, one row per estimate: tables/<id>.csv
    apa: str
    n: int
    notes: list[str] = field(default_factory=list)

    def n_text(self) -> str:
        """The N of this analysis as the report prints it: ``N = 381``, or for pairwise correlations
        the range of the pairs' n (``n = 298–385, pairwise``)."""
        if self.type == "correlations" and "n" in self.long and self.long["n"].nunique() > 1:
            return f"n = {int(self.long['n'].min())}–{int(self.long['n'].max())} (pairwise)"
        return f"N = {self.n}"

    def heading(self, labels: dict | None = None) -> str:
        """The section heading, with the study's column labels."""
        return _title(self.spec, labels)

    def figure(self, labels: dict | None = None):
        """The figure of this analysis: the model's own plot where it has one (moderation: simple
        slopes; profiles: class means), a correlation grid, or estimates with their CIs."""
        from ..formatting.model_figures import coefficient_plot, correlation_plot
        # the result's own plot method (not a table's .plot, which a table-like result would hand on)
        if callable(getattr(type(self.result), "plot", None)):
            out = self.result.plot()
            return getattr(out, "figure", out)
        if self.type == "correlations":
            return correlation_plot(self.long, labels, self.heading(labels))
        if self.type == "power":
            return self.result.figure() if hasattr(self.result, "figure") else None
        if {"term", "estimate", "ci_low", "ci_high"} <= set(self.long.columns) and self.type != "profiles":
            return coefficient_plot(self.long, labels, self.heading(labels))
        return None


def _title(spec, labels: dict | None = None) -> str:
    """The heading of an analysis: its declared title, or one made from the labels of its columns."""
    if spec.title:
        return spec.title
    lab = (lambda c: (labels or {}).get(c, c))
    t = spec.type
    if t == "correlations":
        return "Correlations"
    if t == "regression":
        kind = {"gaussian": "Regression", "logistic": "Logistic regression", "poisson": "Poisson regression",
                "negative_binomial": "Negative-binomial regression"}[spec.family]
        return f"{kind} of {lab(spec.outcome)}"
    if t == "mediation":
        via = ", ".join(lab(m) for m in spec.m)
        return f"{lab(spec.x)} → {via} → {lab(spec.y)}"
    if t == "moderation":
        return f"{lab(spec.x)} × {lab(spec.w)} on {lab(spec.y)}"
    return {"setback_recovery": "Recovery after a setback", "mixed": "Mixed model", "profiles": "Goal profiles",
            "power": "Power and sample size"}[t]


def _model_long(table: pd.DataFrame, stat: str, df=None, extras=()) -> pd.DataFrame:
    """A station's coefficient table in the common columns: term, estimate, se, statistic, df, p_val, CI."""
    out = pd.DataFrame({"term": table["term"].astype(str), "estimate": table["estimate"], "se": table["se"],
                        "statistic": table[stat], "df": df if df is not None else np.nan,
                        "p_val": table["p_val"], "ci_low": table["ci_low"], "ci_high": table["ci_high"]})
    for new, old in extras:
        out[new] = table[old].to_numpy()
    return out.reset_index(drop=True)


def _apa_text(result) -> str:
    try:
        return result.apa().full_result
    except AttributeError:
        return str(result.apa())


def survey_options(study) -> dict | None:
    """The study's ``weights:`` and ``plausible_values:`` as the keywords of the weighted models, or None."""
    if study.weights is None:
        return None
    w = study.weights
    return {"design": {"weight": w.final, "replicate_weights": w.replicates, "method": w.method, "fay_k": w.fay_k},
            "plausible_values": dict(study.plausible_values) or None}


def survey_columns(survey: dict | None, data: pd.DataFrame, source: str = "study file", file=None) -> list[str]:
    """The weight and plausible-value columns a weighted study carries into its analysed data; a
    refusal names the study ``file`` and the field (``weights.replicates``, ``plausible_values.MATH``)."""
    from ..models.survey_design import weight_columns

    if survey is None:
        return []
    try:
        cols = weight_columns(data, survey["design"], survey["plausible_values"])
    except GoalscopeError as exc:          # the option's refusal, placed at the study file's field
        parts = exc.parts()
        raise StudyError(exc.problem, file=file,
                         field=".".join(str(parts[k]) for k in ("within", "argument") if k in parts) or "weights",
                         value=parts.get("value", UNSET), within=None if file else source,
                         hint=exc.hint or "Check the weight columns under 'weights:'.") from None
    missing = [c for c in cols if c not in data.columns]
    if missing:
        raise StudyError(f"column(s) {', '.join(map(repr, missing))} are not in the data", file=file,
                         field="weights", within=None if file else source,
                         hint="Name the weight columns as the export spells them." + near_columns(missing, data))
    return cols


def _refuse_unweighted(spec, options: dict) -> None:
    """With ``weights:``, an option the weighted model does not have is refused (never ignored)."""
    bad = [f"'{k}: {v}'" for k, v in options.items() if v]
    if bad:
        raise spec.refusal(f"{', '.join(bad)} {'has' if len(bad) == 1 else 'have'} no weighted version and the "
                           f"study declares 'weights:'", f"remove it (weighted {spec.type} are Pearson, pairwise, "
                           f"without adjustment; regression is gaussian or logistic, one block)")


def _run_weighted_correlations(spec, data, cols, survey):
    from ..models import weighted_correlations
    _refuse_unweighted(spec, {"method": spec.method != "pearson" and spec.method, "covar": spec.covar,
                              "padjust": spec.padjust not in (None, "none") and spec.padjust,
                              "nan_policy": spec.nan_policy != "pairwise" and spec.nan_policy})
    res = weighted_correlations(data, cols(spec.columns), level=spec.level, **survey)
    long = res.table().rename(columns={"estimate": "r"})
    return res, long[CORRELATION_COLUMNS + ["se", "df"]].reset_index(drop=True), int(long["n"].min())


def _run_weighted_regression(spec, data, cols, survey):
    from ..models import weighted_regression
    _refuse_unweighted(spec, {"steps": spec.steps, "hc3": spec.hc3,
                              "threshold": spec.threshold is not None and spec.threshold,
                              "family": spec.family not in ("gaussian", "logistic") and spec.family})
    predictors = cols(spec.predictors) + cols(spec.covar)
    if not predictors:
        raise spec.refusal("names no predictors", "give 'predictors:' (the columns that predict the outcome)")
    res = weighted_regression(data, spec.outcome, predictors, family=spec.family, level=spec.level, **survey)
    t = res.table()
    extras = [("odds_ratio", "odds_ratio")] if spec.family == "logistic" else []
    return res, _model_long(t, "statistic", df=t["df"].to_numpy(), extras=extras), int(res.n), []


def _run_correlations(spec, data, cols, seed, survey=None):
    if survey is not None:
        return _run_weighted_correlations(spec, data, cols, survey)
    from ..models import correlations
    res = correlations(data, cols(spec.columns), method=spec.method, covar=cols(spec.covar) or None,
                       padjust=None if spec.padjust in (None, "none") else spec.padjust, level=spec.level,
                       nan_policy=spec.nan_policy)
    long = res.long.copy()
    keep = CORRELATION_COLUMNS + (["p_adj"] if "p_adj" in long and long["p_adj"].notna().any() else [])
    return res, long[keep].reset_index(drop=True), int(long["n"].min())


def _run_regression(spec, data, cols, seed, survey=None):
    if survey is not None:
        return _run_weighted_regression(spec, data, cols, survey)
    from ..models import hierarchical_regression, logistic_regression, regression
    predictors = cols(spec.predictors) + cols(spec.covar)
    if spec.steps:
        blocks = [cols(b) for b in spec.steps]
        res = hierarchical_regression(data, spec.outcome, blocks, hc3=spec.hc3, level=spec.level)
        last = res.models[-1]
        long = _model_long(last.coefficients, "t", df=last.df_resid, extras=[("beta", "beta")])
        steps = res.steps
        long.attrs = {}
        return res, long, int(last.n), [f"step {int(r.step)}: ΔR² = {r.delta_r2:.3f}, F change p = {r.p_val:.3g}"
                                        for r in steps.itertuples()]
    if not predictors:
        raise spec.refusal("names no predictors", "give 'predictors:' (or 'steps:', blocks of predictors)")
    if spec.family == "gaussian":
        res = regression(data, spec.outcome, predictors, hc3=spec.hc3, level=spec.level)
        return res, _model_long(res.coefficients, "t", df=res.df_resid, extras=[("beta", "beta")]), int(res.n), []
    if spec.family == "logistic":
        res = logistic_regression(data, spec.outcome, predictors, threshold=spec.threshold, level=spec.level)
        long = _model_long(res.table(), "statistic", extras=[("odds_ratio", "odds_ratio")])
        return res, long, int(getattr(res, "n", len(data))), []
    from ..models import count_regression  # Poisson and negative binomial (equal to glm / MASS::glm.nb)
    res = count_regression(data, spec.outcome, predictors, family=spec.family, level=spec.level)
    t = res.table()
    long = t[[c for c in MODEL_COLUMNS + ["rate_ratio"] if c in t.columns]].reset_index(drop=True)
    return res, long, int(res.n), []


def _run_mediation(spec, data, cols, seed):
    from ..models import mediation, moderated_mediation
    if spec.w:
        if len(spec.m) != 1:
            raise spec.refusal("moderated mediation takes one mediator", "give one column under 'm:', or leave out "
                               "'w:' for a mediation without a moderator", name="m", value=spec.m)
        res = moderated_mediation(data, spec.x, spec.m[0], spec.y, spec.w, stage=spec.stage,
                                  covar=cols(spec.covar) or None, n_boot=spec.n_boot, seed=seed,
                                  ci_method=spec.ci_method, level=spec.level, progress=False)
    else:
        extra = {} if spec.family == "gaussian" else {"family": spec.family}
        res = mediation(data, spec.x, spec.m, spec.y, covar=cols(spec.covar) or None, serial=spec.serial,
                        n_boot=spec.n_boot, seed=seed, ci_method=spec.ci_method, level=spec.level, progress=False,
                        **extra)
    t = res.table()
    long = pd.DataFrame({"term": t[t.columns[0]].astype(str), "estimate": t["estimate"], "se": t["se"],
                         "statistic": np.nan, "df": np.nan, "p_val": t["p_val"], "ci_low": t["ci_low"],
                         "ci_high": t["ci_high"]})
    if "kind" in t:
        long["kind"] = t["kind"].to_numpy()
    return res, long.reset_index(drop=True), int(getattr(res, "n", len(data))), []


def _run_moderation(spec, data, cols, seed):
    from ..models import moderation
    res = moderation(data, spec.x, spec.w, spec.y, covar=cols(spec.covar) or None, hc3=spec.hc3, level=spec.level)
    reg = res.regression
    long = _model_long(res.coefficients, "t", df=reg.df_resid)
    slopes = res.simple_slopes
    slope_rows = pd.DataFrame({"term": "slope of " + spec.x + " at " + slopes["level"].astype(str) + " "
                               + spec.w, "estimate": slopes["estimate"], "se": slopes["se"], "statistic": slopes["t"],
                               "df": reg.df_resid, "p_val": slopes["p_val"], "ci_low": slopes["ci_low"],
                               "ci_high": slopes["ci_high"]})
    return res, pd.concat([long, slope_rows], ignore_index=True), int(reg.n), [res.jn_text] if res.jn_text else []


def _run_recovery(spec, data, cols, seed):
    from ..models import setback_recovery
    d = data.copy()
    d["_respondent"] = np.arange(len(d))
    res = setback_recovery(d, cols(spec.scores), cols(spec.predictors), id_column="_respondent",
                           covar=cols(spec.covar) or None, setback=spec.setback, level=spec.level)
    t = res.fixed_effects
    return res, _model_long(t, "z"), int(res.n), []      # persons with at least one complete occasion


def _run_mixed(spec, data, cols, seed):
    from ..models import mixed_model
    res = mixed_model(data, spec.formula, group=spec.group, re_formula=spec.re_formula, level=spec.level)
    t = res.fixed_effects
    return res, _model_long(t, "z"), int(res.n), []


def _run_profiles(spec, data, cols, seed):
    from ..models import goal_profiles
    res = goal_profiles(data, cols(spec.columns), k_max=spec.k_max, k=spec.k, seed=seed if seed is not None else 2026)
    fit = res.fit_indices
    long = fit.rename(columns={"k": "term"}).assign(term=lambda f: "k = " + f["term"].astype(str))
    return res, long.reset_index(drop=True), int(len(res.classes)), []


def _run_power(spec, data, cols, seed, constructs=None):
    from ..findings import get_finding, power_correlation, sample_size_table
    r = spec.r
    what = f"r = {r:g}" if r is not None else None
    n, whose = len(data), ""
    if spec.finding is not None:
        f = get_finding(spec.finding)
        pair = [(constructs or {}).get(c) for c in f.constructs[:2]]
        if all(c is not None and c in data.columns for c in pair):
            # the finding is tested on the respondents with both columns: that is the N whose power matters
            n = int(data[pair].notna().all(axis=1).sum())
            whose = f" (respondents with both {pair[0]} and {pair[1]})"
        value = getattr(f.effect, "value", None) if hasattr(f, "effect") else None
        if value is None:
            raise spec.refusal("has no published r (direction only), so there is no effect to plan for",
                               "give r: instead", name="finding", value=spec.finding)
        r, what = float(value), f"{spec.finding} (published r = {float(value):g})"
    if r is None:
        raise spec.refusal("names no effect to plan for", "give r: or finding:")
    need = sample_size_table(r, powers=tuple(spec.power), alpha=spec.alpha)
    here = power_correlation(r=r, n=n, alpha=spec.alpha)
    long = pd.DataFrame({"term": [f"N for {round(p * 100)}% power" for p in need["power"]] + [f"power at N = {n}"],
                         "estimate": list(need["n_required"].astype(float)) + [float(here.table()["power"].iloc[0])],
                         "se": np.nan, "statistic": np.nan, "df": np.nan, "p_val": np.nan, "ci_low": np.nan,
                         "ci_high": np.nan})
    note = f"Effect planned for: {what}; two-sided α = {spec.alpha:g}; power at N = {n}{whose} (pwr::pwr.r.test)."
    return here, long, n, [note]


#: the analysis types that run with a study's ``weights:`` (replicate-weight standard errors)
WEIGHTED_TYPES = ("correlations", "regression")
_RUNNERS = {"correlations": _run_correlations, "regression": _run_regression, "mediation": _run_mediation,
            "moderation": _run_moderation, "setback_recovery": _run_recovery, "mixed": _run_mixed,
            "profiles": _run_profiles, "power": _run_power}


def run_analysis(spec, data: pd.DataFrame, seed=None, source: str = "study file",
                 constructs: dict | None = None, survey: dict | None = None) -> AnalysisOutput:
    """Run one declared analysis on ``data`` (the analysed respondents); ``constructs`` (the study's
    ``{construct: column}``) gives a power analysis of a registered finding the N of its two columns;
    ``survey`` (:func:`survey_options`) runs correlations and regressions with the study's weights."""
    names = list(data.columns) + list((survey or {}).get("plausible_values") or {})

    def cols(which):
        return expand_columns(which, names, source, f"analysis '{spec.id}'", file=spec._file,
                              field=spec.entry_field()) if which else []

    extra = {"constructs": constructs} if spec.type == "power" else {}
    if survey is not None:
        if spec.type not in WEIGHTED_TYPES:
            raise spec.refusal(f"analysis '{spec.id}' (type {spec.type}) has no weighted version: its standard "
                               f"errors would ignore the study's 'weights:'",
                               f"with weights, declare {' or '.join(WEIGHTED_TYPES)} analyses", name="type")
        extra = {"survey": survey}
    outcome = _RUNNERS[spec.type](spec, data, cols, seed, **extra)
    res, long, n = outcome[:3]
    notes = list(outcome[3]) if len(outcome) > 3 else []
    return AnalysisOutput(id=spec.id, type=spec.type, title=_title(spec), spec=spec, result=res, long=long,
                          apa=_apa_text(res), n=n, notes=notes)


def run_analyses(specs, data: pd.DataFrame, seed=None, source: str = "study file",
                 constructs: dict | None = None, survey: dict | None = None) -> list[AnalysisOutput]:
    """Run every declared analysis, in order, on the analysed respondents."""
    return [run_analysis(s, data, seed=seed, source=source, constructs=constructs, survey=survey) for s in specs]
