"""The units a report publishes: a grouping column as unit labels, the organisation, the parent of each unit.

The anonymity rules (:mod:`.privacy`, :mod:`.disclosure`), the aggregates of the staff report
(:mod:`analysis.teams.aggregation`) and the goal shares (:mod:`analysis.goals.shares`) name units
the same way, from here.
"""

from __future__ import annotations

import pandas as pd

from ..checks import near_columns
from ..errors import DataError

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
