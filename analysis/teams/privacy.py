"""Anonymity rules for staff reports: minimum group size and complementary suppression.

A unit (a team, a department, a unit of any other reported grouping) is published only when it has
at least ``k`` respondents (default 5, never fewer than 3) and every reported score has at least
``k`` answers (*primary* suppression). Publishing the others is not enough: a suppressed team can
be recovered as its department minus the department's other teams, as the organisation minus the
published teams, or by combining two reports of the same people by overlapping groupings (team and
site). So further units are suppressed (*complementary* suppression) until no suppressed unit's
count, answer count or score sum (mean × n) can be recovered.

How this is checked. The people are split into the finest cells that the groupings define (every
combination of team, department, …, that occurs). An attacker who knows the organisation chart
(which cells exist, each with at least one person) and every published number (organisation
totals and every published unit's n, per-score n and mean × n) faces a linear system; for each
suppressed unit we compute, by linear programming (``scipy.optimize.linprog``, HiGHS), the smallest
and largest count and score sum consistent with everything published, with answers bounded by the
response range. A unit is protected when its headcount and answer counts each admit at least two
whole numbers and its score sum is not pinned to one value. Differencing of any kind (parent minus
children, organisation minus units, one report minus another) is a linear combination of published
numbers, so the programme's bounds are at least as wide as any such attack can narrow them.

Suppressed units are marked the same way whether they fell below the threshold or protect another
unit, so the mark itself says nothing about size. What this does not protect against: a residual
group whose members all gave the same answer (then every suppressed part of it has that mean);
knowledge from outside the reports (who is in which team).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from ..errors import DataError
from .aggregation import ORGANISATION, parent_map, unit_labels

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


@dataclass
class Cells:
    """The finest cells and what is known about each: headcount, answer counts, score sums."""

    levels: list
    key: pd.DataFrame            # F rows: the label of each level for each finest cell
    count: np.ndarray            # (F,) people
    n: dict                      # value -> (F,) answers
    total: dict                  # value -> (F,) sums of the answers
    bounds: dict                 # value -> (low, high) possible answer range
    members: dict = field(default_factory=dict)  # (level, unit) -> finest-cell positions

    def cell(self, level, unit) -> np.ndarray:
        return self.members[(level, unit)]


def finest_cells(data: pd.DataFrame, levels, values=(), bounds=None) -> Cells:
    """Split the people into every occurring combination of the grouping columns."""
    labels = pd.DataFrame({lv: unit_labels(data, lv) for lv in levels}, index=data.index)
    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(labels), sort=True)
    f = len(uniq)
    key = pd.DataFrame(list(uniq), columns=list(levels))
    count = np.bincount(codes, minlength=f).astype(float)
    n, total, bnd = {}, {}, {}
    for v in values:
        y = pd.to_numeric(data[v], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        ok = ~np.isnan(y)
        n[v] = np.bincount(codes[ok], minlength=f).astype(float)
        total[v] = np.bincount(codes[ok], weights=y[ok], minlength=f)
        lo, hi = (bounds or {}).get(v, (np.nanmin(y) if ok.any() else 0.0, np.nanmax(y) if ok.any() else 0.0))
        bnd[v] = (float(lo), float(hi))
    cells = Cells(levels=list(levels), key=key, count=count, n=n, total=total, bounds=bnd)
    for lv in levels:
        for unit, pos in key.groupby(lv, sort=True).indices.items():
            cells.members[(lv, unit)] = np.asarray(pos)
    return cells


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
        audit = _audit(cells, status, stop_at_exposed=True, skip=safe)
        exposed = audit[~audit["protected"]]
        if exposed.empty:
            audit = _audit(cells, status)        # the full table: every suppressed unit, audited afresh
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
def audit_disclosure(cells: Cells, status: dict) -> pd.DataFrame:
    """For every suppressed unit, the range an attacker can derive for each hidden quantity.

    ``status`` maps ``(level, unit)`` to ``"published"`` or a suppression reason. Returns one
    row per suppressed unit and quantity: ``level, unit, quantity, low, high, protected``;
    quantities are ``count`` (people), ``n:<value>`` (answers) and ``sum:<value>``.

    First every finest cell that published totals pin down is solved for (a published total with
    one unknown cell left: plain differencing, repeated until nothing changes); the linear
    programmes then run over the remaining unknown cells only, which keeps them small.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.teams.privacy import finest_cells
    >>> df = pd.DataFrame({"team": list("aaaaabbbbbbc")})
    >>> cells = finest_cells(df, ["team"])      # publishing a and b and the total gives c's headcount away
    >>> a = audit_disclosure(cells, {("team", "a"): "published", ("team", "b"): "published", ("team", "c"): "primary"})
    >>> a[["unit", "quantity", "low", "high", "protected"]].values.tolist()
    [['c', 'count', 1.0, 1.0, False]]

    # R: no equivalent (lpSolve::lp gives the same bounds, one linear programme per quantity)
    """
    return _audit(cells, status)


def _audit(cells: Cells, status: dict, stop_at_exposed: bool = False, skip=()) -> pd.DataFrame:
    """:func:`audit_disclosure`; with ``stop_at_exposed``, the suppressed units are audited in sorted
    order only up to the first one that is not protected (all a round of :func:`plan_suppression`
    needs to choose its next unit); units in ``skip`` are left out."""
    hidden = sorted(c for c, s in status.items() if s != "published" and c not in skip)
    cols = ["level", "unit", "quantity", "low", "high", "protected"]
    if not hidden:
        return pd.DataFrame(columns=cols)
    f = len(cells.count)
    shown = [c for c, s in sorted(status.items()) if s == "published"]
    rows = [np.arange(f)] + [cells.cell(*c) for c in shown]
    measures = {"count": cells.count}
    for v in cells.n:
        measures[f"n:{v}"] = cells.n[v]
        measures[f"sum:{v}"] = cells.total[v]
    levels_all_shown = any(all(status[c] == "published" for c in status if c[0] == lv) for lv in cells.levels)
    if levels_all_shown:
        rows = rows[1:]  # the organisation total is the sum of a fully published grouping: redundant
    known, unknown = _solve_by_differencing(rows, f)
    var = np.flatnonzero(unknown)                    # cells left to the linear programmes
    col_of = np.full(f, -1)
    col_of[var] = np.arange(len(var))
    r_idx, c_idx, rhs_rows = [], [], []
    for i, pos in enumerate(rows):
        u = pos[unknown[pos]]
        r_idx.append(np.full(len(u), i))
        c_idx.append(col_of[u])
        rhs_rows.append(pos)
    a = sparse.csr_matrix((np.ones(sum(map(len, r_idx))), (np.concatenate(r_idx), np.concatenate(c_idx))),
                          shape=(len(rows), len(var)))
    live = np.flatnonzero(a.getnnz(axis=1) > 0)
    a = a[live]

    def rhs(x):  # published totals minus the cells already pinned down
        return np.array([x[rhs_rows[i]].sum() - x[rhs_rows[i][known[rhs_rows[i]]]].sum() for i in live])

    blocks = {"count": [cells.count]}
    for v in cells.n:
        blocks[v] = [cells.count, cells.n[v], cells.total[v]]
    from scipy.sparse.csgraph import connected_components

    # unknown cells linked by a published total form a component; others cannot narrow its range
    comp = connected_components((a.T @ a).tocsr(), directed=False)[1] if len(var) else np.zeros(0, int)
    solvers = {v: _range_solver(a, [rhs(x) for x in xs], comp, len(xs), cells, col_of, known, xs,
                                None if v == "count" else cells.bounds[v]) for v, xs in blocks.items()}
    out = {v: [] for v in blocks}                     # rows block by block, units in sorted order
    for c in hidden:
        mine = []
        for v, solve in solvers.items():
            lows, highs = solve(c)
            if v == "count":
                rows = [(*c, "count", lows[0], highs[0], _count_ok(lows[0], highs[0]))]
            else:
                rows = [(*c, f"n:{v}", lows[0], highs[0], _count_ok(lows[0], highs[0])),
                        (*c, f"sum:{v}", lows[1], highs[1], bool(highs[1] - lows[1] > 1e-6 * max(1.0, abs(highs[1]))))]
            out[v] += rows
            mine += rows
        if stop_at_exposed and not all(r[-1] for r in mine):
            break
    return pd.DataFrame([r for v in blocks for r in out[v]], columns=cols)


def _solve_by_differencing(rows, f):
    """Cells whose values follow from published totals by repeated differencing."""
    known = np.zeros(f, dtype=bool)
    changed = True
    while changed:
        changed = False
        for pos in rows:
            u = pos[~known[pos]]
            if len(u) == 1:
                known[u[0]] = True
                changed = True
    return known, ~known


def _count_ok(lo, hi) -> bool:
    """At least two whole numbers fit in [lo, hi]."""
    return bool(np.floor(hi + 1e-7) - np.ceil(lo - 1e-7) >= 1)


def _range_solver(a, rhs, comp, blocks, cells, col_of, known, xs, bnd):
    """A function giving, for one hidden unit, the min/max of its quantities by linear programming
    (HiGHS) over unknown cells; the programme of each component is built once and reused.

    Variables per unknown cell: the headcount c (≥ 1: the chart says the cell exists) and, for a
    score, its answer count n (0 ≤ n ≤ c) and sum S (lo·n ≤ S ≤ hi·n).
    """
    problems = {}
    targets = [0] if blocks == 1 else [1, 2]

    def solve(c):
        pos = cells.cell(*c)
        free = col_of[pos[~known[pos]]]
        key = tuple(np.unique(comp[free]))
        if key not in problems:
            problems[key] = _problem(a, rhs, np.flatnonzero(np.isin(comp, key)), blocks, bnd)
        vars_, eq, b_eq, a_ub, b_ub, bnds = problems[key]
        m = len(vars_)
        local = np.searchsorted(vars_, free)
        lows, highs = [], []
        for t in targets:
            fixed = float(xs[t][pos[known[pos]]].sum())
            if len(free) == 0:
                lows.append(fixed)
                highs.append(fixed)
                continue
            obj = np.zeros(blocks * m)
            obj[t * m + local] = 1.0
            mn = linprog(obj, A_ub=a_ub, b_ub=b_ub, A_eq=eq, b_eq=b_eq, bounds=bnds, method="highs")
            mx = linprog(-obj, A_ub=a_ub, b_ub=b_ub, A_eq=eq, b_eq=b_eq, bounds=bnds, method="highs")
            lows.append(fixed + (mn.fun if mn.status == 0 else -np.inf))
            highs.append(fixed + (-mx.fun if mx.status == 0 else np.inf))
        return lows, highs

    return solve


def _problem(a, rhs, vars_, blocks, bnd):
    """The linear programme restricted to some unknown cells and the totals that involve them."""
    from scipy.sparse import block_diag, hstack, identity

    sub = a[:, vars_]
    rws = np.flatnonzero(sub.getnnz(axis=1) > 0)
    sub = sub[rws]
    m = len(vars_)
    eq = block_diag([sub] * blocks, format="csr")
    b_eq = np.concatenate([r[rws] for r in rhs])
    bnds = [(1.0, None)] * m + ([(0.0, None)] * m + [(None, None)] * m if blocks == 3 else [])
    a_ub = b_ub = None
    if blocks == 3:
        lo, hi = bnd
        eye = identity(m, format="csr")
        z = sparse.csr_matrix((m, m))
        a_ub = sparse.vstack([hstack([-eye, eye, z]),                    # n <= c
                              hstack([z, lo * eye, -eye]),                # lo n <= S
                              hstack([z, -hi * eye, eye])], format="csr")  # S <= hi n
        b_ub = np.zeros(3 * m)
    if blocks * m <= 600:  # small components: dense input spares linprog most of its set-up time
        eq = eq.toarray()
        a_ub = a_ub.toarray() if a_ub is not None else None
    return vars_, eq, b_eq, a_ub, b_ub, bnds
