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

from ._parallel import in_parallel
from .mapping import AUDIT_COLUMNS, ItemSet, prepare_items

_BLOCK = 1 << 17  # rows per block: a block's working arrays stay in the CPU cache


def score_items(items: ItemSet) -> pd.DataFrame:
    """Score an :class:`ItemSet`: one column per scale, ``<scale>_n_valid`` and ``<scale>_band``.

    The scale columns come first (in key order), then the n-valid counts, then the severity bands
    of scales that have them (an ordered categorical).
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


def score(data: pd.DataFrame, instrument, columns=None, **options) -> pd.DataFrame:
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
    DataFrame
        ``<scale>`` scores, ``<scale>_n_valid`` answered-item counts and, for keys with severity
        bands, ``<scale>_band``. Values set to missing (missing codes, and invalid values with
        ``on_invalid="missing"``) are listed by :func:`audit_frame` ``(result)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score
    >>> df = pd.DataFrame({f"AGQ_{n}": [5, 4] for n in range(1, 13)})
    >>> score(df, "agq-r", columns="AGQ_{n}")["mastery_approach"].tolist()
    [5.0, 4.0]

    The psych equivalent (mean scoring, no imputation)::

        # R: psych::scoreItems(keys, items, impute = "none", min = 1, max = 5)$scores
    """
    items = prepare_items(data, instrument, columns, **options)
    out = score_items(items)
    # attrs hold plain records, not a DataFrame: pandas compares attrs when frames are joined
    out.attrs = {"instrument": items.instrument.id, "audit": audit_records(items.audit)}
    return out


def audit_records(audit: pd.DataFrame) -> list[dict]:
    """An audit table as plain records (None for missing), safe to keep in ``DataFrame.attrs``."""
    return [{k: (None if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in audit.to_dict("records")]


def audit_frame(result: pd.DataFrame) -> pd.DataFrame:
    """The audit of a :func:`score` result: ``row, id, column, item, value, reason`` per value set to missing.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import score, audit_frame
    >>> df = pd.DataFrame({f"q{n}": [1, -99] for n in range(1, 10)})
    >>> audit_frame(score(df, "phq-9", columns="q{n}", missing=[-99]))["reason"].unique().tolist()
    ['missing code']
    """
    return pd.DataFrame(result.attrs.get("audit", []), columns=AUDIT_COLUMNS)
