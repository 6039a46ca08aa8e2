"""Setback recovery: repeated performance (exam 1, 2, 3 …) around a setback, modelled with
:func:`analysis.models.mixed_model` (random intercepts, optional random slopes) and goal × time
interactions.

Two codings of time (``coding=``):

* ``"linear"``: ``time`` = 0, 1, …, k − 1 (or the given ``times``); fixed part
  ``score ~ time * (goals…) + covariates``; ``random_slopes=True`` adds a random slope of time.
* ``"piecewise"`` (default): a setback at occasion ``setback`` (1-based; default 2, the second exam):
  ``drop`` = 1 from the setback on (the fall from before to the setback) and ``recovery`` = occasions
  since the setback (the climb back). Fixed part ``score ~ (drop + recovery) * (goals…) + covariates``;
  the goal × drop terms say whose scores fall more, the goal × recovery terms whose recover more.

Goals (and other person-level predictors) are grand-mean centred over persons by default, so the
time terms are the effects for a person with average goals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import check_level
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..io.readers import row_label
from ._common import Reported, as_list, check_columns, check_frame, coefficient_figure, p_cell, screens_sample, tidy
from .mixed import MixedResult, mixed_model

__all__ = ["wide_to_long", "setback_recovery", "RecoveryResult"]


@renamed(id="id_column")
@screens_sample("wide_to_long")
def wide_to_long(data: pd.DataFrame, columns, id_column: str | None = None, times=None, keep=None,
                 time: str = "time", value: str = "score") -> pd.DataFrame:
    """Wide repeated measures (one column per occasion) → long format (one row per person × occasion).

    Parameters
    ----------
    columns : list of str
        The occasion columns in time order, e.g. ``["exam1", "exam2", "exam3"]``.
    id_column : str, optional
        Person identifier column (default: the row index, as column ``"row"``); ``id=`` is its
        old name (works for one release, with a FutureWarning).
    times : list of float, optional
        Time value of each occasion (default 0, 1, …).
    keep : list of str, optional
        Person-level columns to carry into every row (goals, covariates).

    Returns
    -------
    DataFrame
        ``<id_column>, occasion (1…k), <time>, <value>`` plus ``keep``; n × k rows, sorted by person then
        occasion. Missing scores stay as NaN rows (the model lists them as excluded).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.models import wide_to_long
    >>> w = pd.DataFrame({"id": ["a", "b"], "exam1": [70, 60], "exam2": [55, None], "goal": [4.0, 2.5]})
    >>> wide_to_long(w, ["exam1", "exam2"], id_column="id", keep=["goal"])
      id  occasion  time  score  goal
    0  a         1   0.0   70.0   4.0
    1  a         2   1.0   55.0   4.0
    2  b         1   0.0   60.0   2.5
    3  b         2   1.0    NaN   2.5
    >>> # R: reshape(w, direction = "long", varying = c("exam1", "exam2"), v.names = "score")
    """
    check_frame(data)
    columns = as_list(columns)
    keep = as_list(keep)
    if len(columns) < 2:
        raise DataError("names fewer than two occasion columns", argument="columns", value=columns,
                        within="wide_to_long", hint="give at least two occasion columns")
    check_columns(data, columns, what="wide_to_long", numeric=True)
    check_columns(data, keep, what="wide_to_long")
    if times is None:
        times = list(range(len(columns)))
    times = [float(t) for t in as_list(times)]
    if len(times) != len(columns):
        raise DataError(f"gives {len(times)} times for {len(columns)} occasion columns", argument="times",
                        value=times, within="wide_to_long", hint="give one time per occasion column")
    if id_column is None:
        ids = pd.Series(data.index, index=data.index, name="row")
        id_column = "row"
    else:
        check_columns(data, [id_column], what="wide_to_long")
        ids = data[id_column]
        dup = ids[ids.duplicated()]
        if len(dup):
            raise DataError(f"repeats value {dup.iloc[0]!r}; one row per person is needed", file=data.attrs.get("source"),
                            row=row_label(data, dup.index[0]), column=id_column, item="the id column", value=dup.iloc[0],
                            within="wide_to_long", hint="Remove the duplicate row, or choose another id column.")
    for name in (time, value, "occasion"):
        if name in keep or name == id_column:
            raise DataError("is a name the long table uses for its own column", file=data.attrs.get("source"), column=name,
                            within="wide_to_long", hint="rename that column")
    n, k = data.shape[0], len(columns)
    scores = data[columns].apply(pd.to_numeric).astype(float).to_numpy()
    out = pd.DataFrame({id_column: np.repeat(ids.to_numpy(), k), "occasion": np.tile(np.arange(1, k + 1), n),
                        time: np.tile(np.asarray(times, float), n), value: scores.reshape(-1)})
    for c in keep:
        out[c] = np.repeat(data[c].to_numpy(), k)
    return out


@dataclass
class RecoveryResult(Reported):
    """Result of :func:`setback_recovery`.

    Attributes
    ----------
    mixed : MixedResult
        The mixed model (``.fixed_effects``, ``.random_effects``, ``.fit``).
    fixed_effects : DataFrame
        ``term, estimate, se, z, p_val, ci_low, ci_high`` with the original column names.
    interactions : DataFrame
        The goal × time rows of ``fixed_effects``.
    long : DataFrame
        The long data the model was fitted on (before exclusions).

    ``n`` counts the persons analysed (those with at least one complete occasion), ``n_excluded``
    the persons received but not analysed (screening, or no complete occasion). ``table()`` is the
    fixed-effects table in the protocol's columns (``statistic`` the Wald z), ``summary()`` one row
    of the model, ``figure(path=None)`` the fixed effects with their CIs.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import setback_recovery
    >>> res = setback_recovery(read_dataset("demo"), ["exam1", "exam2", "exam3"], ["age"],
    ...                        id_column="respondent_id")
    >>> res.summary()[["coding", "n", "n_excluded", "n_obs"]]
           coding    n  n_excluded  n_obs
    0  piecewise  400           0   1180
    >>> res.r_call
    'lmerTest::lmer(score ~ (drop + recovery) * (age) + (1 | respondent_id), long, REML = TRUE)'
    """

    mixed: MixedResult
    fixed_effects: pd.DataFrame
    long: pd.DataFrame
    coding: str
    predictors: list
    time_terms: list
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    covar: list = field(default_factory=list)
    options_used: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Persons analysed (with at least one complete occasion)."""
        return int(self.mixed.n_groups)

    @property
    def n_excluded(self) -> int:
        """Persons received but not analysed: excluded by screening or without a complete occasion."""
        persons = int(self.long[self.mixed.group].nunique())
        return int(self.n_excluded_by_screening + persons - self.n)

    def table(self) -> pd.DataFrame:
        """Tidy fixed effects (original column names): ``term, estimate, se, statistic (z), df, p_val,
        ci_low, ci_high``."""
        return tidy(self.fixed_effects, "z")

    def summary(self) -> pd.DataFrame:
        """One row: ``coding, n (persons), n_excluded, n_obs (occasions analysed), loglik, aic, bic``."""
        m = self.mixed
        return pd.DataFrame([{"coding": self.coding, **self._sample_facts(), "n_obs": m.n,
                              "occasions": int(self.long["occasion"].nunique()), "reml": m.reml,
                              "loglik": m.loglik, "aic": m.aic, "bic": m.bic, "converged": m.converged}])

    def _options(self) -> dict:
        return {"coding": self.coding, "predictors": list(self.predictors), "covar": list(self.covar),
                **self.options_used, "level": self.mixed.level, "nan_policy": "listwise (occasions)"}

    @property
    def r_call(self) -> str:
        m = self.mixed
        tt = " + ".join(self.time_terms)
        fixed = f"score ~ ({tt}) * ({' + '.join(self.predictors)})" + "".join(f" + {c}" for c in self.covar)
        slopes = m.re_formula.lstrip("~").strip() if m.re_formula else "1"
        return f"lmerTest::lmer({fixed} + ({slopes} | {m.group}), long, REML = {'TRUE' if m.reml else 'FALSE'})"

    def figure(self, path=None):
        """The fixed effects with their CIs (intercept left out); written to ``path`` when given."""
        return coefficient_figure(self.table(), f"Recovery after a setback ({self.coding} time)", path)

    @property
    def interactions(self) -> pd.DataFrame:
        fe = self.fixed_effects
        mask = fe.term.apply(lambda t: ":" in t and any(p in t.split(":") for p in self.predictors)
                             and any(tt in t.split(":") for tt in self.time_terms))
        return fe[mask].reset_index(drop=True)



