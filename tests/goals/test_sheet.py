"""The coding sheet for two coders: read back in openpyxl, filled in, compared."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.errors import DataError
from analysis.goals import agreement_between, code_goals, goal_agreement, read_coding_sheet, write_coding_sheet
from analysis.goals.sheet import DEFINITIONS
from tests.conftest import ROOT

STATEMENTS = pd.read_csv(ROOT / "tests" / "goals" / "statements" / "labelled.csv", keep_default_na=False,
                         na_values=[""])


@pytest.fixture
def sheet(tmp_path):
    return write_coding_sheet(STATEMENTS, "statement", tmp_path / "coding.xlsx", id_column="id")


def test_sheet_layout_validation_and_definitions(sheet):
    wb = load_workbook(sheet)
    assert wb.sheetnames == ["Coding", "Definitions"]
    ws = wb["Coding"]
    assert [c.value for c in ws[1]] == ["statement_id", "statement", "coder_1", "coder_2"]
    assert ws.max_row == len(STATEMENTS) + 1
    assert ws["A2"].value == 1 and ws["B2"].value == "Close 20 sales a month"
    assert ws["B85"].value is None  # the empty statement (id 84) stays a row
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
    out = read_coding_sheet(write_coding_sheet(df, "goal", tmp_path / "s.xlsx"))
    assert list(out["statement_id"]) == [2, 3]


def _fill(path, coder_1, coder_2):
    wb = load_workbook(path)
    ws = wb["Coding"]
    for i, (a, b) in enumerate(zip(coder_1, coder_2), start=2):
        ws.cell(row=i, column=3, value=a)
        ws.cell(row=i, column=4, value=b)
    wb.save(path)


def test_goal_agreement_on_a_filled_sheet(sheet):
    c1 = list(STATEMENTS["label"])
    c2 = list(STATEMENTS["label"])
    c2[0:6] = ["outcome"] * 6          # coder 2 disagrees on ids 1, 4, 5, 6 (2 and 3 are outcome)
    c2[10] = None                      # and left one blank
    c1[20] = " Outcome "               # case and spaces do not matter
    _fill(sheet, c1, c2)
    res = goal_agreement(sheet)
    rules = code_goals(STATEMENTS, text="statement").table()["goal_type"]
    codes = pd.DataFrame({"coder_1": STATEMENTS["label"], "coder_2": c2, "rules": rules})
    expected = agreement_between(codes).table()
    pd.testing.assert_frame_equal(res.table(), expected)
    assert list(res.pairs["comparison"]) == ["coder_1 vs coder_2", "coder_1 vs rules", "coder_2 vs rules"]
    assert list(res.pairs["n"]) == [99, 100, 99]
    assert res.pairs.loc[0, "agreement"] == pytest.approx(100 * 95 / 99, abs=1e-12)
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
    path = write_coding_sheet(df, "goal", tmp_path / "s.xlsx")
    ws = load_workbook(path)["Coding"]
    assert ws["B2"].data_type == "s" and ws["B2"].value == "=HYPERLINK(\"http://x\",\"click\")"
    assert read_coding_sheet(path)["statement"].tolist() == df["goal"].tolist()
    from analysis.goals.report import coded_workbook_bytes
    (tmp_path / "c.xlsx").write_bytes(coded_workbook_bytes(code_goals(df, text="goal")))
    assert load_workbook(tmp_path / "c.xlsx")["Coded"]["A2"].data_type == "s"
