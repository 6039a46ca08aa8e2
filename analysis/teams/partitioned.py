"""Team statistics of partitioned data (a Dask DataFrame or a folder of Parquet files): the merge.

:func:`analysis.aggregate`, :func:`analysis.icc`, :func:`analysis.rwg`, :func:`analysis.rwg_j`
and :func:`analysis.rwg_j_lindell` take partitioned data too. Dask reads each partition and runs
the in-memory code's own moment function on it (one task per partition, on the active
``distributed`` client if there is one, :func:`per_partition`): per group and variable the count
``n``, the mean and the sum of squares around that mean ``ss``. Those triples are small (groups ×
partitions rows); they are merged here over the partitions (:func:`merge_moments`), and the merged
moments go into the same final formulas as data in memory (``unit_stats``, ``oneway_from_moments``,
``within_variance`` and ``_rwg_j``), so both give the same numbers. Each statistic's partitioned
path lives beside its in-memory one (``aggregation.partitioned_aggregate``,
``intraclass.partitioned_icc``, ``rater_agreement.grouped_moments``) and uses this module, which
imports none of them.

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
from ..io.partitions import with_source


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
