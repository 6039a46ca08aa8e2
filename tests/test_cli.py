"""The command line: scores and files as promised; every bad input gets one paragraph and exit 2."""

import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from conftest import FIXTURES, ROOT
from messages import says

IO = FIXTURES / "io"


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_score_writes_id_and_api_columns(tmp_path):
    out = tmp_path / "phq.csv"
    assert main(["score", str(IO / "phq_comma_utf8.csv"), "--instrument", "phq-9", "--columns", "PHQ9_{n}",
                 "--missing", "-99", "--id-column", "pid", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["pid", "total", "total_n_valid", "total_band"]
    assert df["total"].isna().tolist() == [False, False, False, True, True, False]


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_score_other_output_formats(tmp_path, suffix):
    out = tmp_path / f"s{suffix}"
    assert main(["score", str(IO / "phq.tsv"), "--instrument", "phq-9", "--columns", "PHQ9_{n}",
                 "--missing", "-99", "-o", str(out)]) == 0
    df = pd.read_excel(out) if suffix == ".xlsx" else pd.read_parquet(out)
    assert df["row"].tolist() == [2, 3, 4, 5, 6, 7] and df["total"].iloc[0] == 5


def test_on_invalid_missing_writes_audit(tmp_path):
    out = tmp_path / "phq.csv"
    assert main(["score", str(IO / "phq_comma_utf8.csv"), "--instrument", "phq-9", "--columns", "PHQ9_{n}",
                 "--on-invalid", "missing", "--id-column", "pid", "-o", str(out)]) == 0
    audit = pd.read_csv(tmp_path / "phq.audit.csv")
    assert audit[["row", "id", "column", "value"]].values.tolist() == [[5, "P4", "PHQ9_2", -99]]


def test_map_file_and_recode(tmp_path):
    m = tmp_path / "map.yaml"
    m.write_text("\n".join(f"{i}: PHQ9_{i}" for i in range(1, 10)))
    out = tmp_path / "o.csv"
    assert main(["score", str(IO / "phq.tsv"), "--instrument", "phq-9", "--map", str(m), "--missing", "-99",
                 "--recode", "0:0,1:1,2:2,3:3", "-o", str(out)]) == 0
    assert pd.read_csv(out)["total"].iloc[1] == 20


@pytest.mark.parametrize("args,message", [
    (["score", IO / "nope.csv", "--instrument", "phq-9", "-o", "x.csv"], "does not exist"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "-o", "{tmp}/o.csv"], "outside the response range 0–3"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "ITEM{n}", "-o", "{tmp}/o.csv"], "needs column(s)"),
    (["score", IO / "phq.tsv", "--instrument", "nope", "--columns", "PHQ9_{n}", "-o", "{tmp}/o.csv"], "instrument='nope' is not a shipped id"),
    (["score", IO / "phq_semicolon_cp1252.csv", "--instrument", "phq-9", "--delimiter", ",", "-o", "{tmp}/o.csv"], "semicolon-separated"),
    (["score", IO / "phq_semicolon_cp1252.csv", "--instrument", "phq-9", "--encoding", "utf-8", "-o", "{tmp}/o.csv"], "cannot be read as utf-8"),
    (["score", IO / "phq_qualtrics.csv", "--instrument", "phq-9", "--columns", "Q1_{n}", "-o", "{tmp}/o.csv"], "'-99'"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "--id-column", "PHQ9_1", "-o", "{tmp}/o.csv"], "id '0' appears in row 2 and row 6"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "-o", "{tmp}/o.txt"], "use a .csv, .xlsx or .parquet"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "-o", "data/raw/demo/x.csv"], "nothing is written under data/raw/"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--recode", "1-0", "-o", "{tmp}/o.csv"], "write pairs as from:to"),
    (["score", IO / "phq.tsv", "--instrument"], "expected one argument"),
])
def test_errors_are_one_paragraph_exit_2_no_traceback(tmp_path, args, message):
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    res = run(*args)
    assert res.returncode == 2, res.stderr
    assert says(res.stderr, message)
    assert "Traceback" not in res.stderr
    assert not (ROOT / "data" / "raw" / "demo" / "x.csv").exists()


def test_help_shows_examples():
    res = run("score", "--help")
    assert res.returncode == 0 and says(res.stdout, "examples:") and says(res.stdout, "--on-invalid")


def test_console_script_and_module_entry_points_agree():
    assert run("instruments").stdout.splitlines()[0].split() == ["id", "name", "n_items", "response", "wording"]


# --- issue 9, items 3 and 4: outputs that are inputs; folders that are files --------------------
def _demo_copy(tmp_path):
    import shutil

    from conftest import DEMO

    shutil.copy(DEMO / "responses.csv", tmp_path / "responses.csv")
    return tmp_path / "responses.csv"


