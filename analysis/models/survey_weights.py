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

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_choice, check_level, check_numeric, show
from ..errors import DataError
from ..report.apa import Apa, apa, apa_ci, apa_num, apa_p
from ._common import Reported, as_list, check_frame, check_roles, coefficient_figure, screens_sample

__all__ = ["ReplicateDesign", "WeightedResult", "replicate_design", "weighted_correlations",
           "weighted_descriptives", "weighted_regression"]

METHODS = ("fay", "brr", "jk2")
_R_TYPE = {"fay": "Fay", "brr": "BRR", "jk2": "JK2"}


@dataclass(frozen=True)
class ReplicateDesign:
    """The weight columns of a replicate-weight design and how they give a variance.

    Made by :func:`replicate_design`; ``scale`` is c of the module's formula, ``degf`` the design's
    degrees of freedom (rank of the replicate weights − 1, as ``survey::degf``).
    """

    weight: str
    replicate_weights: tuple
    method: str
    fay_k: float
    degf: int
    pattern: str | None = None   # "W_FSTURWT{n}" when the replicate weights were given that way

    @property
    def replicates(self) -> int:
        return len(self.replicate_weights)

    @property
    def scale(self) -> float:
        if self.method == "jk2":
            return 1.0
        return 1.0 / (self.replicates * (1.0 - self.fay_k) ** 2)

    def variance(self, full: np.ndarray, replicated: np.ndarray) -> np.ndarray:
        """c · Σ_r (θ_r − θ)² for each column of ``replicated`` (one row per replicate)."""
        return self.scale * ((replicated - full) ** 2).sum(axis=0)

    def describe(self) -> str:
        """How the standard errors were computed, e.g. "80 Fay replicate weights (k = 0.5)"."""
        if self.method == "fay":
            return f"{self.replicates} Fay replicate weights (k = {self.fay_k:g})"
        if self.method == "brr":
            return f"{self.replicates} BRR replicate weights"
        return f"{self.replicates} JK2 jackknife replicate weights"

    def r_call(self, data: str = "d") -> str:
        """The equivalent ``survey::svrepdesign`` call."""
        if self.pattern is not None:
            reps = '"' + re.escape(self.pattern).replace(r"\{n\}", "[0-9]+").replace("\\", "\\\\") + '"'
        else:
            reps = f'{data}[, c({", ".join(repr(c) for c in self.replicate_weights)})]'
        rho = f", rho = {self.fay_k:g}" if self.method == "fay" else ""
        return (f"svrepdesign(data = {data}, weights = ~{self.weight}, repweights = {reps}, "
                f"type = \"{_R_TYPE[self.method]}\"{rho}, mse = TRUE)")


def _columns_of(data: pd.DataFrame, spec, what: str, name: str) -> tuple[list, str | None]:
    """Columns named by a list, or by a pattern with ``{n}`` (all matching columns, by n)."""
    if isinstance(spec, str) and "{n}" in spec:
        rx = re.compile("^" + re.escape(spec).replace(r"\{n\}", r"(\d+)") + "$")
        found = sorted(((int(m.group(1)), c) for c in map(str, data.columns) if (m := rx.match(c))))
        if not found:
            raise DataError(f"matches no column of the data (e.g. {spec.replace('{n}', '1')!r})", argument=name,
                            value=spec, within=what, hint="give the pattern of the columns or a list of them")
        return [c for _, c in found], spec
    cols = as_list(spec)
    if not cols:
        raise DataError("is empty", argument=name, value=spec, within=what,
                        hint="give a pattern such as 'W_FSTURWT{n}' or a list of columns")
    return cols, None


def _check_weights(data: pd.DataFrame, columns, what: str) -> pd.DataFrame:
    """The weight columns as floats: every cell a number ≥ 0, none missing (else the first bad cell)."""
    from ..io.readers import row_label

    values = check_numeric(data, columns, what, hint="a weight must be a number", na_tokens=False)
    for c in values.columns:
        v = values[c].to_numpy()
        bad = ~np.isfinite(v) | (v < 0)
        if bad.any():
            pos = int(bad.argmax())
            missing = bool(np.isnan(v[pos]))
            raise DataError("the weight is missing" if missing else "is not a weight",
                            file=data.attrs.get("source"), row=row_label(data, data.index[pos]), column=c,
                            value=None if missing else f"{v[pos]:g}", within=what,
                            hint="every respondent needs a final weight and replicate weights ≥ 0 (set a weight to 0 "
                                 "to leave a respondent out of the population estimates, or drop the row before the "
                                 "analysis)")
    return values


