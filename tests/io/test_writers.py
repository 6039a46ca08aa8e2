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
