"""Scores aggregated by team, department or any grouping column, next to the organisation.

One pass of ``np.bincount`` per variable (no loop over units): N, mean, SD (n − 1), SE and a
t-based confidence interval per unit, as R's ``t.test(x)$conf.int`` gives for each unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_data, check_level, check_numeric, is_partitioned
from ..anonymity.units import ORGANISATION, parent_map, unit_labels
from ..deprecation import renamed
from ..io.partitions import opened, with_source
from .partitioned import merge_moments, per_partition, stacked

AGGREGATE_COLUMNS = ["level", "unit", "parent", "variable", "n", "mean", "sd", "se", "ci_low", "ci_high"]


def group_moments(y: np.ndarray, codes: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit: count, mean and the sum of squares around the unit's mean (NaN values left out).

    The mergeable sufficient statistics of :func:`aggregate`: partitions of the data give one triple
    each, and :func:`analysis.teams.partitioned.merge_moments` combines them.
    """
    ok = ~np.isnan(y)
    y, c = y[ok], codes[ok]
    n = np.bincount(c, minlength=g)
    s = np.bincount(c, weights=y, minlength=g)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / np.maximum(n, 1), np.nan)
        d = y - mean[c]
    return n, mean, np.bincount(c, weights=d * d, minlength=g)


def unit_stats(n: np.ndarray, mean: np.ndarray, ss: np.ndarray, level: float) -> dict:
    """N, mean, SD (n − 1), SE and the t-based CI per unit from its count, mean and sum of squares."""
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.where(n > 1, np.sqrt(ss / (n - 1)), np.nan)
        se = sd / np.sqrt(n)
        t = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
    return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se}


@renamed(ci="level", value="y")
def aggregate(data: pd.DataFrame, y, group: str, *, parent: str | None = None, level: float = 0.95,
              organisation: bool = True) -> pd.DataFrame:
    """N, mean, SD, SE and CI of one or more variables per unit, with the organisation.

    Parameters
    ----------
    data : DataFrame, Dask DataFrame or folder
        One row per person (scores, e.g. from :func:`analysis.score_items`). Partitioned data (a
        Dask DataFrame or a folder of Parquet files) are aggregated partition by partition by Dask
        and give the same table (:mod:`analysis.teams.partitioned`).
    y : str or list of str
        Variables to aggregate (``value`` before this release: it still works, with a FutureWarning).
    group : str
        Grouping column (``team``).
    parent : str, optional
        A coarser grouping that contains each unit (``department``); its units are reported too.
    level : float
        Confidence level of the t-based interval (``ci=`` is its old name: it still works for one
        release, with a FutureWarning).
    organisation : bool
        Add the organisation (everyone) as the first rows.

    Returns
    -------
    DataFrame
        ``level, unit, parent, variable, n, mean, sd, se, ci_low, ci_high``; ``level`` is
        ``"organisation"``, the parent column's name or the group column's name.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": ["a", "a", "b", "b", "b"], "y": [1.0, 3.0, 2.0, 2.0, 5.0]})
    >>> aggregate(df, "y", "team")[["level", "unit", "n", "mean"]]
              level          unit  n  mean
    0  organisation  organisation  5   2.6
    1          team             a  2   2.0
    2          team             b  3   3.0

    # R: t.test(df$y[df$team == "a"])$conf.int
    """
    check_level(level, "aggregate", "level")
    values = [y] if isinstance(y, str) else list(y)
    if is_partitioned(data):
        return partitioned_aggregate(data, values, group, parent, level, organisation)
    data = check_data(data, "aggregate")
    data = numeric_values(data, values)
    pmap = parent_map(data, group, parent) if parent is not None else None
    return aggregate_table(tier_moments(data, values, unit_tiers(data, group, parent, organisation)), pmap, level)


def numeric_values(data: pd.DataFrame, values: list) -> pd.DataFrame:
    """``data`` with ``values`` as floats (a text cell refused with its file row, column and value)."""
    return data.assign(**check_numeric(data, values, "aggregate", hint="aggregate needs numeric scores; score the "
                                       "items first (score) or recode the value"))


def unit_tiers(data: pd.DataFrame, group: str, parent: str | None, organisation: bool) -> list[tuple[str, pd.Series]]:
    """``(level, unit label of each row)`` for the organisation, the parent and the group, in that order."""
    tiers = [(ORGANISATION, pd.Series(ORGANISATION, index=data.index))] if organisation else []
    if parent is not None:
        tiers.append((parent, unit_labels(data, parent)))
    return tiers + [(group, unit_labels(data, group))]


def tier_moments(data: pd.DataFrame, values: list, tiers: list) -> list[dict]:
    """Per level and variable: the units (sorted) with their :func:`group_moments`.

    ``tier`` is the level's place in ``tiers``; ``is_group`` marks the last (the group's, whose units
    have parents).
    """
    out = []
    for i, (tier, labels) in enumerate(tiers):
        codes, uniq = pd.factorize(labels, sort=True)
        for v in values:
            y = data[v].to_numpy(dtype=np.float64, na_value=np.nan)
            n, mean, ss = group_moments(y, codes, len(uniq))
            out.append({"level": tier, "unit": np.asarray(uniq, dtype=object), "variable": v, "n": n, "mean": mean,
                        "ss": ss, "tier": i, "is_group": i == len(tiers) - 1})
    return out


def aggregate_table(moments: list[dict], pmap: dict | None, level: float) -> pd.DataFrame:
    """The :func:`aggregate` table from per-level moments (:func:`tier_moments`) and the parent of each unit."""
    blocks = []
    for m in moments:
        units, pm = m["unit"], pmap if m["is_group"] else None
        blocks.append(pd.DataFrame({
            "level": m["level"], "unit": units, "parent": [pm[u] for u in units] if pm else None,
            "variable": m["variable"], **unit_stats(m["n"], m["mean"], m["ss"], level)}))
    out = pd.concat(blocks, ignore_index=True)[AGGREGATE_COLUMNS]
    out["n"] = out["n"].astype(np.int64)
    return out


# --- partitioned data (merged over the partitions: .partitioned) -----------------------------
def _aggregate_part(part, values, group, parent, organisation):
    part = numeric_values(part, values)
    frames = [pd.DataFrame({k: m[k] for k in ("tier", "unit", "variable", "n", "mean", "ss")})
              for m in tier_moments(part, values, unit_tiers(part, group, parent, organisation))]
    pairs = part[[group, parent]].drop_duplicates() if parent is not None else None
    return pd.concat(frames, ignore_index=True), pairs, len(part)


def partitioned_aggregate(data, values: list, group: str, parent: str | None, level: float,
                          organisation: bool) -> pd.DataFrame:
    """:func:`analysis.aggregate` of partitioned data (same parameters and table)."""
    ddf, source, meta = opened(data, "aggregate")
    tiers = unit_tiers(meta, group, parent, organisation)   # refuses a grouping column the data lack first
    numeric_values(meta, values)
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
