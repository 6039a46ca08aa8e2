"""The fast CSV writer (analysis/io/fast_csv.py) writes the bytes pandas' to_csv writes, and floats read back exactly."""

import numpy as np
import pandas as pd
import pytest

from analysis import read_responses
from analysis.io import fast_csv, write_table


def _frame(n: int, seed: int) -> pd.DataFrame:
    """Scores and counts as goalscope writes them, and floats of every magnitude."""
    rng = np.random.default_rng(seed)
    k = rng.integers(2, 4, n)
    scores = rng.integers(k, 5 * k + 1) / k
    scores[rng.random(n) < 0.05] = np.nan
    wide = rng.uniform(1, 10, n) * 10.0 ** rng.uniform(-7, 18, n) * rng.choice([-1, 1], n)
    wide[:12] = [np.inf, -np.inf, 0.0, 1e15, 1e16, 3.0, 1e-5, 1e-4, 123456789012345.0, 0.1 + 0.2,
                 999999999999999.9, 23643249400514.0]
    wide[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame({"id": [f"R{i:05d}" for i in range(n)], "mastery": scores, "mastery_n_valid": k,
                         "wide": wide, "whole": np.floor(wide), "row": np.arange(2, n + 2),
                         "band": pd.array(np.where(rng.random(n) < 0.1, None, "mild"), dtype="str")})


@pytest.mark.parametrize("seed", [1, 2])
def test_bytes_equal_to_csv(seed):
    df = _frame(3000, seed)
    assert b"".join(fast_csv.csv_bytes(df)) == df.to_csv(index=False, lineterminator="\n").encode()


def test_rows_written_in_parts_join_up(monkeypatch):
    df = _frame(2500, 3)
    monkeypatch.setattr(fast_csv, "WRITE_ROWS", 1000)
    parts = fast_csv.csv_bytes(df)
    assert len(parts) == 4 and b"".join(parts) == df.to_csv(index=False, lineterminator="\n").encode()


def test_negative_zero_and_many_distinct_floats():
    df = pd.DataFrame({"a": [0.0, -0.0, 1.5], "b": [1, 2, 3]})
    assert b"".join(fast_csv.csv_bytes(df)) == df.to_csv(index=False, lineterminator="\n").encode()


@pytest.mark.parametrize("df", [pd.DataFrame({"a": [1.0, 2.0]}),                          # one column
                                pd.DataFrame({"id": ["a,b", "c"], "x": [1, 2]}),            # a cell needing quotes
                                pd.DataFrame({"id": ['say "hi"', "c"], "x": [1, 2]}),
                                pd.DataFrame({"ok": [True, False], "x": [1, 2]}),           # booleans
                                pd.DataFrame({"id": ["a", 3], "x": [1, 2]}, dtype=object),  # mixed objects
                                pd.DataFrame({1: [1], 2: [2]})])                            # names not text
def test_frames_left_to_pandas(df):
    assert fast_csv.csv_bytes(df) is None


def test_write_table_reads_back_every_float_exactly(tmp_path):
    df = _frame(3000, 4)
    out = write_table(df, tmp_path / "s.csv")
    back = read_responses(out, id_column="id")
    assert back["mastery"].dtype == np.float64                  # scores: plain decimals, numbers again
    np.testing.assert_array_equal(back["mastery"].to_numpy(), df["mastery"].to_numpy())
    assert back["row"].tolist() == df["row"].tolist()
    for c in ["wide", "whole"]:                                  # '1e+16', 'inf': text by the reader's rule
        text = back[c].to_numpy(dtype=object)
        got = np.array([float(t) if isinstance(t, str) else np.nan for t in text])
        np.testing.assert_array_equal(got, df[c].to_numpy())


def test_same_frame_same_bytes(tmp_path):
    df = _frame(2000, 5)
    a = write_table(df, tmp_path / "a.csv").read_bytes()
    b = write_table(df.copy(), tmp_path / "b.csv").read_bytes()
    assert a == b == df.to_csv(index=False, lineterminator="\n").encode()
