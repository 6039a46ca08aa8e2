"""Individual outcomes on individual goal orientation and team goal climate (two-level models).

For each person-level predictor ``x`` the person's score is split into a within-team part and a
between-team part (Enders & Tofighi 2007; Hofmann & Gavin 1998):

``x_cwc``   x − team mean of x          (group-mean centred: the person relative to the team)
``x_team``  team mean of x − grand mean (the team's climate, centred at the mean of all people)

and the outcome is modelled as ``y ~ x_cwc + x_team [+ x_cwc:z_team …] + (1 | team)`` with
statsmodels MixedLM through :func:`analysis.models.mixed.mixed_model` (REML by default; random
slopes of the within-team parts with ``random_slopes=True``). Cross-level interactions ask whether
the within-team relation of ``x`` depends on the team climate of ``z``. Team means use every member
with a score on ``x``, including people whose outcome is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import warnings

import numpy as np
import pandas as pd

from ..checks import check_level, check_numeric
from ..deprecation import renamed
from ..errors import DataError
from ..formatting.apa import Apa, apa
from ..models._common import screens_sample
from ..models.mixed import MixedResult, mixed_model
from ..results import Result
from ..checks import near_columns


def center_within_teams(data: pd.DataFrame, predictors, group: str) -> pd.DataFrame:
    """Add ``<x>_cwc`` (group-mean centered) and ``<x>_team`` (team mean − grand mean) columns.

    Spelled ``center`` as the library's ``center`` options; ``centre_within_teams`` is its old name
    (it still works for one release, with a FutureWarning).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"team": [1, 1, 2, 2], "x": [1.0, 3.0, 4.0, 6.0]})
    >>> center_within_teams(d, ["x"], "team")[["x_cwc", "x_team"]].to_numpy().tolist()
    [[-1.0, -1.5], [1.0, -1.5], [-1.0, 1.5], [1.0, 1.5]]

    # R: d$x_team <- ave(d$x, d$team) - mean(d$x); d$x_cwc <- d$x - ave(d$x, d$team)
    """
    if group not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=group, item="the group column",
                        hint="Name the column that holds each respondent's group." + near_columns(group, data))
    numeric = check_numeric(data, predictors, "center_within_teams", hint="centre numeric scores only")
    out = data.copy()
    codes = pd.factorize(out[group], use_na_sentinel=True)[0]
    for x in predictors:
        y = numeric[x].to_numpy(dtype=np.float64, na_value=np.nan)
        ok = ~np.isnan(y) & (codes >= 0)
        g = codes.max() + 1
        n = np.bincount(codes[ok], minlength=g)
        s = np.bincount(codes[ok], weights=y[ok], minlength=g)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, s / np.maximum(n, 1), np.nan)
        team_mean = np.where(codes >= 0, mean[np.maximum(codes, 0)], np.nan)
        grand = float(y[ok].mean())
        out[f"{x}_cwc"] = np.where(ok, y - team_mean, np.nan)
        out[f"{x}_team"] = team_mean - grand
    return out


def centre_within_teams(data: pd.DataFrame, predictors, group: str) -> pd.DataFrame:
    """Deprecated name of :func:`center_within_teams` (works for one release, with a FutureWarning).

    Examples
    --------
    >>> import warnings, pandas as pd
    >>> d = pd.DataFrame({"team": [1, 1, 2, 2], "x": [1.0, 3.0, 4.0, 6.0]})
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     centre_within_teams(d, ["x"], "team")["x_cwc"].tolist(), w[0].category.__name__
    ([-1.0, 1.0, -1.0, 1.0], 'FutureWarning')

    # R: d$x_cwc <- d$x - ave(d$x, d$team)
    """
    warnings.warn("centre_within_teams() is renamed center_within_teams(); the old name stops working in the next "
                  "release", FutureWarning, stacklevel=2)
    return center_within_teams(data, predictors, group)


@dataclass
class TeamModelResult(Result):
    """A two-level model of a person outcome on individual orientation and team climate.

    ``table()`` the fixed effects (``term, estimate, se, statistic`` (Wald z) ``, p_val, ci_low,
    ci_high``); ``summary()`` one row for the model (outcome, n, n_groups, REML, converged,
    log-likelihood, AIC, BIC); ``apa()`` the text of the mixed model; ``n`` people analysed,
    ``n_excluded`` those left out (a missing value, or excluded by screening); ``options``;
    ``r_call`` the lme4 call with the centring.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis import team_climate_model
    >>> staff = read_dataset("staff_demo")
    >>> res = team_climate_model(staff, "performance", ["wdgo_1"], "team")
    >>> res.table()["term"].tolist(), res.n
    (['Intercept', 'wdgo_1_cwc', 'wdgo_1_team'], 334)

    # R: lme4::lmer(performance ~ wdgo_1_cwc + wdgo_1_team + (1 | team), staff)
    """

    model: MixedResult
    data: pd.DataFrame
    outcome: str
    predictors: list
    cross_level: list
    options: dict = field(default_factory=dict)

    @property
    def fixed_effects(self) -> pd.DataFrame:
        """``term, estimate, se, z, p_val, ci_low, ci_high``."""
        return self.model.fixed_effects

    @property
    def random_effects(self) -> pd.DataFrame:
        return self.model.random_effects

    @property
    def n(self) -> int:
        """People analysed."""
        return int(self.model.n)

    @property
    def n_excluded(self) -> int:
        """People left out: a missing value in the model's columns, or excluded by screening."""
        return int(len(self.model.excluded)) + int(getattr(self, "n_excluded_by_screening", 0) or 0)

    def table(self) -> pd.DataFrame:
        """The fixed effects, tidy: ``term, estimate, se, statistic`` (Wald z) ``, p_val, ci_low, ci_high``."""
        return self.model.fixed_effects.rename(columns={"z": "statistic"}).reset_index(drop=True)

    def summary(self) -> pd.DataFrame:
        """One row for the model: ``outcome, formula, n, n_groups, reml, converged, loglik, aic, bic``.

        Until version 0.x this was the fixed-effects table: that is ``table()`` (``.fixed_effects``).
        """
        m = self.model
        return pd.DataFrame([{"outcome": self.outcome, "formula": m.formula, "n": self.n, "n_groups": int(m.n_groups),
                              "reml": bool(m.reml), "converged": bool(m.converged), "loglik": m.loglik,
                              "aic": m.aic, "bic": m.bic}])

    @property
    def r_call(self) -> str:
        g = self.model.group
        centre = "; ".join(f"d${x}_team <- ave(d${x}, d${g}, FUN = function(v) mean(v, na.rm = TRUE)) - "
                           f"mean(d${x}, na.rm = TRUE); d${x}_cwc <- d${x} - ave(d${x}, d${g}, FUN = function(v) "
                           f"mean(v, na.rm = TRUE))" for x in self.predictors)
        re = self.model.re_formula
        bar = f"(1 + {re.lstrip('~').strip()} | {g})" if re else f"(1 | {g})"
        return f"{centre}; lmerTest::lmer({self.model.formula} + {bar}, data = d, REML = {'TRUE' if self.model.reml else 'FALSE'})"


