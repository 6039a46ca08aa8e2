"""`goalscope run --check`: fails when a run would change the outputs in place, and says why."""

from __future__ import annotations

import shutil

from analysis.cli import main
from analysis.pipeline.check import check_study
from analysis.study import run_study

from conftest import ROOT

DEMO = ROOT / "data" / "raw" / "demo"


def _small_study(tmp_path):
    folder = tmp_path / "study"
    folder.mkdir()
    rows = ["respondent_id," + ",".join(f"agq_{i}" for i in range(1, 13))]
    rows += [f"r{k:02d}," + ",".join(str((k * 7 + i * 3) % 7 + 1) for i in range(12)) for k in range(30)]
    (folder / "responses.csv").write_text("\n".join(rows) + "\n")
    (folder / "study.yaml").write_text("name: tiny\ndata: responses.csv\nid: respondent_id\ninstruments:\n"
                                       "  goals: {instrument: agq-r, columns: 'agq_{n}', response: {min: 1, max: 7}}\n")
    return folder / "study.yaml"


def test_check_passes_after_a_run_and_fails_when_the_export_changes(tmp_path, capsys):
    study = _small_study(tmp_path)
    p, r = tmp_path / "p", tmp_path / "r"
    run_study(study, processed_dir=p, reports_dir=r)
    before = {f: f.read_bytes() for f in p.rglob("*") if f.is_file()}
    assert check_study(study, p, r).ok
    assert main(["run", str(study), "--processed", str(p), "--reports", str(r), "--check"]) == 0
    assert "what a run gives now" in capsys.readouterr().out
    data = study.parent / "responses.csv"
    data.write_text(data.read_text().replace("r00,", "r00x,", 1))
    res = check_study(study, p, r)
    assert not res.ok and str(p / "scores.csv") in res.changed
    assert any("the data 'responses.csv' changed" in x for x in res.reasons)
    assert main(["run", str(study), "--processed", str(p), "--reports", str(r), "--check"]) == 1
    assert "would change" in capsys.readouterr().out
    # --check writes nothing
    assert {f: f.read_bytes() for f in p.rglob("*") if f.is_file()} == before


def test_check_without_outputs_in_place_fails(tmp_path):
    study = _small_study(tmp_path)
    res = check_study(study, tmp_path / "none_p", tmp_path / "none_r")
    assert not res.ok and any("no manifest.json" in x for x in res.reasons)
    assert not (tmp_path / "none_p").exists()
