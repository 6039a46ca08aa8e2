"""The malformed-input corpus: every case runs through the command line as a user would.

Each folder under ``cases/`` holds a small export (or study file, key, rules file) and a
``case.yaml`` saying which ``goalscope`` command to run on it and what must come out: the exit
code, fragments of the message, and for successful runs the exact output tables. Whatever a case
expects, every run must also end without a traceback or an "unexpected error", leave its input
files unchanged, and keep rows in equal to rows out where the case says so.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.cli import main
from messages import says

CASES = Path(__file__).resolve().parent / "cases"
CASE_DIRS = sorted(p.parent for p in CASES.glob("*/case.yaml"))


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _table(path: Path) -> pd.DataFrame:
    """A produced or expected table as text cells, exactly as written."""
    if path.suffix in (".xlsx", ".xls"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str)
    return pd.read_csv(path, dtype=str, keep_default_na=False, sep=None if path.suffix == ".tsv" else ",",
                       engine="python")


def _data_rows(path: Path) -> int:
    return len(_table(path))


def test_corpus_is_large_enough():
    assert len(CASE_DIRS) >= 60, f"the corpus holds {len(CASE_DIRS)} cases; the hardening issue asks for 60"


@pytest.mark.parametrize("case_dir", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case(case_dir: Path, tmp_path, monkeypatch, capsys):
    spec = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8"))
    expect = spec.get("expect", {})
    work = tmp_path / case_dir.name
    shutil.copytree(case_dir, work)
    inputs = _digest(work)
    monkeypatch.chdir(work)
    monkeypatch.setenv("GOALSCOPE_PSEUDONYM_KEY", "corpus-test-key")
    try:
        code = main(shlex.split(spec["command"]))
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    text = out + err
    assert "Traceback" not in text, text
    assert "unexpected error" not in text, text
    assert code == expect.get("exit", 0), text
    for fragment in expect.get("message", []):
        assert says(text, fragment), f"{fragment!r} not in the output:\n{text}"
    for fragment in expect.get("absent", []):
        assert not says(text, fragment), f"{fragment!r} should not be in the output:\n{text}"
    after = _digest(work)
    changed = [f for f, h in inputs.items() if after.get(f) != h]
    assert not changed, f"input files changed: {changed}"
    for produced, expected in expect.get("files", {}).items():
        assert (work / produced).exists(), f"{produced} was not written\n{text}"
        got, want = _table(work / produced), _table(case_dir / expected)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=produced)
    if "rows_equal" in expect:
        src, dst = expect["rows_equal"]
        assert _data_rows(work / src) == _data_rows(work / dst)
    for absent in expect.get("not_written", []):
        assert not (work / absent).exists(), f"{absent} should not exist after this run"
