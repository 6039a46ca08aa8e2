"""The header row: header_row= and the detection of banner rows, one test per row of the decision table
(analysis/io/readers.py module docstring), on CSV and on xlsx (fixtures: tests/fixtures/make_header_fixtures.py)."""

from __future__ import annotations

import warnings

import pytest

from analysis import read_responses
from analysis.cli import main
from analysis.errors import DataError
from conftest import FIXTURES
from messages import assert_says, loose

H = FIXTURES / "io" / "headers"
ITEMS = ["id", "team"] + [f"wdgo_{i}" for i in range(1, 14)]
TITLE = "Staff survey 2025 — export of 03.02.2025"


def _read(path, **kw):
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        df = read_responses(path, **kw)
    return df, [str(w.message) for w in said if issubclass(w.category, UserWarning)]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_row_1_names_every_column(ext):
    df, said = _read(H / f"plain.{ext}")
    assert list(df.columns) == ITEMS and df.attrs["header_row"] == 1 and df.attrs["first_row"] == 2
    assert df.attrs["skipped_rows"] == [] and said == []
    assert df["id"].tolist() == ["r1", "r2", "r3", "r4"]


@pytest.mark.parametrize("name", ["banner.csv", "banner_padded.csv", "banner.xlsx"])
def test_banner_rows_are_skipped_and_named(name):
    df, said = _read(H / name)
    assert list(df.columns) == ITEMS and df.attrs["header_row"] == 4 and df.attrs["first_row"] == 5
    assert df.attrs["skipped_rows"] == [[1, TITLE], [3, "Filter: all respondents"]]
    assert df["wdgo_13"].tolist() == [4, 3, 5, 3] and df["team"].tolist() == ["Sales", "Sales", "Support", "Support"]
    assert len(said) == 1
    assert_says(said[0], "the header is row 4, the first row that names every column; 2 row(s) above it were "
                         f"skipped: row 1 ('{TITLE}'), row 3 ('Filter: all respondents'). Pass header_row=4")


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_two_cell_title_narrower_than_the_data_is_a_banner(ext):
    df, said = _read(H / f"banner_two_cells.{ext}")
    assert df.attrs["header_row"] == 2 and list(df.columns) == ITEMS
    assert df.attrs["skipped_rows"] == [[1, "Staff survey 2025 exported 03.02.2025"]] and len(said) == 1


@pytest.mark.parametrize("name", ["banner.csv", "banner.xlsx"])
def test_a_given_header_row_is_read_without_a_warning(name):
    df, said = _read(H / name, header_row=4)
    assert list(df.columns) == ITEMS and df.attrs["first_row"] == 5 and said == []
    assert df.attrs["skipped_rows"] == [[1, TITLE], [3, "Filter: all respondents"]]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_row_above_that_is_not_banner_like_keeps_row_1(ext):
    df, said = _read(H / f"empty_name.{ext}")
    assert df.attrs["header_row"] == 1 and list(df.columns) == ["id", "Unnamed: 1", "comment"] and said == []


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_no_header_keeps_row_1(ext):
    df, _ = _read(H / f"no_header.{ext}")
    assert df.attrs["header_row"] == 1 and [str(c) for c in df.columns] == ["1", "2", "3"]


def test_a_header_below_row_20_is_not_guessed_and_the_errors_point_to_it():
    with pytest.raises(DataError) as csv_error:
        read_responses(H / "deep_header.csv")
    assert_says(str(csv_error.value), "row 22, value 'id,team,wdgo_1,", "(102 characters): 15 fields where the header has 1",
                "That row names every column: if it is the header (below 21 title or note row(s)), pass header_row=22.")
    df, _ = _read(H / "deep_header.xlsx")
    assert df.attrs["header_row"] == 1 and df.columns[0] == "note 1"
    df, _ = _read(H / "deep_header.xlsx", header_row=22)
    assert list(df.columns) == ITEMS and df.attrs["first_row"] == 23


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_a_column_written_below_the_header_suggests_the_header_row(ext, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["teams", str(H / f"deep_header.{ext}"), "--group", "team", "--instrument", "vandewalle",
              "--columns", "wdgo_{n}", "-o", str(tmp_path / "t.xlsx")])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    if ext == "csv":
        assert_says(err, "pass --header-row 22.")
    else:
        assert_says(err, "column 'team' (a grouping column) is not in the data", "'team' is written in row 22 of the file: if that row "
                         "holds the column names, pass --header-row 22 (study file: header_row: 22).")


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
@pytest.mark.parametrize("value, said", [
    (40, "header_row=40 but the file has"),
    (2, "header_row=2 is a blank row; give the row holding the column names"),
    (0, "header_row=0 is not a row number"),
    (True, "header_row=True is not a row number"),
])
def test_a_header_row_that_cannot_be_refused(ext, value, said):
    with pytest.raises(DataError, match=loose(said)):
        read_responses(H / f"banner.{ext}", header_row=value)


def test_header_row_for_an_spss_file_is_refused():
    with pytest.raises(DataError, match=loose("header_row=2 applies to CSV/TSV and Excel files; ")):
        read_responses(FIXTURES / "io" / "phq_labelled.sav", header_row=2)


def test_the_command_line_and_a_study_file_take_the_header_row(tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["score", str(H / "banner.csv"), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                 "--header-row", "4", "-o", str(out)]) == 0
    assert "note" not in capsys.readouterr().err
    assert main(["score", str(H / "banner.csv"), "--instrument", "vandewalle", "--columns", "wdgo_{n}",
                 "-o", str(out)]) == 0
    assert_says(capsys.readouterr().err, "goalscope: note:", "Pass --header-row 4 (study file: header_row: 4)")
    with pytest.raises(SystemExit):
        main(["score", str(H / "banner.csv"), "--instrument", "vandewalle", "--header-row", "x", "-o", str(out)])
    assert_says(capsys.readouterr().err, "--header-row: 'x' is not a row number")
    from analysis.pipeline.schema import load_study

    study = tmp_path / "study.yaml"
    study.write_text("name: s\ndata: banner.csv\nheader_row: 4\ninstruments:\n  g: {instrument: vandewalle, "
                     "columns: 'wdgo_{n}'}\n", encoding="utf-8")
    assert load_study(study).header_row == 4
    study.write_text(study.read_text().replace("header_row: 4", "header_row: 0"), encoding="utf-8")
    with pytest.raises(Exception, match="header_row"):
        load_study(study)


def test_blank_rows_above_the_header_are_skipped_without_a_note(tmp_path):
    f = tmp_path / "blank.csv"
    f.write_text("\n\nid,team\nr1,A\n", encoding="utf-8")
    df, said = _read(f)
    assert df.attrs["header_row"] == 3 and df.attrs["first_row"] == 4 and df.attrs["skipped_rows"] == []
    assert said == [] and df["team"].tolist() == ["A"]


def test_a_semicolon_export_below_a_title_line_is_split_on_semicolons(tmp_path):
    f = tmp_path / "semi.csv"
    f.write_text("Staff survey 2025\nid;team;q1\nr1;A;3\nr2;B;4\n", encoding="utf-8")
    df, said = _read(f)
    assert list(df.columns) == ["id", "team", "q1"] and df["q1"].tolist() == [3, 4]
    assert df.attrs["delimiter"] == ";" and df.attrs["skipped_rows"] == [[1, "Staff survey 2025"]]
