"""Replication verdicts: hold an observed correlation against a registered finding.

Four questions per finding, each a test on Fisher's z (z = atanh r, SE = 1/√(n − 3)):

* **difference** — is the observed r different from the published r? With the published N (a
  primary study) the two-sample test z = (z_obs − z_pub)/√(1/(n − 3) + 1/(n_pub − 3))
  (``psych::r.test``); without one (a pooled meta-analytic value) the test against a fixed value
  z = (z_obs − z_pub)·√(n − 3). For a direction-only finding: is r different from 0 (the sign test
  of the stated direction)? Column ``test`` says which was run.
* **equivalence** — TOST against ±``sesoi`` (default ±.10 in r): is the effect negligibly small?
  ``tost_p`` is the larger of the two one-sided p values.
* **small telescopes** (Simonsohn, 2015) — r33 is the effect the original study (N = n_pub) had
  33 % power to detect (two-sided α = .05, the power function of ``pwr::pwr.r.test``); the
  one-sided test that the observed r (in the published direction) is smaller than r33 gives
  ``telescope_p``. It needs the original N, so it is missing for pooled values.
* a one-line **verdict** in plain words, built from those tests (see :func:`_verdict`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..checks import check_choice, check_data, check_numeric
from ..errors import DataError
from ..report.apa import Apa, apa, apa_ci, apa_num, apa_p
from ..results import Result
from .registry import FindingsError, get_finding, load_findings
from .schema import CONSTRUCTS, Finding

R_CALL = """\
# per finding, with x and y the two construct scores
r <- cor(x, y, use = "complete.obs"); n <- sum(complete.cases(x, y))
ci <- tanh(atanh(r) + c(-1, 1) * qnorm(1 - (1 - level) / 2) / sqrt(n - 3))   # = psych::r.con(r, n)
# difference, published N known:   psych::r.test(n = n, r12 = r, r34 = r_pub, n2 = n_pub)
# difference, pooled value (no N): z <- (atanh(r) - atanh(r_pub)) * sqrt(n - 3); p <- 2 * pnorm(-abs(z))
# direction only:                  z <- atanh(r) * sqrt(n - 3); p <- 2 * pnorm(-abs(z))
tost_p <- max(pnorm((atanh(r) + atanh(sesoi)) * sqrt(n - 3), lower.tail = FALSE),
              pnorm((atanh(r) - atanh(sesoi)) * sqrt(n - 3)))
