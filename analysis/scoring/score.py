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

from .mapping import ItemSet, prepare_items


def score_items(items: ItemSet) -> pd.DataFrame:
    """Score an :class:`ItemSet`: one column per scale, ``<scale>_n_valid`` and ``<scale>_band``.

    The scale columns come first (in key order), then the n-valid counts, then the severity bands
    of scales that have them (an ordered categorical).
    """
    inst = items.instrument
    scores, counts, bands = {}, {}, {}
    for name, scale in inst.scales.items():
        x = items.keyed_array(name)
        k = x.shape[1]
        missing = np.isnan(x)
        n_valid = k - missing.sum(axis=1)
        total = np.where(missing, 0.0, x).sum(axis=1)
        ok = n_valid >= scale.n_required
        with np.errstate(invalid="ignore", divide="ignore"):
            if scale.method == "sum":
                value = total
            else:
                value = total / n_valid
                if scale.method == "prorated_sum":
                    value = value * k
                elif scale.method == "scaled_sum":
                    value = value * (k * scale.multiplier)
        scores[name] = np.where(ok, value, np.nan)
        counts[f"{name}_n_valid"] = n_valid.astype(np.int64)
        if scale.bands:
            bands[f"{name}_band"] = _bands(scores[name], scale.bands)
    out = pd.DataFrame({**scores, **counts}, index=items.index)
    for col, cat in bands.items():
        out[col] = cat
    return out


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
        bands, ``<scale>_band``. Values set to missing (``on_invalid="missing"``) are listed in
        ``result.attrs["audit"]``.

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
    out.attrs = {"audit": items.audit, "instrument": items.instrument.id}
    return out
