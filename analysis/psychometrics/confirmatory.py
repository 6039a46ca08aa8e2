"""Confirmatory factor analysis by maximum likelihood, equal to lavaan's ``cfa()`` (0.6-14 defaults).

The model is an instrument's declared structure (one factor per scale, items named by their data
columns, reverse keys applied once by :func:`analysis.prepare_items`) or any lavaan-style model
string. Estimation is our multi-group ML fitter (:mod:`.ml`): semopy could fit the single-group
models, but not the invariance models, and one estimator for both keeps the logic in one place
(and is faster — see ``benchmarks/cfa.py``). Fit indices are lavaan's (:mod:`.fit_indices`).

Missing answers: **listwise** deletion over the model's items (lavaan's default), or full-information
ML with ``nan_policy="fiml"`` (lavaan ``missing = "ml"``, :mod:`.fiml`); the policy and the number of
excluded respondents are reported (``nan_policy``, ``n_excluded``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special, stats

from ..deprecation import retired_attribute
from ..checks import check_choice, check_data, check_numeric
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num, apa_p
from ..instruments.registry import Instrument, load_instrument
from ..results import Result
from ..scoring.mapping import prepare_items
from . import fit_indices as fx
from .fiml import FIMLData, FIMLFit
from .ml import GroupData, MLFit
from .syntax import build_spec, model_from_instrument
from ..checks import near_columns

FIT_COLUMNS = ["npar", "chisq", "df", "p_val", "baseline_chisq", "baseline_df", "cfi", "tli", "rmsea",
               "rmsea_ci_low", "rmsea_ci_high", "srmr", "loglik", "loglik_unrestricted", "aic", "bic", "n"]


#: the columns of CFAResult.table(): lavaan's parameterEstimates in the vocabulary's names
_TABLE_NAMES = {"est": "estimate", "z": "statistic"}


@dataclass
class CFAResult(Result):
    """A fitted CFA (:func:`cfa`).

    ``estimates``: lavaan's ``parameterEstimates(fit, standardized = TRUE)`` with its names (``lhs,
    op, rhs, [group,] label, free, est, se, z, p_val, ci_low, ci_high, std_all``); ``.table()``: the
    same rows in the vocabulary's names (``estimate``, ``statistic`` for lavaan's ``est``, ``z``);
    ``fit_indices`` (a Series: χ², df, p, CFI, TLI, RMSEA and its 90% CI, SRMR, AIC, BIC, …), also
    ``.summary()`` as one row; ``.apa()``; ``.loadings()`` and ``.factor_correlations()``.
    ``.apa_text`` (earlier releases) still works for one release, with a FutureWarning naming ``.apa()``.
    """

    model: str
    estimates: pd.DataFrame
    fit_indices: pd.Series
    n: int
    n_excluded: int
    group: str | None = None
    group_labels: list = field(default_factory=list)
    nan_policy: str = "listwise"
    converged: bool = True
    iterations: int = 0
    fitter: MLFit | None = field(default=None, repr=False)
    #: values set to missing while preparing an instrument's items (``row, id, column, item, value,
    #: reason``); None when the model was fitted on the columns as given
    audit: pd.DataFrame | None = field(default=None, repr=False)
    #: the options it ran with (``group_equal``, ``std_lv``, ``meanstructure``, ``nan_policy``, …)
    options: dict = field(default_factory=dict)

    @property
    def r_call(self) -> str:
        o = self.options
        args = ["model", "data", 'estimator = "ML"']
        if self.group:
            args.append(f'group = "{self.group}"')
        ge = list(o.get("group_equal") or ())
        if ge:
            args.append("group.equal = " + (f'"{ge[0]}"' if len(ge) == 1 else "c(" + ", ".join(f'"{g}"' for g in ge) + ")"))
        if o.get("std_lv"):
            args.append("std.lv = TRUE")
        if o.get("meanstructure"):
            args.append("meanstructure = TRUE")
        if self.nan_policy == "fiml":
            args.append('missing = "ml"')
        return (f"fit <- lavaan::cfa({', '.join(args)}); parameterEstimates(fit, standardized = TRUE); "
                f"fitMeasures(fit)")

    def table(self) -> pd.DataFrame:
        """One row per parameter: ``lhs, op, rhs, [group,] label, free, estimate, se, statistic, p_val,
        ci_low, ci_high, std_all`` (``.estimates`` with lavaan's names ``est``, ``z``)."""
        return self.estimates.rename(columns=_TABLE_NAMES)

    def summary(self) -> pd.DataFrame:
        """The fit indices as a one-row table (``npar, chisq, df, p_val, …, n``)."""
        return self.fit_indices.to_frame().T.reset_index(drop=True)

    def loadings(self) -> pd.DataFrame:
        """Standardised loadings (``std_all``) as an items × factors table (first group)."""
        e = self.estimates[(self.estimates.op == "=~")]
        if "group" in e:
            e = e[e.group == 1]
        return e.pivot(index="rhs", columns="lhs", values="std_all").fillna(0.0)

    def factor_correlations(self) -> pd.DataFrame:
        """Factor correlations (standardised factor covariances, first group)."""
        e = self.estimates[(self.estimates.op == "~~")]
        if "group" in e:
            e = e[e.group == 1]
        lv = list(dict.fromkeys(self.estimates.loc[self.estimates.op == "=~", "lhs"]))
        out = pd.DataFrame(np.eye(len(lv)), index=lv, columns=lv)
        for r in e.itertuples():
            if r.lhs in lv and r.rhs in lv and r.lhs != r.rhs:
                out.loc[r.lhs, r.rhs] = out.loc[r.rhs, r.lhs] = r.std_all
        return out

    @property
    def apa_text(self) -> str:
        retired_attribute(self, "apa_text", "apa()")
        return fit_apa_text(self.fit_indices)

    def __repr__(self) -> str:
        return f"CFAResult(n={self.n}, {fit_apa_text(self.fit_indices)})"


def fit_apa_text(f) -> str:
    """``χ²(24) = 85.31, p < .001, CFI = .93, TLI = .90, RMSEA = .09 [.07, .11], SRMR = .07``."""
    return (f"χ²({int(f['df'])}) = {apa_num(f['chisq'])}, {apa_p(f['p_val'])}, "
            f"CFI = {apa_num(f['cfi'], gt1=False)}, TLI = {apa_num(f['tli'], gt1=False)}, "
            f"RMSEA = {apa_num(f['rmsea'], gt1=False)} [{apa_num(f['rmsea_ci_low'], gt1=False)}, "
            f"{apa_num(f['rmsea_ci_high'], gt1=False)}], SRMR = {apa_num(f['srmr'], gt1=False)}")


def _estimates_apa_table(e: pd.DataFrame) -> pd.DataFrame:
    """The loadings, (co)variances and intercepts as APA text cells (Parameter, B, SE, p, β)."""
    rows = []
    for r in e.itertuples():
        rows.append({**({"Group": str(r.group)} if "group" in e else {}),
                     "Parameter": f"{r.lhs} {r.op} {r.rhs}".strip(), "B": apa_num(r.est),
                     "SE": apa_num(r.se) if r.free else "—",
                     "p": apa_p(r.p_val).removeprefix("p ").removeprefix("= ") if r.free else "—",
                     "β": apa_num(r.std_all)})
    return pd.DataFrame(rows)


@apa.register
def _(res: CFAResult) -> Apa:
    text = fit_apa_text(res.fit_indices)
    return Apa(statistic=text, full_result=text, table=_estimates_apa_table(res.estimates))


# ---------------------------------------------------------------------------------------------
def _is_syntax(text) -> bool:
    return isinstance(text, str) and ("=~" in text or "~~" in text)


def resolve_model(data: pd.DataFrame, model=None, instrument=None, columns=None, what="cfa", **options):
    """(model text, analysis DataFrame, audit) from a model string/file or an instrument.

    With an instrument, its items are cleaned and reverse-keyed once by :func:`prepare_items` and the
    model's variables are the data column names of the keyed items.
    """
    data = check_data(data, what)
    if model is not None and not _is_syntax(model):
        if isinstance(model, Instrument):
            instrument, model = model, None
        else:
            p = Path(str(model))
            if p.suffix.lower() in (".lav", ".txt", ".model", ".sem") and p.exists():
                model = p.read_text(encoding="utf-8")
            elif instrument is None:
                instrument, model = model, None
            else:
                raise DataError("is neither lavaan syntax nor a model file (.lav/.txt)", argument="model", value=model,
                                within=what, hint="write e.g. 'f =~ x1 + x2 + x3', or give the path of a model file")
    audit = None
    if instrument is not None:
        inst = load_instrument(instrument)
        items = prepare_items(data, inst, columns, **options)
        audit = items.audit
        keyed = {}
        for scale in items.instrument.scales:
            block = items.keyed(scale)
            for col in block.columns:
                if col in keyed and not np.allclose(keyed[col], block[col], equal_nan=True):
                    raise DataError("is reversed in one scale and not in another", file=data.attrs.get("source"),
                                    column=col, within=what, hint="a CFA needs one direction per item: fix the key")
                keyed[col] = block[col].to_numpy()
        frame = pd.DataFrame(keyed, index=data.index)
        if model is None:
            model = model_from_instrument(items.instrument, {i: items.columns[i] for i in items.columns})
        rest = [c for c in data.columns if c not in frame.columns]
        frame = pd.concat([frame, data[rest]], axis=1)
        return model, frame, audit
    if model is None:
        raise DataError("is not given, and no instrument either", argument="model", value=model, within=what,
                        hint="give a model (lavaan syntax such as 'f =~ x1 + x2 + x3') or an instrument")
    return model, data, audit


def _groups(frame: pd.DataFrame, observed: list, group: str | None, missing: str = "listwise", what="cfa"):
    missing_cols = [c for c in observed if c not in frame.columns]
    if missing_cols:
        raise DataError("are named by the model, but the data do not have them", file=frame.attrs.get("source"),
                        column=missing_cols, within=what, hint="Check the model's names against the file's header." + near_columns(missing_cols, frame))
    cols = observed + ([group] if group else [])
    if group and group not in frame.columns:
        raise DataError("is not in the data", file=frame.attrs.get("source"), column=group, item="the group column",
                        within=what, hint="Name the column that holds the groups (group=)." + near_columns(group, frame))
    sub = frame[cols]
    x = check_numeric(frame, observed, what, hint="recode it or set it to missing")
    ok = x.notna().all(axis=1) if missing == "listwise" else x.notna().any(axis=1)
    if group:
        ok &= sub[group].notna()
    n_excluded = int((~ok).sum())
    x = x[ok].to_numpy(float)
    if not group:
        return [x], [], n_excluded
    g = sub.loc[ok, group]
    labels = list(pd.unique(g))
    arrays = [x[(g == lab).to_numpy()] for lab in labels]
    small = [str(lab) for lab, a in zip(labels, arrays) if a.shape[0] <= len(observed)]
    if small:
        raise DataError(f"has group(s) {', '.join(small)} with no more respondents than items",
                        file=frame.attrs.get("source"), column=group, within=what, hint="merge or drop them")
    return arrays, [str(lab) for lab in labels], n_excluded


def fit_model(model: str, arrays: list, *, group_equal=(), std_lv: bool = False, meanstructure=None,
              start=None, missing: str = "listwise") -> tuple:
    """Fit a model to prepared per-group arrays: (spec, fitter, fit indices)."""
    if missing == "fiml":
        spec = build_spec(model, len(arrays), meanstructure=True, std_lv=std_lv, group_equal=group_equal)
        fitter = FIMLFit(spec, [FIMLData(a, names=spec.observed) for a in arrays]).fit(start=start)
    else:
        spec = build_spec(model, len(arrays), meanstructure=meanstructure, std_lv=std_lv, group_equal=group_equal)
        fitter = MLFit(spec, [GroupData.from_array(a, names=spec.observed) for a in arrays]).fit(start=start)
    return spec, fitter, indices(spec, fitter)


def indices(spec, fitter: MLFit) -> pd.Series:
    """Every fit index of a fitted model on lavaan's definitions."""
    data = fitter.data
    p = len(spec.observed)
    moments = sum(p * (p + 1) // 2 + (p if spec.meanstructure else 0) for _ in data)
    npar = fitter.q
    df = moments - npar
    chisq = fitter.chisq
    base, base_df = fitter.baseline()
    n = fitter.N
    g = len(data)
    lo, hi = fx.rmsea_ci(chisq, df, n, g)
    ll = fitter.loglik()
    aic, bic = fx.information_criteria(ll, npar, n)
    implied = [(mats[5], mats[6]) for mats in fitter.group_mats]
    return pd.Series({
        "npar": npar, "chisq": chisq, "df": df, "p_val": fx.chisq_pvalue(chisq, df),
        "baseline_chisq": base, "baseline_df": base_df,
        "cfi": fx.cfi(chisq, df, base, base_df), "tli": fx.tli(chisq, df, base, base_df),
        "rmsea": fx.rmsea(chisq, df, n, g), "rmsea_ci_low": lo, "rmsea_ci_high": hi,
        "srmr": fx.srmr(data, implied, spec.meanstructure), "loglik": ll,
        "loglik_unrestricted": fitter.loglik_saturated(), "aic": aic, "bic": bic, "n": n,
    })


def estimates_table(spec, fitter: MLFit, level: float = 0.95) -> pd.DataFrame:
    """lavaan's ``parameterEstimates(fit, standardized = TRUE)``: one row per parameter."""
    params = spec.params
    free = np.array([q.free for q in params])
    idx = np.maximum(free - 1, 0)
    est = np.where(free > 0, fitter.theta[idx], [q.value for q in params])
    se = np.where(free > 0, fitter.se[idx], 0.0)
    std = np.empty(len(params))
    for k, q in enumerate(params):
        lam, psi, the, nu, alp, sigma, mu = fitter.group_mats[q.group]
        if q.mat == "lambda":
            std[k] = est[k] * np.sqrt(psi[q.col, q.col] / sigma[q.row, q.row])
        elif q.mat == "psi":
            std[k] = est[k] / np.sqrt(psi[q.row, q.row] * psi[q.col, q.col])
        elif q.mat == "theta" and q.row == q.col:
            std[k] = est[k] / sigma[q.row, q.row]
        elif q.mat == "theta":  # lavaan reports residual covariances as residual correlations
            std[k] = est[k] / np.sqrt(the[q.row, q.row] * the[q.col, q.col])
        elif q.mat == "nu":
            std[k] = est[k] / np.sqrt(sigma[q.row, q.row])
        else:
            std[k] = est[k] / np.sqrt(psi[q.row, q.row])
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where((free > 0) & (se > 0), est / se, np.nan)
    zcrit = stats.norm.ppf(1 - (1 - level) / 2)
    order = {"=~": 0, "~~": 1, "~1": 2}
    out = pd.DataFrame({
        "lhs": [q.lhs for q in params], "op": [q.op for q in params], "rhs": [q.rhs for q in params],
        "group": [q.group + 1 for q in params], "label": [q.label or "" for q in params], "free": free,
        "est": est, "se": se, "z": z, "p_val": 2 * special.ndtr(-np.abs(z)),
        "ci_low": est - zcrit * se, "ci_high": est + zcrit * se, "std_all": std,
    })
    key = np.lexsort((np.arange(len(params)), [order[q.op] for q in params], [q.group for q in params]))
    out = out.iloc[key].reset_index(drop=True)
    if spec.n_groups == 1:
        out = out.drop(columns="group")
    return out


# ---------------------------------------------------------------------------------------------
def cfa(data: pd.DataFrame, model=None, *, instrument=None, columns=None, group: str | None = None,
        group_equal=(), std_lv: bool = False, meanstructure: bool | None = None, nan_policy: str = "listwise",
        **options) -> CFAResult:
    """Confirmatory factor analysis by maximum likelihood (lavaan ``cfa`` defaults).

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    model : str, optional
        lavaan-style syntax (``"f1 =~ x1 + x2 + x3\\nf2 =~ x4 + x5 + x6"``), a model file
        (``.lav``/``.txt``), or an instrument id/path/object (its declared structure).
    instrument : str, Path or Instrument, optional
        The key whose items the model uses: items are cleaned and reverse-keyed by
        :func:`analysis.prepare_items` and named by their data columns. Without ``model`` the
        instrument's declared structure (one factor per scale) is fitted.
    columns : str, dict, list, optional
        Where the instrument's items are (as in :func:`analysis.score`).
    group : str, optional
        Grouping column: a multi-group model (with intercepts) per group.
    group_equal : sequence of str
        lavaan ``group.equal`` constraints: ``"loadings"``, ``"intercepts"``, ``"residuals"``, ….
    std_lv : bool
        Identify factors by unit variance instead of the first loading.
    meanstructure : bool, optional
        Fit intercepts (default: only with groups or ``~ 1`` statements).
    nan_policy : {"listwise", "fiml"}
        Missing answers: drop respondents with any missing item (lavaan's default), or use every
        answer by full-information ML (lavaan ``missing = "ml"``; observed-information SEs).
        (Named like :func:`analysis.reliability`'s policy; ``missing=`` is the missing-value codes
        of the export, as in :func:`analysis.score`.)
    **options
        Dataset quirks for :func:`analysis.prepare_items`.

    Returns
    -------
    CFAResult
        ``.estimates`` (``lhs, op, rhs, est, se, z, p_val, ci_low, ci_high, std_all``),
        ``.fit_indices`` (``chisq, df, p_val, cfi, tli, rmsea, rmsea_ci_low, rmsea_ci_high, srmr,
        aic, bic``, …), ``.n``, ``.n_excluded`` and ``.nan_policy`` (``"listwise"``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from analysis import cfa
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(500, 2))
    >>> x = np.column_stack([f[:, [0]] * [0.8, 0.7, 0.6], f[:, [1]] * [0.8, 0.7, 0.6]])
    >>> df = pd.DataFrame(x + rng.normal(scale=0.6, size=(500, 6)), columns=[f"x{i}" for i in range(1, 7)])
    >>> res = cfa(df, "f1 =~ x1 + x2 + x3\\nf2 =~ x4 + x5 + x6")
    >>> int(res.fit_indices["df"])
    8

    ::

        # R: fit <- lavaan::cfa(model, data); parameterEstimates(fit, standardized = TRUE); fitMeasures(fit)
    """
    text, frame, audit = resolve_model(data, model, instrument, columns, **options)
    spec0 = build_spec(text, 1)
    check_choice(nan_policy, ("listwise", "fiml"), "cfa", "nan_policy")
    arrays, labels, n_excluded = _groups(frame, spec0.observed, group, nan_policy)
    spec, fitter, fit = fit_model(text, arrays, group_equal=group_equal, std_lv=std_lv, meanstructure=meanstructure,
                                  missing=nan_policy)
    if not fitter.converged:
        raise DataError("did not converge (the model may not be identified, or a factor has too few items)",
                        argument="model", value=text, within="cfa", hint="check the model")
    return CFAResult(model=text, estimates=estimates_table(spec, fitter), fit_indices=fit, n=fitter.N,
                     n_excluded=n_excluded, group=group, group_labels=labels, nan_policy=nan_policy,
                     converged=fitter.converged, iterations=fitter.iterations, fitter=fitter, audit=audit,
                     options={"group": group, "group_equal": list(group_equal), "std_lv": std_lv,
                              "meanstructure": meanstructure, "nan_policy": nan_policy, "columns": columns,
                              "instrument": getattr(instrument, "id", instrument), **options})


