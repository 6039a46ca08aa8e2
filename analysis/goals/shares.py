"""Shares of mastery, performance, outcome (and unclear) goals per unit, for team reports.

Only the shares and the number of people reach the table: the statements themselves never do.
The anonymity rules are those of the staff report (:mod:`analysis.anonymity.privacy`): a unit with
fewer than ``min_group`` people is suppressed, and further units are suppressed until no hidden
unit's headcount or count of any goal type can be worked out from the published numbers (the
linear-programming audit there, with each goal type as a reported value bounded by 0 and 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..checks import check_data
from ..errors import DataError
from ..formatting.apa import Apa, apa
from ..results import Result
from ..anonymity.units import ORGANISATION, unit_labels
from ..anonymity.privacy import MIN_GROUP_DEFAULT, SuppressionPlan, plan_suppression
from .coder import GoalCoding, code_goals
from .lexicon import GOAL_TYPES
from ..checks import near_columns, row_label

SHARE_COLUMNS = [f"share_{t}" for t in GOAL_TYPES]


@dataclass
class GoalShares(Result):
    """Per-unit goal-type shares with the suppression plan that protects them (see :func:`goal_shares`).

    ``.table()`` one row per unit (the organisation first); ``.summary()`` the organisation row;
    ``.apa()`` a sentence; ``.plan`` the suppression plan; ``.n`` people, ``.k`` minimum group size.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.goals import goal_shares
    >>> df = pd.DataFrame({"team": list("aaaaabbbbb"), "goal_type": ["mastery"] * 6 + ["outcome"] * 4})
    >>> res = goal_shares(df, "team")
    >>> res.n, res.summary()[["unit", "share_mastery"]].to_dict("records")
    (10, [{'unit': 'organisation', 'share_mastery': 0.6}])

    R has no single equivalent: shares are means of 0/1 indicators, e.g.
    ``aggregate(goal_type == "mastery" ~ team, data, mean)``.
    """

    shares: pd.DataFrame
    plan: SuppressionPlan
    k: int
    n: int
    options: dict = field(default_factory=dict)
    r_call: str = ('aggregate(cbind(mastery = goal_type == "mastery", performance = goal_type == "performance", '
                   'outcome = goal_type == "outcome", unclear = goal_type == "unclear") ~ team, data, mean)  '
                   '# suppression: goalscope teams (no R equivalent)')

    def table(self) -> pd.DataFrame:
        return self.shares.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        return self.shares[self.shares["level"] == ORGANISATION].reset_index(drop=True)


@apa.register
def _apa_shares(res: GoalShares) -> Apa:
    org = res.summary().iloc[0]
    hidden = int(res.shares["suppressed"].sum())
    est = f"{org.share_mastery:.0%} mastery"
    text = (f"Of {res.n} people's goals, {org.share_mastery:.0%} were coded mastery, "
            f"{org.share_performance:.0%} performance, {org.share_outcome:.0%} outcome and "
            f"{org.share_unclear:.0%} unclear (first-pass rule coding). {hidden} of "
            f"{len(res.shares) - 1} units are suppressed (minimum {res.k} people).")
    cells = res.shares[["level", "unit"]].astype(object).copy()
    cells["n"] = ["" if v != v else f"{v:.0f}" for v in res.shares["n"]]
    for c in SHARE_COLUMNS:
        cells[c] = ["" if v != v else f"{v:.0%}" for v in res.shares[c]]
    return Apa(estimate=est, full_result=text, table=cells)


def goal_shares(coded, group: str, *, parent: str | None = None, also=(), id_column: str | None = None,
                goal_type: str = "goal_type", min_group: int = MIN_GROUP_DEFAULT) -> GoalShares:
    """Per-unit shares of mastery / performance / outcome / unclear goals, with suppression.

    Parameters
    ----------
    coded : GoalCoding or DataFrame
        The result of :func:`code_goals` (or any table with a ``goal_type`` column and the
        grouping columns).
    group : str
        Reporting unit column, e.g. ``team``.
    parent, also : optional
        A coarser grouping containing each unit (``department``) and other groupings of the same
        people (``site``): suppression is coordinated across all of them.
    id_column : str, optional
        Person id. Without it every row is one person; with it, a person's statements count as
        that person's shares (each person weighs one), and the minimum group size counts people.
    goal_type : str
        Column with the codes (default ``goal_type``).
    min_group : int
        Minimum number of people in a published unit (default 5; never below 3).

    Returns
    -------
    GoalShares
        ``.table()``: ``level, unit, parent, n, share_mastery, share_performance, share_outcome,
        share_unclear, suppressed``; suppressed units have blank shares and n.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"team": list("aaaaaabbbbbbc"),
    ...                    "goal_type": ["mastery"] * 4 + ["outcome"] * 5 + ["performance"] * 4})
    >>> goal_shares(df, "team", min_group=5).table()[["unit", "n", "share_mastery", "share_outcome", "suppressed"]]
               unit     n  share_mastery  share_outcome  suppressed
    0  organisation  13.0       0.307692       0.384615       False
    1             a   NaN            NaN            NaN        True
    2             b   6.0       0.000000       0.500000       False
    3             c   NaN            NaN            NaN        True

    Team c (one person) is below the minimum; team a is hidden too, or c would be the organisation
    minus a and b.

    R has no single equivalent: the shares are ``aggregate(goal_type == "mastery" ~ team, data, mean)``; the suppression is goalscope's (analysis.anonymity.privacy).
    """
    data = check_data(coded.data if isinstance(coded, GoalCoding) else coded, "goal_shares", rows=False)
    groupings = [group] + ([parent] if parent else []) + [a for a in also if a not in (group, parent)]
    for c in groupings + [goal_type] + ([id_column] if id_column else []):
        if c not in data.columns:
            raise DataError("is not in the coded data", file=data.attrs.get("source"), column=c,
                            hint="Code the statements first (code_goals), or check the column's name." + near_columns(c, data))
    codes = data[goal_type].astype(object)
    bad = codes[~codes.isin(GOAL_TYPES)]
    if len(bad):
        raise DataError("not a goal type", file=data.attrs.get("source"), row=row_label(data, bad.index[0]), column=goal_type,
                        value=bad.iloc[0], hint="use the output of code_goals (mastery, performance, outcome, unclear)")
    ind = share_indicators(codes)
    labels = pd.DataFrame({g: unit_labels(data, g) for g in groupings}, index=data.index)
    if id_column:
        people = data[id_column]
        if people.isna().any():
            raise DataError("missing id; every statement needs the id of the person who wrote it", file=data.attrs.get("source"),
                            row=row_label(data, people[people.isna()].index[0]), column=id_column, value="",
                            hint="Fill in the id, or leave the statement out.")
        for g in groupings:
            moves = labels.groupby(people, sort=False)[g].nunique()
            if (moves > 1).any():
                raise DataError(f"has statements in more than one {g}", file=data.attrs.get("source"),
                                row=row_label(data, people.index[people == moves[moves > 1].index[0]][0]),
                                column=id_column, value=moves[moves > 1].index[0],
                                hint="a person belongs to one unit of each grouping: fix the unit or the id")
        persons = pd.concat([labels, ind], axis=1).groupby(people.to_numpy(), sort=True)
        frame = pd.concat([persons[groupings].first(), persons[SHARE_COLUMNS].mean()], axis=1)
    else:
        frame = pd.concat([labels, ind], axis=1)
    frame = frame.reset_index(drop=True)
    protect = protected_shares(frame)
    plan = plan_suppression(frame, groupings, parents={group: parent} if parent else None, values=protect,
                            k=min_group, bounds={v: (0.0, 1.0) for v in protect})
    masked = share_table(frame, groupings, plan)
    masked["suppressed"] = masked["suppressed"].astype(bool)
    return GoalShares(shares=masked, plan=plan, k=plan.k, n=len(frame),
                      options={"group": group, "parent": parent, "also": list(also), "id_column": id_column,
                               "min_group": plan.k})


def share_indicators(codes: pd.Series) -> pd.DataFrame:
    """One 0/1 column per goal type (``share_mastery``, …) for each coded statement: the shares of a
    unit are their means.

    Examples
    --------
    >>> import pandas as pd
    >>> share_indicators(pd.Series(["mastery", "unclear"])).to_dict("list")
    {'share_mastery': [1.0, 0.0], 'share_performance': [0.0, 0.0], 'share_outcome': [0.0, 0.0], 'share_unclear': [0.0, 1.0]}
    """
    return pd.DataFrame({f"share_{t}": (codes == t).astype(float) for t in GOAL_TYPES}, index=codes.index)


def protected_shares(frame: pd.DataFrame) -> list:
    """The share columns the suppression protects: a goal type nobody (or everybody) has is known for
    every unit from the organisation row itself ("none of the organisation's goals are unclear");
    protecting it is impossible and pointless."""
    org = frame[SHARE_COLUMNS].sum()
    return [v for v in SHARE_COLUMNS if 0 < org[v] < len(frame)]


def share_table(frame: pd.DataFrame, groupings: list, plan: SuppressionPlan) -> pd.DataFrame:
    """The shares of every unit, masked by ``plan``: the organisation first, then the units of each
    grouping in ``groupings`` (in that order, units sorted), each with its parent as the plan has it.

    ``frame`` has one row per person: the unit labels of every grouping and the
    :func:`share_indicators` (or a person's mean of them). :func:`goal_shares` and the staff
    report's goal section (:func:`analysis.teams.build_staff_report` with ``goal_text=``) both show
    this table; a unit's n counts its people.
    """
    rows = [{"level": ORGANISATION, "unit": ORGANISATION, "parent": None, "n": float(len(frame)),
             **frame[SHARE_COLUMNS].mean().to_dict()}]
    for g in groupings:
        pm = dict(zip(plan.cells.loc[plan.cells["level"] == g, "unit"], plan.cells.loc[plan.cells["level"] == g, "parent"]))
        for unit, grp in frame.groupby(g, sort=True):
            rows.append({"level": g, "unit": unit, "parent": pm.get(unit), "n": float(len(grp)),
                         **grp[SHARE_COLUMNS].mean().to_dict()})
    table = pd.DataFrame(rows, columns=["level", "unit", "parent", "n"] + SHARE_COLUMNS)
    masked = plan.mask(table)
    masked.loc[masked["level"] == ORGANISATION, "suppressed"] = False
    return masked.reset_index(drop=True)


def coded_goal_types(data: pd.DataFrame, text: str, coder="default") -> tuple[pd.Series, str]:
    """The goal type of each row's statement in column ``text`` (index of ``data``), and who coded it:
    ``"rules"`` (:func:`code_goals`), ``"default"`` (the shipped trained coder) or ``"file"`` (a
    :class:`GoalCoder` or coder file). A trained coder's ``not_a_goal`` and a blank answer are both
    ``unclear`` (the shares' fourth column).

    Examples
    --------
    >>> import pandas as pd
    >>> coded, by = coded_goal_types(pd.DataFrame({"goal": ["Learn SQL by doing one exercise every day", ""]}),
    ...                              "goal", "rules")
    >>> coded.tolist(), by
    (['mastery', 'unclear'], 'rules')
    """
    if isinstance(coder, str) and coder == "rules":
        return code_goals(data, text=text).table()["goal_type"], "rules"
    from .model import get_goal_coder

    if text not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=text,
                        item="the goal statement column",
                        hint="Name the column that holds the goal statements." + near_columns(text, data))
    model = get_goal_coder(coder)
    # the coder's not_a_goal and a blank answer share the fourth column
    coded = pd.Series(model.predict(data[text].tolist()), index=data.index).replace({"not_a_goal": "unclear"})
    return coded, "default" if isinstance(coder, str) and coder == "default" else "file"
