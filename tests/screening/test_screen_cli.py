"""`goalscope screen`: files as promised, rules from a file, a study file or flags; clean errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.cli import main
from analysis.formatting.flow import flow_figure

from . import handbuilt as hb
from messages import says
from refused import refused

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "raw" / "demo"


@pytest.fixture(scope="module")
def handbuilt_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("hb") / "handbuilt.csv"
    hb.make().to_csv(path, index=False)
    return path


def test_screen_demo_with_study_file_and_inline_rules(tmp_path, capsys):
    out = tmp_path / "screen.csv"
    assert main(["screen", str(DEMO / "responses.csv"), "--rules", str(DEMO / "study.yaml"),
                 "--attention", "att_1=4", "--speed", "duration_s:2", "--longstring-max", "10",
                 "--mahad-confidence", ".99", "--duplicates", "--flag-only", "mahad", "-o", str(out)]) == 0
    flags = pd.read_csv(out)
    assert len(flags) == 400 and flags.columns[0] == "respondent_id"      # the study's id column
    flow = pd.read_csv(tmp_path / "screen.flow.csv")
    # the study file's rules (attention, speed, longstring > 15, mahad .999) with the inline flags
    # replacing those of the same kind in place; --duplicates adds its two rules after them
    assert flow[["rule", "n_before", "n_excluded", "n_after"]].values.tolist() == [
        ["attention", 400, 10, 390], ["speed", 390, 5, 385], ["longstring", 385, 3, 382],
        ["mahad", 382, 0, 382], ["duplicate_id", 382, 0, 382], ["duplicate_pattern", 382, 0, 382]]
    assert "longest run > 10" in flow.loc[flow.rule == "longstring", "description"].item()
    assert flow.loc[flow.rule == "mahad", "n_flagged"].item() == 15
    assert int((~flags["excluded"]).sum()) == 382
    assert (tmp_path / "screen.flow.png").stat().st_size > 10_000
    assert (tmp_path / "screen.flow.svg").exists()
    assert len(pd.read_csv(tmp_path / "screen.audit.csv")) > 0            # the -99 codes
    text = capsys.readouterr().out
    assert "analysed 382" in text and "psychsyn: critval=0.6 leaves no psychometric synonyms" in text


def test_screen_rules_file_and_row_column(tmp_path, handbuilt_csv):
    rules = tmp_path / "rules.yaml"
    rules.write_text("- attention: {column: att_1, expect: 4}\n- speed: {column: duration_s, min_seconds_per_item: 2}\n"
                     "- longstring: {max: 10}\n- mahad: {confidence: .99}\n")
    out = tmp_path / "hb.parquet"
    assert main(["screen", str(handbuilt_csv), "--instrument", "grit-s", "--columns", "grit_{n}",
                 "--rules", str(rules), "--no-figure", "-o", str(out)]) == 0
    flags = pd.read_parquet(out)
    assert flags["row"].tolist()[:3] == [2, 3, 4]                       # file rows, header is row 1
    assert flags.loc[flags["flag_attention"], "row"].tolist() == [r + 2 for r in hb.ATTENTION]
    assert flags.loc[flags["flag_longstring"], "row"].empty             # 8 items: no run above 10
    assert not (tmp_path / "hb.flow.png").exists()


def test_screen_figure_is_deterministic(tmp_path):
    flow = pd.DataFrame({"step": [1, 2], "rule": ["attention", "mahad"], "description": ["failed", "outlier"],
                         "exclude": [True, False], "n_before": [400, 385], "n_flagged": [15, 13],
                         "n_undefined": [0, 2], "n_excluded": [15, 0], "n_after": [385, 385]})
    flow_figure(flow, tmp_path / "a.png")
    flow_figure(flow, tmp_path / "b.png")
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


@pytest.mark.parametrize("extra, message", [
    ([], "say which items to screen"),
    (["--instrument", "grit-s", "--columns", "grit_{n}", "--attention", "att_1"], "write COLUMN=VALUE"),
    (["--instrument", "grit-s", "--columns", "grit_{n}", "--flag-only", "mahad"], "not in use: mahad"),
    (["--instrument", "grit-s", "--columns", "grit_{n}", "--psychsyn-min-r", ".2", "--critval", ".95"],
     "undefined for every respondent"),
    (["--instrument", "grit-s", "--columns", "grit_{n}", "--rules", "nowhere.yaml"], "does not exist"),
])
def test_screen_errors_are_one_paragraph(handbuilt_csv, tmp_path, capsys, extra, message):
    with pytest.raises(SystemExit) as stop:
        main(["screen", str(handbuilt_csv), *extra, "-o", str(tmp_path / "x.csv")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert says(err, message)
    assert "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()


GRIT = ["--instrument", "grit-s", "--columns", "grit_{n}"]


@pytest.mark.parametrize("extra, parts, said", [
    ([], {"argument": "--instrument", "value": None},
     "--instrument is not given, and no study file in --rules lists instruments; say which items to screen: "
     "--instrument ID|PATH (with --columns), or --rules with a study file that lists its instruments"),
    (GRIT + ["--attention", "att_1"], {"argument": "--attention", "value": "att_1"},
     "--attention 'att_1': write COLUMN=VALUE, e.g. att_1=4"),
    (GRIT + ["--speed", "duration"], {"argument": "--speed", "value": "duration"},
     "--speed 'duration': write COLUMN:SECONDS_PER_ITEM, e.g. duration_s:2"),
    (GRIT + ["--flag-only", "mahad,x", "--longstring-max", "5"], {"argument": "--flag-only", "value": "mahad,x"},
     "--flag-only 'mahad,x' names rule(s) that are not in use: mahad, x; name rules in use (longstring), or turn "
     "the rule on with its flag or in --rules"),
])
def test_screen_refuses_a_flag_by_name(handbuilt_csv, tmp_path, capsys, extra, parts, said):
    """A refused flag is a part of the refusal (the flag as typed, its value), with what to do."""
    exc, err = refused(["screen", handbuilt_csv, *extra, "-o", tmp_path / "x.csv"], capsys)
    assert {k: exc.parts().get(k, "absent") for k in parts} == parts and "hint" in exc.parts()
    assert says(err, "goalscope: " + said)


def test_screen_help_lists_the_command():
    res = subprocess.run([sys.executable, "-m", "analysis", "screen", "--help"], capture_output=True, text=True,
                         cwd=ROOT)
    assert res.returncode == 0 and says(res.stdout, "--rules FILE") and says(res.stdout, "duplicate_pattern")
