"""The fast text path (analysis/io/fast_csv.py) gives exactly what the careful record-by-record path gives.

Every text file of the hardening corpus, and files made to hold each kind of ambiguous cell, are
read twice: as read_responses reads them, and with the fast path switched off. The frames, their
attributes and the refusals must be equal.
"""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import DataError, read_responses
from analysis.io import fast_csv, readers

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "cases"
CORPUS_TEXT = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in readers.TEXT_SUFFIXES)

#: one ambiguous cell each (the column stays text) or a clean decimal column (the column is numeric)
AMBIGUOUS = ["id,q\nS1,007\nS2,1\n", "id,q\nS1,3E4\nS2,1\n", "id,q\nS1,1.\nS2,1\n", "id,q\nS1,.5\nS2,1\n",
             "id,q\nS1,True\nS2,1\n", "id,q\nS1,-inf\nS2,1\n", "id,q\nS1,1234567890123456\nS2,1\n",
             "id,q\nS1, 2\nS2,1\n", "id,q\nS1,+1\nS2,1\n", "id,q\nS1,-0\nS2,1\n", "id,q\nS1,-0.00\nS2,1\n",
             "id,q\nS1,0x174876E800\nS2,100000000000\n", "id,q\nS1,0X1F\nS2,31\n", "id,q\nS1,0xF4240\nS2,1\n", 'id,q\nS1,"1,5"\nS2,1\n',
             "id,q\nS1,00\nS2,1\n", "id,q\nS1,NA\nS2,1\n", "id,q\nS1,nan\nS2,1.5\n", "id,q\nS1,1_000\nS2,1\n",
             'id,q\nS1,"1"\nS2,"007"\n', 'id,q\n"S1","2.5"\n"S2",""\n', "id,q\nS1,2.5999999999999996\nS2,1\n",
             "id,q\nS1,0.12345678901234567890\nS2,1\n", "id,q\nS1,123456789012345\nS2,-123456789012345\n",
             "id,q\nS1,1000000000000000\nS2,1\n", "id,q\n007,1\n7,2\n", "id,q\nS1,٣\nS2,1\n",
             'id,q,r\nS1,"a\nb",1\nS2,x,2\n', 'id,q\nS1,"a""b"\nS2,ab"c\n', "id,q\n\nS1,1\n\nS2,2\n\n\n",
             "id,q\r\nS1,1\r\nS2,\r\n", "id,q\rS1,1\rS2,2\r", "id,,q\nS1,1,2\n", "id\tq\nS1\t1.25\nS2\t-3\n",
             "id;q\nS1;1,5\nS2;2\n", "id,q\nS1,\nS2,\n", "id,q\nS1,10\nS2,-10\nS3,99\nS4,-9\n"]


def _both(path, **kw):
    """(result or refusal, warnings) with the fast path on and off."""
    out = []
    for fast in (True, False):
        saved = readers.read_clean
        if not fast:
            readers.read_clean = lambda *a: None
        try:
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                try:
                    got = read_responses(path, **kw)
                except DataError as exc:
                    got = str(exc)
        finally:
            readers.read_clean = saved
        out.append((got, [str(w.message) for w in said]))
    return out


def _same(path, **kw):
    (fast, fast_said), (careful, careful_said) = _both(path, **kw)
    assert fast_said == careful_said
    if isinstance(careful, str):
        assert fast == careful
        return
    pd.testing.assert_frame_equal(fast, careful)
    assert fast.attrs == careful.attrs


def _taken(path, **kw) -> bool:
    """Whether read_responses took the fast path for this file."""
    taken = []
    saved = readers.read_clean

    def spy(*a):
        df = saved(*a)
        taken.append(df is not None)
        return df
    readers.read_clean = spy
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_responses(path, **kw)
    finally:
        readers.read_clean = saved
    return any(taken)