@pytest.mark.parametrize("cmd", [
    ["score", "--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7", "--missing", "-99"],
    ["reliability", "--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7", "--missing", "-99"],
    ["screen", "--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7", "--missing", "-99",
     "--longstring-max", "10"],
    ["teams", "--group", "section", "--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7",
     "--missing", "-99"],
    ["cfa", "--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7", "--missing", "-99"],
    ["correlations", "--columns", "exam1,exam2"],
    ["mediation", "--x", "exam1", "--m", "exam2", "--y", "exam3", "--n-boot", "100"],
])
@pytest.mark.parametrize("how", ["same", "symlink", "side"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, capsys, cmd, how):
    data = _demo_copy(tmp_path)
    before = data.read_bytes()
    if how == "same":
        out, fragment = data, (f"file '{data}' is the input file (FILE) '{data}': writing the output there would "
                               f"overwrite an input. Choose another output file name.")
    elif how == "symlink":
        out = tmp_path / "link.csv"
        out.symlink_to(data)
        fragment = f"file '{out}' is the input file (FILE) '{data}'"
    else:   # OUT.audit.csv, OUT.items.csv, … are written beside OUT
        data = data.rename(tmp_path / "scores.audit.csv")
        out = tmp_path / "scores.csv"
        fragment = (f"file '{data}' is the input file (FILE) '{data}': writing the file that output '{out}' writes "
                    f"beside it there would overwrite an input")
    with pytest.raises(SystemExit) as exc:
        main([cmd[0], str(data), *cmd[1:], "-o", str(out)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and says(err, fragment) and "Traceback" not in err
    assert data.read_bytes() == before


def test_the_key_file_and_labels_file_are_inputs_too(tmp_path, capsys):
    from conftest import DEMO

    data = _demo_copy(tmp_path)
    key = tmp_path / "k.yaml"
    key.write_bytes((DEMO / "keys" / "disorganization.yaml").read_bytes())
    with pytest.raises(SystemExit):
        main(["score", str(data), "--instrument", str(key), "--columns", "disorg_{n}", "-o", str(tmp_path / "k.yaml")])
    assert says(capsys.readouterr().err, "is the key file (--instrument)")
    labels = tmp_path / "labels.csv"
    labels.write_text("label,code\nnever,1\n")
    with pytest.raises(SystemExit):
        main(["score", str(data), "--instrument", "agq-r", "--columns", "agq_{n}", "--labels", str(labels),
              "-o", str(labels)])
    assert says(capsys.readouterr().err, "is the labels file (--labels)")


def test_person_scores_may_not_overwrite_the_export(tmp_path, capsys, monkeypatch):
    data = _demo_copy(tmp_path)
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "k" * 32)
    with pytest.raises(SystemExit):
        main(["teams", str(data), "--group", "section", "--instrument", "agq-r", "--columns", "agq_{n}",
              "--response-max", "7", "--missing", "-99", "--id-column", "respondent_id", "--person-scores", str(data),
              "-o", str(tmp_path / "t.csv")])
    assert says(capsys.readouterr().err, "is the input file (FILE)")


def test_messages_never_break_a_path_at_a_hyphen(tmp_path, capsys):
    deep = tmp_path / ("a-very-long-folder-name-with-hyphens-" * 3) / "missing-export-file.csv"
    with pytest.raises(SystemExit):
        main(["score", str(deep), "--instrument", "agq-r", "-o", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert says(err, str(deep))   # and never broken at a hyphen


def test_xlsx_outputs_of_score_screen_and_reliability_are_byte_identical_across_runs(tmp_path):
    import time

    data = _demo_copy(tmp_path)
    q = ["--instrument", "agq-r", "--columns", "agq_{n}", "--response-max", "7", "--missing", "-99"]
    cmds = {"score": ["score", str(data), *q], "screen": ["screen", str(data), *q, "--longstring-max", "10",
                                                          "--no-figure"],
            "reliability": ["reliability", str(data), *q]}

    def round_(tag):
        out = {}
        for name, cmd in cmds.items():
            target = tmp_path / tag / f"{name}.xlsx"
            assert main(cmd + ["-o", str(target)]) == 0
            out.update({p.name: p.read_bytes() for p in target.parent.glob(f"{name}*.xlsx")})
        return out

    first = round_("a")
    time.sleep(1.1)      # openpyxl writes the current second; none of it may reach the file
    second = round_("b")
    assert sorted(first) == ["reliability.items.xlsx", "reliability.xlsx", "score.xlsx", "screen.xlsx"]
    assert first == second


@pytest.mark.parametrize("argv, parts, said", [
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--recode", "1-0", "-o", "o.csv"],
     {"argument": "--recode", "value": "1-0"}, "--recode '1-0': write pairs as from:to separated by commas, e.g. 1:0,2:1"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--recode", "1:a", "-o", "o.csv"],
     {"argument": "--recode", "value": "1:a"},
     "--recode '1:a': '1:a' is not a pair of numbers; write each pair as two numbers, e.g. 1:0"),
    (["regression", IO / "phq.tsv", "--y", "q1", "--x", "q2", "-o", "t.txt"],
     {"file": "t.txt", "within": "-o/--output"},
     "-o/--output: file 't.txt': a table is written as .csv, .xlsx, .parquet; give a file name with one of these "
     "endings"),
    (["profiles", IO / "phq.tsv", "--columns", "zz*"], {"argument": "--columns", "value": "zz*"},
     "--columns 'zz*': pattern 'zz*' matches no column of the file. Check the pattern against the file's column "
     "names."),
    (["regression", IO / "phq.tsv", "--formula", "q1 q2"], {"argument": "--formula", "value": "q1 q2"},
     "--formula 'q1 q2': write the formula as 'y ~ x1 + x2'"),
    (["regression", IO / "phq.tsv", "--formula", "q1 ~ q2 +"], {"argument": "--formula", "value": "q1 ~ q2 +"},
     "--formula 'q1 ~ q2 +' cannot be read: expected a noun, but instead the expression ended; write it as R does, "
     "e.g. 'y ~ x + m', with the file's column names"),
    (["regression", IO / "phq.tsv", "--formula", "PHQ9_1 ~ nope"], {"argument": "--formula", "value": "PHQ9_1 ~ nope"},
     "--formula 'PHQ9_1 ~ nope' names 'nope', which is not a column of the file; available columns: "),
])
def test_a_flag_refused_by_the_shared_options_is_a_part(argv, parts, said, tmp_path, monkeypatch, capsys):
    """The shared option readers refuse a flag (or the file it names) with it as a part and say what to do;
    cli_message leaves a flag that is already a flag alone."""
    from analysis.cli.messages import cli_message
    from refused import refused

    monkeypatch.chdir(tmp_path)
    exc, err = refused(argv, capsys)
    assert {k: exc.parts().get(k, "absent") for k in parts} == parts and exc.parts()["hint"]
    assert cli_message(str(exc)) == str(exc)
    assert says(err, said) and list(tmp_path.iterdir()) == []


MAPS = {"none.yaml": None, "folder": "dir", "bad.json": '{"a": 1,\n "b" 2}', "list.yaml": "- a\n- b\n",
        "latin.csv": b"1,\xff\n", "dup.csv": "1,PHQ9_1\n2,PHQ9_2\n1,PHQ9_3\n",
        "dup.json": '{"1": "PHQ9_1", "1": "PHQ9_2"}'}


@pytest.mark.parametrize("name, parts, said", [
    ("none.yaml", {"file": "none.yaml"}, "file 'none.yaml' does not exist. Check the path of the column map file."),
    ("folder", {"file": "folder"}, "file 'folder' is a folder, not a file. Give the path of the column map file itself."),
    ("bad.json", {"file": "bad.json", "line": 2},
     "file 'bad.json', line 2 cannot be parsed: Expecting ':' delimiter (column 6). Fix the JSON at that line, or "
     "write the column map file as YAML."),
    ("list.yaml", {"file": "list.yaml"},
     "file 'list.yaml' must hold a mapping (key: value lines). Write the column map file as one 'key: value' line "
     "per entry."),
    ("latin.csv", {"file": "latin.csv"},
     "file 'latin.csv' is not UTF-8 text (byte 2). Save it as UTF-8 text (in Excel: CSV UTF-8) and give it again."),
    ("dup.csv", {"file": "dup.csv", "line": 3},
     "file 'dup.csv', line 3: key '1' appears twice (first at line 1). Remove or rename one of them."),
    ("dup.json", {"file": "dup.json"},
     "file 'dup.json': key '1' appears twice in one object. Remove or rename one of them."),
])
def test_a_map_file_named_by_a_flag_is_refused_as_a_file(name, parts, said, tmp_path, monkeypatch, capsys):
    from refused import refused

    monkeypatch.chdir(tmp_path)
    content = MAPS[name]
    if content == "dir":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    exc, err = refused(["score", IO / "phq.tsv", "--instrument", "phq-9", "--map", name, "-o", "o.csv"], capsys)
    assert {k: exc.parts().get(k, "absent") for k in parts} == parts and exc.parts()["hint"]
    assert says(err, "goalscope: " + said) and not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize("given, seen", [(None, "0"), ("1", "1")])
def test_the_command_turns_numpys_huge_page_requests_off_unless_the_user_says(given, seen):
    import os

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if given is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = given
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    code = "import os, analysis.cli, numpy; print(os.environ['NUMPY_MADVISE_HUGEPAGE'])"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == seen
