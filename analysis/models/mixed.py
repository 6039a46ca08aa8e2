"""Linear mixed models (statsmodels MixedLM, checked against lme4 ``lmer``).

:func:`mixed_model` fits ``formula`` with random effects per ``group`` (random intercepts by
default, random slopes through ``re_formula``) by REML (default) or ML, and returns a
:class:`MixedResult` with tidy fixed effects, lme4-style variance components and the statsmodels
fit.

Standard errors of the fixed effects are lme4's (X'V̂⁻¹X)⁻¹, not statsmodels' inverse Hessian
(see :func:`_fe_cov`). Precision: statsmodels' default L-BFGS stops while the variance components can still move in the
fifth significant digit. We start BFGS and L-BFGS, keep the better, and polish it with BFGS on a
tight gradient tolerance (see :func:`_fit`), which brings the fixed
effects to 1e-12 and the standard errors to 1e-7 of lme4's; the variance components then agree with
the closed-form REML solution to 1e-7 (balanced random-intercept case) — closer than lme4's own
BOBYQA optimum, which is off by about 2e-5 there.

Tests of fixed effects are Wald z tests, as statsmodels reports them (lme4 gives no p values), and
beside them (``result.satterthwaite``, ``ddf="satterthwaite"``, the default) t tests with
Satterthwaite degrees of freedom equal to lmerTest's (see :mod:`analysis.models.satterthwaite`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import near_columns
from ..checks import check_level
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ._common import (Fitted, Reported, check_columns, check_frame, coefficient_figure, complete_cases,
                      formula_columns, retired_attribute, screens_sample, tidy, wald_table)

__all__ = ["mixed_model", "MixedResult"]


@dataclass
class MixedResult(Fitted, Reported):
    """A fitted linear mixed model.

    Attributes
    ----------
    fixed_effects : DataFrame
        ``term, estimate, se, z, p_val, ci_low, ci_high`` (Wald z tests and CIs).
    random_effects : DataFrame
        Variance components in lme4's ``as.data.frame(VarCorr(m))`` layout: ``group, var1, var2,
        vcov, sdcor`` — one row per variance (``var2`` empty; ``sdcor`` the SD), one per covariance
        (``sdcor`` the correlation) and the residual (``group == "Residual"``).
    fit : statsmodels MixedLMResults
    n, n_groups : int
        Observations analysed and clusters (``n_obs`` and ``groups`` are the old names of ``n`` and
        ``group``: they still work for one release, with a FutureWarning).
    reml : bool
    excluded : DataFrame
        Rows left out for missing values (``row, reason``).
    satterthwaite : DataFrame or None
        ``term, estimate, se, statistic (t), df, p_val, ci_low, ci_high``: t tests with
        Satterthwaite df, as ``summary(lmerTest::lmer(...))`` (None with ``ddf=None`` or ``vc_formula``).

    ``table()`` is the fixed-effects table in the protocol's columns (``statistic`` the Wald z, ``df``
    NaN; the Satterthwaite t tests stay in ``satterthwaite``), ``summary()`` one row of the model
    (n, groups, n_excluded, logLik, AIC, BIC, ICC), ``apa()`` the APA text (``.apa().table`` the
    formatted table), ``figure(path=None)`` the fixed effects with their CIs.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import mixed_model, wide_to_long
    >>> long = wide_to_long(read_dataset("demo"), ["exam1", "exam2", "exam3"], id_column="respondent_id")
    >>> res = mixed_model(long, "score ~ time", group="respondent_id")
    >>> res.summary()[["n", "n_groups", "n_excluded"]]
          n  n_groups  n_excluded
    0  1180       400          20
    >>> res.r_call
    'lmerTest::lmer(score ~ time + (1 | respondent_id), data, REML = TRUE)'
    """

    fixed_effects: pd.DataFrame
    random_effects: pd.DataFrame
    fit: object
    formula: str
    group: str
    re_formula: str | None
    reml: bool
    n: int
    n_groups: int
    level: float
    converged: bool
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    satterthwaite: pd.DataFrame | None = None
    vc_formula: dict | None = None

    def table(self) -> pd.DataFrame:
        """Tidy fixed effects: ``term, estimate, se, statistic (z), df (NaN), p_val, ci_low, ci_high``."""
        return tidy(self.fixed_effects, "z")

    def _cov(self) -> np.ndarray:   # lme4's vcov() of the fixed effects, which the SEs use
        return _fe_cov(self.fit)

    def predict(self, data: pd.DataFrame | None = None) -> pd.Series:
        """Population-level predictions from the fixed effects alone (the random effects set to zero):
        of the analysed rows (``data=None``), or of the rows of ``data`` (the fixed-effect predictors
        only; a row with a missing predictor is predicted as missing).

        R: ``predict(fit, newdata = data, re.form = NA)`` (lme4; its default, ``re.form = NULL``, adds
        each group's predicted random effects, which this does not).
        """
        return super().predict(data)

    def summary(self) -> pd.DataFrame:
        """One row: ``formula, group, n, n_excluded, n_groups, reml, loglik, aic, bic, icc, converged``."""
        return pd.DataFrame([{"formula": self.formula, "group": self.group, **self._sample_facts(),
                              "n_groups": self.n_groups, "reml": self.reml, "loglik": self.loglik, "aic": self.aic,
                              "bic": self.bic, "icc": self.icc, "converged": self.converged}])

    def _options(self) -> dict:
        return {"re_formula": self.re_formula, "reml": self.reml, "vc_formula": self.vc_formula,
                "level": self.level, "ci_method": "wald", "ddf": "satterthwaite" if self.satterthwaite is not None else None,
                "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        slopes = self.re_formula.lstrip("~").strip() if self.re_formula else "1"   # lme4 adds the intercept
        fixed = self.formula.strip()
        return f"lmerTest::lmer({fixed} + ({slopes} | {self.group}), data, REML = {'TRUE' if self.reml else 'FALSE'})"

    def figure(self, path=None):
        """The fixed effects with their CIs (intercept left out); written to ``path`` when given."""
        return coefficient_figure(self.table(), f"Mixed model: {self.formula}", path)

    @property
    def n_obs(self) -> int:
        """Old name of :attr:`n` (works for one release, with a FutureWarning)."""
        retired_attribute(self, "n_obs", "n")
        return self.n

    @property
    def groups(self) -> str:
        """Old name of :attr:`group` (works for one release, with a FutureWarning)."""
        retired_attribute(self, "groups", "group")
        return self.group

    @property
    def loglik(self) -> float:
        """Log-likelihood (REML criterion when ``reml``), on lme4's scale."""
        return float(self.fit.llf)

    @property
    def aic(self) -> float:
        """AIC (−2 logLik + 2 k, k = fixed + covariance parameters + residual variance)."""
        return -2 * self.loglik + 2 * self._n_params

    @property
    def bic(self) -> float:
        return -2 * self.loglik + np.log(self.n) * self._n_params

    @property
    def _n_params(self) -> int:
        k_re = self.fit.model.k_re
        return int(self.fit.model.k_fe + k_re * (k_re + 1) // 2 + self.fit.model.k_vc + 1)

    @property
    def icc(self) -> float:
        """Intraclass correlation of a random-intercept model: τ₀₀ / (τ₀₀ + σ²) (NaN with slopes)."""
        re = self.random_effects
        var = re[(re.group != "Residual") & (re.var2 == "")]
        if len(var) != 1:
            return float("nan")
        tau = float(var.vcov.iloc[0])
        sigma2 = float(re.loc[re.group == "Residual", "vcov"].iloc[0])
        return tau / (tau + sigma2)


@renamed(groups="group")
@screens_sample("mixed_model")
def mixed_model(data: pd.DataFrame, formula: str, group: str, re_formula: str | None = None,
                reml: bool = True, vc_formula: dict | None = None, level: float = 0.95,
                maxiter: int = 20000, gtol: float = 1e-10, ddf: str | None = "satterthwaite") -> MixedResult:
    """Fit a linear mixed model with random effects per group.

    Parameters
    ----------
    data : DataFrame
        Long format, one row per observation.
    formula : str
        Fixed part, e.g. ``"score ~ time * mastery_approach"``.
    group : str
        Column naming the cluster (person, team); ``groups=`` is its old name (works for one
        release, with a FutureWarning).
    re_formula : str, optional
        Random part, e.g. ``"~time"`` for random intercepts and slopes of time (correlated, as
        lme4's ``(time | id)``). Default: random intercepts only.
    reml : bool
        REML (default, as lme4) or ML (for likelihood-ratio tests of fixed effects).
    vc_formula : dict, optional
        Extra variance components (statsmodels ``vc_formula``), e.g. nested classes.
    level : float
        Confidence level of the Wald CIs.
    maxiter, gtol : optimiser limits (BFGS).
    ddf : {"satterthwaite", None}
        Also report t tests with Satterthwaite df (``result.satterthwaite``, as lmerTest); not
        available with ``vc_formula``.

    Returns
    -------
    MixedResult

    Rows with a missing value on a model column are excluded and listed in ``result.excluded``.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import mixed_model, wide_to_long
    >>> long = wide_to_long(read_dataset("demo"), ["exam1", "exam2", "exam3"], id_column="respondent_id")
    >>> res = mixed_model(long, "score ~ time", group="respondent_id", re_formula="~time")
    >>> res.table().round(2)[["term", "estimate", "se"]]
            term  estimate    se
    0  Intercept     66.83  0.57
    1       time     -3.61  0.25
    >>> res.satterthwaite.round(3)[["term", "statistic", "df"]]
            term  statistic       df
    0  Intercept    117.438  412.684
    1       time    -14.683  773.368
    >>> # R: lme4::lmer(score ~ time + (time | respondent_id), long)
    >>> # R: summary(lmerTest::lmer(score ~ time + (time | respondent_id), long))  # df, t, p
    """
    check_level(level, "mixed_model")
    import statsmodels.formula.api as smf

    check_frame(data)
    if ddf not in ("satterthwaite", None):
        raise DataError("is not a ddf method; ddf must be 'satterthwaite' or None", argument="ddf", value=ddf,
                        within="mixed_model", hint="use 'satterthwaite', or None for z tests")
    if not isinstance(formula, str) or "~" not in formula:
        raise DataError("is not a formula", argument="formula", value=formula, within="mixed_model",
                        hint="write it as a string like 'y ~ x'")
    if not isinstance(group, str):
        raise DataError("is not a column name", argument="group", value=group, within="mixed_model",
                        hint="give the name of the column that holds the groups")
    check_columns(data, [group], what="mixed_model")
    cols = formula_columns(formula, data)
    lhs = formula.split("~", 1)[0].strip()
    if lhs and lhs not in data.columns and not formula_columns(lhs, data):
        raise DataError("is not in the data", file=data.attrs.get("source"), column=lhs, item="the outcome", within="mixed_model",
                        hint="Check the formula's left-hand side against the file's header." + near_columns(lhs, data))
    if re_formula:
        cols += formula_columns(re_formula, data)
    for f in (vc_formula or {}).values():
        cols += formula_columns(f, data)
    cc = complete_cases(data, cols + [group], what="mixed_model")
    d = cc.data
    if d[group].nunique() < 2:
        raise DataError("has fewer than 2 groups among complete rows", file=data.attrs.get("source"), column=group,
                        item="the group column", within="mixed_model", hint="A mixed model needs several groups.")

    model = smf.mixedlm(formula, d, groups=d[group], re_formula=re_formula, vc_formula=vc_formula)
    fit, converged = _fit(model, reml, maxiter, gtol, file=data.attrs.get("source"),
                          columns=list(dict.fromkeys(cols + [group])))
    fe = wald_table(fit.fe_params.to_numpy(), np.sqrt(np.diag(_fe_cov(fit))), df=None, level=level,
                    names=list(fit.fe_params.index), stat="z")
    sat = None
    if ddf == "satterthwaite" and not model.k_vc:
        from .satterthwaite import satterthwaite_table
        sat = satterthwaite_table(fit, reml, level)
    return MixedResult(fixed_effects=fe, random_effects=_varcorr(fit, group), fit=fit,
                       formula=formula, group=group, re_formula=re_formula, reml=reml,
                       n=int(d.shape[0]), n_groups=int(d[group].nunique()), level=level,
                       converged=converged, excluded=cc.excluded, satterthwaite=sat, vc_formula=vc_formula)


def _fit(model, reml, maxiter, gtol, *, file=None, columns=None):
    """Several starts, one polish: BFGS (tight gradient) and L-BFGS from statsmodels' default start,
    keeping the highest finite likelihood; then BFGS restarted from the best point (twice). Either
    start alone fails on some data (BFGS can stop far away on random-slope models; L-BFGS can run
    into a zero-variance boundary where the likelihood is reported as +inf), and L-BFGS alone stops
    ~1e-5 short of the optimum. ``file`` and ``columns`` (the model's columns) name the place of a
    refusal."""
    def attempt(**kw):
        try:
            f = model.fit(reml=reml, maxiter=maxiter, **kw)
        except (np.linalg.LinAlgError, ValueError):
            return None
        return f if np.isfinite(f.llf) else None

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cands = [attempt(method="bfgs", gtol=gtol), attempt(method="lbfgs")]
        cands = [c for c in cands if c is not None]
        if not cands:
            cands = [c for c in [attempt(method=["nm", "powell"])] if c is not None]
        if not cands:
            raise DataError("the model cannot be fitted (the likelihood is not finite)", file=file, column=columns,
                            within="mixed_model", hint="check for a constant outcome, too few groups or collinear "
                            "predictors, and drop a collinear predictor or a random slope")
        best = max(cands, key=lambda f: f.llf)
        for _ in range(2):
            cand = attempt(start_params=best.params_object, method="bfgs", gtol=gtol)
            if cand is not None and cand.llf >= best.llf:
                best = cand
    ok = bool(best.converged) or any(c.converged for c in cands)
    if not ok:
        warnings.warn("mixed_model: the optimiser did not converge; check the random-effects "
                      "structure (a variance near zero, too few groups)", stacklevel=3)
    return best, ok


def _fe_cov(fit) -> np.ndarray:
    """Covariance of the fixed effects as lme4's ``vcov()``: (X'V̂⁻¹X)⁻¹ at the estimates.

    statsmodels' ``bse_fe`` inverts the observed Hessian of all parameters, whose fixed × covariance
    cross terms move the SEs by ~1e-5 (relative) on unbalanced data; lme4 (and the textbook GLS
    formula) condition on the variance components. With extra variance components (``vc_formula``)
    statsmodels' own covariance is used.
    """
    m = fit.model
    k_fe = m.k_fe
    if m.k_vc:
        return np.asarray(fit.cov_params())[:k_fe, :k_fe]
    psi = np.asarray(fit.cov_re)
    xtvx = np.zeros((k_fe, k_fe))
    for X, Z in zip(m.exog_li, m.exog_re_li):
        V = Z @ psi @ Z.T + fit.scale * np.eye(X.shape[0])
        xtvx += X.T @ np.linalg.solve(V, X)
    return np.linalg.inv(xtvx)


def _varcorr(fit, group: str) -> pd.DataFrame:
    """lme4's ``as.data.frame(VarCorr(m))`` from a statsmodels fit."""
    cov = fit.cov_re
    names = ["Intercept" if n == "Group" else str(n) for n in cov.index]
    rows = []
    c = cov.to_numpy()
    sd = np.sqrt(np.clip(np.diag(c), 0, None))
    for i, n in enumerate(names):
        rows.append((group, n, "", c[i, i], sd[i]))
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            corr = c[i, j] / (sd[i] * sd[j]) if sd[i] > 0 and sd[j] > 0 else np.nan
            rows.append((group, names[i], names[j], c[i, j], corr))
    for name, v in zip(fit.model.exog_vc.names if fit.model.k_vc else [], np.atleast_1d(fit.vcomp)):
        rows.append((name, "Intercept", "", float(v), float(np.sqrt(max(v, 0)))))
    rows.append(("Residual", "", "", float(fit.scale), float(np.sqrt(fit.scale))))
    return pd.DataFrame(rows, columns=["group", "var1", "var2", "vcov", "sdcor"])


@apa.register
def _(res: MixedResult) -> Apa:
    fe = res.fixed_effects
    parts, rows = [], []
    for r in fe.itertuples(index=False):
        est = f"b = {apa_num(r.estimate)}, {apa_ci(r.ci_low, r.ci_high, level=res.level)}"
        stat = f"z = {apa_num(r.z)}, {apa_p(r.p_val)}"
        parts.append(f"{r.term}: {est}, {stat}")
        rows.append({"Term": r.term, "b": apa_num(r.estimate), "SE": apa_num(r.se),
                     f"{round(res.level * 100)}% CI": f"[{apa_num(r.ci_low)}, {apa_num(r.ci_high)}]",
                     "z": apa_num(r.z), "p": apa_p(r.p_val).replace("p = ", "").replace("p ", "")})
    re = res.random_effects
    var_txt = "; ".join(f"{'σ²' if g.group == 'Residual' else 'τ(' + g.var1 + ')'} = {apa_num(g.vcov)}"
                        for g in re.itertuples(index=False) if g.var2 == "")
    method = "REML" if res.reml else "ML"
    full = (f"Linear mixed model ({method}; {res.n} observations in {res.n_groups} groups of "
            f"'{res.group}'): " + "; ".join(parts) + f". Variance components: {var_txt}.")
    first = fe.iloc[1] if len(fe) > 1 else fe.iloc[0]
    return Apa(estimate=f"b = {apa_num(first.estimate)}, {apa_ci(first.ci_low, first.ci_high, level=res.level)}",
               statistic=f"z = {apa_num(first.z)}, {apa_p(first.p_val)}", full_result=full,
               table=pd.DataFrame(rows))
