"""Scores aggregated by team, department or any grouping column, next to the organisation.

One pass of ``np.bincount`` per variable (no loop over units): N, mean, SD (n − 1), SE and a
t-based confidence interval per unit, as R's ``t.test(x)$conf.int`` gives for each unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ..checks import check_data, check_level, check_numeric
from ..deprecation import renamed
from ..errors import DataError
from ..checks import near_columns

AGGREGATE_COLUMNS = ["level", "unit", "parent", "variable", "n", "mean", "sd", "se", "ci_low", "ci_high"]
ORGANISATION = "organisation"
NOT_GIVEN = "(not given)"


def unit_labels(data: pd.DataFrame, column: str) -> pd.Series:
    """A grouping column as text labels; a missing value becomes its own unit ``(not given)``.

    People without a team still count in the organisation total, so they form a unit that is
    published or suppressed like any other (otherwise organisation minus teams would reveal it).
    """
    if column not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=column, item="a grouping column",
                        hint="Name the column that holds the units (team, department, …)." + near_columns(column, data))
    s = data[column]
    out = s.astype(object).where(s.notna(), NOT_GIVEN).map(_label)
    return out.astype(str)


def _label(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def parent_map(data: pd.DataFrame, group: str, parent: str) -> dict:
    """``unit → parent unit``; stops when a unit belongs to two parents (the hierarchy must nest)."""
    u, p = unit_labels(data, group), unit_labels(data, parent)
    pairs = pd.DataFrame({"u": u, "p": p}).drop_duplicates()
    dup = pairs[pairs["u"].duplicated(keep=False)]
    if len(dup):
        first = dup["u"].iloc[0]
        ps = sorted(dup.loc[dup["u"] == first, "p"])
        raise DataError(f"puts {group} '{first}' under more than one {parent} ({', '.join(ps)})", file=data.attrs.get("source"),
                        column=parent, item="the parent grouping",
                        hint=f"the parent= grouping must contain each {group} in exactly one {parent}")
    return dict(zip(pairs["u"], pairs["p"]))


def _stats(y: np.ndarray, codes: np.ndarray, g: int, level: float) -> dict:
    ok = ~np.isnan(y)
    y, c = y[ok], codes[ok]
    n = np.bincount(c, minlength=g)
    s = np.bincount(c, weights=y, minlength=g)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, s / np.maximum(n, 1), np.nan)
        d = y - mean[c]
        ss = np.bincount(c, weights=d * d, minlength=g)
        sd = np.where(n > 1, np.sqrt(ss / (n - 1)), np.nan)
        se = sd / np.sqrt(n)
        t = np.where(n > 1, stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)), np.nan)
    return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": mean - t * se, "ci_high": mean + t * se}


@renamed(ci="level")
def aggregate(data: pd.DataFrame, value, group: str, *, parent: str | None = None, level: float = 0.95,
              organisation: bool = True) -> pd.DataFrame:
    """N, mean, SD, SE and CI of one or more variables per unit, with the organisation.

    Parameters
    ----------
    data : DataFrame
        One row per person (scores, e.g. from :func:`analysis.score_items`).
    value : str or list of str
        Variables to aggregate.
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
    data = check_data(data, "aggregate")
    check_level(level, "aggregate", "level")
    values = [value] if isinstance(value, str) else list(value)
    data = data.assign(**check_numeric(data, values, "aggregate", hint="aggregate needs numeric scores; score the "
                                       "items first (score) or recode the value"))
    levels = []
    if organisation:
        levels.append((ORGANISATION, pd.Series(ORGANISATION, index=data.index), None))
    if parent is not None:
        pmap = parent_map(data, group, parent)
        levels.append((parent, unit_labels(data, parent), None))
        levels.append((group, unit_labels(data, group), pmap))
    else:
        levels.append((group, unit_labels(data, group), None))
    blocks = []
    for tier, labels, pmap in levels:
        codes, uniq = pd.factorize(labels, sort=True)
        for v in values:
            y = data[v].to_numpy(dtype=np.float64, na_value=np.nan)
            st = _stats(y, codes, len(uniq), level)
            blocks.append(pd.DataFrame({
                "level": tier, "unit": np.asarray(uniq, dtype=object),
                "parent": [pmap[u] for u in uniq] if pmap else None, "variable": v, **st}))
    out = pd.concat(blocks, ignore_index=True)[AGGREGATE_COLUMNS]
    out["n"] = out["n"].astype(np.int64)
    return out
