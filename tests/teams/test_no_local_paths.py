"""No output names a local folder: the staff workbook and HTML (one wave and several) and the
coded-goals workbook hold no path of the machine that made them."""

import io
import zipfile
from pathlib import Path

import pandas as pd

import analysis
from analysis.datasets import read_dataset
from analysis.goals import code_goals
from analysis.goals.report import coded_workbook_bytes
from analysis.teams import build_staff_report, build_wave_report, write_staff_report, write_wave_report
from tests.conftest import ROOT


def _local_folders(tmp_path) -> list[str]:
    """Folders whose name must not appear: the repository, the package, the temporary folder."""
    return [str(ROOT), str(ROOT.resolve()), str(tmp_path), str(tmp_path.resolve()),
            str(Path(analysis.__file__).resolve().parent)]


def _xlsx_text(blob: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


def _no_folder(text: str, tmp_path) -> None:
    for folder in _local_folders(tmp_path):
        assert folder not in text, folder
    assert "/work/" not in text and "/tmp/" not in text and "/home/" not in text


def test_staff_outputs_name_no_local_folder(tmp_path):
    d = read_dataset("staff_demo")
    rep = build_staff_report(d, "vandewalle", "team", parent="department", columns="wdgo_{n}")
    _no_folder(_xlsx_text(write_staff_report(rep, tmp_path / "t.xlsx").read_bytes()), tmp_path)
    _no_folder(write_staff_report(rep, tmp_path / "t.html").read_text(), tmp_path)
    waves = build_wave_report({"2025": d, "2026": read_dataset("staff_demo_wave2")}, "vandewalle", "team",
                              columns="wdgo_{n}")
    _no_folder(_xlsx_text(write_wave_report(waves, tmp_path / "w.xlsx").read_bytes()), tmp_path)
    _no_folder(write_wave_report(waves, tmp_path / "w.html").read_text(), tmp_path)


def test_the_coded_goals_workbook_names_no_local_folder(tmp_path):
    d = pd.DataFrame({"goal": ["Learn to use the new tool on three cases this month", "Be the top seller", ""]})
    text = _xlsx_text(coded_workbook_bytes(code_goals(d, "goal")))
    _no_folder(text, tmp_path)
    assert "(file en.yaml)" in text
