"""Writers: atomic, ordinary permissions, deterministic bytes, never under data/raw/."""

import os

import pandas as pd
import pytest

from analysis import DataError, write_table
from analysis.io import atomic_write_text, write_json


def test_outputs_get_ordinary_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        for path in (write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.csv"),
                     write_table(pd.DataFrame({"a": [1]}), tmp_path / "t.xlsx"),
                     atomic_write_text(tmp_path / "r.html", "<p>hi</p>")):
            assert path.stat().st_mode & 0o777 == 0o644, path
    finally:
        os.umask(old)


def test_no_temporary_file_is_left_behind(tmp_path):
    write_table(pd.DataFrame({"a": [1, 2]}), tmp_path / "t.parquet")
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]


def test_refuses_data_raw(tmp_path):
    target = tmp_path / "data" / "raw" / "study" / "scores.csv"
    with pytest.raises(DataError, match="nothing is written under data/raw/"):
        write_table(pd.DataFrame({"a": [1]}), target)
    assert not target.parent.exists()


def test_same_table_same_bytes(tmp_path):
    df = pd.DataFrame({"x": [1 / 3, 2.5], "y": ["a", "b"]})
    a = write_table(df, tmp_path / "a.csv").read_bytes()
    b = write_table(df, tmp_path / "b.csv").read_bytes()
    assert a == b == b"x,y\n0.3333333333333333,a\n2.5,b\n"
    assert write_json({"b": 1, "a": [1, 2]}, tmp_path / "m.json").read_text() == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": 1\n}\n'


# --- issue 9, item 4 -----------------------------------------------------------------------------
import io  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402

from analysis.io.writers import (TEMP_PREFIX, XLSX_TIME, atomic_folder, check_not_input,  # noqa: E402
                                 deterministic_xlsx, remove_stale)


