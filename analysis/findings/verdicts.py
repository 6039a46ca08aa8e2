"""Replication verdicts: the words a replication row gets, read from the observed CI against the
registered finding (the tests reported beside them: :mod:`analysis.findings.replication`).

The verdict is read from the CI alone (at ``level``; ``alpha`` is 1 − ``level`` and a different
``alpha`` is refused), so the words and the printed interval never disagree.

Decision table
--------------
Notation: CI = [lo, hi] the observed CI at ``level``; p the published (or predicted) r, s its sign;
band = p ± sesoi, or, where the registry holds the between-study SD τ of a pooled r, the
prediction interval tanh(atanh p ± z·√(τ² + se_p²)) (se_p from the published CI, else 0);
"negligible" = −sesoi ≤ lo and hi ≤ sesoi; "in the published direction" = the CI excludes 0 on the
side of s. Rows are tried top to bottom within a block; the first that holds gives the verdict.

===========================  ===========================================================================
verdict                      rule
===========================  ===========================================================================
*every finding*
not applicable               not tested: the effect is a d or β; the finding holds for one kind of
                             measure and the study's measure differs ("not applicable: measure
                             differs (…)") or is not stated ("… measure not stated (…)"); fewer
                             than 4 complete pairs
*published r, s ≠ 0*
opposite direction           the CI excludes 0 on the side opposite to s (whatever the difference test)
consistent                   the CI lies inside the band
no effect (equivalence)      negligible
smaller                      the CI lies between 0 and the band (both ends on the side of s); when the
                             original N is known and the CI stays short of r33, the verdict says so
larger                       the CI lies beyond the band, away from 0
inconclusive                 anything else (the CI holds 0, or straddles an edge of the band)
*published r = 0*
consistent                   the CI lies inside the band (±sesoi)
larger                       the CI lies wholly outside the band
inconclusive                 anything else
*direction only: positive or negative*
opposite direction           the CI excludes 0 on the side opposite to the stated direction
no effect (equivalence)      negligible
consistent                   in the stated direction (and, by the row above, not negligible)
smaller                      the original N is known and the CI (holding 0) stays short of r33 on
                             the stated side (small telescopes)
inconclusive                 anything else
*direction only: none (no relation found)*
consistent                   negligible
larger                       the CI excludes 0
inconclusive                 anything else
*direction only: nonzero (the source states a relation, not its sign)*
no effect (equivalence)      negligible: the size floor, so a tiny r at a large n does not count
related                      the CI excludes 0: "related, sign not stated by the source: observed r = …"
inconclusive                 anything else
===========================  ===========================================================================

A finding the registry read in a secondary source only (status S) says so at the end of its
verdict. The same table, with examples, is ``docs/verdicts.md``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, stats

from ..formatting.apa import apa_ci, apa_num
from .power_equations import _r_power
from .schema import Finding

__all__ = ["r33", "verdict"]


def r33(n_original: int, alpha: float = 0.05) -> float:
    """The correlation a study of ``n_original`` had 33 % power to detect (Simonsohn, 2015).

    Solved to 1e-14 with the power function of ``pwr::pwr.r.test`` (whose own root finder stops
    near 1e-5).

    Examples
    --------
    >>> from analysis.findings.verdicts import r33
    >>> round(r33(170), 6)
    0.117455
    """
    return optimize.brentq(lambda r: _r_power(n_original, r, alpha, "two-sided") - 1 / 3, 1e-10, 1 - 1e-10, xtol=1e-15,
                           rtol=4 * np.finfo(float).eps)


def direction_sign(direction: str) -> int:
    return {"positive": 1, "negative": -1}.get(direction, 0)


def fmt_r(x) -> str:
    return apa_num(x, 2, gt1=False)


def _band(row: dict, finding: Finding) -> tuple[float, float, str]:
    """The interval a consistent CI must lie in: published r ± sesoi, or the prediction interval
    where the registry holds τ; with the words that name it."""
    e, p, sesoi = finding.effect, row["published"], row["sesoi"]
    word = "predicted" if finding.claim == "prediction" else "published"
    if e.tau is None:
        return p - sesoi, p + sesoi, f"the {word} r = {fmt_r(p)} ± {fmt_r(sesoi)}"
    se_p = 0.0
    if e.ci is not None:
        se_p = (math.atanh(e.ci[1]) - math.atanh(e.ci[0])) / (2 * stats.norm.ppf(1 - (1 - e.level) / 2))
    half = stats.norm.ppf(1 - (1 - row["level"]) / 2) * math.sqrt(e.tau ** 2 + se_p ** 2)
    lo, hi = math.tanh(math.atanh(p) - half), math.tanh(math.atanh(p) + half)
    return lo, hi, (f"the {round(row['level'] * 100):d}% prediction interval [{fmt_r(lo)}, {fmt_r(hi)}] of the "
                    f"{word} r = {fmt_r(p)} (τ = {e.tau:.2f})")


def verdict(row: dict, finding: Finding) -> str:
    """One line in plain words, by the decision table of the module docstring."""
    est, lo, hi, n, sesoi = row["estimate"], row["ci_low"], row["ci_high"], row["n"], row["sesoi"]
    obs = f"r = {fmt_r(est)}, {apa_ci(lo, hi, gt1=False, level=row['level'])}"
    word = "predicted" if finding.claim == "prediction" else "published"
    negligible = -sesoi <= lo and hi <= sesoi
    neg_txt = f"no effect (equivalence): {obs} lies within ±{fmt_r(sesoi)}"
    holds0 = lo <= 0 <= hi
    if finding.has_value:
        p = row["published"]
        s = int(np.sign(p))
        t_lo, t_hi, band = _band(row, finding)
        if s == 0:
            if t_lo <= lo and hi <= t_hi:
                return f"consistent: {obs} lies within {band}"
            if lo > t_hi or hi < t_lo:
                return f"larger than {word}: {obs} lies outside {band}"
            return f"inconclusive: {obs} overlaps {band} without lying inside it (n = {n})"
        a, b = sorted((s * lo, s * hi))
        t1, t2 = sorted((s * t_lo, s * t_hi))
        if b < 0:
            return f"opposite direction: {obs} against the {word} r = {fmt_r(p)}"
        if t_lo <= lo and hi <= t_hi:
            return f"consistent: {obs} lies within {band}"
        if negligible:
            return f"{neg_txt}; {word} r = {fmt_r(p)}"
        if a > 0 and b < t1:
            text = f"smaller than {word}: {obs} lies between 0 and {band}"
            if row["r33"] == row["r33"] and b < row["r33"]:
                text += (f", and short of the r33 = {fmt_r(s * row['r33'])} the original (N = {row['published_n']}) "
                         "had 33% power to detect")
            return text
        if a > t2:
            return f"larger than {word}: {obs} lies beyond {band}, away from 0"
        if holds0 and b < t1:
            return f"inconclusive: {obs} excludes {band} but holds 0, so no direction is established (n = {n})"
        if holds0:
            return f"inconclusive: {obs} holds both 0 and values within {band} (n = {n})"
        if a > 0:
            return f"inconclusive: {obs} is in the {word} direction but reaches beyond {band} (n = {n})"
        return f"inconclusive: {obs} overlaps {band} without lying inside it (n = {n})"

    direction = finding.effect.direction
    if direction in ("positive", "negative"):
        s = direction_sign(direction)
        a, b = sorted((s * lo, s * hi))
        if b < 0:
            return f"opposite direction: {obs}; {word} {direction}"
        if negligible:
            return f"{neg_txt}; {word} {direction}"
        if a > 0:
            return f"consistent: same direction as {word} ({direction}), {obs}"
        if row["r33"] == row["r33"] and b < row["r33"]:
            return (f"smaller than {word}: {obs} stays short of the r33 = {fmt_r(s * row['r33'])} the original "
                    f"(N = {row['published_n']}) had 33% power to detect; {word} {direction}")
        return f"inconclusive: {obs} holds 0 and values beyond ±{fmt_r(sesoi)} (n = {n}); {word} {direction}"
    if direction == "none":
        if negligible:
            return f"consistent: {obs} lies within ±{fmt_r(sesoi)}, as {word} (no relation)"
        if not holds0:
            return f"larger than {word}: {obs} excludes 0, where the {word} finding is no relation"
        return f"inconclusive: {obs} holds 0 and values beyond ±{fmt_r(sesoi)} (n = {n}); {word} no relation"
    # nonzero: a relation whose sign the source read does not state
    if negligible:
        return f"{neg_txt}; {word}: a relation, sign not stated"
    if not holds0:
        return f"related, sign not stated by the source: observed {obs}"
    return f"inconclusive: {obs} holds 0 and values beyond ±{fmt_r(sesoi)} (n = {n}); {word}: a relation, sign not stated"


def with_status(text: str, finding: Finding) -> str:
    if finding.status == "S":
        return text + "; read in a secondary source only, not in the original"
    return text
