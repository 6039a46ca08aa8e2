"""A run's outputs (issue 9, item 4): all or nothing, never over an input, no temp files left behind."""

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
import yaml

from analysis import DataError, StudyError
from analysis.cli import main
from analysis.io.writers import TEMP_PREFIX
from analysis.study import run_study
from conftest import DEMO, ROOT
from messages import says


def _small_study(tmp_path, **fields):
    """A one-instrument study over the first 30 demo rows, in its own folder."""
    home = tmp_path / "study"
    home.mkdir()
    pd.read_csv(DEMO / "responses.csv").head(30).to_csv(home / "responses.csv", index=False)
    spec = {"name": "small", "data": "responses.csv", "id": "respondent_id", "identifiers": ["email"],
            "missing_codes": [-99],
            "instruments": {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}}}}
    spec.update(fields)
    (home / "study.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    return home / "study.yaml"


def _temps(folder):
    return sorted(p.name for p in folder.rglob(f"{TEMP_PREFIX}*"))


def test_outputs_are_reported_at_their_final_paths(tmp_path):
    res = run_study(_small_study(tmp_path), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert res.outputs["scores"] == (tmp_path / "p" / "scores.csv").resolve()
    assert res.outputs["report"] == (tmp_path / "r" / "index.html").resolve()
    assert all(p.is_file() for p in res.outputs.values())
    assert _temps(tmp_path) == []
    assert oct((tmp_path / "p").stat().st_mode & 0o777) == oct(0o777 & ~_umask())


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


def test_a_failed_run_leaves_the_previous_outputs_and_no_half_folder(tmp_path, monkeypatch):
    study = _small_study(tmp_path)
    run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    before = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.glob("[pr]/**/*") if p.is_file()}
    (tmp_path / "p" / "extra.txt").write_text("an older file")

    import analysis.pipeline.report as report

    def broken(study, instruments, result, measurements, analyses, folder, **kw):   # fails after the tables
        (folder / "partial.html").write_text("<html>")
        raise DataError("the report could not be written")

    monkeypatch.setattr(report, "write_full_report", broken)
    with pytest.raises(DataError, match="the report could not be written"):
        run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    after = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.glob("[pr]/**/*") if p.is_file()}
    assert after.pop(tmp_path.joinpath("p", "extra.txt").relative_to(tmp_path)) == b"an older file"
    assert after == before
    assert _temps(tmp_path) == []


