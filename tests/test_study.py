"""The study pipeline on the bundled demo: outputs, identifiers, determinism."""

import subprocess
import sys

import pandas as pd
import pytest

from analysis import StudyError
from analysis.study import load_study, run_study
from conftest import DEMO, ROOT


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    res = run_study(DEMO / "study.yaml", processed_dir=base / "p", reports_dir=base / "r")
    return base, res


def test_outputs_exist_and_rows_in_equal_rows_out(demo_run):
    base, res = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    scores = pd.read_csv(base / "p" / "scores.csv")
    assert len(scores) == len(raw) == 400
    for f in ("p/audit.csv", "p/missing.csv", "p/manifest.json", "r/index.html", "r/tables/scales.csv"):
        assert (base / f).is_file(), f
    assert "goals_mastery_approach" in scores and "mood_total_band" in scores


def test_no_identifier_reaches_processed_or_report(demo_run):
    base, _ = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    text = "".join(p.read_text() for p in base.rglob("*") if p.is_file())
    assert "@example.edu" not in text
    assert not any(rid in text for rid in raw["respondent_id"].head(50))
    assert "email" not in pd.read_csv(base / "p" / "scores.csv").columns


def test_audit_counts_every_minus_99(demo_run):
    base, res = demo_run
    raw = pd.read_csv(DEMO / "responses.csv")
    item_cols = [c for c in raw.columns if c.split("_")[0] in ("agq", "pps", "disorg", "grit", "phq")]
    assert (res.audit["reason"] == "missing code").sum() == int((raw[item_cols] == -99).sum().sum())


def test_same_inputs_give_byte_identical_outputs(demo_run, tmp_path):
    base, _ = demo_run
    run_study(DEMO / "study.yaml", processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    for f in ("p/scores.csv", "p/audit.csv", "p/missing.csv", "p/manifest.json", "r/index.html"):
        assert (base / f).read_bytes() == (tmp_path / f).read_bytes(), f


def test_demo_file_regenerates_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    assert (tmp_path / "responses.csv").read_bytes() == (DEMO / "responses.csv").read_bytes()


def test_study_file_errors_name_the_field(tmp_path):
    p = tmp_path / "study.yaml"
    p.write_text("name: x\ndata: r.csv\ninstruments:\n  g: {instrument: agq-r, colums: 'a{n}'}\n")
    with pytest.raises(StudyError, match=r"field 'instruments.g.colums': Extra inputs are not permitted"):
        load_study(p)


def test_cli_run_demo(tmp_path):
    res = subprocess.run([sys.executable, "-m", "analysis", "run", str(DEMO / "study.yaml"), "--processed",
                          str(tmp_path / "p"), "--reports", str(tmp_path / "r")], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert "400 respondents" in res.stdout
