"""Small helpers shared by the model modules: the screened sample, column checks, listwise deletion
that is logged, formula variables and the tidy coefficient table."""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_columns, check_data, check_numeric, near_columns  # noqa: F401  (check_columns: the models import it from here)
from ..deprecation import retired_attribute  # noqa: F401  (re-exported: models import it from here)
from ..errors import DataError
from ..results import Result
from ..io.readers import row_label
from ..report.apa import apa_p

log = logging.getLogger("analysis.models")

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_QUOTED = re.compile(r"Q\(\s*['\"]([^'\"]+)['\"]\s*\)")


def as_list(x) -> list:
    """``None`` → ``[]``, a string → ``[string]``, any other iterable → list."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


#: the shared input check (analysis.checks); the model modules import it under this name
check_frame = check_data


def check_roles(y, x, what: str, covar=None) -> list:
    """The predictors ``x`` (then ``covar``) as one list, or a :class:`DataError`: no predictor, or the
    outcome ``y`` among them. The one check of every regression (OLS, logistic, count, weighted)."""
    x = as_list(x)
    if not x:
        raise DataError("names no predictor", argument="x", value=x, within=what, hint="give at least one predictor")
    xs = x + as_list(covar)
    if y in xs:
        raise DataError(f"holds '{y}', which is the outcome too", argument="x", value=xs, within=what,
                        hint="leave the outcome out of the predictors" + (" and covariates" if covar else ""))
    return xs


# ---------------------------------------------------------------------------------------------
# The screened sample. ``goalscope run`` keeps every respondent in ``scores.csv`` and marks the ones
# its screening rules excluded in a column ``excluded``. Every model entry point passes its data
# through :func:`screened_sample` first, so the excluded respondents are left out by default and the
# result says how many (one helper for all entry points, not a copy per function).
SCREENING_COLUMN = "excluded"
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class Sample:
    """The rows an analysis uses after screening, and what was left out.

    ``screened`` is False when the data carry no ``excluded`` column (nothing to leave out).
    ``data`` (the kept rows) is dropped when the sample is recorded on a result.
    """

    data: pd.DataFrame | None = field(repr=False, compare=False)
    n_received: int
    n_analysed: int
    n_flagged: int  # rows the data mark excluded=True
    include_excluded: bool
    screened: bool
    what: str = "analysis"

    @property
    def n_excluded_by_screening(self) -> int:
        """Rows left out because screening excluded them (0 with ``include_excluded=True``)."""
        return 0 if self.include_excluded else self.n_flagged

    @property
    def note(self) -> str:
        """``"378 analysed (22 excluded by screening)"``; empty without an ``excluded`` column."""
        if not self.screened:
            return ""
        if self.include_excluded:
            return (f"{self.n_analysed} analysed (including the {self.n_flagged} excluded by screening: "
                    f"include_excluded=True)")
        return f"{self.n_analysed} analysed ({self.n_flagged} excluded by screening)"


def _excluded_flags(data: pd.DataFrame, what: str) -> np.ndarray:
    """The ``excluded`` column as booleans; anything but True/False (1/0, yes/no) is an error."""
    s = data[SCREENING_COLUMN]
    if pd.api.types.is_bool_dtype(s) and not s.isna().any():
        return s.to_numpy(bool)
    out = np.zeros(len(s), bool)
    for pos, (idx, v) in enumerate(s.items()):
        if isinstance(v, (bool, np.bool_)):
            out[pos] = bool(v)
            continue
        text = "" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v).strip()
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and text:
            text = {1.0: "1", 0.0: "0"}.get(float(v), text)
        low = text.lower()
        if low in _TRUE:
            out[pos] = True
        elif low in _FALSE:
            out[pos] = False
        else:
            raise DataError("is neither True nor False; the screening column must be True or False for every "
                            "respondent (as goalscope run writes it)", file=data.attrs.get("source"),
                            row=row_label(data, idx), column=SCREENING_COLUMN, value=text, within=what,
                            hint="Fix the file, or rename the column if it means something else.")
    return out


def screened_sample(data: pd.DataFrame, include_excluded: bool = False, what: str = "analysis") -> Sample:
    """Leave out the respondents that screening excluded (``excluded`` is True) unless told not to.

    Data without an ``excluded`` column are returned whole. The kept rows keep their index (row
    labels in messages still point at the file's rows).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2, 3, 4], "excluded": [False, True, False, False]})
    >>> s = screened_sample(d)
    >>> s.n_analysed, s.n_excluded_by_screening, s.note
    (3, 1, '3 analysed (1 excluded by screening)')
    >>> screened_sample(d, include_excluded=True).note
    '4 analysed (including the 1 excluded by screening: include_excluded=True)'
    """
    data = check_data(data, what)
    if not isinstance(include_excluded, (bool, np.bool_)):
        raise DataError("is neither True nor False", argument="include_excluded", value=include_excluded,
                        within=what, hint="pass include_excluded=True to analyse everyone, False to leave the "
                                          "excluded out")
    if SCREENING_COLUMN not in data.columns:
        return Sample(data, len(data), len(data), 0, bool(include_excluded), False, what)
    flags = _excluded_flags(data, what)
    n_flagged = int(flags.sum())
    if include_excluded or not n_flagged:
        kept = data
    else:
        kept = data.loc[~flags]
        log.info("%s: %d of %d respondents excluded by screening left out", what, n_flagged, len(data))
    if kept.shape[0] == 0:
        raise DataError(f"is True for every one of the {len(data)} respondents; nothing is left to analyse.",
                        file=data.attrs.get("source"), column=SCREENING_COLUMN, within=what,
                        hint="Check the screening rules, or pass include_excluded=True to analyse everyone.")
    return Sample(kept, len(data), len(kept), n_flagged, bool(include_excluded), True, what)


def record_sample(result, sample: Sample):
    """Put the screening facts on a result: ``result.sample`` (and, on :class:`Reported` results,
    ``n_excluded_by_screening``, ``include_excluded``, ``sample_note``); on a DataFrame, in ``attrs``."""
    sample = replace(sample, data=None)
    if isinstance(result, pd.DataFrame):
        return sample_attrs(result, sample)
    object.__setattr__(result, "sample", sample)
    if not isinstance(result, Reported):  # a result class of another module: plain attributes
        for name, value in (("n_excluded_by_screening", sample.n_excluded_by_screening),
                            ("include_excluded", sample.include_excluded), ("sample_note", sample.note)):
            try:
                object.__setattr__(result, name, value)
            except AttributeError:  # a read-only property of that class: leave it
                pass
    return result


def sample_attrs(frame: pd.DataFrame, sample: Sample) -> pd.DataFrame:
    """The same facts for entry points that return a DataFrame: in ``frame.attrs``."""
    frame.attrs["n_excluded_by_screening"] = sample.n_excluded_by_screening
    frame.attrs["include_excluded"] = sample.include_excluded
    frame.attrs["sample_note"] = sample.note
    return frame


_INSIDE = contextvars.ContextVar("goalscope_screened_sample", default=False)
_PARAM_DOC = """    include_excluded : bool
        Also analyse the respondents that screening excluded (``excluded`` is True, as
        ``goalscope run`` writes ``scores.csv``). By default they are left out and the result
        says how many (``n_excluded_by_screening``, ``sample_note``)."""


def _with_param_doc(doc: str | None) -> str | None:
    """The docstring with ``include_excluded`` added at the end of its Parameters section."""
    if not doc:
        return doc
    head = re.search(r"\n    Parameters\n    -+\n", doc)
    if head is None:
        return doc
    nxt = re.search(r"\n\n    [A-Z][A-Za-z ]+\n    -+\n", doc[head.end():])
    pos = head.end() + nxt.start() if nxt else len(doc.rstrip())
    return doc[:pos].rstrip("\n") + "\n" + _PARAM_DOC + doc[pos:]


def screens_sample(what: str):
    """Decorator of every model entry point that reads scores: its first argument ``data`` is passed
    through :func:`screened_sample` (keyword ``include_excluded``, default False) and the result
    records what was left out (:func:`record_sample`).

    One helper for every entry point: the function itself never sees the excluded rows, and an
    entry point called by another (``mediation`` → ``fit_mediation``, ``setback_recovery`` →
    ``mixed_model``) screens once, at the outer call.
    """
    def decorate(fn):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        new = inspect.Parameter("include_excluded", inspect.Parameter.KEYWORD_ONLY, default=False,
                                annotation="bool")
        at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD), len(params))

        @functools.wraps(fn)
        def entry(data, *args, include_excluded: bool = False, **kwargs):
            if _INSIDE.get():  # called by another entry point: the data are screened already
                return fn(data, *args, **kwargs)
            sample = screened_sample(data, include_excluded, what)
            token = _INSIDE.set(True)
            try:
                result = fn(sample.data, *args, **kwargs)
            finally:
                _INSIDE.reset(token)
            return record_sample(result, sample)

        entry.__signature__ = sig.replace(parameters=params[:at] + [new] + params[at:])
        entry.__doc__ = _with_param_doc(fn.__doc__)
        return entry
    return decorate


def formula_columns(formula: str, data: pd.DataFrame) -> list[str]:
    """Data columns named in a model formula (in order of first appearance)."""
    names = _QUOTED.findall(formula) + _IDENT.findall(_QUOTED.sub(" ", formula))
    out = []
    for n in names:
        if n in data.columns and n not in out:
            out.append(n)
    return out


@dataclass(frozen=True)
class Complete:
    """The complete cases of ``data`` on ``columns`` and the rows left out (logged)."""

    data: pd.DataFrame
    excluded: pd.DataFrame  # one row per excluded case: row, reason

    @property
    def n_excluded(self) -> int:
        return int(self.excluded.shape[0])


def complete_cases(data: pd.DataFrame, columns, what: str = "model") -> Complete:
    """Listwise deletion on ``columns``; every excluded row is listed and logged (never silent)."""
    columns = list(dict.fromkeys(columns))
    sub = data[columns]
    miss = sub.isna()
    bad = miss.any(axis=1)
    reasons = [f"missing {', '.join(map(str, sub.columns[m]))}" for m in miss[bad].to_numpy()]
    excluded = pd.DataFrame({"row": data.index[bad], "reason": reasons})
    if len(excluded):
        log.info("%s: %d of %d rows excluded (missing values in the model's columns)", what,
                 len(excluded), len(data))
    kept = data.loc[~bad]
    if kept.shape[0] == 0:
        raise DataError("have no row with a value in every one of them", file=data.attrs.get("source"),
                        column=columns, within=what,
                        hint="Check the columns' missing values, or leave out the emptiest column.")
    return Complete(kept, excluded)


def wald_table(estimate, se, df=None, level: float = 0.95, names=None, stat: str = "t") -> pd.DataFrame:
    """Tidy coefficient table: term, estimate, se, t|z, p_val, ci_low, ci_high (t with ``df``, else z)."""
    estimate = np.asarray(estimate, float)
    se = np.asarray(se, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = estimate / se
    if df is None:
        p = 2 * stats.norm.sf(np.abs(s))
        q = stats.norm.ppf(0.5 + level / 2)
    else:
        p = 2 * stats.t.sf(np.abs(s), df)
        q = stats.t.ppf(0.5 + level / 2, df)
    return pd.DataFrame({"term": list(names), "estimate": estimate, "se": se, stat: s, "p_val": p,
                         "ci_low": estimate - q * se, "ci_high": estimate + q * se})


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame of strings as a GitHub-flavoured Markdown table (no tabulate dependency)."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def used_seed(seed):
    """The seed a random draw runs with: the one given, or — for ``seed=None`` — a fresh one from the
    operating system's entropy (``numpy.random.SeedSequence``), a whole number below 2³² so that it
    also fits scikit-learn's ``random_state``. Results state it, so a run with ``seed=None`` can be
    repeated by passing the stated seed; it is not repeatable otherwise.

    Examples
    --------
    >>> used_seed(7)
    7
    >>> 0 <= used_seed(None) < 2 ** 32
    True
    """
    from ..checks import draw_seed

    return seed if seed is not None else draw_seed()


class Fitted:
    """``predict`` and ``cov_params`` of a result that keeps its statsmodels fit in ``.fit``, as
    statsmodels' own results give them (the fit itself stays at hand for everything else).

    ``cov_params()`` is the covariance the table's standard errors come from (a class overrides
    :meth:`_cov` where those are not statsmodels' default: HC3, lme4's fixed-effects covariance).
    ``predict(data=None)`` gives the fitted values of the analysed rows, or the predictions for
    ``data``, a DataFrame with the predictor columns (a formula model takes what its formula names).
    """

    def _cov(self) -> np.ndarray:
        return np.asarray(self.fit.cov_params())

    def cov_params(self) -> pd.DataFrame:
        """Covariance of the estimates (term × term), the one the standard errors of ``table()`` use.

        R: ``vcov(fit)``.
        """
        names = list(self.fit.params.index)[: len(self._cov())]
        return pd.DataFrame(self._cov(), index=names, columns=names)

    def predict(self, data: pd.DataFrame | None = None) -> pd.Series:
        """Predicted values: of the analysed rows (``data=None``), or of the rows of ``data``.

        A row of ``data`` with a missing predictor is predicted as missing (never dropped).

        R: ``predict(fit, newdata = data, type = "response")``.
        """
        import statsmodels.api as sm

        fit = self.fit
        if data is None:
            return pd.Series(np.asarray(fit.predict()), index=fit.model.data.row_labels, name="predicted")
        check_frame(data, "predict")
        if getattr(fit.model, "formula", None) is not None:
            out = fit.predict(data)
            return pd.Series(np.asarray(out), index=getattr(out, "index", data.index), name="predicted").reindex(data.index)
        names = [n for n in fit.model.exog_names if n != "Intercept"]
        check_columns(data, names, what="predict", numeric=True)
        X = sm.add_constant(data[names].astype(float), has_constant="add").rename(columns={"const": "Intercept"})
        return pd.Series(np.asarray(fit.predict(X[fit.model.exog_names])), index=data.index, name="predicted")


class Reported(Result):
    """Base of every model result: the result protocol (:class:`analysis.results.Result`) and the
    screened sample.

    ``table()`` is the tidy numeric table of what was estimated (each class says which), ``summary()``
    the one-row overview of the model (n, n_excluded and the fit), ``apa()`` the APA text (its
    ``.table`` the formatted table), ``options`` the options of the call and ``r_call`` the equivalent
    R call. ``n_excluded`` counts the rows received but not analysed: those screening excluded
    (column ``excluded``) plus those left out listwise for missing values (``excluded``, one row each).
    The screening facts stay readable as ``sample``, ``n_excluded_by_screening``,
    ``include_excluded`` and ``sample_note``.
    """

    sample = None  # a Sample, set by record_sample

    @property
    def n_excluded_by_screening(self) -> int:
        """Respondents left out because screening excluded them (column ``excluded``)."""
        return 0 if self.sample is None else self.sample.n_excluded_by_screening

    @property
    def include_excluded(self) -> bool:
        return False if self.sample is None else self.sample.include_excluded

    @property
    def sample_note(self) -> str:
        """``"378 analysed (22 excluded by screening)"``, or ``""`` when the data had no screening."""
        return "" if self.sample is None else self.sample.note

    @property
    def n_listwise(self) -> int:
        """Rows left out for a missing value on a model column (listed in ``excluded``)."""
        excluded = self.__dict__.get("excluded")
        return 0 if not isinstance(excluded, pd.DataFrame) else int(len(excluded))

    @property
    def n_excluded(self) -> int:
        """Rows received but not analysed: excluded by screening plus left out listwise."""
        return int(self.n_excluded_by_screening + self.n_listwise)

    @property
    def options(self) -> dict:
        """The options the call ran with (``_options()`` of the class plus the screening choice)."""
        return {**self._options(), "include_excluded": self.include_excluded}

    def _options(self) -> dict:  # pragma: no cover - every model result defines it
        return {}

    def _footer(self) -> str:
        # the line under a table-like model result's table in a notebook (TableResult's repr)
        return (f"{type(self).__name__}: n = {self.n} analysed, {self.n_excluded} excluded; "
                f".table() is this table, .summary() the model, .apa() the text")

    def _sample_facts(self) -> dict:
        """``n, n_excluded`` (the first columns of every ``summary()``)."""
        return {"n": int(self.n), "n_excluded": self.n_excluded}


def tidy(table: pd.DataFrame, stat: str | None = None, df=np.nan, drop=()) -> pd.DataFrame:
    """A station's table in the protocol's columns: ``stat`` (``"t"``, ``"z"``) becomes ``statistic``
    followed by ``df`` (a number or a column), the index a RangeIndex; other columns stay as they are."""
    out = table.drop(columns=list(drop)).reset_index(drop=True)
    if stat is not None and stat in out:
        at = list(out.columns).index(stat)
        values = out.pop(stat)
        out.insert(at, "statistic", values.to_numpy(float))
        out.insert(at + 1, "df", np.broadcast_to(np.asarray(df, float), len(out)).copy())
    return out


def coefficient_figure(table: pd.DataFrame, title: str, path=None, term: str = "term",
                       xlabel: str = "Estimate with its confidence interval"):
    """The coefficient plot of :mod:`analysis.report.model_figures` for a tidy table (intercepts left
    out), written with deterministic bytes to ``path`` when given; returns the Figure."""
    from ..report.figures import save_figure
    from ..report.model_figures import coefficient_plot

    t = table.rename(columns={term: "term"}) if term != "term" else table
    fig = coefficient_plot(t, title=title, xlabel=xlabel)
    if path is not None:
        save_figure(fig, path)
    return fig


def r_formula(y: str, terms) -> str:
    """``y ~ a + b`` for an R call (``1`` without terms)."""
    terms = list(terms)
    return f"{y} ~ {' + '.join(map(str, terms)) if terms else '1'}"


def design_columns(data, y, x, formula, what):
    """The outcome and the model's columns (outcome first) of a regression given as ``x=[columns]`` or
    as ``formula=``, after checking the roles (or the formula) against the data; ``what`` names the
    function in a refusal."""
    check_frame(data)
    if (x is None) == (formula is None):
        raise DataError("and formula= are both given" if x is not None else "and formula= are both missing",
                        argument="x", value=x, within=what,
                        hint="give the predictors either as x=[columns] or as formula='y ~ ...'")
    if formula is not None:
        if "~" not in formula:
            raise DataError("has no '~'", argument="formula", value=formula, within=what,
                            hint="write it as 'y ~ x1 + x2'")
        lhs = formula.split("~", 1)[0].strip()
        y = y or lhs
        cols = formula_columns(formula, data)
        if lhs not in data.columns:
            raise DataError("is not in the data", file=data.attrs.get("source"), column=lhs, item="the outcome",
                            within=what, hint="Check the formula's left-hand side against the file's header." + near_columns(lhs, data))
    else:
        cols = [y] + check_roles(y, x, what)
        check_columns(data, cols, what=what, numeric=True)
    return y, cols


def p_cell(p):
    """A p value for a table cell: APA's text without its leading "p" (``.012``, ``< .001``)."""
    return apa_p(p).replace("p = ", "").replace("p ", "")
