"""The coding sheet for two coders: read back in openpyxl, filled in, compared."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.errors import DataError
from analysis.goals import (agreement_between, code_goals, goal_agreement, plan_coding_sheet, read_coding_sheet,
                            write_coding_sheet)
from analysis.goals.sheet import DEFINITIONS
from tests.conftest import ROOT

STATEMENTS = pd.read_csv(ROOT / "tests" / "goals" / "statements" / "labelled.csv", keep_default_na=False,
                         na_values=[""])
KEPT = STATEMENTS[STATEMENTS["statement"].notna()].reset_index(drop=True)  # id 84 is blank: left out


@pytest.fixture
def sheet(tmp_path):
    return write_coding_sheet(STATEMENTS, "statement", tmp_path / "coding.xlsx", id_column="id", coder=None)


def test_sheet_layout_validation_and_definitions(sheet):
    wb = load_workbook(sheet)
    assert wb.sheetnames == ["Coding", "Definitions", "Read me", "Left out"]
    ws = wb["Coding"]
    assert [c.value for c in ws[1]] == ["statement_id", "statement", "coder_1", "coder_2"]
    assert ws.max_row == len(STATEMENTS)  # the blank statement (id 84) is left out
    assert ws["A2"].value == 1 and ws["B2"].value == "Close 20 sales a month"
    assert ws["A85"].value == 85
    assert [[c.value for c in r] for r in wb["Left out"].iter_rows()] == [["statement_id", "statement", "reason"],
                                                                        [84, None, "blank"]]
    assert all(ws.cell(row=r, column=c).value is None for r in range(2, ws.max_row + 1) for c in (3, 4))
    assert ws.freeze_panes == "C2"
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == '"mastery,performance,outcome,unclear"'
    assert str(dv.sqref) == f"C2:C{ws.max_row} D2:D{ws.max_row}"
    assert dv.showErrorMessage
    de = wb["Definitions"]
    assert [de.cell(row=i + 2, column=1).value for i in range(4)] == [d[0] for d in DEFINITIONS]
    assert "depends on others" in de["B3"].value
    # the rules' codes are not in the sheet: coders code blind
    texts = {str(c.value) for row in wb["Coding"].iter_rows() for c in row if c.value is not None}
    assert "rules (first pass, for human review)" not in texts


def test_sheet_bytes_are_deterministic(tmp_path):
    a = write_coding_sheet(STATEMENTS, "statement", tmp_path / "a.xlsx").read_bytes()
    b = write_coding_sheet(STATEMENTS, "statement", tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_default_ids_are_file_rows(tmp_path):
    df = pd.DataFrame({"goal": ["x", "y"]})
    df.attrs["first_row"] = 2
    out = read_coding_sheet(write_coding_sheet(df, "goal", tmp_path / "s.xlsx", coder=None))
    assert list(out["statement_id"]) == [2, 3]


def _fill(path, coder_1, coder_2):
    wb = load_workbook(path)
    ws = wb["Coding"]
    for i, (a, b) in enumerate(zip(coder_1, coder_2), start=2):
        ws.cell(row=i, column=3, value=a)
        ws.cell(row=i, column=4, value=b)
    wb.save(path)


def test_goal_agreement_on_a_filled_sheet(sheet):
    c1 = list(KEPT["label"])
    c2 = list(KEPT["label"])
    c2[0:6] = ["outcome"] * 6          # coder 2 disagrees on ids 1, 4, 5, 6 (2 and 3 are outcome)
    c2[10] = None                      # and left one blank
    c1[20] = " Outcome "               # case and spaces do not matter
    _fill(sheet, c1, c2)
    res = goal_agreement(sheet)
    rules = code_goals(KEPT, text="statement").table()["goal_type"]
    codes = pd.DataFrame({"coder_1": KEPT["label"], "coder_2": c2, "rules": rules})
    expected = agreement_between(codes).table()
    pd.testing.assert_frame_equal(res.table(), expected)
    assert list(res.pairs["comparison"]) == ["coder_1 vs coder_2", "coder_1 vs rules", "coder_2 vs rules"]
    assert list(res.pairs["n"]) == [98, 99, 98]
    assert res.pairs.loc[0, "agreement"] == pytest.approx(100 * 94 / 98, abs=1e-12)
    assert res.excluded == {"coder_1 vs coder_2": 1, "coder_1 vs rules": 0, "coder_2 vs rules": 1}
    assert res.n_excluded == 1 and list(res.summary()["n_excluded"]) == [1, 0, 1]
    assert "statement" not in res.codes.columns  # the result holds codes, not the text
    assert res.confusion("coder_1", "coder_2").loc["performance", "outcome"] == 4


def test_bad_code_names_file_row_column_value(sheet):
    _fill(sheet, ["mastery", "avoid"], ["mastery", "outcome"])
    with pytest.raises(DataError) as err:
        goal_agreement(sheet)
    msg = str(err.value)
    assert f"file '{sheet} [Coding]', row 3, column 'coder_1', value 'avoid'" in msg
    assert "use one of mastery, performance, outcome, unclear" in msg


def test_empty_sheet_says_to_fill_it(sheet):
    with pytest.raises(DataError, match="no statement is coded by both coder_1 and coder_2; fill in"):
        goal_agreement(sheet)


def test_sheet_errors(tmp_path):
    with pytest.raises(DataError, match="use a .xlsx file name"):
        write_coding_sheet(STATEMENTS, "statement", tmp_path / "s.csv")
    with pytest.raises(DataError, match="nothing is written under data/raw"):
        write_coding_sheet(STATEMENTS, "statement", tmp_path / "data" / "raw" / "s.xlsx")
    with pytest.raises(DataError, match="row with index 1, column 'i', value 1: the id is missing or repeated"):
        write_coding_sheet(pd.DataFrame({"g": ["a", "b"], "i": [1, 1]}), "g", tmp_path / "s.xlsx", id_column="i")
    with pytest.raises(DataError, match="does not exist"):
        read_coding_sheet(tmp_path / "nope.xlsx")
    other = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(other, index=False)
    with pytest.raises(DataError, match="has no sheet named 'Coding'"):
        read_coding_sheet(other)


def test_a_statement_like_a_formula_stays_text(tmp_path):
    df = pd.DataFrame({"goal": ["=HYPERLINK(\"http://x\",\"click\")", "+1 sales"]})
    path = write_coding_sheet(df, "goal", tmp_path / "s.xlsx", coder=None)
    ws = load_workbook(path)["Coding"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=HYPERLINK(\"http://x\",\"click\")"
    assert read_coding_sheet(path)["statement"].tolist() == df["goal"].tolist()
    from analysis.goals.report import coded_workbook_bytes
    (tmp_path / "c.xlsx").write_bytes(coded_workbook_bytes(code_goals(df, text="goal")))
    assert load_workbook(tmp_path / "c.xlsx")["Coded"]["A2"].data_type == "s"


MIXED = pd.DataFrame({"goal": ["Be a better manager", "", "Too many meetings", "Close 20 sales a month", None,
                               "Be a better manager", "   ", "Read one article on negotiation each week",
                               "I work on the payments team", "Get promoted"]})


def test_plan_leaves_out_blanks_and_non_goals_and_puts_the_least_certain_first():
    """Decision rows: blank → left out 'blank'; coded not_a_goal → left out 'not_a_goal'; the rest kept,
    lowest top-class probability first, equal probabilities (ids 1 and 6, the same text) in file order."""
    plan = plan_coding_sheet(MIXED, "goal")
    assert plan.kept["statement_id"].tolist() == [4, 10, 8, 1, 6]
    assert plan.kept["p_top"].is_monotonic_increasing
    assert plan.left_out.to_dict("list") == {
        "statement_id": [2, 3, 5, 7, 9], "statement": ["", "Too many meetings", None, "   ", "I work on the payments team"],
        "reason": ["blank", "not_a_goal", "blank", "blank", "not_a_goal"]}
    assert plan.note() == ("5 of 10 statements to code; left out 3 blank and 2 that the shipped coder coded "
                           "not_a_goal (listed on the sheet 'Left out')")


def test_plan_without_a_coder_keeps_the_file_order_and_leaves_out_blanks_only():
    plan = plan_coding_sheet(MIXED, "goal", coder=None)
    assert plan.kept["statement_id"].tolist() == [1, 3, 4, 6, 8, 9, 10]
    assert plan.left_out["reason"].tolist() == ["blank"] * 3
    assert plan.note() == ("7 of 10 statements to code; left out 3 blank (listed on the sheet 'Left out'); no coder "
                           "was used, so no non-goal was left out")


def test_read_me_and_left_out_sheets_say_what_was_left_out(tmp_path):
    wb = load_workbook(write_coding_sheet(MIXED, "goal", tmp_path / "s.xlsx"))
    assert [r[0].value for r in wb["Coding"].iter_rows(min_row=2)] == [4, 10, 8, 1, 6]
    readme = [" ".join(str(r[0].value).split()) for r in wb["Read me"].iter_rows()]
    assert readme == [
        "What this workbook holds",
        "5 of 10 statements to code; left out 3 blank and 2 that the shipped coder coded not_a_goal (listed on "
        "the sheet 'Left out').",
        "Blank: 3 answers were empty; there is nothing to code.",
        "not_a_goal: 2 answers were coded not_a_goal by the shipped coder (a complaint, a wish about others, a "
        "fact, a question or a filler). Code one of them by hand on the 'Coding' sheet if you think it is a goal.",
        "Order: the statements the coder was least sure of come first (lowest probability of its most likely "
        "class), so that your time goes where the coder needs human judgement most; equal probabilities keep "
        "the order of the data file. The coder's codes are not shown."]
    left = [[c.value for c in r] for r in wb["Left out"].iter_rows(min_row=2)]
    assert left == [[2, None, "blank"], [3, "Too many meetings", "not_a_goal"], [5, None, "blank"],
                    [7, "   ", "blank"], [9, "I work on the payments team", "not_a_goal"]]
    texts = {str(c.value) for row in wb["Coding"].iter_rows() for c in row if c.value is not None}
    assert not texts & {"mastery", "performance", "outcome", "not_a_goal"}  # the coder's codes are not shown


def test_agreement_with_the_trained_coder(sheet):
    from analysis.goals import cohen_kappa, default_goal_coder, krippendorff_alpha

    c1 = list(KEPT["label"])
    c2 = ["outcome" if i % 9 == 0 else lab for i, lab in enumerate(c1)]
    _fill(sheet, c1, c2)
    res = goal_agreement(sheet, rules=False, coder="default")
    assert list(res.pairs["comparison"]) == ["coder_1 vs coder_2", "coder_1 vs trained_coder",
                                             "coder_2 vs trained_coder"]
    trained = ["unclear" if c == "not_a_goal" else c for c in default_goal_coder().predict(KEPT["statement"].tolist())]
    for row, human in zip(res.pairs.iloc[1:].itertuples(), (c1, c2)):
        k = cohen_kappa(human, trained)
        assert (row.n, row.agreement, row.kappa, row.se) == (k["n"], k["agreement"], k["kappa"], k["se"])
        assert row.alpha == krippendorff_alpha(human, trained)
    assert res.pairs.loc[1, "agreement"] == pytest.approx(100 * 90 / 99, abs=1e-12)  # as measured
