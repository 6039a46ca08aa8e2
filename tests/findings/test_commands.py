"""The findings and replicate commands: output, files written, exit code 2 on user error."""

import pandas as pd
import pytest

from analysis.cli import main
from tests.conftest import REFERENCE
from tests.messages import says
from refused import refused

SCORES = REFERENCE / "findings" / "study_scores.csv"


def test_findings_lists_the_registry(capsys):
    assert main(["findings"]) == 0
    out = capsys.readouterr().out
    assert "howell-watson-2007-map-procrastination" in out and "negative (direction)" in out
    assert "diaconu-gherasim-2024-pav-anxiety" in out and "r = 0.25" in out
    assert "57 findings" in out


def test_findings_filter_and_show(capsys):
    assert main(["findings", "--construct", "anxiety"]) == 0
    out = capsys.readouterr().out
    assert "5 findings" in out and "procrastination" not in out
    assert main(["findings", "hulleman-2010-pap-normative-performance"]) == 0
    out = capsys.readouterr().out
    assert "subgroup:   performance-approach scales with mostly normative items" in out
    assert "effect:     r = 0.14" in out and "k = 243; N total = 91,087" in out


def test_findings_writes_table(tmp_path, capsys):
    out = tmp_path / "f.csv"
    assert main(["findings", "-o", str(out)]) == 0
    t = pd.read_csv(out)
    assert len(t) == 57 and t["source"].notna().all() and set(t["status"]) == {"V", "S"}


@pytest.mark.parametrize("argv,message", [
    (["findings", "nope-1999"], "unknown finding 'nope-1999'"),
    (["findings", "--construct", "grt"], "--construct 'grt': unknown construct 'grt' (did you mean 'grit'?). Valid "
                                         "constructs: ability_goal, active_procrastination,"),
    (["findings", "--construct", "task_approach"],
     "--construct 'task_approach': no registered finding involves construct 'task_approach' (task-approach goals "
     "(3x2 model)); near matches with findings: mastery_approach, performance_approach. Constructs with findings: "
     "ability_goal,"),
    (["replicate", str(SCORES), "--constructs", "task_aproach=map,depression=dep"],
     "--constructs 'task_aproach=map,depression=dep': unknown construct 'task_aproach' (did you mean 'task_approach' or 'self_approach' or "
     "'mastery_approach'?). Valid constructs:"),
    (["replicate", str(SCORES), "--constructs", "mastery_approach"], "write construct=column pairs"),
    (["replicate", str(SCORES), "--constructs", "mastery_approach=zzz"], "column 'zzz' (for mastery_approach) is not in"),
])
def test_user_errors_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says(err, message) and "Traceback" not in err


@pytest.mark.parametrize("argv, argument, value, hint", [
    (["findings", "--construct", "grt"], "--construct", "grt",
     "Give one of the valid constructs, or leave --construct out to list every finding."),
    (["findings", "--construct", "task_approach"], "--construct", "task_approach",
     "Give a construct with findings, or leave --construct out to list every finding."),
    (["replicate", SCORES, "--constructs", "task_aproach=map"], "--constructs", "task_aproach=map",
     "Use constructs from that list; `goalscope findings --construct NAME` lists the findings of one."),
    (["replicate", SCORES, "--constructs", "mastery_approach"], "--constructs", "mastery_approach",
     "write construct=column pairs separated by commas, e.g. "
     "mastery_approach=goals_mastery_approach,procrastination=procr_total"),
    (["replicate", SCORES, "--constructs", "mastery_approach=map", "--figure", "{tmp}/f.png"], "--figure",
     "{tmp}/f.png", "Leave --figure out, or give --constructs for the two constructs of a registered finding."),
])
def test_a_refused_flag_is_a_part_of_the_refusal(argv, argument, value, hint, tmp_path, capsys):
    exc, err = refused([str(a).format(tmp=tmp_path) for a in argv], capsys)
    parts = exc.parts()
    assert (parts["argument"], str(parts["value"]), parts["hint"]) == (argument, value.format(tmp=tmp_path), hint)
    assert says(err, f"goalscope: {argument} '{value.format(tmp=tmp_path)}'") and says(err, hint)


def test_replicate_command(tmp_path, capsys):
    out, fig = tmp_path / "v.csv", tmp_path / "forest.png"
    argv = ["replicate", str(SCORES), "--constructs", "mastery_approach=map,depression=dep,procrastination=pro",
            "-o", str(out), "--figure", str(fig)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "diaconu-gherasim-2024-map-depression" in text and "verdicts ->" in text
    t = pd.read_csv(out)
    assert list(t["finding_id"]) == ["howell-watson-2007-map-procrastination", "howell-buro-2009-map-procrastination",
                                     "seo-2009-map-procrastination", "diaconu-gherasim-2024-map-depression"]
    first = fig.read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(argv) == 0
    assert fig.read_bytes() == first          # deterministic bytes
