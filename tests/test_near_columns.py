"""Near matches for every column argument of every command: by name (letter case, spacing, underscores;
difflib) and by pattern (a run of numbered columns), one function (analysis.checks.near_columns)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.checks import near_columns, numbered_runs
from analysis.cli import main
from analysis.datasets import dataset_path
from messages import assert_says

DEMO = str(dataset_path("demo"))
STAFF = str(dataset_path("staff_demo"))
ITEMS = ["--instrument", "agq-r", "--columns", "agq_{n}", "--response-min", "1", "--response-max", "7", "--missing", "-99"]
WDGO = ["--instrument", "vandewalle", "--columns", "wdgo_{n}"]

# (command line without -o, the near match the message must name)
CASES = {
    "score --columns": (["score", DEMO, "--instrument", "agq-r", "--columns", "item_{n}"], "the pattern 'agq_{n}'"),
    "score --id-column": (["score", DEMO, *ITEMS, "--id-column", "Respondent ID"], "'respondent_id'"),
    "screen --columns": (["screen", DEMO, "--instrument", "agq-r", "--columns", "AGQ{n}"], "the pattern 'agq_{n}'"),
    "screen --attention": (["screen", DEMO, *ITEMS, "--attention", "ATT_1=4"], "'att_1'"),
    "screen --speed": (["screen", DEMO, *ITEMS, "--speed", "Duration S:2"], "'duration_s'"),
    "reliability --columns": (["reliability", DEMO, "--instrument", "agq-r", "--columns", "q_{n}"],
                              "the pattern 'agq_{n}'"),
    "cfa --group": (["cfa", DEMO, *ITEMS, "--group", "Section"], "'section'"),
    "efa --columns": (["efa", DEMO, "--columns", "AGQ_1,agq_2,agq_3", "--n-factors", "1"], "'agq_1'"),
    "correlations --columns": (["correlations", DEMO, "--columns", "EXAM1,exam2"], "'exam1'"),
    "correlations --columns pattern": (["correlations", DEMO, "--columns", "EXAM*"], "'exam*' (exam1, exam2, exam3)"),
    "correlations --reliabilities": (["correlations", DEMO, "--columns", "exam1,exam2", "--reliabilities",
                                      "EXAM1=0.8"], "'exam1'"),
    "correlations --covar": (["correlations", DEMO, "--columns", "exam1,exam2", "--covar", "Age"], "'age'"),
    "mediation --x": (["mediation", DEMO, "--x", "Exam1", "--m", "exam2", "--y", "exam3"], "'exam1'"),
    "mediation --m": (["mediation", DEMO, "--x", "exam1", "--m", "exam_2", "--y", "exam3"], "'exam2'"),
    "mediation --y": (["mediation", DEMO, "--x", "exam1", "--m", "exam2", "--y", "EXAM3"], "'exam3'"),
    "mediation --covar": (["mediation", DEMO, "--x", "exam1", "--m", "exam2", "--y", "exam3", "--covar", "AGE"],
                          "'age'"),
    "regression --y": (["regression", DEMO, "--y", "Exam3", "--x", "exam1"], "'exam3'"),
    "regression --x": (["regression", DEMO, "--y", "exam3", "--x", "exam 1"], "'exam1'"),
    "regression --covar": (["regression", DEMO, "--y", "exam3", "--x", "exam1", "--covar", "Age"], "'age'"),
    "regression --block": (["regression", DEMO, "--y", "exam3", "--block", "exam1", "--block", "Exam2"], "'exam2'"),
    "regression --formula": (["regression", DEMO, "--formula", "exam3 ~ Exam1"], "'exam1'"),
    "moderation --x": (["moderation", DEMO, "--x", "EXAM1", "--w", "age", "--y", "exam3"], "'exam1'"),
    "moderation --w": (["moderation", DEMO, "--x", "exam1", "--w", "Age", "--y", "exam3"], "'age'"),
    "moderation --y": (["moderation", DEMO, "--x", "exam1", "--w", "age", "--y", "exam_3"], "'exam3'"),
    "moderation --covar": (["moderation", DEMO, "--x", "exam1", "--w", "age", "--y", "exam3", "--covar", "Gender"],
                           "'gender'"),
    "mixed --formula": (["mixed", DEMO, "--formula", "Exam3 ~ exam1", "--group", "section"], "'exam3'"),
    "mixed --group": (["mixed", DEMO, "--formula", "exam3 ~ exam1", "--group", "Section"], "'section'"),
    "mixed --re-formula": (["mixed", DEMO, "--formula", "exam3 ~ exam1", "--group", "section", "--re-formula",
                            "~Exam1"], "'exam1'"),
    "mixed --wide": (["mixed", DEMO, "--formula", "score ~ time", "--wide", "exam1,exam2,Exam3", "--id-column",
                      "respondent_id"], "'exam3'"),
    "mixed --id-column": (["mixed", DEMO, "--formula", "score ~ time", "--wide", "exam1,exam2,exam3", "--id-column",
                           "Respondent_ID"], "'respondent_id'"),
    "profiles --columns": (["profiles", DEMO, "--columns", "exam1,EXAM2", "--k", "2"], "'exam2'"),
    "profiles --outcomes": (["profiles", DEMO, "--columns", "exam1,exam2", "--k", "2", "--outcomes", "Age"], "'age'"),
    "teams --group": (["teams", STAFF, *WDGO, "--group", "Team"], "'team'"),
    "teams --parent": (["teams", STAFF, *WDGO, "--group", "team", "--parent", "Department"], "'department'"),
    "teams --also": (["teams", STAFF, *WDGO, "--group", "team", "--also", "SITE"], "'site'"),
    "teams --columns": (["teams", STAFF, "--instrument", "vandewalle", "--columns", "item_{n}", "--group", "team"],
                        "the pattern 'wdgo_{n}'"),
    "teams --id-column": (["teams", STAFF, *WDGO, "--group", "team", "--id-column", "Employee ID"], "'employee_id'"),
    "teams --wave": (["teams", STAFF, *WDGO, "--group", "team", "--wave", "Site"], "'site'"),
    "teams --goal-text": (["teams", STAFF, *WDGO, "--group", "team", "--goal-text", "Comment"], "'comment'"),
    "goals --text": (["goals", STAFF, "--text", "Comment"], "'comment'"),
    "goals --id-column": (["goals", STAFF, "--text", "comment", "--id-column", "EMPLOYEE_ID"], "'employee_id'"),
    "replicate --constructs": (["replicate", DEMO, "--constructs", "mastery_approach=Exam1,procrastination=exam2"],
                               "'exam1'"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_column_option_names_the_near_match(case, tmp_path, capsys):
    argv, near = CASES[case]
    out = tmp_path / ("out.xlsx" if argv[0] in ("teams", "goals") else "out.csv")
    try:
        code = main(argv + ["-o", str(out)])
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert_says(err, f"Did you mean {near}")


def test_a_pattern_never_suggests_plain_names():
    df = pd.DataFrame(columns=["id", "team", "site"] + [f"wdgo_{i}" for i in range(1, 14)])
    assert near_columns("item_{n}", df) == " Did you mean the pattern 'wdgo_{n}' (wdgo_1 … wdgo_13)?"
    assert near_columns("item_{n}", ["id", "team", "site"]) == ""
    runs = ["grit_1", "grit_2", "agq_1", "agq_2", "agq_3"]
    # by name 'grit_{n}' is nearest; the instrument's three items are held by 'agq_{n}' only
    assert near_columns("item_{n}", runs) == " Did you mean the pattern 'grit_{n}' (grit_1 … grit_2)?"
    assert near_columns("item_{n}", runs, items=[1, 2, 3]) == " Did you mean the pattern 'agq_{n}' (agq_1 … agq_3)?"
    assert numbered_runs(["exam1", "exam2", "exam3", "q1_a", "q2_a", "att_1"]) == {
        "exam{n}": ["exam1", "exam2", "exam3"], "q{n}_a": ["q1_a", "q2_a"]}
    padded = ["id"] + [f"AGQ_{i:02d}" for i in range(1, 13)]
    assert near_columns("agq_{n}", padded, items=range(1, 13)) == (" Did you mean the pattern 'AGQ_{n:02d}' "
                                                                   "(AGQ_01 … AGQ_12)?")


def test_near_by_name_folds_case_spacing_and_underscores_first():
    cols = ["team", "team_lead", "Team ID", "site"]
    assert near_columns("TEAM", cols) == " Did you mean 'team'?"
    assert near_columns("tema", cols) == " Did you mean 'team' or 'Team ID'?"   # difflib: ratio 0.75, 0.6
    assert near_columns("teamid", cols) == " Did you mean 'Team ID'?"
    assert near_columns(["Team", "Site"], cols) == " Did you mean 'team' for 'Team', 'site' for 'Site'?"
    assert near_columns("department", cols) == ""


def test_a_name_written_in_a_data_row_suggests_the_header_row():
    df = pd.DataFrame({"Staff survey 2025": ["id", "r1"], "Unnamed: 1": ["team", "A"]})
    df.attrs.update(first_row=2)
    assert near_columns("team", df) == (" 'team' is written in row 2 of the file: if that row holds the column "
                                        "names, pass header_row=2 (study file: header_row: 2).")


def test_a_study_analysis_names_the_near_scored_column():
    from analysis.errors import StudyError
    from analysis.pipeline.analysis_specs import expand_columns

    with pytest.raises(StudyError) as err:
        expand_columns(["Procr_Total"], ["goals_map", "procr_total"], "study file 's.yaml'", "analysis 'links'")
    assert_says(str(err.value), "column 'Procr_Total' is not in the scores.", "Did you mean 'procr_total'?")
    with pytest.raises(StudyError) as err:
        expand_columns(["GOALS_*"], ["goals_map", "goals_pap", "procr_total"], "study file 's.yaml'", "analysis 'x'")
    assert_says(str(err.value), "the pattern 'GOALS_*' matches no scored column. Did you mean 'goals_*' "
                                "(goals_map, goals_pap)?")
