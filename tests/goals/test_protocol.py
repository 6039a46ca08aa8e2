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


def test_apa_texts_and_formatted_tables():
    from analysis.goals import agreement_between

    codes = pd.DataFrame({"coder_1": list("aabbbcccca"), "coder_2": list("aabbcccccb")})
    a = agreement_between(codes).apa()
    # kappa = (.80 - .35) / (1 - .35) = .6923, p_e = (3·2 + 3·3 + 4·5) / 10² from the margins; alpha as krippendorff
    assert str(a) == ("coder_1 vs coder_2: 80% agreement, Cohen's κ = .69, 95% CI [.32, 1.00], z = 3.12, p = .002; "
                      "Krippendorff's α = .71; n = 10.")
    assert a.estimate == "κ = .69"
    assert a.table.to_dict("records") == [{"comparison": "coder_1 vs coder_2", "n": "10", "agreement": "80%",
                                           "kappa": ".69", "ci": "[.32, 1.00]", "alpha": ".71"}]
    df = pd.DataFrame({"team": list("aaaaaabbbbbbc"), "goal_type": ["mastery"] * 4 + ["outcome"] * 5 + ["performance"] * 4})
    g = goal_shares(df, "team", min_group=5).apa()
    assert str(g) == ("Of 13 people's goals, 31% were coded mastery, 31% performance, 38% outcome and 0% unclear "
                      "(first-pass rule coding). 2 of 3 units are suppressed (minimum 5 people).")
    assert g.table["share_outcome"].tolist() == ["38%", "", "50%", ""]   # 5/13; b: 3/6; a and c suppressed
    c = code_goals(pd.DataFrame({"goal": ["Close 20 sales a month", "n/a"]}), text="goal").apa()
    assert str(c).startswith("Of 2 goal statements, the first-pass rules (lexicon 'en', version 2) coded 0 mastery (0%), "
                             "1 performance (50%), 0 outcome (0%), 1 unclear (50%).")
    assert c.table.to_dict("list") == {"goal_type": ["mastery", "performance", "outcome", "unclear"],
                                       "n": ["0", "1", "0", "1"], "share": ["0%", "50%", "0%", "50%"]}