def test_xlsx_is_byte_identical_across_runs(tmp_path):
    df = pd.DataFrame({"row": [2, 3], "total": [5.0, float("nan")], "band": ["mild", None]})
    a = write_table(df, tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)     # openpyxl stamps the current second into the document and the zip entries
    b = write_table(df, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = z.read("docProps/core.xml").decode()
    assert core.count(XLSX_TIME) == 2      # created and modified
    assert pd.read_excel(tmp_path / "a.xlsx")["total"].tolist()[0] == 5.0


def test_deterministic_xlsx_fixes_whatever_time_was_written():
    def book(stamp):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            zi = zipfile.ZipInfo("docProps/core.xml", date_time=stamp)
            z.writestr(zi, f"<x><dcterms:created x='1'>{stamp}</dcterms:created>"
                           f"<dcterms:modified x='1'>{stamp}</dcterms:modified></x>")
        return buf.getvalue()
    a, b = book((2024, 5, 1, 10, 0, 0)), book((2026, 12, 1, 20, 0, 2))
    assert a != b and deterministic_xlsx(a) == deterministic_xlsx(b)


def test_teams_and_tables_share_one_xlsx_writer():
    import analysis.teams.report as teams

    assert teams.deterministic_xlsx is deterministic_xlsx


def test_check_not_input_sees_the_same_file_by_another_name(tmp_path):
    src = tmp_path / "survey.csv"
    src.write_text("a\n1\n")
    (tmp_path / "link.csv").symlink_to(src)
    os.link(src, tmp_path / "hard.csv")
    for out in (src, tmp_path / "sub" / ".." / "survey.csv", tmp_path / "link.csv", tmp_path / "hard.csv"):
        with pytest.raises(DataError, match=r"is the survey: writing the output there would overwrite an input"):
            check_not_input(out, {"the survey": src})
    check_not_input(tmp_path / "scores.csv", {"the survey": src, "no map": None})


def test_write_table_into_an_existing_folder_is_a_clear_error(tmp_path):
    (tmp_path / "out.csv").mkdir()
    with pytest.raises(DataError, match="is an existing folder, not a file; give a file name for the output"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.csv")


def test_atomic_folder_replaces_only_on_success(tmp_path):
    target = tmp_path / "out"
    with atomic_folder(target) as tmp:
        (tmp / "a.csv").write_text("1")
    with pytest.raises(RuntimeError):
        with atomic_folder(target) as tmp:
            (tmp / "b.csv").write_text("2")
            raise RuntimeError("half way")
    assert sorted(p.name for p in target.iterdir()) == ["a.csv"]
    with atomic_folder(target) as tmp:
        (tmp / "c.csv").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == ["c.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_atomic_folder_refuses_a_file_and_data_raw(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match="is an existing file, not a folder"):
        with atomic_folder(tmp_path / "f"):
            pass
    with pytest.raises(DataError, match="nothing is written under data/raw/"):
        with atomic_folder(tmp_path / "data" / "raw" / "x"):
            pass
    assert (tmp_path / "f").read_text() == "x"


def test_remove_stale_only_touches_dead_goalscope_temporaries(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    dead = proc.pid
    stale = [tmp_path / f"{TEMP_PREFIX}{dead}-scores.csv.x1.csv", tmp_path / f"{TEMP_PREFIX}{dead}-p.x2"]
    stale[0].write_text("half")
    stale[1].mkdir()
    own_name = tmp_path / f".scores.csv.{dead}.tmp"     # not ours (no prefix): kept
    own_name.write_text("user")
    live = tmp_path / f"{TEMP_PREFIX}1-p.x3"              # pid 1 is alive: another run's, kept
    live.mkdir()
    assert sorted(remove_stale(tmp_path)) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([own_name.name, live.name])


SIGTERM_WRITE = """
import os, signal, sys
sys.path.insert(0, {root!r})
import pandas as pd
import analysis.io.writers as w
calls = []
signal.signal(signal.SIGTERM, lambda s, f: calls.append(s) or print("user handler ran", flush=True) or sys.exit(7))
real = pd.DataFrame.to_csv
def slow(self, path, **kw):
    real(self, path, **kw)
    os.kill(os.getpid(), signal.SIGTERM)
pd.DataFrame.to_csv = slow
w.write_table(pd.DataFrame({{"a": [1]}}), {out!r})
"""


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_removes_the_temporary_file_and_still_runs_the_users_handler(tmp_path):
    from conftest import ROOT

    code = SIGTERM_WRITE.format(root=str(ROOT), out=str(tmp_path / "t.csv"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 7 and "user handler ran" in proc.stdout, proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigterm_with_the_default_handler_ends_the_process_and_cleans(tmp_path):
    from conftest import ROOT

    code = SIGTERM_WRITE.format(root=str(ROOT), out=str(tmp_path / "t.csv")).replace(
        "signal.signal(signal.SIGTERM,", "(lambda *a: None)(signal.SIGTERM,")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == -signal.SIGTERM, proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_output_folder_refusals_name_the_file_at_stake(tmp_path):
    """Each refusal of an output folder passes the file it is about and what to do (issue 21)."""
    from analysis.io.writers import check_output_folder

    (tmp_path / "afile").write_text("x")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "study.yaml").write_text("name: s\n")
    cases = [(tmp_path / "afile", {}, tmp_path / "afile",
              "is an existing file, not a folder, so it cannot be the report folder",
              "Give a folder path (it is created if it does not exist)."),
             (tmp_path / "out", {"the study file": tmp_path / "out" / "study.yaml"}, tmp_path / "out" / "study.yaml",
              f"is the study file, held by the report folder '{tmp_path / 'out'}', which every run replaces as a whole",
              "Choose an output folder that contains no input."),
             (tmp_path / "afile" / "r", {}, tmp_path / "afile",
              f"is an existing file, not a folder, so the report folder '{tmp_path / 'afile' / 'r'}' cannot be made "
              f"under it", "Give a path whose parent folders are folders, or move that file.")]
    for folder, inputs, file, problem, hint in cases:
        with pytest.raises(DataError) as exc:
            check_output_folder(folder, inputs, "report folder")
        assert exc.value.parts() == {"file": str(file), "hint": hint}
        assert str(exc.value) == f"file '{file}' {problem}. {hint}"