@screens_sample("team_climate_model")
@renamed(covariates="covar", outcome="y", predictors="x")
def team_climate_model(data: pd.DataFrame, y: str, x, group: str, *, cross_level=(),
                       covar=(), random_slopes: bool = False, reml: bool = True,
                       level: float = 0.95) -> TeamModelResult:
    """Fit ``y ~ Σ x_cwc + Σ x_team [+ cross-level terms] + covariates + (1 | group)``.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    y : str
        Person-level outcome (rated performance, engagement); ``outcome=`` is its old name (deprecated).
    x : list of str
        Person-level scores (``predictors=``, deprecated) (``learning``, ``prove``, ``avoid``): each enters as its within-team
        part ``<x>_cwc`` and its team climate ``<x>_team``.
    group : str
        Team column.
    cross_level : list of (x, z)
        Cross-level interactions ``x_cwc : z_team`` (does the within-team effect of x depend on the
        team's climate of z?).
    covar : list of str
        Other person-level columns (covariates), entered as they are (``covariates=`` is the old
        name: it still works for one release, with a FutureWarning).
    random_slopes : bool
        Random slopes of the within-team parts (correlated with the intercept).
    reml : bool
        REML (default) or ML.

    Returns
    -------
    TeamModelResult
        ``fixed_effects``: ``term, estimate, se, z, p_val, ci_low, ci_high`` (Wald); ``table()``
        the same with ``statistic`` for ``z``; ``summary()`` one row for the model.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> staff = read_dataset("staff_demo")
    >>> res = team_climate_model(staff, "performance", ["wdgo_1", "wdgo_2"], "team",
    ...                          cross_level=[("wdgo_1", "wdgo_2")])
    >>> res.fixed_effects["term"].tolist()
    ['Intercept', 'wdgo_1_cwc', 'wdgo_2_cwc', 'wdgo_1_team', 'wdgo_2_team', 'wdgo_1_cwc:wdgo_2_team']

    # R: lme4::lmer(performance ~ wdgo_1_cwc + wdgo_2_cwc + wdgo_1_team + wdgo_2_team + wdgo_1_cwc:wdgo_2_team
    #               + (1 | team), staff)
    """
    outcome, predictors = y, x          # the roles as regression() names them; the body says what they are
    check_level(level, "team_climate_model")
    predictors = [predictors] if isinstance(predictors, str) else list(predictors)
    if not predictors:
        raise DataError("names no predictor", argument="x", value=predictors, within="team_climate_model",
                        hint="give at least one person-level predictor")
    cross = [tuple(p) for p in cross_level]
    for x, z in cross:
        if x not in predictors or z not in predictors:
            raise DataError(f"names ({x}, {z}), but both must be among the predictors {predictors}",
                            argument="cross_level", value=cross_level, within="team_climate_model",
                            hint="add them to x=")
    if outcome not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=outcome, item="the outcome",
                        within="team_climate_model", hint="Check the outcome's name against the file's header." + near_columns(outcome, data))
    d = center_within_teams(data, predictors, group)
    terms = [f"{x}_cwc" for x in predictors] + [f"{x}_team" for x in predictors]
    terms += [f"{x}_cwc:{z}_team" for x, z in cross] + list(covar)
    formula = f"{outcome} ~ " + " + ".join(terms)
    re = ("~" + " + ".join(f"{x}_cwc" for x in predictors)) if random_slopes else None
    res = mixed_model(d, formula, group=group, re_formula=re, reml=reml, level=level)
    options = {"outcome": outcome, "predictors": predictors, "group": group, "cross_level": cross,
               "covar": list(covar), "random_slopes": random_slopes, "reml": reml, "level": level,
               "nan_policy": "omit"}
    return TeamModelResult(model=res, data=d, outcome=outcome, predictors=predictors, cross_level=cross,
                           options=options)


@apa.register
def _(res: TeamModelResult) -> Apa:
    return apa(res.model)
