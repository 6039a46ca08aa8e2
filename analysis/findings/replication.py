"""Replication: hold an observed correlation against a registered finding (its tests and verdict).

Per finding the observed r gets its CI at ``level`` (Fisher z: z = atanh r, SE = 1/√(n − 3)) and
three tests, reported as columns beside the verdict:

* **difference** — is the observed r different from the published r? With the published N (a
  primary study) the two-sample test z = (z_obs − z_pub)/√(1/(n − 3) + 1/(n_pub − 3))
  (``psych::r.test``); without one (a pooled meta-analytic value) the test against a fixed value
  z = (z_obs − z_pub)·√(n − 3). For a direction-only finding: is r different from 0? Column
  ``test`` says which was run.
* **equivalence** — TOST against ±``sesoi`` (default ±.10 in r); ``tost_p`` is the larger of the
  two one-sided p values.
* **small telescopes** (Simonsohn, 2015) — r33 is the effect the original study (N = n_pub) had
  33 % power to detect (two-sided .05, the power function of ``pwr::pwr.r.test``); the one-sided
  test that the observed r (in the published direction) is smaller than r33 gives ``telescope_p``.
  It needs the original N, so it is missing for pooled values.

The verdict, read from the CI alone, and its decision table: :mod:`analysis.findings.verdicts`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_choice, check_data, check_numeric
from ..errors import DataError
from ..formatting.apa import Apa, apa, apa_num
from ..results import Result
from .registry import VOCABULARY_HINT, FindingsError, get_finding, load_findings
from .schema import CONSTRUCTS, MEASURES, Finding, unknown_names
from .verdicts import direction_sign, fmt_r, r33, verdict, with_status
from ..checks import near_columns

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


def _check_options(sesoi, level, alpha) -> float:
    """Check the options; return alpha, which is 1 − level (a different alpha is refused)."""
    if not 0 < sesoi < 1:
        raise DataError("", argument="sesoi", value=sesoi, hint="sesoi must lie between 0 and 1 in r; e.g. 0.10")
    if not 0 < level < 1:
        raise DataError("", argument="level", value=level, hint="level must lie between 0 and 1; e.g. 0.95")
    if alpha is None:
        return round(1 - level, 12)
    if not 0 < alpha < 1:
        raise DataError("", argument="alpha", value=alpha,
                        hint="alpha (a significance level) must lie between 0 and 1; e.g. 0.05")
    if abs(alpha - (1 - level)) > 1e-9:
        raise DataError(f"and level = {level:g} disagree: the verdicts read the {level:g} CI, which matches "
                        f"alpha = {1 - level:g}.", argument="alpha", value=alpha,
                        hint="Give level only (alpha follows as 1 − level)")
    return alpha


def _not_applicable(finding: Finding, reason: str, columns=(None, None)) -> dict:
    """A row for a finding the study measures but that is not tested: numbers missing, the reason given."""
    e = finding.effect
    nan = float("nan")
    return {"finding_id": finding.id, "construct_x": finding.constructs[0], "construct_y": finding.constructs[1],
            "subgroup": finding.subgroup, "column_x": columns[0], "column_y": columns[1], "kind": e.kind,
            "published": e.value if finding.has_value else nan, "published_direction": e.sign,
            "published_ci_low": e.ci[0] if e.ci else nan, "published_ci_high": e.ci[1] if e.ci else nan,
            "published_n": finding.sample.n, "estimate": nan, "ci_low": nan, "ci_high": nan, "n": pd.NA,
            "test": None, "statistic": nan, "p_val": nan, "sesoi": nan, "tost_p": nan, "r33": nan,
            "telescope_p": nan, "verdict": with_status(f"not applicable: {reason}", finding),
            "status": finding.status, "source": f"{finding.source.location}: {finding.source.urls[0]}"}


def _row(finding: Finding, estimate: float, n: int, sesoi: float, level: float) -> dict:
    if finding.effect.kind in ("beta", "d"):
        raise FindingsError(
            f"reports a {finding.effect.kind}; replication verdicts are computed for correlations (kind r) and "
            "direction-only findings.", argument="finding", value=finding.id,
            hint="Compare it by hand, or register the r.")
    if not np.isfinite(estimate) or not -1 < estimate < 1:
        raise DataError("is not a correlation", argument="estimate", value=estimate, within=f"finding '{finding.id}'",
                        hint="the observed correlation must lie strictly between -1 and 1")
    if n != int(n) or n < 4:
        raise DataError("is too few respondents", argument="n", value=n, within=f"finding '{finding.id}'",
                        hint="a Fisher-z test needs a whole number of at least 4")
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
    s = direction_sign(e.sign)
    if n_pub is not None and s != 0:
        row["r33"] = r33(n_pub)
        row["telescope_p"] = float(stats.norm.cdf((math.atanh(s * estimate) - math.atanh(row["r33"])) * math.sqrt(n - 3)))
    else:
        row["r33"] = row["telescope_p"] = float("nan")
    row["verdict"] = with_status(verdict(row, finding), finding)
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
        for col in ("published_n", "n"):
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

    @property
    def n_tested(self) -> int:
        """Findings tested (rows with an observed r); the others are "not applicable" with the reason."""
        return int(self.rows["estimate"].notna().sum())

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
        pub = [f"{k} = {fmt_r(v) if k == 'r' else apa_num(v, 2)}" if v == v else f"{d} (direction only)"
               for k, v, d in zip(t["kind"], t["published"], t["published_direction"])]
        obs = [f"r = {fmt_r(e)} [{fmt_r(lo)}, {fmt_r(hi)}]" if e == e else "not tested"
               for e, lo, hi in zip(t["estimate"], t["ci_low"], t["ci_high"])]
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
def replicate(estimate: float, finding, n: int, sesoi: float = 0.10, level: float = 0.95, alpha: float | None = None,
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
    alpha : float, optional
        Significance level; it is 1 − ``level`` (the verdict reads the CI), and a different value is
        refused rather than silently used.
    registry : path, optional
        A registry file of your own (default: the shipped one).

    Returns
    -------
    ReplicationResult
        One row; see the module docstring for the tests and the decision table of the verdicts.

    Examples
    --------
    >>> from analysis import replicate
    >>> res = replicate(-0.05, "diaconu-gherasim-2024-map-depression", n=383)
    >>> res.table()[["test", "statistic", "p_val"]].round(4).to_dict("records")
    [{'test': 'fisher_z_fixed', 'statistic': 2.572, 'p_val': 0.0101}]
    >>> res.table()["verdict"].item()
    'inconclusive: r = −.05, 95% CI [−.15, .05] holds both 0 and values within the published r = −.18 ± .10 (n = 383)'

    The same in R::

        z <- (atanh(-0.05) - atanh(-0.18)) * sqrt(383 - 3); 2 * pnorm(-abs(z))
    """
    alpha = _check_options(sesoi, level, alpha)
    f = get_finding(finding, registry)
    row = _row(f, float(estimate), n, sesoi, level)
    row.update(column_x=None, column_y=None)
    return ReplicationResult([row], n=int(n), options={"sesoi": sesoi, "level": level, "alpha": alpha})


