"""Readers: every format gives the same answers; bad files get one clear sentence."""

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, read_responses, score
from conftest import FIXTURES

IO = FIXTURES / "io"
EXPECTED = [5.0, 20.0, 9.0, 12.0, 0.0, 20.0]   # PHQ-9 sums (P4: -99 on item 2, 8 answers; P5: item 9 blank)


@pytest.mark.parametrize("name,kw,encoding,delimiter,first_row", [
    ("phq_comma_utf8.csv", {}, "utf-8", ",", 2),
    ("phq_bom.csv", {}, "utf-8-sig", ",", 2),
    ("phq_semicolon_cp1252.csv", {}, "cp1252", ";", 2),
    ("phq.tsv", {}, "utf-8", "\t", 2),
    ("phq_utf16.csv", {}, "utf-16", ",", 2),
    ("phq.xlsx", {"sheet": "responses"}, None, None, 2),
    ("phq_labelled.sav", {}, None, None, 1),
    ("phq_qualtrics.csv", {}, "utf-8", ",", 4),
])
def test_every_format_reads_the_same_answers(name, kw, encoding, delimiter, first_row):
    df = read_responses(IO / name, **kw)
    assert df.attrs.get("encoding") == encoding and df.attrs.get("delimiter") == delimiter
    assert df.attrs["first_row"] == first_row
    assert len(df) == 6
    cols = "Q1_{n}" if "qualtrics" in name else "PHQ9_{n}"
    note = df["Q2" if "qualtrics" in name else "note"].iloc[0]
    assert note == "Zoë Ünal"                    # non-ASCII survives every encoding
    out = score(df, "phq-9", columns=cols, missing=[-99], min_valid={"total": 8})
    np.testing.assert_array_equal(out["total"].to_numpy(), EXPECTED)


def test_qualtrics_question_text_becomes_column_labels():
    df = read_responses(IO / "phq_qualtrics.csv")
    assert df.attrs["qualtrics"] is True
    assert df.attrs["column_labels"]["Q1_3"] == "Over the last 2 weeks... - item 3"
    assert df["ResponseId"].tolist()[:2] == ["P1", "P2"]


def test_spss_value_labels_and_user_missing():
    df = read_responses(IO / "phq_labelled.sav")
    assert df.attrs["value_labels"]["PHQ9_1"][2.0] == "More than half the days"
    assert df.attrs["declared_missing"] == {"PHQ9_2": [-99.0]}
    assert np.isnan(df.loc[3, "PHQ9_2"])           # declared missing is already missing
    assert df.attrs["column_labels"]["PHQ9_4"] == "PHQ-9 item 4"


def test_spss_labels_map_text_answers_of_other_files(tmp_path):
    # value labels of the .sav serve as anchor labels when the same items arrive as text
    df = read_responses(IO / "phq_labelled.sav")
    text = df.copy()
    for c in [f"PHQ9_{i}" for i in range(1, 10)]:
        text[c] = [None if pd.isna(v) else df.attrs["value_labels"][c][v] for v in df[c]]
    out = score(text, "phq-9", columns="PHQ9_{n}", min_valid={"total": 8})
    np.testing.assert_array_equal(out["total"].to_numpy(), EXPECTED)


def test_excel_sheet_errors():
    with pytest.raises(DataError, match=r"has no sheet 'nope'; its sheets are: readme, responses"):
        read_responses(IO / "phq.xlsx", sheet="nope")
    assert read_responses(IO / "phq.xlsx", sheet=1).shape == (6, 11)


def test_wrong_delimiter_is_named(tmp_path):
    with pytest.raises(DataError, match=r"column 'pid;note;PHQ9_1;.*' is the single column when the file is read as comma-separated, and its name holds the semicolon character: the file is probably semicolon-separated; pass delimiter=';'"):
        read_responses(IO / "phq_semicolon_cp1252.csv", delimiter=",")


def test_wrong_encoding_is_named():
    with pytest.raises(DataError, match=r"csv', line 2 cannot be read as utf-8: byte b'\\xeb' is not valid utf-8\. Save the file as UTF-8"):
        read_responses(IO / "phq_semicolon_cp1252.csv", encoding="utf-8")


def test_utf16_without_bom(tmp_path):
    p = tmp_path / "x.csv"
    p.write_bytes("a,b\n1,2\n".encode("utf-16-le"))
    with pytest.raises(DataError, match="NUL bytes"):
        read_responses(p)
    assert read_responses(p, encoding="utf-16-le").shape == (1, 2)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match="is empty"):
        read_responses(empty)
    header = tmp_path / "header.csv"
    header.write_text("a,b,c\n")
    with pytest.raises(DataError, match=r"no data rows \(only a header\)"):
        read_responses(header)


def test_ragged_row_names_the_row(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    with pytest.raises(DataError, match=r"row 3, value '4,5,6,7': 4 fields where the header has 3"):
        read_responses(p)


def test_duplicate_header_names(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("q1,q2,q1\n1,2,3\n")
    with pytest.raises(DataError, match=r"dup.csv', column\(s\) 'q1' are named more than once in the header\. Give every column a unique name\."):
        read_responses(p)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_responses(tmp_path / "nope.csv")
    with pytest.raises(DataError, match="is a folder"):
        read_responses(tmp_path)


def test_forced_qualtrics_on_plain_csv():
    with pytest.raises(DataError, match="ImportId"):
        read_responses(IO / "phq_comma_utf8.csv", qualtrics=True)


def test_a_file_forced_as_qualtrics_without_its_rows_is_refused(tmp_path, capsys):
    """Only qualtrics=True (--qualtrics) forces it: the hint says to leave it out (issue 21)."""
    from analysis.cli import main
    from messages import flat

    p = tmp_path / "plain.csv"
    p.write_text("id,q1\nP1,3\nP2,4\n")
    with pytest.raises(DataError) as exc:
        read_responses(p, qualtrics=True)
    assert str(exc.value) == (
        f"file '{p}' has no {{\"ImportId\": ...}} row as its third row, which every Qualtrics export has. Export with "
        "'Use numeric values' or 'Use choice text' from Qualtrics' Data & Analysis tab, or leave qualtrics=True out "
        "to read it as a plain export.")
    with pytest.raises(SystemExit):
        main(["score", str(p), "--qualtrics", "--instrument", "agq-r", "-o", str(tmp_path / "o.csv")])
    assert flat(capsys.readouterr().err).endswith("or leave --qualtrics out to read it as a plain export.")
