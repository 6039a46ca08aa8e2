"""Readers keep every value as the file writes it; malformed rows and cells get one clear sentence.

Fixtures: tests/fixtures/io/values/ (made by tests/fixtures/make_input_cases.py).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, read_responses
from analysis.errors import shown, where
from analysis.io.readers import QUALTRICS_NOT_RESPONDENTS, is_plain_number, qualtrics_response_type
from conftest import FIXTURES

VALUES = FIXTURES / "io" / "values"
TOKENS = ["NA", "N/A", "NaN", "nan", "None", "NULL", "#N/A"]


def _csv(tmp_path, text, name="x.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --- text tokens and numbers -------------------------------------------------------------------
@pytest.mark.parametrize("token", TOKENS)
def test_na_tokens_stay_text_as_written(tmp_path, token):
    df = read_responses(_csv(tmp_path, f"id,country,q1\n{token},{token},{token}\nP2,DE,3\n"))
    assert df["id"].tolist() == [token, "P2"]
    assert df["country"].tolist() == [token, "DE"]
    assert df["q1"].tolist() == [token, "3"]            # item preparation decides, not the reader


def test_only_an_empty_cell_is_missing(tmp_path):
    df = read_responses(_csv(tmp_path, "a,b\n1,\n2, \n"))
    assert df["a"].tolist() == [1, 2]
    assert np.isnan(df.loc[0, "b"]) and df.loc[1, "b"] == " "


@pytest.mark.parametrize("text,plain", [
    ("0", True), ("7", True), ("-3", True), ("0.5", True), ("-0.25", True), ("10.50", True),
    ("007", False), ("0001", False), ("-07", False), ("3E4", False), ("1e3", False), ("+1", False),
    (" 2", False), ("2 ", False), ("1,000", False), ("1_0", False), (".5", False), ("5.", False),
    ("nan", False), ("inf", False), ("123456789012345", True), ("1234567890123456", False),
    ("12345678.1234567", True), ("12345678.12345678", True), ("12345678.123456789", False), ("", False),
])
def test_plain_number_rule(text, plain):
    assert is_plain_number(text) is plain


def test_columns_become_numbers_only_when_every_value_is_plain(tmp_path):
    df = read_responses(_csv(tmp_path, "a,b,c,d,e,f\n1,1.5,007,1,3E4,12345678901234567890\n2,2,7,+1,2,2\n"))
    assert df["a"].dtype == np.int64 and df["a"].tolist() == [1, 2]
    assert df["b"].dtype == np.float64 and df["b"].tolist() == [1.5, 2.0]
    assert df["c"].tolist() == ["007", "7"]              # one leading zero keeps the whole column text
    assert df["d"].tolist() == ["1", "+1"]
    assert df["e"].tolist() == ["3E4", "2"]
    assert df["f"].tolist() == ["12345678901234567890", "2"]   # never rounded to a float


def test_id_and_text_columns_are_always_text(tmp_path):
    p = _csv(tmp_path, "id,code,q1\n1,10,3\n2,20,4\n")
    df = read_responses(p, id_column="id", text_columns=["code"])
    assert df["id"].tolist() == ["1", "2"] and df["code"].tolist() == ["10", "20"]
    assert df["q1"].tolist() == [3, 4]
    x = read_responses(FIXTURES / "io" / "phq.xlsx", sheet="responses", text_columns=["PHQ9_1"])
    assert x["PHQ9_1"].tolist() == ["0", "3", "1", "2", "0", "2"]
    s = read_responses(FIXTURES / "io" / "phq_labelled.sav", text_columns=["PHQ9_1"])
    assert s["PHQ9_1"].tolist() == ["0", "3", "1", "2", "0", "2"]


def test_text_column_not_in_the_file(tmp_path):
    p = _csv(tmp_path, "id,q1\n1,3\n")
    with pytest.raises(DataError, match=r"x.csv', column 'pid' \(the id column\) is not in the file \(columns: id, q1\)\. Check the id column's name against the header\. Did you mean 'id'\?"):
        read_responses(p, id_column="pid")
    with pytest.raises(DataError, match=r"column 'zip' \(the text column\) is not in the file"):
        read_responses(p, text_columns=["zip"])


def test_long_free_text_is_one_field(tmp_path):
    long = "x" * 300_000                                  # above the csv module's default field limit
    df = read_responses(_csv(tmp_path, f"id,note\nP1,{long}\n"))
    assert df.loc[0, "note"] == long


# --- field counts --------------------------------------------------------------------------------
def test_short_row_names_row_and_counts(tmp_path):
    p = _csv(tmp_path, "a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(DataError) as err:
        read_responses(p)
    assert str(err.value) == (
        f"file '{p}', row 3, column 'c', value '4,5': 2 fields where the header has 3 (comma-separated). Check for a missing comma "
        f"or a line break inside an answer. Fix the file, or pass the right delimiter=.")


def test_long_row_quotes_the_extra_value(tmp_path):
    p = _csv(tmp_path, "a,b,c\n1,2,3\n4,5,6,fine, thanks\n7,8\n")
    with pytest.raises(DataError) as err:
        read_responses(p)
    assert str(err.value) == (
        f"file '{p}', row 3, value '4,5,6,fine, thanks': 5 fields where the header has 3 (comma-separated). The value(s) after the last "
        f"column start with 'fine': check for an unquoted comma inside an answer. Other rows with the wrong "
        f"number of fields: row 4. Fix the file, or pass the right delimiter=.")


def test_row_with_another_delimiter(tmp_path):
    p = _csv(tmp_path, "a,b,c\n1,2,3\n4;5;6\n")
    with pytest.raises(DataError, match=r"row 3, column 'b', value '4;5;6': 1 field where the header has 3 \(comma-separated\)\. The row "
                                        r"looks semicolon-separated \(3 fields when split on semicolons\)"):
        read_responses(p)


def test_row_number_and_file_line_differ_after_a_multiline_answer(tmp_path):
    p = _csv(tmp_path, 'a,note,c\n1,"two\nlines",3\n4,5\n')
    with pytest.raises(DataError, match=r"row 3 \(line 4 of the file\), column 'c', value '4,5': 2 fields where the header has 3"):
        read_responses(p)


def test_trailing_delimiters_never_shift_columns(tmp_path):
    # pandas.read_csv takes the first column as the index here and moves the e-mail into 'id'
    p = _csv(tmp_path, "id,email,q1\nP1,p1@x.org,3,\nP2,p2@x.org,4,\n")
    df = read_responses(p)
    assert list(df.columns) == ["id", "email", "q1"]
    assert df["id"].tolist() == ["P1", "P2"] and df["email"].tolist() == ["p1@x.org", "p2@x.org"]
    assert df["q1"].tolist() == [3, 4] and df.attrs["trailing_delimiters"] == 2
    h = read_responses(_csv(tmp_path, "id,q1,\nP1,3\nP2,4\n", "h.csv"))
    assert list(h.columns) == ["id", "q1"] and h["q1"].tolist() == [3, 4]


def test_value_after_the_last_named_column(tmp_path):
    with pytest.raises(DataError, match=r"row 2, value 'P1,3,oops': 3 fields where the header has 2 .* start with 'oops'"):
        read_responses(_csv(tmp_path, "id,q1,\nP1,3,oops\n"))


def test_blank_line_between_rows_is_an_empty_row_and_keeps_row_numbers(tmp_path):
    df = read_responses(_csv(tmp_path, "id,q1\nP1,3\n\nP3,4\n\n\n"))
    assert len(df) == 3 and df["id"].tolist()[::2] == ["P1", "P3"] and df.iloc[1].isna().all()
    assert df.attrs["first_row"] == 2                    # P3 is row 4, as a spreadsheet shows it


def test_blank_lines_before_the_header(tmp_path):
    df = read_responses(_csv(tmp_path, "\n\nid,q1\nP1,3\n"))
    assert df["id"].tolist() == ["P1"] and df.attrs["first_row"] == 4


def test_one_character_delimiter(tmp_path):
    with pytest.raises(DataError, match="delimiter=',,' is not one character; give one character, or tab, comma, semicolon or pipe"):
        read_responses(_csv(tmp_path, "a,b\n1,2\n"), delimiter=",,")


# --- Excel ---------------------------------------------------------------------------------------
def test_formula_cells_without_a_value_are_named():
    p = VALUES / "formula_no_cache.xlsx"
    with pytest.raises(DataError) as err:
        read_responses(p)
    assert str(err.value) == (
        f"file '{p} [responses]', row 3, column 'q2', value '=B2+1': 2 formula cell(s) have no computed value (C3, J4); they would be read as "
        f"empty. Open the workbook in Excel or LibreOffice and save it (that stores the values), or export "
        f"it as CSV.")


def test_excel_cells_keep_their_type():
    df = read_responses(VALUES / "text_cells.xlsx")
    assert df["id"].tolist() == ["007", "7", "0001"]              # text cells, never 7
    assert df["country"].tolist() == ["NA", "DE", "None"]
    assert df["q2"].tolist() == [1, "N/A", 1] and df["q9"].tolist() == ["NA", 1, 1]
    assert df["q7"].tolist() == [0, 2, "#N/A"]                    # an error cell keeps its text
    assert df["q1"].dtype == np.int64
    b = read_responses(VALUES / "booleans.xlsx")
    assert b["q1"].tolist() == [0, True] and b["q1"].to_numpy()[1] is True   # not 1


# --- SPSS ----------------------------------------------------------------------------------------
def test_spss_user_missing_cells_are_recorded():
    df = read_responses(VALUES / "user_missing.sav")
    assert df.attrs["declared_missing"] == {"q2": [-99.0], "q8": [-98.0]}
    assert df.attrs["user_missing_cells"] == {"q2": [[1, -99.0]], "q8": [[2, -98.0]]}
    assert np.isnan(df.loc[1, "q2"]) and np.isnan(df.loc[2, "q8"])


# --- Qualtrics -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["qualtrics_status.csv", "qualtrics_status_numeric.csv"])
def test_qualtrics_response_types_are_named(name):
    with pytest.warns(UserWarning) as caught:
        df = read_responses(VALUES / name)
    msg = str(caught[0].message)
    assert msg == (
        f"file '{VALUES / name}': 3 row(s) are not answers of real respondents by Qualtrics' Status column "
        f"(Spam: row 7; Survey Preview: row 5; Survey Test: row 8). They are read like every other row; "
        f"remove them from the export, or let the study's screening exclude them.")
    types = qualtrics_response_type(df)
    assert types.tolist() == ["IP Address", "Survey Preview", "IP Address", "Spam", "Survey Test"]
    assert types.isin(QUALTRICS_NOT_RESPONDENTS).tolist() == [False, True, False, True, True]
    assert df.attrs["qualtrics_status"] == {"IP Address": 2, "Survey Preview": 1, "Spam": 1, "Survey Test": 1}
    assert len(df) == 5                                   # rows in = rows out: flagged, not dropped
    assert df["Q1_9"].tolist()[2] == "NA"


def test_qualtrics_response_type_without_status_and_unknown_codes():
    assert qualtrics_response_type(pd.DataFrame({"Q1": [1]})) is None
    odd = qualtrics_response_type(pd.DataFrame({"Status": [0, 33, "7", None, "Survey Preview"]}))
    assert odd.tolist() == ["IP Address", "33", "7", None, "Survey Preview"]


def test_plain_qualtrics_export_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = read_responses(FIXTURES / "io" / "phq_qualtrics.csv")
    assert "qualtrics_status" not in df.attrs


def test_qualtrics_columns_follow_the_plain_number_rule(tmp_path):
    text = ("ResponseId,zip,Q1\nResponse ID,ZIP,Q\n"
            '"{""ImportId"":""_recordId""}","{""ImportId"":""QID9""}","{""ImportId"":""QID1""}"\n'
            "R_1,01234,3\nR_2,99999,4\n")
    df = read_responses(_csv(tmp_path, text))
    assert df["zip"].tolist() == ["01234", "99999"] and df["Q1"].tolist() == [3, 4]


# --- the message helpers -------------------------------------------------------------------------
def test_long_values_are_cut_in_messages():
    assert shown("3.5") == "'3.5'" and shown(3.5) == "3.5"
    cut = shown("x" * 1_000_000)
    assert cut == "'" + "x" * 76 + "…' (1000000 characters)"
    assert where("a.csv", 3, "q1", "y" * 500) == "file 'a.csv', row 3, column 'q1', value '" + "y" * 76 + \
        "…' (500 characters)"


def test_qualtrics_excel_export_follows_the_same_rules():
    with pytest.warns(UserWarning, match=r"3 row\(s\) are not answers .* Survey Preview: row 5"):
        df = read_responses(VALUES / "qualtrics_status.xlsx")
    assert df.attrs["qualtrics"] is True and df.attrs["first_row"] == 4
    assert df.attrs["column_labels"]["zip"] == "ZIP code"
    assert df["zip"].tolist() == ["00123", "01123", "02123", "03123", "04123"]   # text, leading zeros kept
    assert df["Q1_1"].dtype == np.int64 and df["Q1_1"].tolist() == [0, 3, 1, 2, 0]
    assert df["Q1_9"].tolist() == [0, 3, "NA", 2, 0]
    assert qualtrics_response_type(df).tolist()[1] == "Survey Preview"


# --- the quick path for clean files gives exactly what the careful path gives --------------------
CLEAN = [
    "id,q1,q2,note\nS1,1,2.5,fine\nS2,,3,\nS3,0,-0.5,x y\n",
    "a;b\n1;2\n3;4\r\n",
    "id\tq\nA\t1\nB\t2\n",
    "id,q1,q2,q3\nS1,NA,N/A,#N/A\nS2,3,NULL,None\nNA,1,2,3\n",
    "id,a,,b\nx,1,2,3\n",
    "id,big\nS1,123456789012345\nS2,-5\n",
]


def test_negative_zero_stays_text_as_written(tmp_path):
    df = read_responses(_csv(tmp_path, "id,q1,q2\nS1,1,2\nS2,-0,-0.0\n"), id_column="id")
    assert df["q1"].tolist() == ["1", "-0"] and df["q2"].tolist() == ["2", "-0.0"]


@pytest.mark.parametrize("text", CLEAN)
def test_quick_path_equals_careful_path(tmp_path, monkeypatch, text):
    from analysis.io import readers

    p = _csv(tmp_path, text)
    head = readers._first_records(text, readers._sniff(text, p), 30)
    assert readers.read_clean(text.encode(), text, "utf-8", readers._sniff(text, p), head, set()) is not None
    quick = read_responses(p, id_column="id" if text.startswith("id") else None)
    monkeypatch.setattr(readers, "read_clean", lambda *a: None)
    careful = read_responses(p, id_column="id" if text.startswith("id") else None)
    pd.testing.assert_frame_equal(quick, careful)
    assert quick.attrs == careful.attrs


def test_quick_path_equals_careful_path_on_the_demo(monkeypatch):
    from analysis.io import readers
    from conftest import DEMO

    quick = read_responses(DEMO / "responses.csv", id_column="respondent_id")
    monkeypatch.setattr(readers, "read_clean", lambda *a: None)
    careful = read_responses(DEMO / "responses.csv", id_column="respondent_id")
    pd.testing.assert_frame_equal(quick, careful)


@pytest.mark.parametrize("text", ["a,b\n1,2,\n", "a,b\n1\n", "a,a\n1,2\n", "a,b,\n1,2\n", "a\n1\n"])
def test_files_the_quick_path_leaves_to_the_careful_one(text):
    from analysis.io import readers

    assert readers.read_clean(text.encode(), text, "utf-8", ",", readers._first_records(text, ",", 30), set()) is None


def test_a_ragged_row_is_refused_with_the_parts_of_its_place(tmp_path):
    """The row as the file counts it, the first column it leaves without a field, the row as written (issue 21)."""
    p = _csv(tmp_path, 'a,note,c\n1,"two\nlines",3\n4,5\n')
    with pytest.raises(DataError) as err:
        read_responses(p)
    assert err.value.parts() == {"file": str(p), "row": "row 3 (line 4 of the file)", "column": "c", "value": "4,5",
                                 "hint": "Check for a missing comma or a line break inside an answer. Fix the file, "
                                         "or pass the right delimiter=."}
    with pytest.raises(DataError) as err:
        read_responses(_csv(tmp_path, "a,b\n1,2,x\n", "long.csv"))
    assert err.value.parts()["row"] == "row 2" and err.value.parts()["value"] == "1,2,x"
    assert "column" not in err.value.parts()           # a row too long leaves no column without a field