def _measure_differs(finding: Finding, measures: dict) -> str | None:
    """Why a finding that holds for one kind of measure does not apply here (None: it applies)."""
    for construct, kind in finding.measures.items():
        have = measures.get(construct)
        if have == kind:
            continue
        holds = f"the finding holds for {kind} {construct} measures"
        if have is None:
            return (f"measure not stated ({holds}; the study does not say which kind its {construct} measure is: "
                    f"measures: {{{construct}: {kind}}} in the study file if it is that)")
        return f"measure differs ({holds}; this study's {construct} measure is {have})"
    return None


def _numeric_column(scores: pd.DataFrame, column: str, construct: str) -> pd.Series:
    # a text "no answer" token in a scores file is a hand edit: refused like any other text
    return check_numeric(scores, [column], f"replicate_study (construct {construct})", na_tokens=False,
                         hint="give scored (numeric) columns to replicate_study")[column]


def replicate_study(scores: pd.DataFrame, constructs: dict, findings=None, sesoi: float = 0.10,
                    level: float = 0.95, alpha: float | None = None, nan_policy: str = "pairwise", registry=None,
                    measures: dict | None = None) -> ReplicationResult:
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
    measures : dict, optional
        ``{construct: kind}`` with kinds from ``analysis.findings.MEASURES`` (e.g.
        ``{"performance_approach": "normative"}``): a finding that holds for one kind of measure only
        is tested where the study's kind is the same, else listed as "not applicable: measure differs".

    Returns
    -------
    ReplicationResult
        One row per registered finding whose two constructs the study measures: tested, or "not
        applicable: …" with the reason (an effect of kind d or β, a measure that differs, fewer than
        4 complete pairs). ``.notes`` names mapped constructs no finding links.

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
    inconclusive: r = −.25, 95% CI [−.49, .03] holds both 0 and values within the published r = −.18 ± .10 (n = 50)

    The same in R: see ``res.r_call``.
    """
    alpha = _check_options(sesoi, level, alpha)
    check_choice(nan_policy, ("pairwise", "listwise"), "replicate_study", "nan_policy")
    scores = check_data(scores, "replicate_study")
    if not isinstance(constructs, dict) or not constructs:
        raise DataError("does not map construct names to columns", argument="constructs", value=constructs,
                        within="replicate_study", hint="e.g. {'mastery_approach': 'goals_mastery_approach', "
                                                       "'procrastination': 'procr_total'}")
    problem = unknown_names(constructs, CONSTRUCTS)
    if problem:
        raise DataError(problem, argument="constructs", value=constructs, within="replicate_study",
                        hint=VOCABULARY_HINT)
    measures = dict(measures or {})
    problem = unknown_names(measures, CONSTRUCTS) or unknown_names(measures.values(), MEASURES, "measure")
    if problem:
        raise DataError(problem, argument="measures", value=measures, within="replicate_study",
                        hint=VOCABULARY_HINT)
    missing_cols = [(c, col) for c, col in constructs.items() if col not in scores.columns]
    if missing_cols:
        one = len(missing_cols) == 1
        raise DataError("is not in the scores" if one else "are not in the scores", file=scores.attrs.get("source"),
                        column=missing_cols[0][1] if one else [col for _, col in missing_cols],
                        item=f"for {missing_cols[0][0]}" if one else None, within="replicate_study",
                        hint="columns are: " + ", ".join(map(str, scores.columns)) + "."
                        + near_columns([col for _, col in missing_cols], scores))
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
        columns = (constructs[a], constructs[b])
        reason = _measure_differs(f, measures)
        if reason is None and f.effect.kind in ("beta", "d"):
            reason = (f"it reports a {f.effect.kind} (verdicts are computed for r and direction-only findings; "
                      "compare it by hand)")
        pair = frame[[a, b]].dropna()
        if reason is None and len(pair) < 4:
            reason = f"only {len(pair)} respondents answered both {a} and {b} (a Fisher-z CI needs 4)"
        if reason is not None:
            rows.append(_not_applicable(f, reason, columns))
            continue
        for c in (a, b):
            if pair[c].nunique() < 2:
                raise DataError("has the same value in every complete row, so its correlation is undefined",
                                file=scores.attrs.get("source"), column=constructs[c], item=f"construct {c}",
                                hint="check the scoring")
        used.loc[pair.index] = True
        r = float(np.corrcoef(pair[a].to_numpy(), pair[b].to_numpy())[0, 1])
        row = _row(f, r, len(pair), sesoi, level)
        row.update(column_x=columns[0], column_y=columns[1])
        rows.append(row)
    linked = {c for f in entries for c in f.constructs if set(f.constructs) <= set(frame)}
    if not rows:
        notes.append("no registered finding links two of the constructs mapped: " + ", ".join(constructs))
    elif findings is None:
        notes += [f"{c}: no registered finding links it with another construct this study measures"
                  for c in constructs if c not in linked]
    options = {"sesoi": sesoi, "level": level, "alpha": alpha, "nan_policy": nan_policy,
               "constructs": dict(constructs), "measures": measures, "findings": findings}
    n_excluded = len(scores) - int(used.sum()) if len(used) and used.any() else 0
    return ReplicationResult(rows, n=len(scores), options=options, notes=notes, n_excluded=n_excluded)
