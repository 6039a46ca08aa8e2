"""Agreement between coders of goal statements: percent agreement, Cohen's kappa, Krippendorff's alpha.

* **Percent agreement**: 100 × the share of statements both coders put in the same class
  (R ``irr::agree``).
* **Cohen's kappa** (unweighted), ``(p_o − p_e) / (1 − p_e)`` over the classes either coder used
  (R ``psy::ckappa``). Its standard error is the large-sample (non-null) one of Fleiss, Cohen &
  Everitt (1969), which R ``psych::cohen.kappa`` reports as ``var.kappa``; the confidence interval
  is kappa ± z·SE, limited to [−1, 1] as psych does. The z test of kappa = 0 uses the SE under the
  null hypothesis (the same paper; R ``irr::kappa2``). Hand-written because no maintained Python
  package reports the non-null SE; scikit-learn's ``cohen_kappa_score`` gives kappa alone.
* **Krippendorff's alpha** (nominal) from the ``krippendorff`` package; statements one coder left
  blank are unpairable and do not count.

Every pair is computed on the statements both members coded (``n``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from ..errors import DataError
from ..formatting.apa import Apa, apa
from ..results import Result
from ..checks import near_columns

TABLE_COLUMNS = ["comparison", "measure", "estimate", "se", "ci_low", "ci_high", "statistic", "p_val", "n"]


def _check_level(level) -> float:
    try:
        lv = float(level)
    except (TypeError, ValueError):
        raise DataError("", argument="level", value=level, hint="level must be a number between 0 and 1 (e.g. 0.95)") from None
    if not 0 < lv < 1:
        raise DataError("", argument="level", value=level, hint="level must be between 0 and 1 (e.g. 0.95)")
    return lv


def confusion(a, b) -> pd.DataFrame:
    """The cross-table of two codings (rows ``a``, columns ``b``) over the classes either used.

    Pairs where either code is missing are left out.
    """
    a, b = pd.Series(a, dtype=object).reset_index(drop=True), pd.Series(b, dtype=object).reset_index(drop=True)
    if len(a) != len(b):
        raise DataError("have different lengths", argument="a, b", value=f"{len(a)} and {len(b)} codes",
                        within="confusion", hint="give two codings of the same statements, in the same order")
    ok = a.notna() & b.notna()
    a, b = a[ok].astype(str), b[ok].astype(str)
    cats = sorted(set(a) | set(b))
    tab = pd.crosstab(pd.Categorical(a, categories=cats), pd.Categorical(b, categories=cats), dropna=False)
    tab.index.name, tab.columns.name = "a", "b"
    return tab.reindex(index=cats, columns=cats, fill_value=0)


def cohen_kappa(a, b, *, level: float = 0.95) -> dict:
    """Unweighted Cohen's kappa of two codings with its SE, confidence interval and z test.

    Returns a dict: ``n, agreement`` (percent), ``kappa, se, ci_low, ci_high`` (non-null SE,
    Fleiss, Cohen & Everitt 1969), ``se0, statistic, p_val`` (z = kappa / SE under kappa = 0,
    two-sided).

    Examples
    --------
    >>> k = cohen_kappa(list("aabbbcccca"), list("aabbcccccb"))
    >>> round(k["kappa"], 6), round(k["se"], 6), round(k["statistic"], 6)
    (0.692308, 0.188756, 3.116445)

    R: ``psy::ckappa(cbind(a, b))$kappa``; ``psych::cohen.kappa(cbind(a, b))`` (``var.kappa``,
    ``confid``); the z test as ``irr::kappa2(cbind(a, b))``.
    """
    level = _check_level(level)
    tab = confusion(a, b).to_numpy(dtype=float)
    n = tab.sum()
    out = {"n": int(n), "agreement": np.nan, "kappa": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan,
           "se0": np.nan, "statistic": np.nan, "p_val": np.nan}
    if n == 0:
        return out
    p = tab / n
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    po, pe = float(np.trace(p)), float(rows @ cols)
    out["agreement"] = 100.0 * po
    if pe >= 1.0:  # both coders used one and the same class throughout: kappa is undefined
        return out
    # statsmodels gives kappa and both large-sample SEs of Fleiss, Cohen & Everitt (1969): the
    # non-null one for the interval, the one under kappa = 0 (margins fixed) for the z test
    from statsmodels.stats.inter_rater import cohens_kappa as _sm_kappa

    fit = _sm_kappa(tab)
    kappa, se, se0 = float(fit.kappa), float(fit.std_kappa), float(fit.std_kappa0)
    z = norm.ppf(0.5 + level / 2.0)
    out.update(kappa=kappa, se=se, ci_low=float(max(kappa - z * se, -1.0)), ci_high=float(min(kappa + z * se, 1.0)), se0=se0)
    if se0 > 0:
        out["statistic"] = kappa / se0
        out["p_val"] = float(2.0 * norm.sf(abs(kappa / se0)))
    return out


def krippendorff_alpha(*codings) -> float:
    """Krippendorff's alpha (nominal) of two or more codings of the same statements.

    Missing codes (``None``/NaN) are allowed; statements with fewer than two codes do not count.

    Examples
    --------
    >>> round(krippendorff_alpha(list("aabbbcccca"), list("aabbcccccb")), 6)
    0.705426

    Python: ``krippendorff.alpha(reliability_data, level_of_measurement="nominal")``.
    """
    import krippendorff

    series = [pd.Series(c, dtype=object).reset_index(drop=True) for c in codings]
    cats = sorted({str(v) for s in series for v in s.dropna()})
    code = {c: i for i, c in enumerate(cats)}
    data = np.array([[code[str(v)] if pd.notna(v) else np.nan for v in s] for s in series], dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2
    if len(cats) < 2 or not pairable.any():
        return np.nan  # one class only (or nothing pairable): alpha is undefined
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


@dataclass
class AgreementResult(Result):
    """Agreement of every pair of codings (human coders and the rules); see :func:`analysis.goals.goal_agreement`.

    ``.table()`` tidy, one row per comparison and measure; ``.summary()`` one row per comparison
    (``agreement`` in percent, ``kappa`` with its SE, CI and z test, Krippendorff's ``alpha``,
    ``n`` statements both coded, ``n_excluded`` left out because one of the two left them blank);
    ``.confusion(a, b)`` a cross-table; ``.n`` statements, ``.n_excluded`` statements left out of
    at least one comparison (``.excluded`` per comparison).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.goals import agreement_between
    >>> codes = pd.DataFrame({"coder_1": list("aabbbcccca"), "coder_2": ["a", "a", "b", "b", "c", None, "c", "c", "c", "b"]})
    >>> res = agreement_between(codes)
    >>> res.n, res.n_excluded, res.summary()[["comparison", "n", "agreement"]].to_dict("records")
    (10, 1, [{'comparison': 'coder_1 vs coder_2', 'n': 9, 'agreement': 77.77777777777777}])

    R: ``irr::agree(cbind(coder_1, coder_2))``, ``psych::cohen.kappa(cbind(coder_1, coder_2))``.
    """

    pairs: pd.DataFrame            # one row per comparison, wide
    codes: pd.DataFrame            # the codings compared (no statement text)
    level: float
    raters: list
    source: str | None = None
    excluded: dict = field(default_factory=dict)   # statements left out, per comparison
    r_call: str = ("psy::ckappa(cbind(coder_1, coder_2)); psych::cohen.kappa(cbind(coder_1, coder_2)); "
                   "irr::agree(cbind(coder_1, coder_2)); irr::kappa2(cbind(coder_1, coder_2)); "
                   "krippendorff.alpha(rbind(coder_1, coder_2), level_of_measurement='nominal') in Python")

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def n_excluded(self) -> int:
        """Statements left out of at least one comparison (a coding left them blank)."""
        return int(self.codes.isna().any(axis=1).sum())

    @property
    def options(self) -> dict:
        return {"raters": list(self.raters), "level": self.level, "source": self.source}

    def table(self) -> pd.DataFrame:
        """Tidy: one row per comparison and measure (``percent_agreement``, ``cohen_kappa``, ``krippendorff_alpha``)."""
        rows = []
        for r in self.pairs.itertuples(index=False):
            rows.append([r.comparison, "percent_agreement", r.agreement, np.nan, np.nan, np.nan, np.nan, np.nan, r.n])
            rows.append([r.comparison, "cohen_kappa", r.kappa, r.se, r.ci_low, r.ci_high, r.statistic, r.p_val, r.n])
            rows.append([r.comparison, "krippendorff_alpha", r.alpha, np.nan, np.nan, np.nan, np.nan, np.nan, r.n])
        return pd.DataFrame(rows, columns=TABLE_COLUMNS)

    def summary(self) -> pd.DataFrame:
        """One row per comparison (wide): agreement, kappa with SE, CI, z and p, alpha, n, n_excluded."""
        out = self.pairs.copy()
        out["n_excluded"] = [int(self.excluded.get(c, 0)) for c in out["comparison"]]
        return out

    def confusion(self, a: str, b: str) -> pd.DataFrame:
        """The cross-table of two of the codings, e.g. ``confusion("coder_1", "rules")``."""
        for r in (a, b):
            if r not in self.codes.columns:
                raise DataError("is not a coding", argument="coding", value=r, within="confusion",
                                hint=f"the codings are {', '.join(self.codes.columns)}")
        return confusion(self.codes[a], self.codes[b])


@apa.register
def _apa_agreement(res: AgreementResult) -> Apa:
    pct = int(round(res.level * 100))
    out, cells = [], []
    for r in res.pairs.itertuples(index=False):
        if np.isnan(r.kappa):
            out.append(f"{r.comparison}: {r.agreement:.0f}% agreement, kappa undefined (one class only), n = {r.n}.")
            cells.append({"comparison": r.comparison, "n": str(r.n), "agreement": f"{r.agreement:.0f}%",
                          "kappa": "—", "ci": "—", "alpha": "—"})
            continue
        p = "p < .001" if r.p_val < 0.001 else f"p = {r.p_val:.3f}".replace("0.", ".", 1)
        out.append(f"{r.comparison}: {r.agreement:.0f}% agreement, Cohen's \u03ba = {_num(r.kappa)}, {pct}% CI "
                   f"[{_num(r.ci_low)}, {_num(r.ci_high)}], z = {r.statistic:.2f}, {p}; Krippendorff's "
                   f"\u03b1 = {_num(r.alpha)}; n = {r.n}.")
        cells.append({"comparison": r.comparison, "n": str(r.n), "agreement": f"{r.agreement:.0f}%",
                      "kappa": _num(r.kappa), "ci": f"[{_num(r.ci_low)}, {_num(r.ci_high)}]", "alpha": _num(r.alpha)})
    first = res.pairs.iloc[0] if len(res.pairs) else None
    est = "" if first is None or np.isnan(first.kappa) else f"\u03ba = {_num(first.kappa)}"
    return Apa(estimate=est, full_result=" ".join(out), table=pd.DataFrame(cells))


def _num(x) -> str:
    """Two decimals, no leading zero (kappa and alpha are bounded by 1)."""
    s = f"{x:.2f}"
    return s.replace("0.", ".", 1) if s.startswith(("0.", "-0.")) else s


def agreement_between(codes: pd.DataFrame, raters=None, *, level: float = 0.95, source=None) -> AgreementResult:
    """Agreement of every pair of coding columns in ``codes`` (one row per statement).

    Examples
    --------
    >>> import pandas as pd
    >>> codes = pd.DataFrame({"coder_1": list("aabbbcccca"), "coder_2": list("aabbcccccb")})
    >>> agreement_between(codes).table()[["measure", "estimate", "n"]].round(4)
                  measure  estimate   n
    0   percent_agreement   80.0000  10
    1         cohen_kappa    0.6923  10
    2  krippendorff_alpha    0.7054  10
    """
    level = _check_level(level)
    raters = list(raters or codes.columns)
    if len(raters) < 2:
        raise DataError("is not two or more codings", argument="raters", value=raters, within="agreement",
                        hint="agreement needs at least two codings to compare")
    for r in raters:
        if r not in codes.columns:
            raise DataError("is not in the data", file=source, column=r, item="a coding column",
                            hint="Name the coder columns as the data have them." + near_columns(r, codes))
    rows, excluded = [], {}
    for i, a in enumerate(raters):
        for b in raters[i + 1:]:
            both = codes[a].notna() & codes[b].notna()
            if not both.any():
                raise DataError(f"no statement is coded by both {a} and {b}", file=source, column=[a, b],
                                hint="fill in the coder columns of the coding sheet first")
            k = cohen_kappa(codes.loc[both, a], codes.loc[both, b], level=level)
            alpha = krippendorff_alpha(codes.loc[both, a], codes.loc[both, b])
            name = f"{a} vs {b}"
            excluded[name] = int((~both).sum())
            rows.append({"comparison": name, "a": a, "b": b, "n": k["n"], "agreement": k["agreement"],
                         "kappa": k["kappa"], "se": k["se"], "ci_low": k["ci_low"], "ci_high": k["ci_high"],
                         "statistic": k["statistic"], "p_val": k["p_val"], "se0": k["se0"], "alpha": alpha})
    return AgreementResult(pairs=pd.DataFrame(rows), codes=codes[raters].copy(), level=level, raters=raters,
                           source=source, excluded=excluded)
