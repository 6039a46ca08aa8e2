"""One vectorised scorer for every instrument.

No instrument has code of its own: the key says which items form a scale, which are reversed, how
they combine and how many answers a score needs.

Methods (``k`` items in the scale, ``m`` of them answered, ``S`` the sum of the answered, keyed
items; a scale with ``m < min_valid`` is missing):

============== =================================================================
mean           S / m
sum            S                      (the sum of the answered items)
prorated_sum   S / m × k              (the sum the respondent would have with all k)
scaled_sum     S / m × k × multiplier (DASS-21: × 2; with no missing items 2 × S)
============== =================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..formatting.apa import Apa, apa, apa_num
from ..results import TableResult, audit_of
from ..parallel import in_parallel
from .mapping import ItemSet, prepare_items

_BLOCK = 1 << 17  # rows per block: a block's working arrays stay in the CPU cache


def score_items(items: ItemSet) -> pd.DataFrame:
    """Score an :class:`ItemSet`: one column per scale, ``<scale>_n_valid`` and ``<scale>_band``.

    The scale columns come first (in key order), then the n-valid counts, then the severity bands
    of scales that have them (an ordered categorical). :func:`score` is this on
    :func:`prepare_items`, with the audit kept on the result; use ``score_items`` when the same
    cleaned items also feed reliability or factor analysis.

    Examples
    --------
    >>> from analysis import prepare_items, score_items
    >>> from analysis.datasets import read_dataset
    >>> items = prepare_items(read_dataset("demo"), "grit-s", columns="grit_{n}", missing=[-99])
    >>> scores = score_items(items)
    >>> scores.columns.tolist()[:3], len(scores)
    (['grit', 'consistency_of_interest', 'perseverance_of_effort'], 400)

    R: ``psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 5)$scores``.
    """
    inst = items.instrument
    names = list(inst.scales)
    n = items.n_rows()
    position = {item: j for j, item in enumerate(items.items)}
    plans = []
    for name in names:
        rev = inst.reversed_in(name)
        plans.append([(position[i], (i in rev) != bool(items.flip.get(i, False))) for i in inst.scales[name].items])
    # one row per scale, so each score is a contiguous vector and the frame below is a view of it
    scores = np.zeros((len(names), n))
    counts = np.empty((len(names), n), dtype=np.int64)
    # rows in blocks that stay in the CPU cache (the passes are memory-bound otherwise); blocks are
    # independent, so they are shared among the cores
    def run(a: int) -> None:
        b = min(n, a + _BLOCK)
        block = items.values[a:b]
        for r, name in enumerate(names):
            _score_block(block, plans[r], inst, inst.scales[name], scores[r, a:b], counts[r, a:b])

    in_parallel(run, [(a,) for a in range(0, n, _BLOCK)], n)
    frames = [pd.DataFrame(scores.T, index=items.index, columns=names, copy=False),
              pd.DataFrame(counts.T, index=items.index, columns=[f"{c}_n_valid" for c in names], copy=False)]
    bands = {f"{name}_band": _bands(scores[r], inst.scales[name].bands)
             for r, name in enumerate(names) if inst.scales[name].bands}
    if bands:
        frames.append(pd.DataFrame(bands, index=items.index))
    return pd.concat(frames, axis=1)


def _score_block(block: np.ndarray, plan, inst, scale, total: np.ndarray, count: np.ndarray) -> None:
    """Score one scale over a block of rows into ``total`` and ``count`` (both zero-filled / any).

    Hand-written because this is the hot path (a million respondents in well under 0.1 s).
    prepare_items guarantees lo <= x <= hi for every answer, so fmax(x, lo) turns a missing answer
    into lo in one plain pass (no masked ufuncs), and the sum over answered items is recovered
    exactly from the number missing. A reversed item's keyed answer is lo + hi - x; over a scale
        sum(keyed answers) = total + (lo + hi) * k_rev - lo * n_missing + (lo - hi) * n_missing_rev
    where ``total`` adds fmax(x, lo) of plain items and subtracts it for reversed ones.
    """
    lo, hi = inst.response.min, inst.response.max
    k = len(plan)
    small = np.int8 if k < 127 else np.int32
    m = len(total)
    filled = np.empty(m)
    n_missing = np.zeros(m, dtype=small)
    n_missing_rev = np.zeros(m, dtype=small)
    k_rev = 0
    for j, reverse in plan:
        x = block[:, j]                                     # contiguous (Fortran-ordered values)
        np.fmax(x, lo, out=filled)
        missing = np.isnan(x)
        np.add(n_missing, missing, out=n_missing, casting="unsafe")
        if reverse:
            np.subtract(total, filled, out=total)
            np.add(n_missing_rev, missing, out=n_missing_rev, casting="unsafe")
            k_rev += 1
        else:
            np.add(total, filled, out=total)
    if float(lo).is_integer() and float(hi).is_integer() and abs(lo) + abs(hi) < 2 ** 20:
        # integer codes: the correction is an exact small-integer vector (one float pass)
        corr = n_missing.astype(np.int32)
        corr *= -int(lo)
        if k_rev:
            corr += int(lo - hi) * n_missing_rev
            corr += int(lo + hi) * k_rev
        total += corr
    else:
        total -= lo * n_missing
        if k_rev:
            total += (lo + hi) * k_rev
            total += (lo - hi) * n_missing_rev
    np.subtract(k, n_missing, out=count, casting="unsafe")
    too_few = n_missing > k - scale.n_required
    if scale.method != "sum":
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(total, count, out=total)
        if scale.method == "prorated_sum":
            total *= k
        elif scale.method == "scaled_sum":
            total *= k * scale.multiplier
    np.putmask(total, too_few, np.nan)


def _bands(values: np.ndarray, bands) -> pd.Categorical:
    lowers = np.array([b.lower for b in bands])
    labels = [b.label for b in bands]
    codes = np.searchsorted(lowers, values, side="right") - 1
    codes = np.where(np.isnan(values) | (codes < 0), -1, codes)
    return pd.Categorical.from_codes(codes, categories=labels, ordered=True)


def score(data: pd.DataFrame, instrument, columns=None, **options) -> "ScoreResult":
    """Score one instrument: one row per input row (same index), one column per scale.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    instrument : str, Path or Instrument
        Shipped id (``"agq-r"``), a key file, or a loaded key.
    columns : str, dict, list or None
        Where the items are: pattern ``"AGQ_{n}"``, map ``{1: "Q3_1"}``, list in key order, or None
        when the key names items by column.
    **options
        Dataset quirks passed to :func:`analysis.prepare_items`: ``missing``, ``labels``,
        ``recode``, ``response``, ``reversed_in_file``, ``anchors_reversed``, ``min_valid``,
        ``on_invalid`` ("error" or "missing"), ``id_column``, ``source``.

    Returns
    -------
    ScoreResult
        ``.scores``: a DataFrame with the input's index, ``<scale>`` scores, ``<scale>_n_valid``
        answered-item counts and, for keys with severity bands, ``<scale>_band``;
        ``.audit``: one row ``row, id, column, item, value, reason`` per value set to missing
        (missing codes, and invalid values with ``on_invalid="missing"``); ``.summary()``,
        ``.apa()``, ``.n``, ``.options``, ``.instrument`` and ``.r_call``. In a notebook the
        result shows its scores, and ``result["scale"]``, ``.loc``, ``.to_csv(...)`` … act on
        ``.scores`` (see :class:`ScoreResult`); to join the scores to other columns use
        ``result.scores`` — the audit stays on the result.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score
    >>> df = pd.DataFrame({f"AGQ_{n}": [5, 4] for n in range(1, 13)})
    >>> res = score(df, "agq-r", columns="AGQ_{n}")
    >>> res["mastery_approach"].tolist()
    [5.0, 4.0]
    >>> both = pd.concat([df[["AGQ_1"]], res.scores], axis=1)   # join the scores, keep res.audit
    >>> len(both), len(res.audit)
    (2, 0)

    The psych equivalent (mean scoring, no imputation; ``res.r_call`` gives the full call)::

        # R: psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 1, max = 5)$scores
    """
    items = prepare_items(data, instrument, columns, **options)
    return ScoreResult(scores=score_items(items), audit=items.audit.reset_index(drop=True),
                       instrument=items.instrument, columns=dict(items.columns), flip=dict(items.flip),
                       options={"columns": columns, **options})


class ScoreResult(TableResult):
    """Scores of one instrument with the audit of every value set to missing.

    Attributes
    ----------
    scores : DataFrame
        Same index as the input, one row per input row: ``<scale>``, ``<scale>_n_valid`` and
        ``<scale>_band`` (keys with bands). ``.table()`` returns it.
    audit : DataFrame
        ``row, id, column, item, value, reason``, one row per value set to missing; it lives on
        the result, not in ``scores.attrs``, so no join, concat or merge can drop it.
    instrument : Instrument
        The key as applied (administration overrides such as ``response`` and ``min_valid``).
    columns : dict
        ``item id → data column``.
    options : dict
        ``columns`` and the dataset quirks the scores were computed with.
    n : int
        Input rows (= rows of ``scores``).

    Notes
    -----
    Notebook convenience (documented delegation): ``repr`` and the HTML view show ``scores``;
    ``result[...]``, ``len(result)``, ``"x" in result`` and any DataFrame attribute the result
    does not define (``.loc``, ``.iloc``, ``.columns``, ``.index``, ``.to_csv(...)``, ``.describe()``
    …) act on ``scores`` and return plain pandas objects without the audit.
    ``pd.concat``/``DataFrame.join`` need ``result.scores``. ``.apa()`` is the APA paragraph
    (what was scored, how, M and SD per scale, what was set to missing).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score
    >>> df = pd.DataFrame({f"q{n}": [1, 2, -99] for n in range(1, 10)})
    >>> res = score(df, "phq-9", columns="q{n}", missing=[-99])
    >>> res.n, res.scales, res.table()["total"].tolist()
    (3, ['total'], [9.0, 18.0, nan])
    >>> print(res.apa())
    Patient Health Questionnaire-9 (phq-9), 3 respondents. total (sum of the 9 items, all 9 answered): M = 13.50, SD = 6.36, n = 2. 9 values were set to missing (missing code: 9).

    R: ``psych::scoreItems(keys, items, totals = FALSE, impute = "none", min = 0, max = 3)``
    (``res.r_call`` gives the whole script, scale rules included).
    """

    _table_name = "scores"

    def __init__(self, scores: pd.DataFrame, audit: pd.DataFrame, instrument, columns: dict,
                 flip: dict | None = None, options: dict | None = None):
        self.scores = scores
        self.audit = audit
        self.instrument = instrument
        self.columns_used = columns
        self.flip = dict(flip or {})
        self.options = dict(options or {})

    @property
    def n(self) -> int:
        return len(self.scores)

    @property
    def scales(self) -> list[str]:
        return list(self.instrument.scales)

    def summary(self) -> pd.DataFrame:
        """Per scale: ``scale, n_items, method, min_valid, rule, n, n_scored, n_missing, mean, sd``.

        ``n`` counts the input rows, ``n_scored`` the scores computed (the rest, ``n_missing``, had
        fewer than ``min_valid`` answers); ``mean`` and ``sd`` (n − 1) are of the computed scores.

        Examples
        --------
        >>> import pandas as pd
        >>> from analysis import score
        >>> df = pd.DataFrame({f"q{n}": [1, 2, -99] for n in range(1, 10)})
        >>> score(df, "phq-9", columns="q{n}", missing=[-99]).summary()[["scale", "n", "n_scored", "mean"]]
           scale  n  n_scored  mean
        0  total  3         2  13.5
        """
        rows = []
        for name, sc in self.instrument.scales.items():
            x = self.scores[name]
            rows.append({"scale": name, "n_items": len(sc.items), "method": sc.method,
                         "min_valid": sc.n_required, "rule": _rule(sc), "n": len(x),
                         "n_scored": int(x.notna().sum()), "n_missing": int(x.isna().sum()),
                         "mean": float(x.mean()) if x.notna().any() else np.nan,
                         "sd": float(x.std(ddof=1)) if x.notna().sum() > 1 else np.nan})
        return pd.DataFrame(rows, columns=["scale", "n_items", "method", "min_valid", "rule", "n", "n_scored",
                                           "n_missing", "mean", "sd"])

    @property
    def r_call(self) -> str:
        """The equivalent R code (psych::scoreItems on the cleaned items), scale rules included.

        ``items`` is the data frame of the cleaned answers (missing codes as NA, recodes applied),
        with the columns named as in the data.
        """
        inst = self.instrument
        lo, hi = _r_num(inst.response.min), _r_num(inst.response.max)
        keys = []
        for name, sc in inst.scales.items():
            rev = inst.reversed_in(name)
            cols = [("-" if (i in rev) != bool(self.flip.get(i, False)) else "") + self.columns_used[i]
                    for i in sc.items]
            quoted = ", ".join('"' + c + '"' for c in cols)
            keys.append(f"  {name} = c({quoted})")
        lines = ["keys <- list(\n" + ",\n".join(keys) + ")",
                 f"sc <- psych::scoreItems(keys, items, totals = FALSE, impute = \"none\", min = {lo}, max = {hi})",
                 "scores <- sc$scores  # mean of the answered items"]
        for name, sc in inst.scales.items():
            k = len(sc.items)
            s, m = f'scores[, "{name}"]', f'sc$missing[, "{name}"]'
            if sc.method == "sum":
                lines.append(f"{s} <- {s} * ({k} - {m})  # sum of the answered items")
            elif sc.method == "prorated_sum":
                lines.append(f"{s} <- {s} * {k}  # prorated sum")
            elif sc.method == "scaled_sum":
                lines.append(f"{s} <- {s} * {k} * {_r_num(sc.multiplier)}  # scaled sum")
            lines.append(f'scores[{m} > {k - sc.n_required}, "{name}"] <- NA  # at least {sc.n_required} of {k} answered')
        return "\n".join(lines)


def _r_num(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() else repr(x)


def _rule(scale) -> str:
    """The scoring rule in words: ``mean of the 3 items, at least 2 answered``."""
    k, m = len(scale.items), scale.n_required
    how = {"mean": "mean", "sum": "sum", "prorated_sum": "prorated sum",
           "scaled_sum": f"scaled sum (× {_r_num(scale.multiplier)})"}[scale.method]
    need = f"all {k} answered" if m == k else f"at least {m} answered"
    return f"{how} of the {k} item{'s' if k != 1 else ''}, {need}"


def scores_by_row(result, data: pd.DataFrame, id_column: str | None = None) -> pd.DataFrame:
    """The scores as ``goalscope score`` writes them: each respondent's id (``id_column``), or the row of
    the file the answers stand in (column ``row``), then the scores. The scores are not copied.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score
    >>> df = pd.DataFrame({f"AGQ_{n}": [5, 4] for n in range(1, 13)})
    >>> df.attrs["first_row"] = 2                      # as read_responses marks a file's first data row
    >>> scores_by_row(score(df, "agq-r", columns="AGQ_{n}"), df).iloc[:, :2].to_dict("list")
    {'row': [2, 3], 'mastery_approach': [5.0, 4.0]}

    R: ``cbind(row = seq_len(nrow(x)) + 1, scores)`` (or ``cbind(id = x$id, scores)``).
    """
    scores = result.scores.copy(deep=False)
    if id_column:
        scores.insert(0, id_column, data[id_column].to_numpy())
    else:
        scores.insert(0, "row", scores.index + int(data.attrs.get("first_row", 1)))
    return scores


def audit_frame(result) -> pd.DataFrame:
    """The audit of a result: one row per value set to missing.

    Parameters
    ----------
    result : ScoreResult, CarelessResult, ScreeningResult, ReliabilityResult, ItemSet or StudyResult
        Anything that carries an audit (``.audit``). A plain DataFrame carries none (a joined or
        concatenated table, or ``result.scores`` alone): that is an error, not an empty audit.

    Returns
    -------
    DataFrame
        ``row, id, column, item, value, reason`` (and ``instrument`` for several instruments); a
        copy, so changing it leaves the result alone.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score, audit_frame
    >>> df = pd.DataFrame({f"q{n}": [1, -99] for n in range(1, 10)})
    >>> res = score(df, "phq-9", columns="q{n}", missing=[-99])
    >>> audit_frame(res)["reason"].unique().tolist()
    ['missing code']
    >>> audit_frame(pd.concat([df, res.scores], axis=1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.errors.DataError: audit_frame: result='DataFrame' is a DataFrame, which carries no audit: ...

    R has no equivalent (psych sets such values to ``NA`` without listing them).
    """
    return audit_of(result).copy()


def audit_path(out):
    """Where the audit of values set to missing goes, beside the output ``out``: ``OUT.audit.csv``.

    >>> from pathlib import Path
    >>> audit_path(Path("out/scores.csv")).as_posix()
    'out/scores.audit.csv'
    """
    return out.with_name(out.stem + ".audit.csv")


@apa.register
def _apa_score(result: ScoreResult) -> Apa:
    """What was scored, how, M and SD per scale, and what was set to missing (one paragraph)."""
    inst = result.instrument
    name = f"{inst.name} ({inst.id})" if inst.name else inst.id
    s = result.summary()
    parts = []
    for r in s.itertuples():
        stats = (f"M = {apa_num(r.mean)}, SD = {apa_num(r.sd)}, n = {r.n_scored}" if r.n_scored
                 else "no scores")
        parts.append(f"{r.scale} ({r.rule}): {stats}")
    text = f"{name}, {result.n} respondent{'s' if result.n != 1 else ''}. " + "; ".join(parts) + "."
    k = len(result.audit)
    if k:
        reasons = result.audit["reason"].astype(str).value_counts(sort=False)
        why = ", ".join(f"{r}: {c}" for r, c in reasons.items())
        text += f" {k} value{'s were' if k != 1 else ' was'} set to missing ({why})."
    else:
        text += " No value was set to missing."
    est = "; ".join(f"{r.scale}: M = {apa_num(r.mean)}, SD = {apa_num(r.sd)}" for r in s.itertuples() if r.n_scored)
    cells = pd.DataFrame({"scale": s["scale"], "rule": s["rule"], "n": [str(v) for v in s["n_scored"]],
                          "M": ["" if v != v else apa_num(v) for v in s["mean"]],
                          "SD": ["" if v != v else apa_num(v) for v in s["sd"]]})
    return Apa(estimate=est, full_result=text, table=cells)