def _safe_names(names):
    mapping, used = {}, set()
    for n in names:
        s = re.sub(r"\W", "_", str(n))
        if not s or s[0].isdigit():
            s = "v_" + s
        while s in used:
            s += "_"
        used.add(s)
        mapping[n] = s
    return mapping


@renamed(id="id_column")
@screens_sample("setback_recovery")
def setback_recovery(data: pd.DataFrame, exams, predictors, id_column: str | None = None, covar=None,
                     coding: str = "piecewise", setback: int = 2, times=None, random_slopes=False,
                     center: bool = True, reml: bool = True, level: float = 0.95) -> RecoveryResult:
    """Performance around a setback: mixed model of repeated exams with goal × time interactions.

    Parameters
    ----------
    data : DataFrame
        Wide: one row per person, one column per exam.
    exams : list of str
        Exam columns in time order (``["exam1", "exam2", "exam3"]``).
    predictors : str or list
        Person-level predictors (goal scores) that interact with time.
    id_column : str, optional
        Person id column (default: row index); ``id=`` is its old name (works for one release,
        with a FutureWarning).
    covar : str or list, optional
        Person-level covariates (main effects only).
    coding : {"piecewise", "linear"}
    setback : int
        Occasion (1-based) of the setback, for ``coding="piecewise"``.
    times : list, optional
        Time values of the occasions for ``coding="linear"``.
    random_slopes : bool or str
        ``True``: random slope of ``time`` (linear) or ``drop`` (piecewise); a string gives the
        ``re_formula`` itself (e.g. ``"~drop + recovery"`` with enough occasions).
    center : bool
        Grand-mean centre the predictors and covariates over persons.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import setback_recovery
    >>> res = setback_recovery(d, ["exam1", "exam2", "exam3"], ["mastery_approach"], id_column="respondent_id")
    >>> res.interactions.term.tolist()
    ['drop:mastery_approach', 'recovery:mastery_approach']
    >>> # R: lmer(score ~ (drop + recovery) * mastery_approach + (1 | respondent_id), long)
    """
    check_level(level, "setback_recovery")
    check_frame(data)
    exams = as_list(exams)
    predictors = as_list(predictors)
    covar = as_list(covar)
    if not predictors:
        raise DataError("names no predictor", argument="predictors", value=predictors, within="setback_recovery",
                        hint="give at least one predictor (a goal score)")
    if coding not in ("piecewise", "linear"):
        raise DataError("is not a coding", argument="coding", value=coding, within="setback_recovery",
                        hint="use 'piecewise' or 'linear'")
    check_columns(data, predictors + covar, what="setback_recovery", numeric=True)
    k = len(exams)
    if k < 2:
        raise DataError("names fewer than two exam columns", argument="exams", value=exams, within="setback_recovery",
                        hint="give at least two exam columns")
    if coding == "piecewise" and not (2 <= setback <= k):
        raise DataError(f"must name an occasion from 2 to {k}", argument="setback", value=setback,
                        within="setback_recovery", hint="count the exam columns from 1")
    person = predictors + covar
    long = wide_to_long(data, exams, id_column=id_column, times=times, keep=person)
    idc = id_column or "row"
    for c in person:
        long[c] = pd.to_numeric(long[c]).astype(float)
        if center:
            long[c] = long[c] - pd.to_numeric(data[c]).astype(float).mean()
    if coding == "piecewise":
        occ = long["occasion"].to_numpy()
        long["drop"] = (occ >= setback).astype(float)
        long["recovery"] = np.clip(occ - setback, 0, None).astype(float)
        time_terms = ["drop", "recovery"] if setback < k else ["drop"]
    else:
        time_terms = ["time"]
    safe = _safe_names(person)
    ren = long.rename(columns=safe)
    preds = " + ".join(safe[p] for p in predictors)
    tt = " + ".join(time_terms)
    formula = f"score ~ ({tt}) * ({preds})" + "".join(f" + {safe[c]}" for c in covar)
    if random_slopes is True:
        re_formula = "~time" if coding == "linear" else "~drop"
    elif isinstance(random_slopes, str):
        re_formula = random_slopes
    else:
        re_formula = None
    mixed = mixed_model(ren, formula, group=idc, re_formula=re_formula, reml=reml, level=level)
    back = {v: k_ for k_, v in safe.items()}
    fe = mixed.fixed_effects.copy()
    fe["term"] = [":".join(back.get(p, p) for p in t.split(":")) for t in fe.term]
    return RecoveryResult(mixed=mixed, fixed_effects=fe, long=long, coding=coding, predictors=predictors,
                          time_terms=time_terms, excluded=mixed.excluded, covar=covar,
                          options_used={"setback": setback if coding == "piecewise" else None, "times": times,
                                        "random_slopes": random_slopes, "center": center, "reml": reml})