def weight_columns(data: pd.DataFrame, design: dict, plausible_values: dict | None = None) -> list[str]:
    """The columns a weighted analysis reads besides its variables: the final weight, the replicate
    weights and every plausible value (patterns resolved as :func:`replicate_design` resolves them).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models.survey_weights import weight_columns
    >>> cols = weight_columns(read_dataset("pisa_demo"), {"weight": "W_FSTUWT", "replicate_weights": "W_FSTURWT{n}"},
    ...                       {"MATH": "PV{n}MATH"})
    >>> len(cols), cols[:2], cols[-1]
    (91, ['W_FSTUWT', 'W_FSTURWT1'], 'PV10MATH')

    R has no equivalent (``svrepdesign`` takes the same pattern: ``repweights = "W_FSTURWT[0-9]+"``).
    """
    cols = [design["weight"], *_columns_of(data, design["replicate_weights"], "weights", "replicates")[0]]
    for name, spec in (plausible_values or {}).items():
        cols += _columns_of(data, spec, "plausible_values", name)[0]
    return cols


def replicate_design(data: pd.DataFrame, weight: str = "W_FSTUWT", replicate_weights="W_FSTURWT{n}",
                     method: str = "fay", fay_k: float | None = None) -> ReplicateDesign:
    """Name the final weight and the replicate weights of a survey, and how they give variances.

    Parameters
    ----------
    data : DataFrame
        The respondents, with the weight columns.
    weight : str
        The final (full-sample) weight, e.g. PISA's ``W_FSTUWT``, TIMSS's ``TOTWGT``.
    replicate_weights : str or list of str
        The replicate weights: a pattern with ``{n}`` (``"W_FSTURWT{n}"``: every column that matches,
        ordered by n) or a list of columns. They include the final weight, as PISA ships them.
    method : {"fay", "brr", "jk2"}
        ``"fay"``: Fay's balanced repeated replication (PISA), variance = Σ(θ_r − θ)² / (R (1 − k)²);
        ``"brr"``: plain BRR (k = 0), Σ(θ_r − θ)² / R; ``"jk2"``: the paired jackknife, one
        replicate per variance zone, Σ(θ_r − θ)², as survey's ``type = "JK2"``.
    fay_k : float, optional
        Fay's factor k, 0 ≤ k < 1 (default 0.5, as PISA); only with ``method="fay"``.

    Returns
    -------
    ReplicateDesign

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import replicate_design
    >>> pisa = read_dataset("pisa_demo")
    >>> design = replicate_design(pisa, weight="W_FSTUWT", replicate_weights="W_FSTURWT{n}", method="fay")
    >>> design.describe(), design.degf
    ('80 Fay replicate weights (k = 0.5)', 79)
    >>> design.r_call()
    'svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+", type = "Fay", rho = 0.5, mse = TRUE)'

    R: ``survey::svrepdesign(data = d, weights = ~W_FSTUWT, repweights = "W_FSTURWT[0-9]+",
    type = "Fay", rho = 0.5, mse = TRUE)``.
    """
    what = "replicate_design"
    data = check_frame(data, what)
    check_choice(method, METHODS, what, "method")
    if method == "fay":
        k = 0.5 if fay_k is None else fay_k
        if isinstance(k, bool) or not isinstance(k, (int, float)) or not 0 <= k < 1:
            raise DataError("is not Fay's factor", argument="fay_k", value=k, within=what,
                            hint="give a number 0 ≤ k < 1 (PISA: 0.5)")
        k = float(k)
    else:
        if fay_k is not None:
            raise DataError("applies to method='fay' only", argument="fay_k", value=fay_k, within=what,
                            hint=f"leave it out with method={method!r}")
        k = 0.0
    if not isinstance(weight, str):
        raise DataError("is not a column name", argument="weight", value=weight, within=what,
                        hint="give the final weight's column")
    reps, pattern = _columns_of(data, replicate_weights, what, "replicate_weights")
    if weight in reps:
        raise DataError("is also among the replicate weights", file=data.attrs.get("source"), column=weight, item="the final weight",
                        within=what, hint="give the replicate weights without the final weight")
    if len(reps) < 2:
        raise DataError(f"names {len(reps)} column; a variance needs at least 2", argument="replicate_weights",
                        value=replicate_weights, within=what, hint="give two or more replicate weights")
    values = _check_weights(data, [weight] + reps, what)
    degf = int(np.linalg.matrix_rank(values[reps].to_numpy())) - 1
    return ReplicateDesign(weight, tuple(reps), method, k, degf, pattern)