@pytest.mark.parametrize("path", CORPUS_TEXT, ids=[str(p.relative_to(CORPUS)) for p in CORPUS_TEXT])
def test_corpus_files_read_alike(path):
    _same(path)


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_cells_read_alike_on_the_fast_path(tmp_path, text):
    p = tmp_path / "x.csv"
    p.write_bytes(text.encode("utf-8"))
    _same(p)
    _same(p, id_column="id")
    assert _taken(p)


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_cells_below_clean_rows_read_alike(tmp_path, text):
    """The same cells after 40 clean rows (beyond the first rows that are looked at before reading)."""
    header, _, rest = text.partition("\n")
    sep = "\t" if "\t" in header else ";" if ";" in header else ","
    width = len(header.split(sep))
    clean = "".join(sep.join([f"P{i}"] + ["1"] * (width - 1)) + "\n" for i in range(40))
    p = tmp_path / "x.csv"
    p.write_bytes((header + "\n" + clean + rest).encode("utf-8"))
    _same(p)
    _same(p, id_column="id")


@pytest.mark.parametrize("text", ["id,,Unnamed: 1\nS1,1,2\n", "id,q,q\nS1,1,2\n", "id,q,\nS1,1,2\n",
                                  'id,"q\nr"\nS1,1\n', "id,q\nS1,1\nS2,1,2\n"])
def test_files_left_to_the_careful_path_read_alike(tmp_path, text):
    p = tmp_path / "x.csv"
    p.write_bytes(text.encode("utf-8"))
    _same(p)


def test_fast_path_settles_each_column_by_the_rule(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id,a,b,c,d,e\n007,1,2.5,007,0x1F,\nS2,2,,1,31,\n", encoding="utf-8")
    assert _taken(p, id_column="id")
    df = read_responses(p, id_column="id")
    assert df["id"].tolist() == ["007", "S2"]
    assert df["a"].dtype == np.int64 and df["a"].tolist() == [1, 2]
    assert df["b"].dtype == np.float64 and df["b"].tolist()[0] == 2.5 and np.isnan(df["b"].iloc[1])
    assert df["c"].tolist() == ["007", "1"]
    assert df["d"].tolist() == ["0x1F", "31"]
    assert df["e"].isna().all()


def test_decimals_read_back_as_pythons_float(tmp_path):
    rng = np.random.default_rng(22)
    x = np.concatenate([rng.normal(size=2000), rng.normal(size=2000) * 100, rng.integers(-999, 999, 2000) / 7])
    p = tmp_path / "x.csv"
    p.write_text("id,x\n" + "".join(f"S{i},{float(v)!r}\n" for i, v in enumerate(x)), encoding="utf-8")
    assert _taken(p)
    got = read_responses(p)["x"].to_numpy()
    assert got.dtype == np.float64 and np.array_equal(got, x)


def test_short_row_is_refused_with_its_row(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id,q1,q2\nS1,1,2\nS2,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 3"):
        read_responses(p)
    _same(p)


def test_other_encodings_read_alike(tmp_path):
    text = "id,land,q\nS1,Österreich,1\nS2,España,2\n"
    for name, data in [("bom.csv", b"\xef\xbb\xbf" + text.encode()), ("cp.csv", text.encode("cp1252")),
                       ("u16.csv", text.encode("utf-16"))]:
        p = tmp_path / name
        p.write_bytes(data)
        _same(p)
        assert _taken(p)


def test_lines_of_splits_as_stringio_does():
    import io

    text = "a,b\r\n1,2\r3,4\n\n5,6"
    assert list(fast_csv.lines_of(text)) == list(io.StringIO(text, newline=""))


def test_fast_path_columns_can_be_written_to(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("id,a,b,c\nS1,1,2.5,\nS2,2,3.5,4\n", encoding="utf-8")
    assert _taken(p)
    df = read_responses(p)
    df.loc[0, "a"] = 9
    df.loc[1, "b"] = -1.0
    df.loc[0, "c"] = 0.0
    assert df["a"].tolist() == [9, 2] and df["b"].tolist() == [2.5, -1.0] and df["c"].tolist() == [0.0, 4.0]
