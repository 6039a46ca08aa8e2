"""`goalscope goals`: coded file, coding sheet, agreement; user errors exit 2 in one paragraph."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cli import main
from tests.conftest import ROOT
from tests.messages import says
from refused import refused

LABELLED = ROOT / "tests" / "goals" / "statements" / "labelled.csv"


def test_codes_a_file_to_csv_with_file_rows(tmp_path, capsys):
    out = tmp_path / "coded.csv"
    assert main(["goals", str(LABELLED), "--text", "statement", "-o", str(out)]) == 0
    coded = pd.read_csv(out, keep_default_na=False)
    assert len(coded) == 100
    assert list(coded.columns[:3]) == ["row", "statement", "goal_type"]
    assert coded["row"].tolist() == list(range(2, 102))  # rows as the user sees them in the file
    assert "label" not in coded.columns and "kind" not in coded.columns  # only the statement travels
    assert coded.loc[0, "goal_type"] == "performance" and coded.loc[0, "depends_on_others_words"] == "sales"
    printed = capsys.readouterr().out
    assert "100 statements:" in printed and "for human review" in printed


def test_coded_workbook_says_first_pass_and_lists_rules(tmp_path):
    out = tmp_path / "coded.xlsx"
    assert main(["goals", str(LABELLED), "--text", "statement", "--id-column", "id", "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Read me", "Coded", "Rules"]
    assert wb["Read me"]["A1"].value == "Goal statements: first-pass coding by rules, for human review"
    assert [c.value for c in wb["Coded"][1]][:3] == ["id", "statement", "goal_type"]
    assert wb["Coded"].max_row == 101
    assert [wb["Rules"].cell(row=r, column=2).value for r in range(2, 8)] == \
        ["unclear", "unclear", "performance", "mastery", "outcome", "unclear"]
    again = tmp_path / "again.xlsx"
    main(["goals", str(LABELLED), "--text", "statement", "--id-column", "id", "-o", str(again)])
    assert out.read_bytes() == again.read_bytes()


def test_coding_sheet_then_agreement(tmp_path, capsys):
    sheet = tmp_path / "coding.xlsx"
    assert main(["goals", str(LABELLED), "--text", "statement", "--id-column", "id", "--coding-sheet", str(sheet)]) == 0
    printed = capsys.readouterr()
    assert " ".join(printed.err.split()) == (
        "coding sheet: 85 of 100 statements to code; left out 1 blank and 14 that the shipped coder coded "
        "not_a_goal (listed on the sheet 'Left out')")
    assert " ".join(printed.out.split()) == f"coding sheet for two coders, 85 statements, least certain first -> {sheet}"
    wb = load_workbook(sheet)
    ws = wb["Coding"]
    labels = dict(pd.read_csv(LABELLED)[["id", "label"]].itertuples(index=False))
    for i in range(2, ws.max_row + 1):
        lab = labels[int(ws.cell(row=i, column=1).value)]
        ws.cell(row=i, column=3, value=lab)
        ws.cell(row=i, column=4, value=lab if i % 10 else "unclear")
    wb.save(sheet)
    table = tmp_path / "agreement.csv"
    assert main(["goals", str(sheet), "--agreement", "-o", str(table)]) == 0
    t = pd.read_csv(table)
    assert t.shape == (18, 9)  # coder_1, coder_2, rules, trained_coder: six pairs, three measures
    assert t["comparison"].unique().tolist() == [
        "coder_1 vs coder_2", "coder_1 vs rules", "coder_1 vs trained_coder", "coder_2 vs rules",
        "coder_2 vs trained_coder", "rules vs trained_coder"]
    assert "coder_1 vs trained_coder" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["--text", "nope", "-o", "x.csv"], "column 'nope' (--text) is not in the data"),
    (["--text", "statement"], "say what to write"),
    (["-o", "x.csv"], "name the column holding the goal statements with --text"),
    (["--text", "statement", "-o", "x.json"], "use a .xlsx or .csv file name"),
])
def test_user_errors_exit_2(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as err:
        main(["goals", str(LABELLED)] + [str(tmp_path / a) if a.startswith("x.") else a for a in args])
    assert err.value.code == 2
    errtext = capsys.readouterr().err
    assert message in errtext.replace("\n", " ") and "Traceback" not in errtext


@pytest.mark.parametrize("args, parts, said", [
    ([LABELLED, "--text", "nope", "-o", "x.csv"], {"file": str(LABELLED), "column": "nope", "item": "--text"},
     f"file '{LABELLED}', column 'nope' (--text) is not in the data; name the goal-statement column with --text "
     f"(columns: id, statement, label, kind)."),
    ([LABELLED, "--text", "statement"], {"argument": "-o", "value": None},
     "-o is not given, and no --coding-sheet either; say what to write: -o coded.xlsx (or .csv) for the rules' "
     "coding, --coding-sheet sheet.xlsx for human coders, or both"),
    ([LABELLED, "-o", "x.csv"], {"argument": "--text", "value": None},
     "--text is not given; name the column holding the goal statements with --text COLUMN (or give a filled "
     "coding sheet with --agreement)"),
    ([LABELLED, "--text", "statement", "-o", "x.json"], {"file": "x.json", "within": "-o/--output"},
     "-o/--output: file 'x.json': use a .xlsx or .csv file name for the coded statements"),
    (["train"], {"argument": "CODING_SHEET", "value": None, "within": "goals train"},
     "goals train: CODING_SHEET is not given; usage: goalscope goals train CODING_SHEET -o coder.skops (the "
     "sheet holds columns 'statement' and 'label')"),
    (["train", "sheet.csv"], {"argument": "-o", "value": None, "within": "goals train"},
     "goals train: -o is not given; usage: goalscope goals train CODING_SHEET -o coder.skops"),
])
def test_a_refusal_names_its_flag_or_file_as_parts(tmp_path, monkeypatch, capsys, args, parts, said):
    monkeypatch.chdir(tmp_path)
    exc, err = refused(["goals", *args], capsys)
    assert {k: exc.parts().get(k, "absent") for k in parts} == parts and "hint" in exc.parts()
    assert says(err, "goalscope: " + said) and not (tmp_path / "x.csv").exists()


def test_help_lists_goals(capsys):
    with pytest.raises(SystemExit):
        main(["goals", "--help"])
    assert "--coding-sheet" in capsys.readouterr().out
