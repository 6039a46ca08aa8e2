"""Per-unit shares of goal types for team reports: exact shares, the staff report's suppression, no text."""

import numpy as np
import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.goals import code_goals, goal_shares
from analysis.goals.shares import SHARE_COLUMNS
from analysis.anonymity.privacy import plan_suppression

TYPES = ["mastery", "performance", "outcome", "unclear"]
SIZES = {"A1": 6, "A2": 7, "A3": 2, "B1": 8, "B2": 5, "B3": 9, "C1": 6}
DEPT = {"A1": "A", "A2": "A", "A3": "A", "B1": "B", "B2": "B", "B3": "B", "C1": "C"}


@pytest.fixture(scope="module")
def staff():
    rows = []
    i = 0
    for team, size in SIZES.items():
        for _ in range(size):
            rows.append({"person": f"p{i:02d}", "team": team, "department": DEPT[team], "goal_type": TYPES[(i * 7) % 4]})
            i += 1
    return pd.DataFrame(rows)


def test_shares_equal_a_direct_count_and_hidden_units_are_blank(staff):
    res = goal_shares(staff, "team", parent="department", min_group=5)
    t = res.table()
    plan = plan_suppression(staff, ["team", "department"], parents={"team": "department"},
                            values=[], k=5)
    assert set(plan.cells.loc[plan.cells["status"] == "primary", "unit"]) == {"A3"}
    hidden = set(t.loc[t["suppressed"], "unit"])
    assert "A3" in hidden and len(hidden & {"A1", "A2"}) >= 1  # A minus its other teams must not give A3
    for (lv, unit), grp in [(("organisation", "organisation"), staff)] + \
            [((lv, u), g) for lv in ("team", "department") for u, g in staff.groupby(lv)]:
        row = t[(t["level"] == lv) & (t["unit"] == unit)].iloc[0]
        if row["suppressed"]:
            assert np.isnan(row["n"]) and row[SHARE_COLUMNS].isna().all()
            continue
        assert row["n"] == len(grp)
        for typ in TYPES:
            assert row[f"share_{typ}"] == pytest.approx((grp["goal_type"] == typ).mean(), abs=1e-15)
    assert res.plan.audit["protected"].all()
    assert res.n == len(staff)
    assert list(t.columns) == ["level", "unit", "parent", "n"] + SHARE_COLUMNS + ["suppressed"]


def test_statement_text_never_reaches_the_shares():
    text = ["Close 20 sales a month", "Read one book every month", "be a better leader", "n/a", "Get promoted"] * 3
    df = pd.DataFrame({"team": ["t1"] * 5 + ["t2"] * 5 + ["t3"] * 5, "goal": text})
    t = goal_shares(code_goals(df, text="goal"), "team").table()
    cells = {str(v) for v in t.to_numpy().ravel()}
    assert not any(s.lower() in c.lower() for s in set(text) for c in cells)
    assert t.loc[t["unit"] == "t1", "share_performance"].iloc[0] == pytest.approx(0.4, abs=1e-15)


def test_each_person_weighs_one_with_id_column():
    df = pd.DataFrame({"person": ["a", "a", "b", "c", "d", "e", "f"], "team": ["t"] * 7,
                       "goal_type": ["mastery", "outcome", "mastery", "mastery", "performance", "outcome", "unclear"]})
    t = goal_shares(df, "team", id_column="person", min_group=5).table()
    row = t[t["unit"] == "t"].iloc[0]
    assert row["n"] == 6
    assert row["share_mastery"] == pytest.approx((0.5 + 1 + 1) / 6, abs=1e-15)
    assert row["share_outcome"] == pytest.approx((0.5 + 1) / 6, abs=1e-15)
    with pytest.raises(DataError, match="column 'person', value 'a' has statements in more than one team"):
        goal_shares(df.assign(team=["t", "u", "t", "t", "t", "t", "t"]), "team", id_column="person")


def test_a_type_nobody_has_is_shown_as_zero_everywhere(staff):
    df = staff.assign(goal_type=staff["goal_type"].replace("unclear", "outcome"))
    t = goal_shares(df, "team", min_group=5).table()
    shown = t[~t["suppressed"]]
    assert (shown["share_unclear"] == 0).all()


def test_bad_codes_and_columns(staff):
    with pytest.raises(DataError, match="value 'avoid': not a goal type"):
        goal_shares(staff.assign(goal_type="avoid"), "team")
    with pytest.raises(DataError, match="column 'site' is not in the coded data"):
        goal_shares(staff, "team", also=["site"])
    with pytest.raises(DataError, match="min_group=2 is too small: a minimum group size can be no lower than 3"):
        goal_shares(staff, "team", min_group=2)
