"""The command line: scores and files as promised; every bad input gets one paragraph and exit 2."""

import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from conftest import FIXTURES, ROOT

IO = FIXTURES / "io"


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_score_writes_id_and_api_columns(tmp_path):
    out = tmp_path / "phq.csv"
    assert main(["score", str(IO / "phq_comma_utf8.csv"), "--instrument", "phq-9", "--columns", "PHQ9_{n}",
                 "--missing", "-99", "--id", "pid", "-o", str(out)]) == 0
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
                 "--on-invalid", "missing", "--id", "pid", "-o", str(out)]) == 0
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
    (["score", IO / "phq.tsv", "--instrument", "nope", "--columns", "PHQ9_{n}", "-o", "{tmp}/o.csv"], "unknown instrument"),
    (["score", IO / "phq_semicolon_cp1252.csv", "--instrument", "phq-9", "--delimiter", ",", "-o", "{tmp}/o.csv"], "semicolon-separated"),
    (["score", IO / "phq_semicolon_cp1252.csv", "--instrument", "phq-9", "--encoding", "utf-8", "-o", "{tmp}/o.csv"], "cannot be read as utf-8"),
    (["score", IO / "phq_qualtrics.csv", "--instrument", "phq-9", "--columns", "Q1_{n}", "-o", "{tmp}/o.csv"], "'-99'"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "--id", "PHQ9_1", "-o", "{tmp}/o.csv"], "id '0' appears in row 2 and row 6"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "-o", "{tmp}/o.txt"], "use a .csv, .xlsx or .parquet"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--missing", "-99", "-o", "data/raw/demo/x.csv"], "nothing is written under data/raw/"),
    (["score", IO / "phq.tsv", "--instrument", "phq-9", "--recode", "1-0", "-o", "{tmp}/o.csv"], "write pairs as from:to"),
    (["score", IO / "phq.tsv", "--instrument"], "expected one argument"),
])
def test_errors_are_one_paragraph_exit_2_no_traceback(tmp_path, args, message):
    args = [str(a).replace("{tmp}", str(tmp_path)) for a in args]
    res = run(*args)
    assert res.returncode == 2, res.stderr
    assert message in res.stderr.replace("\n", " ")
    assert "Traceback" not in res.stderr
    assert not (ROOT / "data" / "raw" / "demo" / "x.csv").exists()


def test_help_shows_examples():
    res = run("score", "--help")
    assert res.returncode == 0 and "examples:" in res.stdout and "--on-invalid" in res.stdout


def test_console_script_and_module_entry_points_agree():
    assert run("instruments").stdout.splitlines()[0].split() == ["id", "name", "n_items", "response", "wording"]