r33 <- pwr::pwr.r.test(n = n_pub, power = 1/3, sig.level = 0.05)$r
telescope_p <- pnorm((atanh(sign_pub * r) - atanh(r33)) * sqrt(n - 3))"""

COLUMNS = ["finding_id", "construct_x", "construct_y", "subgroup", "column_x", "column_y", "kind", "published",
           "published_direction", "published_ci_low", "published_ci_high", "published_n", "estimate", "ci_low",
           "ci_high", "n", "test", "statistic", "p_val", "sesoi", "tost_p", "r33", "telescope_p", "verdict",
           "status", "source"]


# ------------------------------------------------------------------------------------------------
def _power_r(r: float, n: float, alpha: float = 0.05) -> float:
    """Power of the two-sided test of a correlation, as ``pwr::pwr.r.test`` computes it (Fisher z
    with the bias term r/(2(n − 1)) and the critical r from the t distribution)."""
    t = stats.t.isf(alpha / 2, n - 2)
    rc = math.sqrt(t * t / (t * t + n - 2))
    zr = math.atanh(r) + r / (2 * (n - 1))
    zrc = math.atanh(rc)
    return stats.norm.cdf((zr - zrc) * math.sqrt(n - 3)) + stats.norm.cdf((-zr - zrc) * math.sqrt(n - 3))


def r33(n_original: int, alpha: float = 0.05) -> float:
    """The correlation a study of ``n_original`` had 33 % power to detect (Simonsohn, 2015).

    Solved to 1e-14 with the power function of ``pwr::pwr.r.test`` (whose own root finder stops
    near 1e-5).

    Examples
    --------
    >>> from analysis.findings.replication import r33
    >>> round(r33(170), 6)
    0.117455
    """
    return optimize.brentq(lambda r: _power_r(r, n_original, alpha) - 1 / 3, 1e-10, 1 - 1e-10, xtol=1e-15,
                           rtol=4 * np.finfo(float).eps)


def _sign(direction: str) -> int:
    return {"positive": 1, "negative": -1}.get(direction, 0)


def _fmt_r(x) -> str:
    return apa_num(x, 2, gt1=False)


def _verdict(row: dict, finding: Finding, alpha: float) -> str:
    """One line in plain words from the tests of ``row`` (see the module docstring)."""
    est, lo, hi, n = row["estimate"], row["ci_low"], row["ci_high"], row["n"]
    sesoi = row["sesoi"]
    level_txt = apa_ci(lo, hi, gt1=False, level=row["level"])
    excl0 = lo > 0 or hi < 0
    word = "predicted" if finding.claim == "prediction" else "published"
    negligible = row["tost_p"] < alpha
    tele = row["telescope_p"]
    small_tele = tele == tele and tele < alpha
    obs = f"r = {_fmt_r(est)}, {level_txt}"
    if finding.has_value:
        pub = row["published"]
        p_txt = apa_p(row["p_val"])
        if row["p_val"] >= alpha:
            if not excl0 and abs(pub) >= sesoi:
                return (f"inconclusive: too few respondents to tell (n = {n}; {level_txt} holds both 0 and the "
                        f"{word} r = {_fmt_r(pub)})")
            same = excl0 and np.sign(est) == np.sign(pub)
            return (f"consistent: {'same direction, ' if same else ''}not different from the {word} "
                    f"r = {_fmt_r(pub)} ({p_txt})")
        if excl0 and np.sign(est) != np.sign(pub) and pub != 0:
            return f"opposite direction: {obs} against the {word} r = {_fmt_r(pub)} ({p_txt})"
        if abs(est) < abs(pub) or np.sign(est) != np.sign(pub):
            text = f"smaller than {word}: {obs} against r = {_fmt_r(pub)} ({p_txt})"
            if negligible:
                text += f"; negligible (within ±{_fmt_r(sesoi)}, TOST {apa_p(row['tost_p'])})"
            elif small_tele:
                text += f"; smaller than the r33 = {_fmt_r(row['r33'])} the original could detect"
            return text
        return f"larger than {word}: {obs} against r = {_fmt_r(pub)} ({p_txt})"

    direction = finding.effect.direction
    if direction in ("positive", "negative"):
        if excl0 and np.sign(est) == _sign(direction):
            return f"consistent: same direction as {word} ({direction}), {obs}"
        if excl0:
            return f"opposite direction: {obs}; {word} {direction}"
        if negligible:
            return (f"not replicated: negligible, {obs} within ±{_fmt_r(sesoi)} (TOST {apa_p(row['tost_p'])}); "
                    f"{word} {direction}")
        if small_tele:
            return (f"not replicated: smaller than the r33 = {_fmt_r(row['r33'])} the original (N = "
                    f"{row['published_n']}) had 33% power to detect ({apa_p(tele)}); {obs}")
        return f"inconclusive: too few respondents to tell (n = {n}; {level_txt} holds 0)"
    if direction == "none":
        if negligible:
            return f"consistent: negligible, as {word} (no relation): {obs} within ±{_fmt_r(sesoi)}"
        if excl0:
            return f"differs: {obs}, where the {word} finding is no relation"
        return f"inconclusive: too few respondents to tell (n = {n}; {level_txt} is wider than ±{_fmt_r(sesoi)})"
    # nonzero: a relation whose sign the source read does not state
    if excl0:
        return f"consistent: a relation, as {word} (the source gives no sign), {obs}"
    if negligible:
        return f"not replicated: negligible, {obs} within ±{_fmt_r(sesoi)} (TOST {apa_p(row['tost_p'])})"
    return f"inconclusive: too few respondents to tell (n = {n}; {level_txt} holds 0)"


def _check_options(sesoi, level, alpha):
    if not 0 < sesoi < 1:
        raise DataError(f"sesoi must lie between 0 and 1 in r (got {sesoi!r}); e.g. 0.10")
    if not 0 < level < 1:
        raise DataError(f"level must lie between 0 and 1 (got {level!r}); e.g. 0.95")
    if not 0 < alpha < 1:
        raise DataError(f"alpha (a significance level) must lie between 0 and 1 (got {alpha!r}); e.g. 0.05")


def _row(finding: Finding, estimate: float, n: int, sesoi: float, level: float, alpha: float) -> dict:
    if finding.effect.kind in ("beta", "d"):
        raise FindingsError(
            f"finding '{finding.id}' reports a {finding.effect.kind}; replication verdicts are computed for "
            "correlations (kind r) and direction-only findings. Compare it by hand, or register the r.")
    if not np.isfinite(estimate) or not -1 < estimate < 1:
        raise DataError(f"finding '{finding.id}': the observed correlation {estimate!r} must lie strictly "
                        "between -1 and 1")
    if n != int(n) or n < 4:
        raise DataError(f"finding '{finding.id}': n = {n!r} respondents; a Fisher-z test needs a whole number "
                        "of at least 4")
    n = int(n)
    e = finding.effect
    z = math.atanh(estimate)
    se = 1 / math.sqrt(n - 3)
    zc = stats.norm.ppf(1 - (1 - level) / 2)
    n_pub = finding.sample.n
    row = {
        "finding_id": finding.id, "construct_x": finding.constructs[0], "construct_y": finding.constructs[1],
        "subgroup": finding.subgroup, "kind": e.kind, "published": e.value if finding.has_value else float("nan"),
        "published_direction": e.sign,
        "published_ci_low": e.ci[0] if e.ci else float("nan"), "published_ci_high": e.ci[1] if e.ci else float("nan"),
        "published_n": n_pub, "estimate": float(estimate), "ci_low": math.tanh(z - zc * se),
        "ci_high": math.tanh(z + zc * se), "n": n, "sesoi": sesoi, "level": level,
    }
    if finding.has_value:
        zp = math.atanh(e.value)
        if n_pub is not None:
            stat = (z - zp) / math.sqrt(1 / (n - 3) + 1 / (n_pub - 3))
            row["test"] = "fisher_z_two_sample"
        else:
            stat = (z - zp) * math.sqrt(n - 3)
            row["test"] = "fisher_z_fixed"
    else:
        stat = z * math.sqrt(n - 3)
        row["test"] = "sign"
    row["statistic"] = stat
    row["p_val"] = float(2 * stats.norm.sf(abs(stat)))
    zb = math.atanh(sesoi)
    row["tost_p"] = float(max(stats.norm.sf((z + zb) * math.sqrt(n - 3)), stats.norm.cdf((z - zb) * math.sqrt(n - 3))))
    s = _sign(e.sign)
    if n_pub is not None and s != 0:
        row["r33"] = r33(n_pub)
        row["telescope_p"] = float(stats.norm.cdf((math.atanh(s * estimate) - math.atanh(row["r33"])) * math.sqrt(n - 3)))
    else:
        row["r33"] = row["telescope_p"] = float("nan")
    row["verdict"] = _verdict(row, finding, alpha)
    row["status"] = finding.status
    row["source"] = f"{finding.source.location}: {finding.source.urls[0]}"
    return row


# ------------------------------------------------------------------------------------------------
class ReplicationResult(Result):
    """Replication verdicts, one row per finding (see :func:`replicate` and :func:`replicate_study`).

    ``.table()`` the tidy table; ``.summary()`` finding, published, observed r with CI, n, verdict;
    ``.apa()`` one sentence per finding; ``.figure(path=None)`` a forest plot of published against
    observed; ``.notes`` what was not compared and why; ``.r_call`` the same computation in R.

    Examples
    --------
    >>> from analysis import replicate
    >>> res = replicate(-0.05, "diaconu-gherasim-2024-map-depression", n=383)
    >>> res.summary()[["published", "estimate", "n"]].to_dict("records")
    [{'published': -0.18, 'estimate': -0.05, 'n': 383}]
    >>> res.apa().table["observed"].item()
    'r = −.05 [−.15, .05]'

    R: ``res.r_call`` (Fisher z tests, ``psych::r.test``; the small telescope with ``pwr::pwr.r.test``).
    """

    def __init__(self, rows: list[dict], n: int, options: dict, notes: list[str] | None = None,
                 n_excluded: int = 0):
        self.rows = pd.DataFrame(rows, columns=COLUMNS + ["level"]).drop(columns="level")
        for col in ("published_n",):
            self.rows[col] = self.rows[col].astype("Int64")
        self.n = n
        self.n_excluded = n_excluded   # respondents in no comparison (listwise: rows dropped)
        self.options = options
        self.sesoi = options["sesoi"]
        self.level = options["level"]
        self.alpha = options["alpha"]
        self.notes = list(notes or [])
        self.r_call = R_CALL

    def __repr__(self) -> str:
        return f"ReplicationResult({len(self.rows)} finding(s), n = {self.n})"

    def __len__(self) -> int:
        return len(self.rows)

    def table(self) -> pd.DataFrame:
        """Tidy: ``finding_id, construct_x, construct_y, subgroup, column_x, column_y, kind, published,
        published_direction, published_ci_low, published_ci_high, published_n, estimate, ci_low,
        ci_high, n, test, statistic, p_val, sesoi, tost_p, r33, telescope_p, verdict, status, source``."""
        return self.rows.copy()

    def summary(self) -> pd.DataFrame:
        """One short row per finding: ``finding_id, published, published_direction, estimate, ci_low,
        ci_high, n, verdict`` (numbers as numbers; the formatted version is ``.apa().table``)."""
        cols = ["finding_id", "published", "published_direction", "estimate", "ci_low", "ci_high", "n", "verdict"]
        return self.rows[cols].reset_index(drop=True)

    def formatted(self) -> pd.DataFrame:
        """The summary as text cells (``r = −.05 [−.15, .05]``), as ``.apa().table``."""
        t = self.rows
        pub = [f"r = {_fmt_r(v)}" if v == v else f"{d} (direction only)"
               for v, d in zip(t["published"], t["published_direction"])]
        obs = [f"r = {_fmt_r(e)} [{_fmt_r(lo)}, {_fmt_r(hi)}]" for e, lo, hi in zip(t["estimate"], t["ci_low"], t["ci_high"])]
        return pd.DataFrame({"finding_id": t["finding_id"], "published": pub, "observed": obs, "n": t["n"],
                             "verdict": t["verdict"]})

    def figure(self, path=None):
        """Forest plot: observed r with its CI (filled circles) beside the published r (open
        squares) or the published direction (a label), one row per finding. Saved when ``path``."""
        from .forest import replication_forest

        return replication_forest(self, path)


@apa.register
def _(res: ReplicationResult) -> Apa:
    sentences = [f"{fid}: {v}." for fid, v in zip(res.rows["finding_id"], res.rows["verdict"])]
    if not sentences:
        sentences = ["No registered finding links two constructs this study measures."]
    return Apa(estimate="", statistic="", full_result=" ".join(sentences), table=res.formatted())


# ------------------------------------------------------------------------------------------------
def replicate(estimate: float, finding, n: int, sesoi: float = 0.10, level: float = 0.95, alpha: float = 0.05,
              registry=None) -> ReplicationResult:
    """Hold one observed correlation against a registered finding.

    Parameters
    ----------
    estimate : float
        The observed correlation between the finding's two constructs.
    finding : str, dict or Finding
        A registry id (see :func:`published_findings`), an entry written as a dict, or a Finding.
    n : int
        Respondents behind ``estimate``.
    sesoi : float
        Smallest effect size of interest in r: the TOST bounds are ±sesoi (default .10).
    level : float
        Confidence level of the observed CI.
    alpha : float
        Significance level of the tests behind the verdict.
    registry : path, optional
        A registry file of your own (default: the shipped one).

    Returns
    -------
    ReplicationResult
        One row; see the module docstring for the tests.

    Examples
    --------
    >>> from analysis import replicate
    >>> res = replicate(-0.05, "diaconu-gherasim-2024-map-depression", n=383)
    >>> res.table()[["test", "statistic", "p_val"]].round(4).to_dict("records")
    [{'test': 'fisher_z_fixed', 'statistic': 2.572, 'p_val': 0.0101}]
    >>> res.table()["verdict"].item()
    'smaller than published: r = −.05, 95% CI [−.15, .05] against r = −.18 (p = .010)'

    The same in R::

        z <- (atanh(-0.05) - atanh(-0.18)) * sqrt(383 - 3); 2 * pnorm(-abs(z))
    """
    _check_options(sesoi, level, alpha)
    f = get_finding(finding, registry)
    row = _row(f, float(estimate), n, sesoi, level, alpha)
    row.update(column_x=None, column_y=None)
    return ReplicationResult([row], n=int(n), options={"sesoi": sesoi, "level": level, "alpha": alpha})


def _numeric_column(scores: pd.DataFrame, column: str, construct: str) -> pd.Series:
    # a text "no answer" token in a scores file is a hand edit: refused like any other text
    return check_numeric(scores, [column], f"replicate_study (construct {construct})", na_tokens=False,
                         hint="give scored (numeric) columns to replicate_study")[column]


def replicate_study(scores: pd.DataFrame, constructs: dict, findings=None, sesoi: float = 0.10,
                    level: float = 0.95, alpha: float = 0.05, nan_policy: str = "pairwise", registry=None
                    ) -> ReplicationResult:
    """Test every registered finding whose two constructs a study measures.

    Parameters
    ----------
    scores : DataFrame
        One row per respondent, with scored columns.
    constructs : dict
        ``{construct: column}``, constructs from the fixed vocabulary (``analysis.findings.CONSTRUCTS``),
        e.g. ``{"mastery_approach": "goals_mastery_approach", "procrastination": "procr_total"}``.
    findings : list of str, optional
        Restrict to these registry ids (default: every finding the study can test).
    sesoi, level, alpha
        As in :func:`replicate`.
    nan_policy : {"pairwise", "listwise"}
        Pairwise: each finding uses the rows complete on its two columns. Listwise: only rows
        complete on every mapped column.
    registry : path, optional
        A registry file of your own (default: the shipped one).

    Returns
    -------
    ReplicationResult
        One row per finding; ``.notes`` lists findings skipped (e.g. an effect of kind d).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import replicate_study
    >>> scores = pd.DataFrame({"map": [4.3, 3.0, 5.0, 2.7, 3.7, 4.7, 2.0, 3.3, 4.0, 1.7] * 5,
    ...                        "dep": [6, 9, 8, 7, 12, 5, 10, 4, 9, 8] * 5})
    >>> res = replicate_study(scores, constructs={"mastery_approach": "map", "depression": "dep"})
    >>> res.table()[["finding_id", "estimate", "n"]].round(3).values.tolist()
    [['diaconu-gherasim-2024-map-depression', -0.248, 50]]
    >>> print(res.table()["verdict"].item())
    inconclusive: too few respondents to tell (n = 50; 95% CI [−.49, .03] holds both 0 and the published r = −.18)

    The same in R: see ``res.r_call``.
    """
    _check_options(sesoi, level, alpha)
    check_choice(nan_policy, ("pairwise", "listwise"), "replicate_study", "nan_policy")
    scores = check_data(scores, "replicate_study")
    if not isinstance(constructs, dict) or not constructs:
        raise DataError("replicate_study: constructs must map construct names to columns, e.g. "
                        "{'mastery_approach': 'goals_mastery_approach', 'procrastination': 'procr_total'}")
    unknown = [c for c in constructs if c not in CONSTRUCTS]
    if unknown:
        raise DataError(f"replicate_study: unknown construct {', '.join(map(repr, unknown))}; the vocabulary is: "
                        + ", ".join(CONSTRUCTS))
    missing_cols = [f"'{col}' (for {c})" for c, col in constructs.items() if col not in scores.columns]
    if missing_cols:
        raise DataError(f"replicate_study: column {', '.join(missing_cols)} is not in the scores; columns are: "
                        + ", ".join(map(str, scores.columns)))
    cols = {c: _numeric_column(scores, col, c) for c, col in constructs.items()}
    frame = pd.DataFrame(cols)
    if nan_policy == "listwise":
        frame = frame.dropna()

    entries = load_findings(registry)
    if findings is not None:
        wanted = [get_finding(f, registry).id for f in ([findings] if isinstance(findings, str) else findings)]
        entries = [e for e in entries if e.id in wanted]
    rows, notes, used = [], [], pd.Series(False, index=frame.index)
    for f in entries:
        a, b = f.constructs
        if a not in frame or b not in frame:
            if findings is not None:
                absent = [c for c in f.constructs if c not in frame]
                notes.append(f"{f.id}: not tested, the study does not measure {' or '.join(absent)}")
            continue
        if f.effect.kind in ("beta", "d"):
            notes.append(f"{f.id}: not tested, it reports a {f.effect.kind} (verdicts are computed for r and "
                         "direction-only findings)")
            continue
        pair = frame[[a, b]].dropna()
        for c in (a, b):
            if pair[c].nunique() < 2:
                raise DataError(f"column '{constructs[c]}' (construct {c}) has the same value in every complete "
                                "row, so its correlation is undefined; check the scoring")
        if len(pair) < 4:
            notes.append(f"{f.id}: not tested, only {len(pair)} respondents answered both {a} and {b}")
            continue
        used.loc[pair.index] = True
        r = float(np.corrcoef(pair[a].to_numpy(), pair[b].to_numpy())[0, 1])
        row = _row(f, r, len(pair), sesoi, level, alpha)
        row.update(column_x=constructs[a], column_y=constructs[b])
        rows.append(row)
    if not rows and not notes:
        notes.append("no registered finding links two of the constructs mapped: "
                     + ", ".join(constructs))
    options = {"sesoi": sesoi, "level": level, "alpha": alpha, "nan_policy": nan_policy,
               "constructs": dict(constructs), "findings": findings}
    n_excluded = len(scores) - int(used.sum()) if rows else 0
    return ReplicationResult(rows, n=len(scores), options=options, notes=notes, n_excluded=n_excluded)