def test_a_failed_first_run_creates_no_folder(tmp_path, monkeypatch):
    import analysis.pipeline.report as report

    monkeypatch.setattr(report, "write_full_report", lambda *args, **kw: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        run_study(_small_study(tmp_path), processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["study"]


def test_a_successful_run_replaces_the_old_folder_whole(tmp_path):
    study = _small_study(tmp_path)
    run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    (tmp_path / "p" / "stale_output.csv").write_text("x\n")
    run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == ["audit.csv", "manifest.json", "missing.csv",
                                                                   "scores.csv"]


def test_one_folder_for_both(tmp_path):
    res = run_study(_small_study(tmp_path), processed_dir=tmp_path / "out", reports_dir=tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["audit.csv", "index.html", "manifest.json", "missing.csv", "scores.csv", "tables"]
    assert res.outputs["report"] == (tmp_path / "out" / "index.html").resolve()


SIGTERM_RUN = textwrap.dedent("""\
    import os, signal, sys
    sys.path.insert(0, {root!r})
    import analysis.pipeline.report as report
    from analysis.study import run_study

    def killed(study, instruments, result, measurements, analyses, folder, **kw):
        (folder / "half.html").write_text("<html>")
        os.kill(os.getpid(), signal.SIGTERM)      # as `kill PID` would, in the middle of the run
        raise AssertionError("not reached: SIGTERM ends the process")

    report.write_full_report = killed
    run_study({study!r}, processed_dir={p!r}, reports_dir={r!r})
    """)


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_mid_run_leaves_no_temporary_folder_and_the_old_outputs(tmp_path):
    study = _small_study(tmp_path)
    run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    before = (tmp_path / "p" / "scores.csv").read_bytes()
    code = SIGTERM_RUN.format(root=str(ROOT), study=str(study), p=str(tmp_path / "p"), r=str(tmp_path / "r"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == -signal.SIGTERM, proc.stderr
    assert _temps(tmp_path) == []
    assert (tmp_path / "p" / "scores.csv").read_bytes() == before
    assert not (tmp_path / "r" / "half.html").exists()


def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_run_removes_stale_temporaries_of_dead_processes_only(tmp_path):
    study = _small_study(tmp_path)
    dead = _dead_pid()
    stale_dir = tmp_path / f"{TEMP_PREFIX}{dead}-p.abc123"
    stale_dir.mkdir()
    (stale_dir / "scores.csv").write_text("half\n")
    stale_file = tmp_path / f"{TEMP_PREFIX}{dead}-notes.csv.xyz.tmp"
    stale_file.write_text("half")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f"{TEMP_PREFIX}{alive.pid}-p.def456"
        live.mkdir()
        other = tmp_path / ".hidden-user-file"
        other.write_text("mine")
        run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
        assert not stale_dir.exists() and not stale_file.exists()
        assert live.is_dir() and other.read_text() == "mine"      # another run's, and not ours: kept
    finally:
        alive.kill()
        alive.wait()


@pytest.mark.parametrize("where", ["processed", "reports"])
def test_an_output_folder_that_is_a_file_is_one_clear_message(tmp_path, capsys, where):
    study = _small_study(tmp_path)
    (tmp_path / "afile").write_text("keep me")
    args = {"processed": tmp_path / "p", "reports": tmp_path / "r"}
    args[where] = tmp_path / "afile"
    with pytest.raises(SystemExit) as exc:
        main(["run", str(study), "--processed", str(args["processed"]), "--reports", str(args["reports"])])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert says(err, f"file '{tmp_path / 'afile'}' is an existing file, not a folder, so it cannot be the")
    assert says(err, f"(--{where}). Give a folder path (it is created if it does not exist).")
    assert "Traceback" not in err and (tmp_path / "afile").read_text() == "keep me"
    assert not (tmp_path / "p").exists() and not (tmp_path / "r").exists()


@pytest.mark.parametrize("folder, what", [
    ("study", "the study file"), (".", "the study file"), ("study/keys", "the key file of instrument 'strategies'"),
])
def test_an_output_folder_may_not_hold_an_input(tmp_path, folder, what):
    study = _small_study(tmp_path)
    (study.parent / "keys").mkdir()
    shutil.copy(DEMO / "keys" / "disorganization.yaml", study.parent / "keys" / "disorganization.yaml")
    spec = yaml.safe_load(study.read_text())
    spec["instruments"]["strategies"] = {"instrument": "keys/disorganization.yaml", "columns": "disorg_{n}"}
    study.write_text(yaml.safe_dump(spec))
    target = tmp_path / folder
    with pytest.raises(DataError, match=f"is {what}, held by the processed-data folder"):
        run_study(study, processed_dir=target, reports_dir=tmp_path / "r")
    assert study.is_file() and (study.parent / "keys" / "disorganization.yaml").is_file()


def test_nested_output_folders_are_refused(tmp_path):
    with pytest.raises(StudyError) as err:
        run_study(_small_study(tmp_path), processed_dir=tmp_path / "out", reports_dir=tmp_path / "out" / "report")
    assert says(err.value, f"reports_dir='{tmp_path / 'out' / 'report'}' and processed_dir='{tmp_path / 'out'}' lie "
                           "one inside the other; each is replaced as a whole, so give two separate folders (or the "
                           "same one)")


def test_data_outside_the_study_folder_needs_an_explicit_option(tmp_path, capsys):
    study = _small_study(tmp_path)
    shutil.move(study.parent / "responses.csv", tmp_path / "responses.csv")
    spec = yaml.safe_load(study.read_text())
    spec["data"] = "../responses.csv"
    study.write_text(yaml.safe_dump(spec))
    with pytest.raises(StudyError, match=r"field 'data', value '\.\./responses\.csv' is outside the study's "
                                         r"folder .*add 'allow_outside_data: true' to the study file or pass "
                                         r"allow_outside_data=True$") as err:
        run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
    assert err.value.parts()["file"] == str(study) and err.value.parts()["field"] == "data"
    with pytest.raises(SystemExit) as exc:
        main(["run", str(study), "--processed", str(tmp_path / "p"), "--reports", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and says(err, "is outside the study's folder") and says(err, "or pass --allow-outside-data")
    assert not (tmp_path / "p").exists()
    # the option, and the study field, each allow it
    assert main(["run", str(study), "--processed", str(tmp_path / "p"), "--reports", str(tmp_path / "r"),
                 "--allow-outside-data"]) == 0
    spec["allow_outside_data"] = True
    study.write_text(yaml.safe_dump(spec))
    res = run_study(study, processed_dir=tmp_path / "p2", reports_dir=tmp_path / "r2")
    assert len(res.scores) == 30


def test_an_absolute_data_path_inside_the_folder_is_fine(tmp_path):
    study = _small_study(tmp_path, data=None)
    spec = yaml.safe_load(study.read_text())
    spec["data"] = str(study.parent / "responses.csv")
    study.write_text(yaml.safe_dump(spec))
    assert len(run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r").scores) == 30


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_symlink_out_of_the_study_folder_counts_as_outside(tmp_path):
    study = _small_study(tmp_path)
    shutil.move(study.parent / "responses.csv", tmp_path / "elsewhere.csv")
    (study.parent / "responses.csv").symlink_to(tmp_path / "elsewhere.csv")
    with pytest.raises(StudyError, match="is outside the study's folder"):
        run_study(study, processed_dir=tmp_path / "p", reports_dir=tmp_path / "r")