def _design(data, design, what) -> ReplicateDesign:
    if isinstance(design, ReplicateDesign):
        _check_weights(data, [design.weight, *design.replicate_weights], what)
        return design
    if isinstance(design, dict):
        unknown = [k for k in design if k not in ("weight", "replicate_weights", "method", "fay_k")]
        if unknown:
            raise DataError(f"has {', '.join(map(repr, unknown))}, which replicate_design does not take",
                            argument="design", value=design, within=what,
                            hint="give 'weight', 'replicate_weights', 'method' and 'fay_k'")
        return replicate_design(data, **design)
    raise DataError("is not a design", argument="design", value=design, within=what,
                    hint="give replicate_design(data, ...) or its keywords as a dict, e.g. "
                         "{'weight': 'W_FSTUWT', 'replicate_weights': 'W_FSTURWT{n}'}")


def _plausible(data, plausible_values, what) -> dict:
    """{name: [PV columns]}: the same number of values for every name, no name already a column."""
    if plausible_values is None:
        return {}
    if not isinstance(plausible_values, dict):
        raise DataError("is not a mapping", argument="plausible_values", value=plausible_values, within=what,
                        hint="give e.g. {'MATH': 'PV{n}MATH'} (the name to use, the pattern of its columns)")
    out = {}
    for name, spec in plausible_values.items():
        if name in data.columns:
            raise DataError(f"names '{name}', which is already a column of the data", argument="plausible_values",
                            value=plausible_values, within=what, hint="choose another name for the combined score")
        out[name], _ = _columns_of(data, spec, what, f"plausible_values['{name}']")
    counts = {n: len(c) for n, c in out.items()}
    if len(set(counts.values())) > 1 or min(counts.values()) < 2:
        raise DataError(f"has {', '.join(f'{n}: {k}' for n, k in counts.items())} plausible values",
                        argument="plausible_values", value=plausible_values, within=what,
                        hint="plausible values need the same number (at least 2) for every score")
    return out


class _Data:
    """The data of one analysis: the columns it uses (plausible values resolved), for each PV draw."""

    def __init__(self, data, design, pvs, columns, what):
        self.design, self.pvs, self.columns = design, pvs, list(columns)
        plain = [c for c in self.columns if c not in pvs]
        values = check_numeric(data, plain, what, hint="recode it or set it to missing", na_tokens=False)
        self._pv = {}
        for name in self.columns:
            if name in pvs:
                pv = check_numeric(data, pvs[name], what, hint="a plausible value must be a number", na_tokens=False)
                values[name] = np.where(pv.isna().any(axis=1), np.nan, 0.0)   # missing where any value is
                self._pv[name] = pv.to_numpy()
        self.values = values
        self.index = data.index
        self.w = data[design.weight].to_numpy(float)
        self.reps = data[list(design.replicate_weights)].to_numpy(float)

    def draws(self, cols) -> int:
        """M when ``cols`` hold a plausible-value score, else 1."""
        return len(next(iter(self.pvs.values()))) if any(c in self.pvs for c in cols) else 1

    def complete(self, cols) -> np.ndarray:
        return self.values[list(cols)].notna().all(axis=1).to_numpy()

    def matrix(self, cols, keep, m: int) -> np.ndarray:
        """Columns ``cols`` of the kept rows, plausible value m (0-based) for a PV score."""
        out = []
        for c in cols:
            out.append(self._pv[c][keep, m] if c in self.pvs else self.values[c].to_numpy()[keep])
        return np.column_stack(out)


def _replicated(prepare, stat, d: _Data, keep, draws: int) -> tuple[np.ndarray, np.ndarray]:
    """θ with the final weight and its replicate variance, for each plausible value draw: (M, p) each.

    ``prepare(m)`` gives the data of draw m (once), ``stat(data, w, full)`` the statistic under weights w
    (``full``: the full-sample estimate, where a replicate fit starts; None for the full sample).
    """
    ests, variances = [], []
    reps = d.reps[keep]
    for m in range(draws):
        data = prepare(m)
        full = np.atleast_1d(stat(data, d.w[keep], None))
        rep = np.array([np.atleast_1d(stat(data, reps[:, r], full)) for r in range(reps.shape[1])])
        ests.append(full)
        variances.append(d.design.variance(full, rep))
    return np.array(ests), np.array(variances)


def _rubin(ests: np.ndarray, variances: np.ndarray):
    """Rubin's rules as mitools::MIcombine (df.complete = Inf): estimate, SE, df (NaN for one draw)."""
    m = ests.shape[0]
    if m == 1:
        return ests[0], np.sqrt(variances[0]), np.full(ests.shape[1], np.nan)
    qbar = ests.mean(axis=0)
    ubar = variances.mean(axis=0)
    between = ests.var(axis=0, ddof=1)
    total = ubar + (1 + 1 / m) * between
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (1 + 1 / m) * between / ubar
        df = np.where(r > 0, (m - 1) * (1 + 1 / r) ** 2, np.inf)
    return qbar, np.sqrt(total), df


