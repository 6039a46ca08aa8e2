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

from ..deprecation import retired_attribute
from ..checks import check_choice
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..results import Result
from .confirmatory import CFAResult, _groups, estimates_table, fit_apa_text, fit_model, resolve_model
from .syntax import build_spec

STEPS = {
    "configural": (),
    "metric": ("loadings",),
    "scalar": ("loadings", "intercepts"),
    "strict": ("loadings", "intercepts", "residuals"),
}
CRITERIA = ("fit_indices", "chisq", "all")


class _LadderView:
    """``InvarianceResult.table`` of earlier releases was the ladder DataFrame; now ``table()`` is the
    protocol's method. For one release ``res.table["decision"]``, ``res.table.itertuples()`` … still
    act on the ladder, with a FutureWarning naming ``table()``; calling it gives the DataFrame."""

    def __init__(self, owner):
        self._owner = owner

    def __call__(self) -> pd.DataFrame:
        return self._owner.ladder

    def _old(self) -> pd.DataFrame:
        retired_attribute(self._owner, "table (the DataFrame)", "table() (or .ladder)")
        return self._owner.ladder

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        retired_attribute(self._owner, "table (the DataFrame)", "table() (or .ladder)")
        return getattr(self._owner.ladder, name)

    def __getitem__(self, key):
        retired_attribute(self._owner, "table (the DataFrame)", "table() (or .ladder)")
        return self._owner.ladder[key]

    def __contains__(self, key) -> bool:
        retired_attribute(self._owner, "table (the DataFrame)", "table() (or .ladder)")
        return key in self._owner.ladder

    def __len__(self) -> int:
        retired_attribute(self._owner, "table (the DataFrame)", "table() (or .ladder)")
        return len(self._owner.ladder)

    def __repr__(self) -> str:
        return repr(self._owner.ladder)


@dataclass
class InvarianceResult(Result):
    """The invariance ladder (:func:`invariance`).

    ``.ladder`` (also ``.table()``): one row per fitted step with its fit, the Δ fit and the
    decision; ``.fits`` (step → :class:`CFAResult`); ``.level`` (the highest step that held); the
    grouping. ``.summary()``: one row (group, sample, level, criterion). ``.apa()``. Earlier
    releases' ``.table`` (the DataFrame) and ``.apa_text`` still work for one release, with a
    FutureWarning naming ``table()`` and ``apa()``.
    """

    ladder: pd.DataFrame
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
    options: dict = field(default_factory=dict)

    @property
    def table(self):
        """The ladder: call it (``res.table()``); see :class:`_LadderView` for the old attribute use."""
        return _LadderView(self)

    @property
    def r_call(self) -> str:
        miss = ', missing = "ml"' if self.nan_policy == "fiml" else ""
        return (f'for (ge in list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts", '
                f'"residuals"))) fitMeasures(lavaan::cfa(model, data, group = "{self.group}", group.equal = ge'
                f'{miss}))')

    def summary(self) -> pd.DataFrame:
        """One row: ``group, n_groups, n, n_excluded, nan_policy, steps_fitted, level, criterion,
        cfi_cut, rmsea_cut, alpha``."""
        c = self.cutoffs
        return pd.DataFrame([{
            "group": self.group, "n_groups": len(self.group_labels), "n": self.n, "n_excluded": self.n_excluded,
            "nan_policy": self.nan_policy, "steps_fitted": len(self.ladder), "level": self.level,
            "criterion": c.get("criterion"), "cfi_cut": c.get("cfi"), "rmsea_cut": c.get("rmsea"),
            "alpha": c.get("alpha")}])

    def _text(self) -> str:
        t = self.ladder
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

    @property
    def apa_text(self) -> str:
        retired_attribute(self, "apa_text", "apa()")
        return self._text()

    def __repr__(self) -> str:
        return f"InvarianceResult(level={self.level!r}, n={self.n})"


