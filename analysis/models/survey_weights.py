"""Weighted statistics with replicate weights and plausible values, as the international assessments
compute them (PISA: Fay's BRR; TIMSS, PIRLS: jackknife JK2).

* A design (:func:`replicate_design`) names the final weight and the replicate weights and says how
  their spread becomes a variance. For a statistic θ, computed once with the final weight (θ) and
  once with each of the R replicate weights (θ_r),

      variance = c · Σ_r (θ_r − θ)²,   c = 1 / (R (1 − k)²) for Fay's BRR with factor k (PISA: k = 0.5,
      R = 80), c = 1 / R for plain BRR (k = 0), c = 1 for JK2,

  the sums of squares taken around the full-sample estimate (R survey's ``svrepdesign(...,
  mse = TRUE)``; the scale constants are those its documentation gives for ``type = "Fay"``,
  ``"BRR"`` and ``"JK2"``). The replicate weights already include the final weight (survey's
  ``combined.weights = TRUE``, as PISA ships them; for a file that ships only the jackknife zones,
  make the replicate columns first, as tests/reference/weights/weights.R does for its JK2 check).
* Point estimates: weighted mean, SD (√ of the weighted variance with the factor n/(n − 1), as
  ``survey::svyvar``), proportion (the weighted mean of a 0/1 column), Pearson r (``cov.wt``), linear
  regression (weighted least squares) and logistic regression (a binomial GLM with the weights as
  variance weights: the point estimates of ``svyglm(family = quasibinomial())``), from numpy and
  statsmodels. Re-estimating under each replicate weight with the formula above, and Rubin's rules
  below, are written here (the only hand-written statistics; formulas from R survey's
  ``svrepdesign`` and mitools' ``MIcombine`` documentation), because the Python survey libraries
  checked do not give them: samplics 0.6.1's ``ReplicateEstimator`` has means, totals, ratios and
  proportions only (no SD, correlation or regression; its jackknife is JK1) and its ``SurveyGLM`` is
  Taylor-linearised; svy 0.35.0 has replicate means and correlations (``variance_center="estimate"``
  equals the formula above), but its ``glm.fit`` centres the replicates on their mean (R's
  ``mse = FALSE``: 0.09699 instead of 0.09713 for ESCS in the demo's logistic model) and it has no
  Rubin's rules, so it would be a second path and a Polars/Rust dependency for part of the job.
* Plausible values (``plausible_values={"MATH": "PV{n}MATH"}``): every statistic is computed once per
  plausible value (the M analyses of ``mitools::imputationList``) and combined by Rubin's rules as
  ``mitools::MIcombine`` does: estimate = the mean over the M values; total variance = mean sampling
  variance + (1 + 1/M) × between-value variance; df = (M − 1)(1 + 1/r)², r = (1 + 1/M) × between /
  mean sampling variance (infinite when the values agree).
* Tests and intervals follow R's defaults for each statistic: descriptives and correlations of one
  data set use the normal quantile (``confint`` of a ``svystat``; ``df`` is NaN), regression
  coefficients t on ``degf(design) + 1 − p`` (``summary.svyglm``), where degf is the rank of the
  replicate weights minus 1; a result combined over plausible values uses t on Rubin's df.
* Rows missing a value an estimate needs are left out of that estimate (and listed in
  ``result.missing_rows``); a missing, negative or non-numeric weight is refused.

Reference: tests/reference/weights/weights.R (survey::svrepdesign, svymean, svyvar, svyglm,
withReplicates; mitools::MIcombine), equal to 1e-10.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import check_choice, check_level, show
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ._common import Reported, as_list, check_frame, check_roles, coefficient_figure, screens_sample
from .survey_design import ReplicateDesign, as_design, plausible_columns
from .survey_variance import SurveyData, inference, missing_rows, replicated, rubin, w_logit, w_mean, w_r, w_sd, w_wls

__all__ = ["WeightedResult", "weighted_correlations", "weighted_descriptives", "weighted_regression"]


@dataclass
class WeightedResult(Reported):
    """Weighted descriptives, correlations or regression coefficients with replicate-weight SEs.

    ``table()``: one row per statistic (descriptives: ``variable, quantity, estimate, se, ci_low,
    ci_high, df, n, plausible_values``; correlations: ``x, y, estimate, se, ci_low, ci_high,
    statistic, df, p_val, n, plausible_values``; regression: ``term, estimate, se, ci_low, ci_high,
    statistic, df, p_val, n``, logistic also ``odds_ratio``). ``df`` is NaN where the interval uses
    the normal quantile. ``summary()`` one row (analysis, n, weights, method, replicates, design df,
    plausible values); ``standard_errors`` the sentence saying how SEs were computed;
    ``missing_rows`` the rows left out of some estimate (``row, reason``).
    """

    analysis: str
    coefficients: pd.DataFrame
    design: ReplicateDesign
    plausible_values: dict
    level: float
    rows: int
    outcome: str | None = None
    predictors: list = field(default_factory=list)
    missing_rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self) -> pd.DataFrame:
        return self.coefficients.copy(deep=False)

    @property
    def n(self) -> int:
        return int(self.rows)

    @property
    def draws(self) -> int:
        return len(next(iter(self.plausible_values.values()))) if self.plausible_values else 0

    @property
    def standard_errors(self) -> str:
        """"standard errors from 80 Fay replicate weights (k = 0.5); …" (what ran, for a methods text)."""
        text = f"standard errors from {self.design.describe()}"
        if self.plausible_values:
            names = ", ".join(self.plausible_values)
            text += (f"; {self.draws} plausible values of {names} analysed one at a time and combined by "
                     f"Rubin's rules")
        return text

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{"analysis": self.analysis, "outcome": self.outcome or "", **self._sample_facts(),
                              "weight": self.design.weight, "method": self.design.method,
                              "replicates": self.design.replicates, "fay_k": self.design.fay_k,
                              "design_df": self.design.degf, "plausible_values": self.draws}])

    def _options(self) -> dict:
        return {"weight": self.design.weight, "replicate_weights": list(self.design.replicate_weights),
                "method": self.design.method, "fay_k": self.design.fay_k, "level": self.level,
                "plausible_values": {k: list(v) for k, v in self.plausible_values.items()}}

    @property
    def r_call(self) -> str:
        pv = bool(self.plausible_values)
        data = "imputationList(one data frame per plausible value)" if pv else "d"
        on = "" if pv else ", des"
        model = f"{self.outcome} ~ {' + '.join(self.predictors)}"
        run = {"descriptives": f"svymean(~x{on}, na.rm = TRUE); svyvar(~x{on}, na.rm = TRUE)",
               "correlations": f"withReplicates({'.design' if pv else 'des'}, function(w, d) "
                               f"cov.wt(d[, c(x, y)], wt = w / sum(w), cor = TRUE)$cor[1, 2])",
               "regression": f"svyglm({model}{on})",
               "logistic": f"svyglm({model}{on}, family = quasibinomial())"}[self.analysis]
        return f"des <- {self.design.r_call(data)}; " + (f"MIcombine(with(des, {run}))" if pv else run)

    def _labels(self) -> list:
        t = self.coefficients
        if self.analysis == "descriptives":
            return [f"{v} {q}" for v, q in zip(t["variable"], t["quantity"])]
        if self.analysis == "correlations":
            return [f"{x} with {y}" for x, y in zip(t["x"], t["y"])]
        return list(t["term"])

    def figure(self, path=None):
        """Each estimate with its confidence interval (regression: intercept left out)."""
        t = self.coefficients.assign(term=self._labels())
        return coefficient_figure(t, f"Weighted {self.analysis} ({self.design.describe()})", path)


@apa.register
def _(res: WeightedResult) -> Apa:
    ci = f"{round(res.level * 100)}% CI"
    rows, parts = [], []
    for label, r in zip(res._labels(), res.coefficients.itertuples(index=False)):
        gt1 = not (res.analysis == "correlations" or getattr(r, "quantity", "") == "proportion")
        est = f"{apa_num(r.estimate, gt1=gt1)}, SE = {apa_num(r.se, gt1=gt1)}, " \
              f"{apa_ci(r.ci_low, r.ci_high, gt1=gt1, level=res.level)}"
        row = {"Statistic": label, "Estimate": apa_num(r.estimate, gt1=gt1), "SE": apa_num(r.se, gt1=gt1),
               ci: f"[{apa_num(r.ci_low, gt1=gt1)}, {apa_num(r.ci_high, gt1=gt1)}]"}
        if res.analysis == "descriptives":
            parts.append(f"{label} = {est}")
        else:
            test = (f"z = {apa_num(r.statistic)}" if np.isnan(r.df)
                    else f"t({apa_num(r.df, digits=1)}) = {apa_num(r.statistic)}")
            row.update(Test=test, p=apa_p(r.p_val).replace("p ", "", 1).lstrip("= "))
            if not (res.analysis in ("regression", "logistic") and r.term == "(Intercept)"):
                parts.append(f"{label}: {'r' if res.analysis == 'correlations' else 'b'} = {est}, {test}, {apa_p(r.p_val)}")
        rows.append(row)
    what = {"descriptives": "Weighted estimates", "correlations": "Weighted correlations",
            "regression": f"Weighted regression of {res.outcome}",
            "logistic": f"Weighted logistic regression of {res.outcome}"}[res.analysis]
    full = f"{what} (N = {res.n}; {res.standard_errors}): " + "; ".join(parts) + "."
    return Apa(estimate=parts[0] if parts else "", statistic="", full_result=full, table=pd.DataFrame(rows))


#: the keywords every weighted statistic shares, stated once (``@survey_params`` puts them in place of the
#: line ``{survey_params}`` of a docstring, as analysis.psychometrics.item_matrix does)
SURVEY_PARAMS = """    design : ReplicateDesign or dict
        :func:`replicate_design`, or its keywords (``{"weight": "W_FSTUWT", "replicate_weights":
        "W_FSTURWT{n}", "method": "fay"}``).
    plausible_values : dict, optional
        ``{name: pattern or columns}``, e.g. ``{"MATH": "PV{n}MATH"}`` (PV1MATH … PV10MATH); use the
        name where a column goes. Each statistic is computed once per plausible value and the results
        are combined by Rubin's rules.
    level : float
        Confidence level."""


def survey_params(fn):
    """Put :data:`SURVEY_PARAMS` where the docstring of ``fn`` says ``{survey_params}``."""
    fn.__doc__ = fn.__doc__.replace("    {survey_params}", SURVEY_PARAMS)
    return fn


def _start(data, design, plausible_values, level, what):
    data = check_frame(data, what)
    level = check_level(level, what)
    design = as_design(data, design, what)
    return data, design, plausible_columns(data, plausible_values, what), level


@screens_sample("weighted_descriptives")
@survey_params
def weighted_descriptives(data: pd.DataFrame, columns, design, proportions=None, plausible_values=None,
                          level: float = 0.95) -> WeightedResult:
    """Weighted means and SDs (and proportions of 0/1 columns) with replicate-weight standard errors.

    Parameters
    ----------
    data : DataFrame
    columns : list of str
        Numeric columns (or plausible-value names): mean and SD of each.
    proportions : list of str, optional
        0/1 columns: the weighted share of 1s (any other value is refused).
    {survey_params}

    Returns
    -------
    WeightedResult

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import weighted_descriptives
    >>> pisa = read_dataset("pisa_demo")
    >>> res = weighted_descriptives(pisa, ["MASTGOAL", "MATH"], design={"weight": "W_FSTUWT",
    ...     "replicate_weights": "W_FSTURWT{n}", "method": "fay", "fay_k": 0.5},
    ...     proportions=["EXPECT_UNI"], plausible_values={"MATH": "PV{n}MATH"})
    >>> res.table()[["variable", "quantity", "estimate", "se"]].round(3)
         variable    quantity  estimate     se
    0    MASTGOAL        mean     0.067  0.041
    1    MASTGOAL          sd     1.024  0.032
    2        MATH        mean   459.205  4.759
    3        MATH          sd    87.062  3.253
    4  EXPECT_UNI  proportion     0.398  0.025

    R: ``des <- svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+", type = "Fay",
    rho = 0.5, mse = TRUE); svymean(~MASTGOAL, des, na.rm = TRUE)``; plausible values:
    ``MIcombine(with(svrepdesign(data = imputationList(...), ...), svymean(~MATH)))``.
    """
    what = "weighted_descriptives"
    data, design, pvs, level = _start(data, design, plausible_values, level, what)
    columns, proportions = as_list(columns), as_list(proportions)
    if not columns and not proportions:
        raise DataError("names no column", argument="columns", value=columns, within=what,
                        hint="give columns=[...] (means and SDs) or proportions=[...] (0/1 columns)")
    for c in proportions:
        if c in pvs:
            raise DataError(f"holds '{c}', which holds plausible values, not a 0/1 column", argument="proportions",
                            value=proportions, within=what, hint="give it in columns=")
    d = SurveyData(data, design, pvs, list(dict.fromkeys(columns + proportions)), what)
    for c in proportions:
        v = d.values[c]
        bad = v.notna() & ~v.isin([0, 1])
        if bad.any():
            from ..io.readers import row_label
            label = v.index[bad.to_numpy().argmax()]
            raise DataError("is not 0 or 1; a proportion needs a 0/1 column", file=data.attrs.get("source"), row=row_label(data, label),
                            column=c, value=show(data.loc[label, c]), within=what, hint="recode it first")
    rows = []
    for c, quantities in [(c, ("mean", "sd")) for c in columns] + [(c, ("proportion",)) for c in proportions]:
        keep = d.complete([c])
        for q in quantities:
            fn = w_sd if q == "sd" else w_mean
            est, var = replicated(lambda m: d.matrix([c], keep, m)[:, 0], lambda v, w, _, fn=fn: fn(v, w),
                                   d, keep, d.draws([c]))
            e, se, df = rubin(est, var)
            rows.append({"variable": c, "quantity": q, **{k: v[0] for k, v in inference(e, se, df, level, False).items()
                                                          if k not in ("statistic", "p_val")},
                         "n": int(keep.sum()), "plausible_values": d.draws([c]) if c in pvs else 0})
    table = pd.DataFrame(rows)
    return WeightedResult("descriptives", table, design, {k: v for k, v in pvs.items() if k in d.columns}, level,
                          len(data), missing_rows=missing_rows(d, d.columns))


@screens_sample("weighted_correlations")
@survey_params
def weighted_correlations(data: pd.DataFrame, columns, design, plausible_values=None,
                          level: float = 0.95) -> WeightedResult:
    """Weighted Pearson correlations of every pair of columns, with replicate-weight standard errors.

    Each pair uses the rows complete on both (pairwise). A pair with a plausible-value score is
    estimated once per plausible value and combined by Rubin's rules (t on Rubin's df); other pairs
    are tested with z = r / SE (R's normal default for a replicated statistic).

    Parameters
    ----------
    data : DataFrame
    columns : list of str
        Numeric columns or plausible-value names (at least two).
    {survey_params}

    Returns
    -------
    WeightedResult

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import weighted_correlations
    >>> pisa = read_dataset("pisa_demo")
    >>> res = weighted_correlations(pisa, ["MASTGOAL", "COMPETE", "MATH"],
    ...     design={"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}"},
    ...     plausible_values={"MATH": "PV{n}MATH"})
    >>> res.table()[["x", "y", "estimate", "se", "p_val"]].round(3)
              x        y  estimate     se  p_val
    0  MASTGOAL  COMPETE     0.368  0.039  0.000
    1  MASTGOAL     MATH     0.143  0.041  0.001
    2   COMPETE     MATH     0.057  0.044  0.203

    R: ``withReplicates(des, function(w, d) cov.wt(d[, c("MASTGOAL", "COMPETE")], wt = w, cor = TRUE)$cor[1, 2])``
    with ``des <- svrepdesign(..., type = "Fay", rho = 0.5, mse = TRUE)``; with plausible values one
    such result per value, combined by ``mitools::MIcombine``.
    """
    what = "weighted_correlations"
    data, design, pvs, level = _start(data, design, plausible_values, level, what)
    columns = list(dict.fromkeys(as_list(columns)))
    if len(columns) < 2:
        raise DataError("names fewer than two columns", argument="columns", value=columns, within=what,
                        hint="give at least two columns")
    d = SurveyData(data, design, pvs, columns, what)
    rows = []
    for i, x in enumerate(columns):
        for y in columns[i + 1:]:
            keep = d.complete([x, y])
            draws = d.draws([x, y])
            est, var = replicated(lambda m: d.matrix([x, y], keep, m), lambda xy, w, _: w_r(xy, w), d, keep, draws)
            e, se, df = rubin(est, var)
            rows.append({"x": x, "y": y, **{k: v[0] for k, v in inference(e, se, df, level).items()},
                         "n": int(keep.sum()), "plausible_values": draws if draws > 1 else 0})
    return WeightedResult("correlations", pd.DataFrame(rows), design,
                          {k: v for k, v in pvs.items() if k in columns}, level, len(data),
                          missing_rows=missing_rows(d, columns))


@screens_sample("weighted_regression")
@survey_params
def weighted_regression(data: pd.DataFrame, y: str, x, design, family: str = "gaussian",
                        plausible_values=None, level: float = 0.95) -> WeightedResult:
    """Linear or logistic regression with a final weight and replicate-weight standard errors.

    Rows missing a model column are left out (listwise, listed in ``result.excluded``). A model with a
    plausible-value score (as outcome or predictor) is fitted once per plausible value and combined
    by Rubin's rules.

    Parameters
    ----------
    data : DataFrame
    y : str
        Outcome column or plausible-value name (0/1 for ``family="logistic"``).
    x : list of str
        Predictor columns or plausible-value names.
    family : {"gaussian", "logistic"}
        Weighted least squares, or logistic regression (the point estimates of ``svyglm`` with
        ``family = quasibinomial()``).
    {survey_params}

    Returns
    -------
    WeightedResult

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import weighted_regression
    >>> pisa = read_dataset("pisa_demo")
    >>> res = weighted_regression(pisa, "MATH", ["MASTGOAL", "ESCS"],
    ...     design={"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}", "method": "fay"},
    ...     plausible_values={"MATH": "PV{n}MATH"})
    >>> res.table()[["term", "estimate", "se", "df"]].round(2)
              term  estimate    se      df
    0  (Intercept)    468.34  3.55  201.61
    1     MASTGOAL     15.11  3.16  284.85
    2         ESCS     35.71  3.29  185.04

    R: ``des <- svrepdesign(data = imputationList(...), weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+",
    type = "Fay", rho = 0.5, mse = TRUE); MIcombine(with(des, svyglm(MATH ~ MASTGOAL + ESCS)))``.
    """
    what = "weighted_regression"
    check_choice(family, ("gaussian", "logistic"), what, "family")
    data, design, pvs, level = _start(data, design, plausible_values, level, what)
    x = list(dict.fromkeys(as_list(x)))
    if not isinstance(y, str):
        raise DataError("is not a column name", argument="y", value=y, within=what, hint="give the outcome's column")
    cols = [y] + check_roles(y, x, what)
    d = SurveyData(data, design, pvs, cols, what)
    keep = d.complete(cols)
    if not keep.any():
        raise DataError("have no row with a value in every one of them", file=data.attrs.get("source"), column=cols, within=what,
                        hint="Check the columns' missing values, or leave out the emptiest column.")
    if family == "logistic":
        for m in range(d.draws([y])):
            yy = d.matrix([y], keep, m)[:, 0]
            if not np.isin(yy, [0, 1]).all():
                from ..io.readers import row_label
                label = d.index[keep][int((~np.isin(yy, [0, 1])).argmax())]
                raise DataError("is not 0 or 1; logistic regression needs a 0/1 outcome", file=data.attrs.get("source"),
                                row=row_label(data, label), column=y, value=show(yy[~np.isin(yy, [0, 1])][0]),
                                within=what, hint="recode it first")
    p = len(x) + 1

    def prepare(m):
        return np.column_stack([np.ones(int(keep.sum())), d.matrix(x, keep, m)]), d.matrix([y], keep, m)[:, 0]

    def stat(data, w, full):
        # a replicate's logistic fit starts from the full-sample estimate, as svyglm's
        return w_wls(*data, w) if family == "gaussian" else w_logit(*data, w, start=full)

    est, var = replicated(prepare, stat, d, keep, d.draws(cols))
    e, se, df = rubin(est, var)
    if est.shape[0] == 1:
        df = np.full(p, design.degf + 1 - p, dtype=float)
    table = pd.DataFrame({"term": ["(Intercept)"] + x, **inference(e, se, df, level), "n": int(keep.sum())})
    if family == "logistic":
        table["odds_ratio"] = np.exp(table["estimate"])
    excluded = missing_rows(d, cols)
    return WeightedResult("regression" if family == "gaussian" else "logistic", table, design,
                          {k: v for k, v in pvs.items() if k in cols}, level, int(keep.sum()), outcome=y,
                          predictors=x, excluded=excluded)
