"""Every goals result keeps the result protocol (tests/protocol.py), built on the shipped staff survey."""

import pandas as pd
import pytest

from analysis.datasets import read_dataset
from analysis.goals import code_goals, goal_agreement, goal_shares

from protocol import assert_protocol

#: goal statements written inline for this test (no real person), dealt out to the staff survey's rows
STATEMENTS = ["Close 20 sales a month", "be better at influencing senior people",
              "Read one book on negotiation every month and try one idea from it each week",
              "Get promoted to team leader by next spring", "n/a",
              "Ask my mentor for feedback on one presentation every week"]


@pytest.fixture(scope="module")
def staff():
    df = read_dataset("staff_demo")
    df["goal"] = [STATEMENTS[i % len(STATEMENTS)] for i in range(len(df))]
    return df


def _coding(staff):
    return code_goals(staff, text="goal", id_column="employee_id")


def _agreement(staff):
    coded = _coding(staff).table()["goal_type"]
    sheet = pd.DataFrame({"statement_id": range(1, 61), "statement": staff["goal"][:60].tolist(),
                          "coder_1": coded[:60].tolist(),
                          "coder_2": ["mastery" if i % 7 == 0 else g for i, g in enumerate(coded[:60])]})
    return goal_agreement(sheet)


def _shares(staff):
    return goal_shares(_coding(staff), "team", parent="department", id_column="employee_id")


@pytest.mark.parametrize("build", [_coding, _agreement, _shares], ids=["GoalCoding", "AgreementResult", "GoalShares"])
def test_protocol(build, staff):
    assert_protocol(build(staff))