def _inference(est, se, df, level, test=True) -> dict:
    """CI (t on df, or the normal quantile where df is NaN or infinite), statistic and p."""
    est, se, df = (np.asarray(x, float) for x in (est, se, df))
    normal = ~np.isfinite(df)
    q = np.where(normal, stats.norm.ppf(0.5 + level / 2), stats.t.ppf(0.5 + level / 2, np.where(normal, 1, df)))
    out = {"estimate": est, "se": se, "ci_low": est - q * se, "ci_high": est + q * se}
    if test:
        with np.errstate(divide="ignore", invalid="ignore"):
            s = est / se
        p = np.where(normal, 2 * stats.norm.sf(np.abs(s)), 2 * stats.t.sf(np.abs(s), np.where(normal, 1, df)))
    else:
        s = p = np.full(est.shape, np.nan)
    out.update(statistic=s, df=np.where(np.isinf(df), np.nan, df), p_val=p)
    return out


def _missing_rows(d: _Data, cols) -> pd.DataFrame:
    miss = d.values[list(cols)].isna()
    bad = miss.any(axis=1).to_numpy()
    reasons = [f"missing {', '.join(map(str, miss.columns[r]))}" for r in miss.to_numpy()[bad]]
    return pd.DataFrame({"row": d.index[bad], "reason": reasons})


# --- the statistics, for weights w (one replicate) ---------------------------------------------
def _mean(x, w):
    return np.sum(w * x) / np.sum(w)


def _sd(x, w):
    n = len(x)
    return np.sqrt(n / (n - 1) * np.sum(w * (x - _mean(x, w)) ** 2) / np.sum(w))


def _r(xy, w):
    c = np.cov(xy, rowvar=False, aweights=w)
    return c[0, 1] / np.sqrt(c[0, 0] * c[1, 1])


def _wls(X, y, w):
    sw = np.sqrt(w)
    return np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]


def _logit(X, y, w, start=None):
    import statsmodels.api as sm

    # the tight tolerance matches R run with glm.control(epsilon = 1e-14) to 1e-10
    fit = sm.GLM(y, X, family=sm.families.Binomial(), var_weights=w).fit(start_params=start, tol=1e-14,
                                                                            maxiter=100)
    return fit.params


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
    design = _design(data, design, what)
    return data, design, _plausible(data, plausible_values, what), level


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
    d = _Data(data, design, pvs, list(dict.fromkeys(columns + proportions)), what)
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
            fn = _sd if q == "sd" else _mean
            est, var = _replicated(lambda m: d.matrix([c], keep, m)[:, 0], lambda v, w, _, fn=fn: fn(v, w),
                                   d, keep, d.draws([c]))
            e, se, df = _rubin(est, var)
            rows.append({"variable": c, "quantity": q, **{k: v[0] for k, v in _inference(e, se, df, level, False).items()
                                                          if k not in ("statistic", "p_val")},
                         "n": int(keep.sum()), "plausible_values": d.draws([c]) if c in pvs else 0})
    table = pd.DataFrame(rows)
    return WeightedResult("descriptives", table, design, {k: v for k, v in pvs.items() if k in d.columns}, level,
                          len(data), missing_rows=_missing_rows(d, d.columns))


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
    d = _Data(data, design, pvs, columns, what)
    rows = []
    for i, x in enumerate(columns):
        for y in columns[i + 1:]:
            keep = d.complete([x, y])
            draws = d.draws([x, y])
            est, var = _replicated(lambda m: d.matrix([x, y], keep, m), lambda xy, w, _: _r(xy, w), d, keep, draws)
            e, se, df = _rubin(est, var)
            rows.append({"x": x, "y": y, **{k: v[0] for k, v in _inference(e, se, df, level).items()},
                         "n": int(keep.sum()), "plausible_values": draws if draws > 1 else 0})
    return WeightedResult("correlations", pd.DataFrame(rows), design,
                          {k: v for k, v in pvs.items() if k in columns}, level, len(data),
                          missing_rows=_missing_rows(d, columns))


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
    d = _Data(data, design, pvs, cols, what)
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
        return _wls(*data, w) if family == "gaussian" else _logit(*data, w, start=full)

    est, var = _replicated(prepare, stat, d, keep, d.draws(cols))
    e, se, df = _rubin(est, var)
    if est.shape[0] == 1:
        df = np.full(p, design.degf + 1 - p, dtype=float)
    table = pd.DataFrame({"term": ["(Intercept)"] + x, **_inference(e, se, df, level), "n": int(keep.sum())})
    if family == "logistic":
        table["odds_ratio"] = np.exp(table["estimate"])
    excluded = _missing_rows(d, cols)
    return WeightedResult("regression" if family == "gaussian" else "logistic", table, design,
                          {k: v for k, v in pvs.items() if k in cols}, level, int(keep.sum()), outcome=y,
                          predictors=x, excluded=excluded)