@apa.register
def _(res: RecoveryResult) -> Apa:
    fe, level = res.fixed_effects, res.mixed.level
    rows = [{"Term": r.term, "b": apa_num(r.estimate), "SE": apa_num(r.se),
             f"{round(level * 100)}% CI": f"[{apa_num(r.ci_low)}, {apa_num(r.ci_high)}]", "z": apa_num(r.z),
             "p": p_cell(r.p_val)} for r in fe.itertuples(index=False)]
    inter = res.interactions
    parts = [f"{r.term}: b = {apa_num(r.estimate)}, {apa_ci(r.ci_low, r.ci_high, level=level)}, z = {apa_num(r.z)}, "
             f"{apa_p(r.p_val)}" for r in inter.itertuples(index=False)]
    m = res.mixed
    full = (f"Mixed model of {len(res.long['occasion'].unique())} occasions ({res.coding} time coding; "
            f"{m.n} observations of {m.n_groups} persons): goal × time effects — " + "; ".join(parts) + ".")
    first = inter.iloc[0] if len(inter) else fe.iloc[0]
    return Apa(estimate=f"b = {apa_num(first.estimate)}, {apa_ci(first.ci_low, first.ci_high, level=level)}",
               statistic=f"z = {apa_num(first.z)}, {apa_p(first.p_val)}", full_result=full,
               table=pd.DataFrame(rows))
