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

from .mapping import AUDIT_COLUMNS, ItemSet, prepare_items

_BLOCK = 1 << 15  # rows per block (scores + counts of a block fit in L2)


def score_items(items: ItemSet) -> pd.DataFrame:
    """Score an :class:`ItemSet`: one column per scale, ``<scale>_n_valid`` and ``<scale>_band``.

    The scale columns come first (in key order), then the n-valid counts, then the severity bands
    of scales that have them (an ordered categorical).
    """
    inst = items.instrument
    names = list(inst.scales)
    n = items.n_rows()
    lo_hi = inst.response.min + inst.response.max
    position = {item: j for j, item in enumerate(items.items)}
    # one row per scale, so each score is a contiguous vector and the frame below is a view of it
    scores = np.zeros((len(names), n))
    counts = np.zeros((len(names), n), dtype=np.int64)
    plan = []
    for name in names:
        rev = inst.reversed_in(name)
        plan.append([(position[i], (i in rev) != bool(items.flip.get(i, False))) for i in inst.scales[name].items])
    flipped = np.empty(min(n, _BLOCK), dtype=np.int64)
    # rows in blocks that stay in the CPU cache: every pass below then reads cache, not memory
    for a in range(0, n, _BLOCK):
        b = min(n, a + _BLOCK)
        block = items.values[a:b]
        for r, name in enumerate(names):
            scale = inst.scales[name]
            total, count, fl = scores[r, a:b], counts[r, a:b], flipped[: b - a]
            fl[:] = 0
            for j, reverse in plan[r]:
                x = block[:, j]                               # contiguous (Fortran-ordered values)
                valid = x == x                                # not NaN
                if reverse:
                    # min + max - x, summed: (min + max) * m - sum(x)
                    np.subtract(total, x, out=total, where=valid)
                    fl += valid
                else:
                    np.add(total, x, out=total, where=valid)
                count += valid
            if any(rev for _, rev in plan[r]):
                total += lo_hi * fl
            ok = count >= scale.n_required
            k = len(scale.items)
            if scale.method != "sum":
                np.divide(total, count, out=total, where=ok)
                if scale.method == "prorated_sum":
                    total *= k
                elif scale.method == "scaled_sum":
                    total *= k * scale.multiplier
            total[~ok] = np.nan
    frames = [pd.DataFrame(scores.T, index=items.index, columns=names, copy=False),
              pd.DataFrame(counts.T, index=items.index, columns=[f"{c}_n_valid" for c in names], copy=False)]
    bands = {f"{name}_band": _bands(scores[r], inst.scales[name].bands)
             for r, name in enumerate(names) if inst.scales[name].bands}
    if bands:
        frames.append(pd.DataFrame(bands, index=items.index))
    return pd.concat(frames, axis=1)


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
