"""Measurement invariance across groups: configural → metric → scalar → strict.

Each step is a multi-group ML fit of our own estimator (:mod:`.ml`) with lavaan's ``group.equal``
constraints (semopy's multigroup fits groups separately and cannot constrain them):

=========== ===================================== ==================================
step        equal across groups                   lavaan
=========== ===================================== ==================================
configural  nothing (same pattern)                ``group.equal = ""``
metric      loadings                              ``"loadings"``
scalar      loadings, intercepts (latent means    ``c("loadings", "intercepts")``
            free in groups 2…)
strict      loadings, intercepts, residual vars   ``c(…, "residuals")``
=========== ===================================== ==================================

A step fails when fit worsens beyond the conventional cut-offs: ΔCFI < −.010 (Cheung & Rensvold,
2002) or ΔRMSEA > .015 (Chen, 2007); optionally also a significant Δχ² (``criterion="chisq"`` or
``"all"``). The ladder stops at the first failing step (later steps are not fitted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_choice
from ..errors import DataError
from ..report.apa import Apa, apa, apa_num
from .confirmatory import CFAResult, _groups, estimates_table, fit_apa_text, fit_model, resolve_model
from .syntax import build_spec

STEPS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
CRITERIA = ("fit_indices", "chisq", "all")


@dataclass
class InvarianceResult:
    """The ladder: ``table`` (one row per fitted step with fit and Δ fit), ``fits`` (step → CFAResult),
    ``level`` (the highest step that held) and the grouping."""

    table: pd.DataFrame
    fits: dict
    level: str | None
    group: str
    group_labels: list
    n: int
    n_excluded: int
    nan_policy: str = "listwise"
    cutoffs: dict = field(default_factory=dict)
    #: values set to missing while preparing an instrument's items; None for a model on plain columns
    audit: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def apa_text(self) -> str:
        t = self.table
        if self.level is None:
            return "Configural model could not be fitted."
        parts = [f"Invariance across {self.group} held up to the {self.level} level"]
        failed = t[t.decision == "fail"]
        if len(failed):
            r = failed.iloc[0]
            parts.append(f"; {r.step} invariance failed (ΔCFI = {apa_num(r.delta_cfi, 3, gt1=False)}, "
                         f"ΔRMSEA = {apa_num(r.delta_rmsea, 3, gt1=False)}, "
                         f"Δχ²({int(r.delta_df)}) = {apa_num(r.delta_chisq)})")
        return "".join(parts) + "."

    def __repr__(self) -> str:
        return f"InvarianceResult(level={self.level!r}, n={self.n})"


@apa.register
def _(res: InvarianceResult) -> Apa:
    cols = ["step", "chisq", "df", "cfi", "rmsea", "srmr", "delta_chisq", "delta_df", "p_delta",
            "delta_cfi", "delta_rmsea", "decision"]
    return Apa(statistic=res.apa_text, full_result=res.apa_text, table=res.table[cols])


def invariance(data: pd.DataFrame, model=None, group: str | None = None, *, instrument=None, columns=None,
               steps=("configural", "metric", "scalar", "strict"), criterion: str = "fit_indices",
               cfi_cut: float = 0.01, rmsea_cut: float = 0.015, alpha: float = 0.05, stop: bool = True,
               nan_policy: str = "listwise", **options) -> InvarianceResult:
    """Test configural, metric, scalar and strict invariance of a CFA model across groups.

    Parameters
    ----------
    data : DataFrame
    model : str, optional
        lavaan-style syntax or an instrument (id, path, object); as :func:`analysis.cfa`.
    group : str
        Grouping column (gender, country, team).
    instrument, columns, **options
        As :func:`analysis.cfa` (items reverse-keyed once by :func:`analysis.prepare_items`).
    steps : sequence of str
        The ladder, in order (default all four).
    criterion : {"fit_indices", "chisq", "all"}
        A step fails on ΔCFI < −cfi_cut or ΔRMSEA > rmsea_cut (``"fit_indices"``), on a Δχ² test
        with p < alpha (``"chisq"``), or on either (``"all"``).
    stop : bool
        Stop at the first failing step (default); False fits every step.
    nan_policy : {"listwise", "fiml"}
        As :func:`analysis.cfa` (listwise deletion by default).

    Returns
    -------
    InvarianceResult
        ``.table``: ``step, npar, df, chisq, p_val, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high,
        srmr, aic, bic, delta_chisq, delta_df, p_delta, delta_cfi, delta_rmsea, decision``;
        ``.level`` the highest step that held.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import invariance
    >>> rng = np.random.default_rng(5)
    >>> f = rng.normal(size=(600, 1))
    >>> x = f * [0.8, 0.7, 0.6, 0.7] + rng.normal(scale=0.6, size=(600, 4))
    >>> df = pd.DataFrame(x, columns=["y1", "y2", "y3", "y4"]).assign(g=np.repeat(["a", "b"], 300))
    >>> invariance(df, "f =~ y1 + y2 + y3 + y4", "g").level
    'strict'

    ::

        # R: for (ge in list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts",
        #    "residuals"))) fitMeasures(cfa(model, data, group = "g", group.equal = ge))
    """
    if not group:
        raise DataError("invariance needs a grouping column: group='gender'")
    if criterion not in CRITERIA:
        raise DataError(f"criterion must be one of {', '.join(CRITERIA)}, not {criterion!r}")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise DataError(f"unknown invariance step(s) {', '.join(unknown)} (use {', '.join(STEPS)})")
    text, frame, audit = resolve_model(data, model, instrument, columns, what="invariance", **options)
    observed = build_spec(text, 1).observed
    check_choice(nan_policy, ("listwise", "fiml"), "invariance", "nan_policy")
    arrays, labels, n_excluded = _groups(frame, observed, group, nan_policy, what="invariance")
    if len(arrays) < 2:
        raise DataError(f"group column '{group}' has only one group among the complete answers")
    rows, fits = [], {}
    level, prev, held = None, None, True
    for step in steps:
        spec, fitter, fi = fit_model(text, arrays, group_equal=STEPS[step], missing=nan_policy)
        if not fitter.converged:
            raise DataError(f"the {step} model did not converge; check the model and the group sizes")
        fits[step] = CFAResult(model=text, estimates=estimates_table(spec, fitter), fit_indices=fi, n=fitter.N,
                               n_excluded=n_excluded, group=group, group_labels=labels, nan_policy=nan_policy,
                               iterations=fitter.iterations, fitter=fitter, audit=audit)
        row = {"step": step, **fi[["npar", "df", "chisq", "p_val", "cfi", "tli", "rmsea", "rmsea_ci_low",
                                   "rmsea_ci_high", "srmr", "aic", "bic"]]}
        if prev is None:
            row.update(delta_chisq=np.nan, delta_df=np.nan, p_delta=np.nan, delta_cfi=np.nan,
                       delta_rmsea=np.nan, decision="baseline")
        else:
            dchi = fi["chisq"] - prev["chisq"]
            ddf = fi["df"] - prev["df"]
            p = float(stats.chi2.sf(dchi, ddf)) if ddf > 0 else np.nan
            dcfi = fi["cfi"] - prev["cfi"]
            drmsea = fi["rmsea"] - prev["rmsea"]
            bad_fit = dcfi < -cfi_cut or drmsea > rmsea_cut
            bad_chi = bool(p < alpha) if np.isfinite(p) else False
            fail = {"fit_indices": bad_fit, "chisq": bad_chi, "all": bad_fit or bad_chi}[criterion]
            row.update(delta_chisq=dchi, delta_df=ddf, p_delta=p, delta_cfi=dcfi, delta_rmsea=drmsea,
                       decision="fail" if fail else "pass")
        row["apa"] = fit_apa_text(fi)
        rows.append(row)
        held = held and row["decision"] != "fail"
        if held:
            level = step
        elif stop:
            break
        prev = fi
    table = pd.DataFrame(rows)
    table.attrs = {"group": group, "nan_policy": nan_policy, "level": level}
    return InvarianceResult(table=table, fits=fits, level=level, group=group, group_labels=labels,
                            n=int(sum(a.shape[0] for a in arrays)), n_excluded=n_excluded, nan_policy=nan_policy,
                            cutoffs={"cfi": cfi_cut, "rmsea": rmsea_cut, "alpha": alpha, "criterion": criterion},
                            audit=audit)
