"""Team statistics of partitioned data (a Dask DataFrame or a folder of Parquet files).

:func:`analysis.aggregate`, :func:`analysis.icc`, :func:`analysis.rwg`, :func:`analysis.rwg_j`
and :func:`analysis.rwg_j_lindell` come here when their data are partitioned. Dask reads each
partition and runs the in-memory code's own moment function on it (one task per partition, on the
active ``distributed`` client if there is one): per group and variable the count ``n``, the mean
and the sum of squares around that mean ``ss``. Those
triples are small (groups × partitions rows); they are merged here over the partitions, and the
merged moments go into the same final formulas as data in memory (``unit_stats``,
``oneway_from_moments``, ``within_variance`` and ``_rwg_j``), so both give the same numbers.

Merging partitions ``k = 1..K`` of one group (Chan, Golub & LeVeque's pairwise update written for
K parts at once)::

    n  = Σ n_k        mean = Σ n_k · mean_k / n        ss = Σ ss_k + Σ n_k · (mean_k − mean)²

Each ``ss_k`` is taken around its own partition's mean and the correction uses differences of
means, so no digits are lost the way ``Σ y² − n · mean²`` loses them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.partitions import opened, with_source
from .aggregation import aggregate_table, group_moments, numeric_values as aggregate_values, parent_map, \
    tier_moments, unit_tiers
from .intraclass import group_codes, icc_result, numeric_values as icc_values, oneway_from_moments
from .rater_agreement import GroupedItems, item_list, item_matrix

def merge_moments(parts: pd.DataFrame, keys: list, columns=("n", "mean", "ss")) -> pd.DataFrame:
    """Per value of ``keys``: the moments of all its partitions merged (``n, mean, ss``), keys sorted.

    ``columns`` names the count, mean and sum-of-squares columns of ``parts``; a part with n = 0
    adds nothing (a group with no value anywhere gets n = 0, mean NaN and ss = 0, as in memory).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.teams.partitioned import merge_moments
    >>> parts = pd.DataFrame({"team": ["a", "a", "b"], "n": [2, 1, 2], "mean": [2.0, 5.0, 1.0],
    ...                       "ss": [2.0, 0.0, 0.0]})
    >>> merge_moments(parts, ["team"])
      team  n  mean   ss
    0    a  3   3.0  8.0
    1    b  2   1.0  0.0

    # R: the same as mean(y) and sum((y - mean(y))^2) per team on all rows
    """
    n_col, mean_col, ss_col = columns
    n_k = parts[n_col].to_numpy(dtype=np.int64)
    mean_k = parts[mean_col].to_numpy(dtype=np.float64)
    has = n_k > 0
    frame = parts[keys].assign(_n=n_k, _nm=np.where(has, n_k * np.where(has, mean_k, 0.0), 0.0),
                               _ss=parts[ss_col].to_numpy(dtype=np.float64))
    grouped = frame.groupby(keys, sort=True, dropna=False)
    total = grouped[["_n", "_nm", "_ss"]].sum()
    n = total["_n"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total["_nm"].to_numpy() / n
    # n_k (mean_k − mean)² of every part, with the merged mean of its group
    where = grouped.ngroup().to_numpy()
    d = np.where(has, mean_k - mean[where], 0.0)
    between = np.bincount(where, weights=n_k * d * d, minlength=len(n))
    out = total.index.to_frame(index=False)
    return out.assign(n=n, mean=mean, ss=total["_ss"].to_numpy() + between)


def per_partition(ddf, source, what: str, fn, *args) -> list:
    """``fn(partition, *args)`` on every partition, run by Dask (on the active ``distributed`` client
    if there is one), the results in partition order.

    Each partition carries the folder as its ``source``, so a refused cell names folder, row (the
    index written with the files), column and value.
    """
    import dask

    done = dask.compute(*[dask.delayed(_on_part)(part, source, fn, *args) for part in ddf.to_delayed()])
    if sum(d[-1] for d in done) == 0:
        raise DataError("the data have no rows", file=source, within=what,
                        hint="Check that the file holds answers below its header.")
    return list(done)


def stacked(frames: list) -> pd.DataFrame:
    """The partitions' moment frames as one (an empty partition's frame left out, so it cannot change a type)."""
    full = [f for f in frames if len(f)]
    return pd.concat(full or frames[:1], ignore_index=True)


def _on_part(part: pd.DataFrame, source, fn, *args):
    return fn(with_source(part, source), *args)


# --- aggregate --------------------------------------------------------------------------------
def _aggregate_part(part, values, group, parent, organisation):
    part = aggregate_values(part, values)
    frames = [pd.DataFrame({k: m[k] for k in ("tier", "unit", "variable", "n", "mean", "ss")})
              for m in tier_moments(part, values, unit_tiers(part, group, parent, organisation))]
    pairs = part[[group, parent]].drop_duplicates() if parent is not None else None
    return pd.concat(frames, ignore_index=True), pairs, len(part)


def partitioned_aggregate(data, values: list, group: str, parent: str | None, level: float,
                          organisation: bool) -> pd.DataFrame:
    """:func:`analysis.aggregate` of partitioned data (same parameters and table)."""
    ddf, source, meta = opened(data, "aggregate")
    tiers = unit_tiers(meta, group, parent, organisation)   # refuses a grouping column the data lack first
    aggregate_values(meta, values)
    done = per_partition(ddf, source, "aggregate", _aggregate_part, values, group, parent, organisation)
    pmap = None
    if parent is not None:
        pairs = pd.concat([d[1] for d in done], ignore_index=True).drop_duplicates()
        pmap = parent_map(with_source(pairs, source), group, parent)
    merged = merge_moments(stacked([d[0] for d in done]), ["tier", "variable", "unit"])
    moments = []
    for i, (tier, _) in enumerate(tiers):
        for v in values:
            m = merged[(merged["tier"] == i) & (merged["variable"] == v)]
            moments.append({"level": tier, "unit": m["unit"].to_numpy(dtype=object), "variable": v,
                            "n": m["n"].to_numpy(), "mean": m["mean"].to_numpy(), "ss": m["ss"].to_numpy(),
                            "is_group": i == len(tiers) - 1})
    return aggregate_table(moments, pmap, level)


# --- ICC --------------------------------------------------------------------------------------
def _icc_part(part, values, group):
    numeric = icc_values(part, values)
    codes, keys = group_codes(part, group)
    has_group = codes >= 0
    seen = np.zeros(len(part), dtype=bool)
    frames = []
    for v in values:
        y = np.where(has_group, numeric[v].to_numpy(dtype=np.float64, na_value=np.nan), np.nan)
        seen |= ~np.isnan(y)
        n, mean, ss = group_moments(y, np.maximum(codes, 0), len(keys))
        frames.append(pd.DataFrame({"key": keys, "variable": v, "n": n, "mean": mean, "ss": ss}))
    return pd.concat(frames, ignore_index=True), int(seen.sum()), len(part)


def partitioned_icc(data, values: list, group: str):
    """:func:`analysis.icc` of partitioned data (same parameters and result)."""
    ddf, source, meta = opened(data, "icc")
    group_codes(meta, group)   # refuses a group column the data lack before anything is read
    icc_values(meta, values)
    done = per_partition(ddf, source, "icc", _icc_part, values, group)
    n_rows = sum(d[-1] for d in done)
    merged = merge_moments(stacked([d[0] for d in done]), ["variable", "key"])
    rows = []
    for v in values:
        m = merged[(merged["variable"] == v) & (merged["n"] > 0)]
        n_g, means = m["n"].to_numpy(), m["mean"].to_numpy()
        n = int(n_g.sum())
        grand = float(n_g @ means) / n if n else np.nan
        rows.append({"variable": v, **oneway_from_moments(n_g, means, float(m["ss"].sum()), grand, n_rows - n,
                                                                 column=v, group=group)})
    return icc_result(rows, sum(d[1] for d in done), n_rows, values, group)


# --- r_wg family ------------------------------------------------------------------------------
def _agreement_part(part, items, group, what):
    x = item_matrix(part, items, what)
    codes, keys = group_codes(part, group)
    has_group = codes >= 0
    complete = has_group & ~np.isnan(x).any(axis=1)
    g = len(keys)
    out = {"key": keys, "n_all": np.bincount(codes[has_group], minlength=g)}
    for j in range(len(items)):
        n, mean, ss = group_moments(np.where(complete, x[:, j], np.nan), np.maximum(codes, 0), g)
        out.update({"n": n, f"mean_{j}": mean, f"ss_{j}": ss})
    return pd.DataFrame(out), len(part)


def grouped_moments(data, items, group, what: str = "agreement") -> GroupedItems:
    """The groups of partitioned data with each item's mean and variance (what :func:`analysis.rwg`,
    :func:`analysis.rwg_j` and :func:`analysis.rwg_j_lindell` need): the partitions' moments merged."""
    ddf, source, meta = opened(data, what)
    items = item_list(meta, items, group, what)
    done = per_partition(ddf, source, what, _agreement_part, items, group, what)
    parts = stacked([d[0] for d in done])
    n_all = parts.groupby("key", sort=True)["n_all"].sum()
    labels = n_all.index.to_numpy()
    means, sss = [], []
    for j in range(len(items)):
        m = merge_moments(parts, ["key"], ("n", f"mean_{j}", f"ss_{j}"))
        means.append(m["mean"].to_numpy())
        sss.append(m["ss"].to_numpy())
    n_full = m["n"].to_numpy()
    gi = GroupedItems.counted(labels, n_all.to_numpy(), n_full, items, sum(d[-1] for d in done), group=group,
                              source=source, what=what)
    keep = gi.keep
    return gi.with_moments(np.column_stack(means)[keep], np.column_stack(sss)[keep])
