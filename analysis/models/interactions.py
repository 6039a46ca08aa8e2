"""Moderation: interactions with centred or standardised predictors, simple slopes at ±1 SD, the
Johnson–Neyman region, an interaction plot (the index of moderated mediation:
:mod:`analysis.models.conditional_process`).

* :func:`moderation` fits ``y ~ x + w + x·w (+ covariates)`` by OLS on mean-centred (default) or
  standardised x and w (the product is formed after centring). Simple slopes of x at w = −1 SD,
  mean and +1 SD: b_x + b_xw·w₀ with SE √(V_xx + 2w₀V_x,xw + w₀²V_xw,xw), t tests on the residual df.
* Johnson–Neyman: the values of w at which the simple slope's t equals the critical t solve
  (b_xw² − t²V_xw,xw)w² + 2(b_x b_xw − t²V_x,xw)w + (b_x² − t²V_xx) = 0 (reported on w's own
  scale, with whether each bound lies within the observed range).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_level
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..formatting.figures import save_figure
from ._common import (Reported, as_list, check_columns, check_frame, complete_cases, p_cell, r_formula,
                      screens_sample)
from .linear_models import RegressionResult, _ols_result

__all__ = ["moderation", "ModerationResult"]


def prepare_moderation(data, cols, x, w, scaling, what):
    check_frame(data)
    check_columns(data, cols, what=what, numeric=True)
    dup = [c for c in cols if cols.count(c) > 1]
    if dup:
        raise DataError("has more than one role", file=data.attrs.get("source"), column=dup[0], within=what,
                        hint="give each column one role")
    if scaling not in ("center", "standardize", "none"):
        raise DataError("is not a scaling", argument="scaling", value=scaling, within=what,
                        hint="use 'center', 'standardize' or 'none'")
    cc = complete_cases(data, cols, what=what)
    d = cc.data[cols].apply(pd.to_numeric).astype(float)
    info = {}
    for c in (x, w):
        mu, sd = d[c].mean(), d[c].std(ddof=1)
        if sd == 0:
            raise DataError("has no variance among the complete rows", file=data.attrs.get("source"), column=c, within=what,
                            hint="Leave the column out: a constant explains nothing.")
        if scaling == "center":
            d[c] = d[c] - mu
        elif scaling == "standardize":
            d[c] = (d[c] - mu) / sd
        info[c] = (mu, sd)
    return d, cc.excluded, info


@dataclass
class ModerationResult(Reported):
    """Result of :func:`moderation`.

    Attributes
    ----------
    regression : RegressionResult
        The OLS fit (terms ``x``, ``w``, ``x:w`` on the centred/standardised scale).
    simple_slopes : DataFrame
        ``level, w_value, estimate, se, t, p_val, ci_low, ci_high`` (slope of x at w = −1 SD, mean, +1 SD;
        ``w_value`` on w's original scale).
    johnson_neyman : DataFrame
        ``bound, w_value, within_range`` — the values of w where the slope of x crosses significance.
    jn_text : str
        Where the slope of x is significant.

    ``table()`` holds the coefficients (``kind`` "coefficient") and the simple slopes of x (``kind``
    "simple slope", ``w_value`` the moderator's value) in the protocol's columns; ``summary()`` one row
    of the model (n, n_excluded, R², F, the interaction and the Johnson–Neyman region);
    ``figure(path=None)`` the interaction plot.

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.models import moderation
    >>> res = moderation(read_dataset("demo"), x="exam1", w="age", y="exam3")
    >>> res.table()[["term", "kind"]].tail(3)
                             term          kind
    4  slope of exam1 at −1 SD age  simple slope
    5   slope of exam1 at mean age  simple slope
    6  slope of exam1 at +1 SD age  simple slope
    >>> res.r_call
    'lm(exam3 ~ exam1 * age, transform(data, exam1 = exam1 - mean(exam1), age = age - mean(age)))'
    """

    regression: RegressionResult
    simple_slopes: pd.DataFrame
    johnson_neyman: pd.DataFrame
    jn_text: str
    x: str
    w: str
    y: str
    scaling: str
    w_mean: float
    w_sd: float
    x_mean: float
    x_sd: float
    data: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def coefficients(self) -> pd.DataFrame:
        return self.regression.coefficients

    @property
    def n(self) -> int:
        return self.regression.n

    covar: list = field(default_factory=list)
    hc3: bool = False
    level: float = 0.95

    def table(self) -> pd.DataFrame:
        """Coefficients and simple slopes: ``term, kind, w_value, estimate, se, statistic, df, p_val,
        ci_low, ci_high``."""
        co = self.regression.table()
        df = self.regression.df_resid
        s = self.simple_slopes
        slopes = pd.DataFrame({"term": [f"slope of {self.x} at {lv} {self.w}" for lv in s["level"]],
                               "kind": "simple slope", "w_value": s["w_value"].to_numpy(float),
                               "estimate": s["estimate"].to_numpy(float), "se": s["se"].to_numpy(float),
                               "statistic": s["t"].to_numpy(float), "df": float(df),
                               "p_val": s["p_val"].to_numpy(float), "ci_low": s["ci_low"].to_numpy(float),
                               "ci_high": s["ci_high"].to_numpy(float)})
        coefs = co[["term", "estimate", "se", "statistic", "df", "p_val", "ci_low", "ci_high"]].assign(
            kind="coefficient", w_value=np.nan)
        return pd.concat([coefs[slopes.columns], slopes], ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """One row: the model, ``n, n_excluded``, R², F test, the interaction (estimate, p) and the
        Johnson–Neyman region (text)."""
        reg = self.regression.summary().iloc[0]
        inter = self.regression.coefficients.set_index("term").loc[f"{self.x}:{self.w}"]
        return pd.DataFrame([{"x": self.x, "w": self.w, "y": self.y, "scaling": self.scaling, **self._sample_facts(),
                              "r2": reg.r2, "statistic": reg.statistic, "df_model": reg.df_model,
                              "df_resid": reg.df_resid, "p_val": reg.p_val, "interaction": inter.estimate,
                              "interaction_p_val": inter.p_val, "johnson_neyman": self.jn_text}])

    def _options(self) -> dict:
        return {"scaling": self.scaling, "covar": list(self.covar), "hc3": self.hc3, "level": self.level,
                "nan_policy": "listwise"}

    @property
    def r_call(self) -> str:
        model = r_formula(self.y, [f"{self.x} * {self.w}"] + list(self.covar))
        if self.scaling == "none":
            data = "data"
        else:
            f = (lambda c: f"{c} - mean({c})") if self.scaling == "center" else (lambda c: f"as.numeric(scale({c}))")
            data = f"transform(data, {self.x} = {f(self.x)}, {self.w} = {f(self.w)})"
        call = f"lm({model}, {data})"
        if self.hc3:
            call = f"lmtest::coeftest(m <- {call}, vcov = sandwich::vcovHC(m, type = \"HC3\"))"
        return call

    def figure(self, path=None):
        """The interaction plot (see :meth:`plot`); written to ``path`` when given."""
        return self.plot(path=path)

    def plot(self, ax=None, path=None):
        """Interaction plot (seaborn): predicted y over x's observed range, one line per w level
        (−1 SD, mean, +1 SD). Saved to ``path`` (PNG/SVG/PDF) when given. Returns the Figure."""
        import matplotlib.pyplot as plt
        import seaborn as sns

        fit = self.regression.fit
        b = fit.params
        xs = np.linspace(self.data[self.x].min(), self.data[self.x].max(), 50)
        cov_terms = [t for t in b.index if t not in ("Intercept", self.x, self.w, f"{self.x}:{self.w}")]
        cov_part = sum(b[t] * self.data[t].mean() for t in cov_terms)
        rows = []
        for lab, w0 in zip(self.simple_slopes["level"], self._w_levels()):
            yhat = b["Intercept"] + b[self.x] * xs + b[self.w] * w0 + b[f"{self.x}:{self.w}"] * xs * w0 + cov_part
            x_orig = self._x_orig(xs)
            rows.append(pd.DataFrame({self.x: x_orig, self.y: yhat, self.w: lab}))
        pdat = pd.concat(rows, ignore_index=True)
        fig = None
        if ax is None:
            fig, ax = plt.subplots(figsize=(5, 3.6))
        else:
            fig = ax.figure
        sns.lineplot(data=pdat, x=self.x, y=self.y, hue=self.w, style=self.w, ax=ax, palette="colorblind")
        ax.set_title(f"{self.y} on {self.x} at levels of {self.w}")
        ax.legend(title=self.w, frameon=False)
        sns.despine(ax=ax)
        fig.tight_layout()
        if path is not None:
            save_figure(fig, path)
        return fig

    def _w_levels(self):
        scale = self.w_sd if self.scaling != "standardize" else 1.0
        base = self.w_mean if self.scaling == "none" else 0.0
        return [base - scale, base, base + scale]

    def _x_orig(self, xs):
        if self.scaling == "center":
            return xs + self.x_mean
        if self.scaling == "standardize":
            return xs * self.x_sd + self.x_mean
        return xs


@screens_sample("moderation")
def moderation(data: pd.DataFrame, x: str, w: str, y: str, covar=None, scaling: str = "center",
               hc3: bool = False, level: float = 0.95) -> ModerationResult:
    """Moderated regression of ``y`` on ``x`` × ``w`` with simple slopes and Johnson–Neyman.

    Parameters
    ----------
    x, w, y : str
        Focal predictor, moderator, outcome.
    covar : str or list, optional
    scaling : {"center", "standardize", "none"}
        Mean-centre (default) or z-standardise x and w before forming the product.
    hc3 : bool
        HC3 standard errors for the coefficients, simple slopes and the J–N region.

    Examples
    --------
    >>> from analysis import score
    >>> from analysis.datasets import read_dataset
    >>> raw = read_dataset("demo")
    >>> d = raw.join(score(raw, "agq-r", columns="agq_{n}", missing=[-99], response={"min": 1, "max": 7}).scores)
    >>> from analysis.models import moderation
    >>> res = moderation(d, x="performance_avoidance", w="mastery_approach", y="exam3")
    >>> res.simple_slopes.level.tolist()
    ['−1 SD', 'mean', '+1 SD']
    >>> # R: lm(exam3 ~ pav * map, transform(d, pav = performance_avoidance - mean(performance_avoidance),
    >>> #                                     map = mastery_approach - mean(mastery_approach)))
    """
    check_level(level, "moderation")
    covar = as_list(covar)
    cols = [x, w, y] + covar
    d, excluded, info = prepare_moderation(data, cols, x, w, scaling, "moderation")
    xw = f"{x}:{w}"
    d[xw] = d[x] * d[w]
    reg = _ols_result(d, y, [x, w, xw] + covar, None, hc3, level, excluded)
    fit = reg.fit
    b = fit.params
    V = fit.cov_HC3 if hc3 else fit.cov_params()
    V = pd.DataFrame(np.asarray(V), index=b.index, columns=b.index)
    df = fit.df_resid
    tcrit = stats.t.ppf(0.5 + level / 2, df)
    w_mu, w_sd = info[w]
    res = ModerationResult(reg, pd.DataFrame(), pd.DataFrame(), "", x, w, y, scaling, w_mu, w_sd,
                           info[x][0], info[x][1], d, excluded, covar, hc3, level)
    rows = []
    for lab, w0 in zip(["−1 SD", "mean", "+1 SD"], res._w_levels()):
        est = b[x] + b[xw] * w0
        se = np.sqrt(V.loc[x, x] + 2 * w0 * V.loc[x, xw] + w0 ** 2 * V.loc[xw, xw])
        t = est / se
        rows.append({"level": lab, "w_value": _w_orig(w0, scaling, w_mu, w_sd), "estimate": est, "se": se,
                     "t": t, "p_val": 2 * stats.t.sf(abs(t), df), "ci_low": est - tcrit * se,
                     "ci_high": est + tcrit * se})
    res.simple_slopes = pd.DataFrame(rows)
    res.johnson_neyman, res.jn_text = _johnson_neyman(b[x], b[xw], V.loc[x, x], V.loc[x, xw], V.loc[xw, xw],
                                                      tcrit, d[w], scaling, w_mu, w_sd, w, x, level)
    return res


def _w_orig(w0, scaling, mu, sd):
    return w0 + mu if scaling == "center" else w0 * sd + mu if scaling == "standardize" else w0


def _johnson_neyman(b1, b3, v11, v13, v33, tcrit, wcol, scaling, mu, sd, w, x, level):
    A = b3 ** 2 - tcrit ** 2 * v33
    B = 2 * (b1 * b3 - tcrit ** 2 * v13)
    C = b1 ** 2 - tcrit ** 2 * v11
    lo, hi = float(wcol.min()), float(wcol.max())
    disc = B * B - 4 * A * C
    bounds = []
    if A != 0 and disc >= 0:
        r = np.sort([(-B - np.sqrt(disc)) / (2 * A), (-B + np.sqrt(disc)) / (2 * A)])
        bounds = list(r)
    tab = pd.DataFrame({"bound": ["lower", "upper"][:len(bounds)] if len(bounds) == 2 else [],
                        "w_value": [_w_orig(v, scaling, mu, sd) for v in bounds],
                        "within_range": [lo <= v <= hi for v in bounds]})
    # significance of the slope at w: (b1 + b3 w)² − t²·var > 0  ⇔  A w² + B w + C > 0
    if not bounds:
        sig_everywhere = C > 0 if A >= 0 else False
        text = (f"the slope of {x} is significant (α = {1 - level:.2g}) at every value of {w}" if sig_everywhere
                else f"the slope of {x} is not significant at any value of {w}")
        return tab, text
    lo_b, hi_b = (_w_orig(v, scaling, mu, sd) for v in bounds)
    if A > 0:
        text = f"the slope of {x} is significant when {w} < {lo_b:.3f} or {w} > {hi_b:.3f}"
    else:
        text = f"the slope of {x} is significant when {lo_b:.3f} < {w} < {hi_b:.3f}"
    obs = f" (observed {w}: {_w_orig(lo, scaling, mu, sd):.3f} to {_w_orig(hi, scaling, mu, sd):.3f}; α = {1 - level:.2g})"
    return tab, text + obs


# --- APA --------------------------------------------------------------------------------------
@apa.register
def _(res: ModerationResult) -> Apa:
    co = res.regression.coefficients.set_index("term")
    inter = co.loc[f"{res.x}:{res.w}"]
    df = res.regression.df_resid
    ci = apa_ci(inter.ci_low, inter.ci_high, level=res.level)
    stat = f"b = {apa_num(inter.estimate)}, {ci}, t({df}) = {apa_num(inter.t)}, {apa_p(inter.p_val)}"
    rows, parts = [], []
    for s in res.simple_slopes.itertuples(index=False):
        rows.append({f"{res.w} at": s.level, f"{res.w}": apa_num(s.w_value), "Slope": apa_num(s.estimate),
                     "SE": apa_num(s.se), f"{round(res.level * 100)}% CI": f"[{apa_num(s.ci_low)}, {apa_num(s.ci_high)}]",
                     "t": apa_num(s.t), "p": p_cell(s.p_val)})
        parts.append(f"at {s.level} ({apa_num(s.w_value)}): b = {apa_num(s.estimate)}, t({df}) = {apa_num(s.t)}, {apa_p(s.p_val)}")
    full = (f"The {res.x} × {res.w} interaction on {res.y}: {stat}. Simple slopes of {res.x}: "
            + "; ".join(parts) + f". Johnson–Neyman: {res.jn_text}.")
    return Apa(estimate=f"b = {apa_num(inter.estimate)}, {ci}",
               statistic=f"t({df}) = {apa_num(inter.t)}, {apa_p(inter.p_val)}", full_result=full,
               table=pd.DataFrame(rows))


