"""Small helpers shared by the model modules: column and role checks, listwise deletion that is
logged, formula variables, the tidy coefficient table, the result bases (``Reported``, ``Fitted``)
(the screened sample: :mod:`analysis.models.sample`)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_columns, check_data, check_numeric, near_columns  # noqa: F401  (check_columns: the models import it from here)
from ..deprecation import retired_attribute  # noqa: F401  (re-exported: models import it from here)
from ..errors import DataError
from ..formatting.apa import apa_p
from ..results import Result
from .sample import screened_sample, screens_sample  # noqa: F401  (re-exported: the models import them from here)

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


def whole(value) -> int:
    """A count statsmodels keeps as a float (degrees of freedom), as an ``int``."""
    return int(round(value))


def fit_value(attr: str, kind=float) -> property:
    """A read-only property of a result that keeps its statsmodels fit in ``.fit``: ``kind(self.fit.<attr>)``
    (``kind=whole`` for the degrees of freedom statsmodels keeps as floats)."""
    return property(lambda self: kind(getattr(self.fit, attr)))


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
    """The coefficient plot of :mod:`analysis.formatting.model_figures` for a tidy table (intercepts left
    out), written with deterministic bytes to ``path`` when given; returns the Figure."""
    from ..formatting.figures import save_figure
    from ..formatting.model_figures import coefficient_plot

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
