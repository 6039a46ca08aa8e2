"""The disclosure audit of a staff report's suppression (:mod:`analysis.anonymity.privacy` plans it).

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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from .units import unit_labels

__all__ = ["Cells", "audit_disclosure", "finest_cells"]


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
    >>> from analysis.anonymity.disclosure import finest_cells
    >>> df = pd.DataFrame({"team": list("aaaaabbbbbbc")})
    >>> cells = finest_cells(df, ["team"])      # publishing a and b and the total gives c's headcount away
    >>> a = audit_disclosure(cells, {("team", "a"): "published", ("team", "b"): "published", ("team", "c"): "primary"})
    >>> a[["unit", "quantity", "low", "high", "protected"]].values.tolist()
    [['c', 'count', 1.0, 1.0, False]]

    # R: no equivalent (lpSolve::lp gives the same bounds, one linear programme per quantity)
    """
    return audit_cells(cells, status)


def audit_cells(cells: Cells, status: dict, stop_at_exposed: bool = False, skip=()) -> pd.DataFrame:
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
