"""The items of every group, as agreement needs them: complete rows sorted by group (rows dropped for
a missing item counted per group), the group means, within-group variances and medians; for
partitioned data the partitions' moments merged (:mod:`analysis.teams.partitioned`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..checks import check_columns, check_data, check_numeric
from ..errors import DataError
from ..io.partitions import opened
from .aggregation import group_moments
from .intraclass import group_codes
from .partitioned import merge_moments, per_partition, stacked


@dataclass
class GroupedItems:
    """Complete rows of some items, sorted by group, with per-group sums of squares ready."""

    labels: np.ndarray      # group labels in sorted order (G,)
    n: np.ndarray           # complete rows per group (G,)
    n_excluded: np.ndarray  # rows dropped for a missing item, per group (G,)
    x: np.ndarray           # complete rows, items in columns (N × J, Fortran order)
    codes: np.ndarray       # group code (0..G-1) of each row of ``x`` (N,)
    columns: list
    all_labels: np.ndarray = None      # every group, including those without complete rows
    keep: np.ndarray = None            # which of ``all_labels`` have complete rows
    all_n_excluded: np.ndarray = None
    n_rows: int = 0                    # rows of the data, complete or not

    @classmethod
    def counted(cls, labels: np.ndarray, n_all: np.ndarray, n_full: np.ndarray, columns: list, n_rows: int, *,
                group: str, source, what: str, x: np.ndarray = None, codes: np.ndarray = None) -> "GroupedItems":
        """From every group's label (sorted), rows with a group (``n_all``) and complete rows (``n_full``).

        ``x`` and ``codes`` are the complete rows when they are in memory; partitioned data give
        the moments instead (:meth:`with_moments`).
        """
        if len(labels) == 0:
            raise DataError("has no values", file=source, column=group, item="the group column", within=what,
                            hint="Choose the column that holds each respondent's group.")
        keep = n_full > 0  # groups whose every row misses an item get NaN statistics and n = 0
        if not keep.any():
            raise DataError(f"have no row with every one of them and a '{group}' value: nothing to compute",
                            file=source, column=columns, within=what, hint="Check the items' missing values.")
        if codes is not None and not keep.all():
            codes = (np.cumsum(keep) - 1)[codes]
        return cls(labels=np.asarray(labels)[keep], n=n_full[keep], n_excluded=(n_all - n_full)[keep], x=x,
                   codes=codes, columns=columns, all_labels=np.asarray(labels), keep=keep,
                   all_n_excluded=n_all - n_full, n_rows=int(n_rows))

    def with_moments(self, mean: np.ndarray, ss: np.ndarray) -> "GroupedItems":
        """Set each kept group's item means and sums of squares around them (G × J), for data whose
        rows are not in memory (:mod:`analysis.teams.partitioned`); ``var`` follows from them."""
        self._mean = mean
        self._var = within_variance(ss, self.n)
        return self

    @property
    def mean(self) -> np.ndarray:
        if not hasattr(self, "_mean"):
            self._mean = self.group_sum(self.x) / self.n[:, None]
        return self._mean

    @property
    def dev(self) -> np.ndarray:
        if not hasattr(self, "_dev"):
            self._dev = self.x - self.mean[self.codes]
        return self._dev

    @property
    def var(self) -> np.ndarray:
        """Unbiased within-group variance of each item (G × J); NaN for groups of one."""
        if not hasattr(self, "_var"):
            self._var = within_variance(self.group_sum(self.dev * self.dev), self.n)
        return self._var

    def group_sum(self, v: np.ndarray) -> np.ndarray:
        """Per-group column sums of an N × J array (one ``np.bincount`` per item, O(N))."""
        g = len(self.n)
        return np.column_stack([np.bincount(self.codes, weights=v[:, j], minlength=g) for j in range(v.shape[1])])

    def median(self) -> np.ndarray:
        """Within-group median of each item (G × J), by counting for integer codes, else by sorting."""
        g, j_items = len(self.n), self.x.shape[1]
        r_lo, r_hi = (self.n - 1) // 2, self.n // 2          # 0-based ranks of the middle values
        out = np.empty((g, j_items))
        lo_val, hi_val = float(self.x.min()), float(self.x.max())
        span = hi_val - lo_val
        if span < 256 and np.array_equal(self.x, np.round(self.x)):
            # answer codes: count each code per group, then read the middle ranks off the cumulative counts
            v = int(span) + 1
            for j in range(j_items):  # a loop over items, not groups
                idx = (self.x[:, j] - lo_val).astype(np.int64)
                cum = np.bincount(self.codes * v + idx, minlength=g * v).reshape(g, v).cumsum(axis=1)
                a = np.argmax(cum > r_lo[:, None], axis=1)
                b = np.argmax(cum > r_hi[:, None], axis=1)
                out[:, j] = lo_val + (a + b) / 2.0
            return out
        starts = np.concatenate([[0], np.cumsum(self.n)[:-1]])
        for j in range(j_items):
            srt = self.x[np.lexsort((self.x[:, j], self.codes)), j]
            out[:, j] = (srt[starts + r_lo] + srt[starts + r_hi]) / 2.0
        return out


def group_items(data: pd.DataFrame, items, group, what: str = "agreement") -> GroupedItems:
    """Check columns, drop incomplete rows (listwise, counted per group) and sort by group."""
    data = check_data(data, what)
    items = item_list(data, items, group, what)
    x = item_matrix(data, items, what)
    codes, labels = pd.factorize(data[group], sort=True, use_na_sentinel=True)
    g = len(labels)
    has_group = codes >= 0
    complete = has_group & ~np.isnan(x).any(axis=1)
    n_all = np.bincount(codes[has_group], minlength=g)
    if complete.all():
        codes_c = codes
    else:
        codes_c, x = codes[complete], x[complete]
    x = np.asfortranarray(x)  # each item contiguous for the per-item bincounts
    return GroupedItems.counted(labels, n_all, np.bincount(codes_c, minlength=g), items, len(data), group=group,
                                source=data.attrs.get("source"), what=what, x=x, codes=codes_c)


def item_list(data: pd.DataFrame, items, group, what: str) -> list:
    """The item columns as a list, refused when empty or when the data lack one of them or the group."""
    items = [items] if isinstance(items, str) else list(items)
    if not items:
        raise DataError("names no item column", argument="items", value=items, within=what,
                        hint="give at least one item column")
    check_columns(data, items + [group], what)
    return items


def item_matrix(data: pd.DataFrame, items: list, what: str) -> np.ndarray:
    """The items as an N × J float array (a text cell refused with its file row, column and value)."""
    block = data[items]
    if all(pd.api.types.is_float_dtype(t) or pd.api.types.is_integer_dtype(t) for t in block.dtypes) and \
            not any(isinstance(t, pd.api.extensions.ExtensionDtype) for t in block.dtypes):
        return block.to_numpy(dtype=np.float64)      # one copy for plain numpy columns
    return check_numeric(data, items, what, hint="agreement needs numeric answers; score or recode the items "
                         "first (prepare_items, recode=, labels=)").to_numpy(dtype=np.float64)


def within_variance(ss: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Unbiased within-group variance (G × J) from sums of squares around the group means; NaN for groups of one."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n[:, None] > 1, ss / (n[:, None] - 1), np.nan)


def grouped_variances(data, items, group, what: str = "agreement") -> GroupedItems:
    """:func:`group_items` for data in memory; for partitioned data (a Dask DataFrame or a folder of
    Parquet files) the group sizes, item means and variances merged over the partitions."""
    from ..checks import is_partitioned

    if is_partitioned(data):
        return grouped_moments(data, items, group, what)
    return group_items(data, items, group, what)


def _frame(gi: GroupedItems, cols: dict) -> pd.DataFrame:
    """One row per group (groups without complete rows included, with NaN statistics)."""
    keep = gi.keep
    n = np.zeros(len(keep), dtype=np.int64)
    n[keep] = gi.n
    out = {"group": gi.all_labels, "n": n, "n_excluded": gi.all_n_excluded.astype(np.int64)}
    for k, v in cols.items():
        full = np.full(len(keep), np.nan)
        full[keep] = v
        out[k] = full
    return pd.DataFrame(out)


# --- partitioned data (merged over the partitions: .partitioned) -----------------------------
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