@apa.register
def _(res: InvarianceResult) -> Apa:
    t = res.ladder

    def fmt(v, digits=2, gt1=True):
        return "—" if pd.isna(v) else apa_num(v, digits, gt1=gt1)

    table = pd.DataFrame({
        "Step": t["step"], "χ²": [fmt(v) for v in t["chisq"]], "df": [str(int(v)) for v in t["df"]],
        "CFI": [fmt(v, gt1=False) for v in t["cfi"]], "RMSEA": [fmt(v, gt1=False) for v in t["rmsea"]],
        "SRMR": [fmt(v, gt1=False) for v in t["srmr"]], "Δχ²": [fmt(v) for v in t["delta_chisq"]],
        "Δdf": ["—" if pd.isna(v) else str(int(v)) for v in t["delta_df"]],
        "p": ["—" if pd.isna(v) else apa_p(v).removeprefix("p ").removeprefix("= ") for v in t["p_delta"]],
        "ΔCFI": [fmt(v, 3, gt1=False) for v in t["delta_cfi"]],
        "ΔRMSEA": [fmt(v, 3, gt1=False) for v in t["delta_rmsea"]], "Decision": t["decision"]})
    text = res._text()
    return Apa(statistic=text, full_result=text, table=table)


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
        ``.table()`` (also ``.ladder``): ``step, npar, df, chisq, p_val, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high,
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
    >>> res = invariance(df, "f =~ y1 + y2 + y3 + y4", "g")
    >>> res.level, res.table()["decision"].tolist()
    ('strict', ['baseline', 'pass', 'pass', 'pass'])

    ::

        # R: for (ge in list("", "loadings", c("loadings", "intercepts"), c("loadings", "intercepts",
        #    "residuals"))) fitMeasures(cfa(model, data, group = "g", group.equal = ge))
    """
    if not group:
        raise DataError("is not given", argument="group", value=group, within="invariance",
                        hint="invariance needs a grouping column: group='gender'")
    if criterion not in CRITERIA:
        raise DataError("is not a criterion", argument="criterion", value=criterion, within="invariance",
                        hint=f"criterion must be one of {', '.join(CRITERIA)}")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise DataError(f"names unknown invariance step(s) {', '.join(unknown)}", argument="steps", value=steps,
                        within="invariance", hint=f"use {', '.join(STEPS)}")
    text, frame, audit = resolve_model(data, model, instrument, columns, what="invariance", **options)
    observed = build_spec(text, 1).observed
    check_choice(nan_policy, ("listwise", "fiml"), "invariance", "nan_policy")
    arrays, labels, n_excluded = _groups(frame, observed, group, nan_policy, what="invariance")
    if len(arrays) < 2:
        raise DataError("has only one group among the complete answers", file=frame.attrs.get("source"),
                        column=group, item="the group column", within="invariance",
                        hint="Invariance compares two or more groups: check the column, or the missing answers.")
    rows, fits = [], {}
    level, prev, held = None, None, True
    for step in steps:
        spec, fitter, fi = fit_model(text, arrays, group_equal=STEPS[step], missing=nan_policy)
        if not fitter.converged:
            raise DataError(f"did not converge at the {step} step", argument="model", value=text, within="invariance",
                            hint="check the model and the group sizes")
        fits[step] = CFAResult(model=text, estimates=estimates_table(spec, fitter), fit_indices=fi, n=fitter.N,
                               n_excluded=n_excluded, group=group, group_labels=labels, nan_policy=nan_policy,
                               iterations=fitter.iterations, fitter=fitter, audit=audit,
                               options={"group": group, "group_equal": list(STEPS[step]), "nan_policy": nan_policy})
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
    return InvarianceResult(ladder=table, fits=fits, level=level, group=group, group_labels=labels,
                            n=int(sum(a.shape[0] for a in arrays)), n_excluded=n_excluded, nan_policy=nan_policy,
                            cutoffs={"cfi": cfi_cut, "rmsea": rmsea_cut, "alpha": alpha, "criterion": criterion},
                            audit=audit,
                            options={"group": group, "steps": list(steps), "criterion": criterion, "cfi_cut": cfi_cut,
                                     "rmsea_cut": rmsea_cut, "alpha": alpha, "stop": stop, "nan_policy": nan_policy,
                                     "instrument": getattr(instrument, "id", instrument), "columns": columns,
                                     **options})
