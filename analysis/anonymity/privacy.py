"""Anonymity rules for the staff report and the goal shares: minimum group size and complementary suppression.

A unit (a team, a department, a unit of any other reported grouping) is published only when it has
at least ``k`` respondents (default 5, never fewer than 3) and every reported score has at least
``k`` answers (*primary* suppression). Publishing the others is not enough: a suppressed team can
be recovered as its department minus the department's other teams, as the organisation minus the
published teams, or by combining two reports of the same people by overlapping groupings (team and
site). So further units are suppressed (*complementary* suppression) until no suppressed unit's
count, answer count or score sum (mean × n) can be recovered.

How a plan is checked against an attacker who knows the organisation chart and every published
number: :mod:`analysis.anonymity.disclosure`.

Suppressed units are marked the same way whether they fell below the threshold or protect another
unit, so the mark itself says nothing about size. What this does not protect against: a residual
group whose members all gave the same answer (then every suppressed part of it has that mean);
knowledge from outside the reports (who is in which team).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import DataError
from .units import ORGANISATION, parent_map
from .disclosure import audit_cells, finest_cells

MIN_GROUP_DEFAULT = 5
MIN_GROUP_FLOOR = 3
SUPPRESSED_MARK = "suppressed"


def check_min_group(k) -> int:
    """The minimum reporting group size: a whole number of at least 3."""
    try:
        ki = int(k)
    except (TypeError, ValueError):
        raise DataError("is not a whole number; the minimum group size must be one", argument="min_group", value=k,
                        hint=f"give {MIN_GROUP_FLOOR} or more (the default is {MIN_GROUP_DEFAULT})") from None
    if ki != k or ki < MIN_GROUP_FLOOR:
        raise DataError(f"is too small: a minimum group size can be no lower than {MIN_GROUP_FLOOR} (the default is "
                        f"{MIN_GROUP_DEFAULT}), as smaller groups would expose individual answers", argument="min_group",
                        value=k, hint=f"give {MIN_GROUP_FLOOR} or more")
    return ki


# ---------------------------------------------------------------------------------------------
@dataclass
class SuppressionPlan:
    """Which units of which groupings may be published.

    ``cells`` has one row per unit: ``level, unit, parent, n, status`` with status
    ``published``, ``primary`` (below the minimum size) or ``complementary`` (suppressed to protect
    another unit). ``audit`` lists, for every suppressed unit, the range of each hidden quantity
    an attacker can derive from the published numbers (it must not collapse to one value).

    A plan, not an analysis: it keeps its own shape (no ``table()``/``apa()``).

    Examples
    --------
    >>> from analysis.datasets import read_dataset
    >>> from analysis.teams import plan_suppression
    >>> plan = plan_suppression(read_dataset("staff_demo"), ["team", "department"], parents={"team": "department"})
    >>> plan.published("department", "Finance"), plan.k
    (True, 5)

    # R: no equivalent (sdcTable::protectTable solves the same cell-suppression problem)
    """

    k: int
    levels: list
    parents: dict
    cells: pd.DataFrame
    audit: pd.DataFrame
    values: list

    def published(self, level: str, unit) -> bool:
        if level == ORGANISATION:
            return True
        row = self.cells[(self.cells["level"] == level) & (self.cells["unit"] == str(unit))]
        return bool(len(row)) and row["status"].iloc[0] == "published"

    def suppressed_units(self, level: str) -> list:
        c = self.cells
        return c.loc[(c["level"] == level) & (c["status"] != "published"), "unit"].tolist()

    def mask(self, table: pd.DataFrame, level_col: str = "level", unit_col: str = "unit",
             keep=("level", "unit", "parent", "variable")) -> pd.DataFrame:
        """Blank every statistic of suppressed units (NaN) and add a ``suppressed`` column."""
        status = self.cells.set_index(["level", "unit"])["status"]
        idx = pd.MultiIndex.from_arrays([table[level_col].astype(str), table[unit_col].astype(str)])
        st = status.reindex(idx).to_numpy()
        hidden = np.array([s not in ("published", None) and isinstance(s, str) for s in st])
        out = table.copy()
        for col in out.columns:
            if col in keep or col in (level_col, unit_col):
                continue
            if pd.api.types.is_numeric_dtype(out[col]):
                out[col] = out[col].astype(float).where(~hidden, np.nan)
            else:
                out[col] = out[col].astype(object).where(~hidden, None)
        out["suppressed"] = hidden
        return out


def plan_suppression(data: pd.DataFrame, groupings, *, parents: dict | None = None, values=(), k: int = 5,
                     bounds: dict | None = None, max_rounds: int = 500) -> SuppressionPlan:
    """Decide which units can be published without exposing any suppressed unit.

    Parameters
    ----------
    data : DataFrame
        One row per person.
    groupings : list of str
        Every grouping column that will be reported on the same people (``["team", "department",
        "site"]``). Units of all of them are protected together, so their reports may be combined.
    parents : dict, optional
        ``{child: parent}`` for nested groupings (``{"team": "department"}``); a child unit must lie
        in exactly one parent unit.
    values : list of str
        Reported scores (their answer counts and sums are protected too).
    k : int
        Minimum reporting group size (default 5; never below 3).
    bounds : dict, optional
        ``{value: (low, high)}`` possible score range; default the observed range.

    Returns
    -------
    SuppressionPlan

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": list("aaaaabbbbbbc"), "y": range(12)})
    >>> plan_suppression(df, ["team"], values=["y"], k=5).cells[["unit", "n", "status"]]
      unit  n         status
    0    a  5  complementary
    1    b  6      published
    2    c  1        primary

    # R: no equivalent (sdcTable::protectTable solves the same cell-suppression problem)
    """
    k = check_min_group(k)
    groupings = list(dict.fromkeys(groupings))
    parents = dict(parents or {})
    for child, par in parents.items():
        if child not in groupings or par not in groupings:
            raise DataError(f"names parent grouping {child} -> {par}, but both columns must be among the reported "
                            f"groupings", argument="parents", value=parents, hint="add both to groupings=")
        parent_map(data, child, par)  # stops unless nested
    values = list(values)
    cells = finest_cells(data, groupings, values, bounds)
    if cells.count.sum() < k:
        raise DataError(f"has only {int(cells.count.sum())} respondents in total: fewer than the minimum group size "
                        f"{k}, so nothing can be reported", file=data.attrs.get("source"),
                        hint="Collect more responses before reporting.")
    for v in values:
        if cells.n[v].sum() < k:
            raise DataError(f"has {int(cells.n[v].sum())} answers in the whole organisation, fewer than the minimum "
                            f"group size {k}", file=data.attrs.get("source"), column=v, item="a score",
                            hint="leave it out of the report")

    rows = []
    for lv in groupings:
        pm = parent_map(data, lv, parents[lv]) if lv in parents else {}
        for unit, pos in sorted(((u, p) for (lvl, u), p in cells.members.items() if lvl == lv), key=lambda t: t[0]):
            counts = [cells.count[pos].sum()] + [cells.n[v][pos].sum() for v in values]
            rows.append({"level": lv, "unit": unit, "parent": pm.get(unit), "n": int(counts[0]),
                         "min_n": int(min(counts)),
                         "status": "primary" if min(counts) < k else "published"})
    table = pd.DataFrame(rows)
    status = dict(zip(zip(table["level"], table["unit"]), table["status"]))
    size = dict(zip(zip(table["level"], table["unit"]), table["min_n"]))
    constraints = _constraints(table, groupings, parents)

    # Suppressing a unit only takes published totals away, so a range can only widen from one round
    # to the next: a unit found protected stays protected and is not audited again until the end.
    safe = set()
    for _ in range(max_rounds):
        changed = _apply_rules(constraints, status, size, k)
        if changed:
            continue
        audit = audit_cells(cells, status, stop_at_exposed=True, skip=safe)
        exposed = audit[~audit["protected"]]
        if exposed.empty:
            audit = audit_cells(cells, status)        # the full table: every suppressed unit, audited afresh
            exposed = audit[~audit["protected"]]
            if exposed.empty:
                break
        safe |= set(zip(audit["level"], audit["unit"])) - set(zip(exposed["level"], exposed["unit"]))
        for (lv, unit), _grp in exposed.groupby(["level", "unit"], sort=True):
            _protect(cells, (lv, unit), status, size, constraints)
            break
    else:  # pragma: no cover - each round suppresses one more unit, so this needs > 500 units
        raise DataError("complementary suppression did not settle", file=data.attrs.get("source"), column=groupings,
                        hint="Report fewer groupings at once.")
    table["status"] = [status[(lv, u)] for lv, u in zip(table["level"], table["unit"])]
    return SuppressionPlan(k=k, levels=groupings, parents=parents, cells=table.drop(columns="min_n"),
                           audit=audit, values=values)


def _constraints(table, groupings, parents):
    """(parent cell or None for the organisation, [child cells]) for every additive relation."""
    out = []
    for lv in groupings:
        units = [(lv, u) for u in table.loc[table["level"] == lv, "unit"]]
        out.append((None, units))
        if lv in parents:
            sub = table[table["level"] == lv]
            for p, grp in sub.groupby("parent", sort=True):
                out.append(((parents[lv], p), [(lv, u) for u in grp["unit"]]))
    return out


def _apply_rules(constraints, status, size, k) -> bool:
    """Fast pre-pass: in every relation with a published total, the suppressed parts must be at
    least two and together hold at least k people (otherwise differencing isolates them)."""
    for parent, children in constraints:
        if parent is not None and status[parent] != "published":
            continue
        hidden = [c for c in children if status[c] != "published"]
        if not hidden:
            continue
        if len(hidden) >= 2 and sum(size[c] for c in hidden) >= k:
            continue
        shown = sorted((c for c in children if status[c] == "published"), key=lambda c: (size[c], c))
        if shown:
            status[shown[0]] = "complementary"
        elif parent is not None:
            status[parent] = "complementary"
        else:
            raise _cannot(hidden)
        return True
    return False


def _cannot(hidden) -> DataError:
    """The refusal of a report that would expose the ``hidden`` units (their grouping columns are its place;
    the plan sees cells, the caller names the file)."""
    units = ", ".join(f"{lv} '{u}'" for lv, u in hidden[:4])
    return DataError(f"no report can be published without exposing {units}: the organisation as a whole is the "
                     f"only other total", file=None, column=list(dict.fromkeys(lv for lv, _ in hidden)),
                     hint="Raise the group sizes (merge small units) or report fewer groupings.")


def _protect(cells, cell, status, size, constraints) -> None:
    """Suppress one more unit so that ``cell`` is no longer pinned down."""
    siblings, overlapping = [], []
    mine = set(cells.cell(*cell))
    for parent, children in constraints:
        if cell in children:
            siblings += [c for c in children if c != cell and status[c] == "published"]
    for other in status:
        if other[0] != cell[0] and status[other] == "published" and mine & set(cells.cell(*other)):
            overlapping.append(other)
    for pool in (siblings, overlapping):
        if pool:
            status[min(set(pool), key=lambda c: (size[c], c))] = "complementary"
            return
    raise _cannot([cell])


# ---------------------------------------------------------------------------------------------


