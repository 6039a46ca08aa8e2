"""``read_frame``: an export read in chunks is the frame ``read_responses`` gives (or its columns)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import read_responses
from analysis.errors import DataError
from analysis.io import chunks as chunks_module
from analysis.io import readers
from analysis.io.chunked_frame import read_frame
from analysis.io.chunks import read_chunks
from conftest import FIXTURES
from messages import flat

CORPUS = FIXTURES.parent / "corpus" / "cases"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in readers.TEXT_SUFFIXES | readers.SPSS_SUFFIXES)
FILES += sorted((FIXTURES / "io").rglob("*.sav")) + sorted((FIXTURES / "io").rglob("*.csv"))
QUALTRICS_REFUSAL = "is a Qualtrics export, which is not read in chunks"


def _read(fn):
    """(the frame or the refusal's text, the warnings' texts)."""
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            got = fn()
        except DataError as exc:
            got = flat(str(exc))
    return got, [str(w.message) for w in said]


def _first_sentence(text: str) -> str:
    return re.split(r"\. (?=[A-Z])", text)[0]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES.parent)) for p in FILES])
@pytest.mark.parametrize("rows", [1, 3])
def test_a_file_read_in_chunks_is_the_file_read_whole(path, rows):
    whole, whole_said = _read(lambda: read_responses(path))
    got, said = _read(lambda: read_frame(path, chunk_rows=rows))
    if isinstance(got, str) and QUALTRICS_REFUSAL in got:
        assert not isinstance(whole, str) and whole.attrs["qualtrics"]          # read whole only
        return
    assert said == whole_said
    if isinstance(whole, str):
        # a chunk lists the further bad rows it holds, the whole file all of them: the refusal itself is the same
        assert isinstance(got, str) and _first_sentence(got) == _first_sentence(whole)
        return
    pd.testing.assert_frame_equal(got, whole)
    assert got.attrs == whole.attrs
    assert [str(t) for t in got.dtypes] == [str(t) for t in whole.dtypes]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(FIXTURES.parent)) for p in FILES])
def test_every_other_column_read_in_chunks_is_those_columns_read_whole(path):
    whole, _ = _read(lambda: read_responses(path))
    if isinstance(whole, str) or whole.attrs["qualtrics"]:
        return
    columns = list(whole.columns)[::2]
    got, _ = _read(lambda: read_frame(path, columns, chunk_rows=2))
    pd.testing.assert_frame_equal(got, whole[columns])
    assert got.attrs == whole.attrs


def test_a_column_settles_on_the_whole_file_not_on_a_chunk(tmp_path):
    f = tmp_path / "s.csv"
    rows = [f"{i:03d},{i % 5 + 1},{i % 3},x{i},{i}" for i in range(1, 31)]
    rows[24] = "025,NA,,x25,25"                  # chunk 3 of 10 rows: a text answer and an empty cell
    f.write_text("id,q1,q2,note,n\n" + "\n".join(rows) + "\n")
    got = read_frame(f, ["id", "q1", "q2", "n"], chunk_rows=10, id_column="id")
    whole = read_responses(f, id_column="id")
    pd.testing.assert_frame_equal(got, whole[["id", "q1", "q2", "n"]])
    assert got["q1"].tolist()[23:26] == ["5", "NA", "2"]         # text in every chunk, as in the whole file
    assert got["q2"].dtype == np.float64 and np.isnan(got["q2"][24])
    assert got["n"].dtype == np.int64 and got["id"].tolist()[:2] == ["001", "002"]
    # chunk 1 alone would settle q1 as numbers
    assert next(read_chunks(f, 10, id_column="id"))["q1"].dtype == np.int64


def test_a_column_the_file_does_not_have_is_refused_naming_the_nearest(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("id,team,q1\nr1,A,3\nr2,B,4\n")
    with pytest.raises(DataError) as err:
        read_frame(f, ["id", "teams"], chunk_rows=1)
    assert flat(str(err.value)) == flat(
        f"file '{f}', column 'teams' is not in the file (columns: id, team, q1). Check the "
        "column's name against the header. Did you mean 'team'?")
    with pytest.raises(DataError) as err:
        read_frame(f, chunk_rows=1, id_column="ID")
    assert "column 'ID' (the id column) is not in the file" in flat(str(err.value))


def test_the_columns_not_kept_are_not_settled_after_the_first_chunk(tmp_path, monkeypatch):
    f = tmp_path / "s.csv"
    f.write_text("id,a,b,c\n" + "".join(f"r{i},{i % 4},{i % 3},{i % 2}\n" for i in range(20)))
    settled = []
    real = chunks_module.read_clean
    monkeypatch.setattr(chunks_module, "read_clean", lambda *a: settled.append(a[-1]) or real(*a))
    got = read_frame(f, ["id", "b"], chunk_rows=5)
    assert settled == [None, ["id", "b"], ["id", "b"], ["id", "b"]]
    assert got["b"].tolist() == [i % 3 for i in range(20)]


def test_an_excel_file_is_refused(tmp_path):
    f = tmp_path / "s.xlsx"
    pd.DataFrame({"id": ["r1"], "q1": [3]}).to_excel(f, index=False)
    with pytest.raises(DataError) as err:
        read_frame(f)
    assert "is not read in chunks: CSV/TSV and SPSS exports are" in flat(str(err.value))


@pytest.mark.parametrize("rows", [1, 2, 5])
def test_a_qualtrics_export_is_refused_in_chunks_of_any_size(rows):
    f = FIXTURES / "io" / "phq_qualtrics.csv"
    assert read_responses(f).attrs["qualtrics"]
    with pytest.raises(DataError) as err:
        list(read_chunks(f, rows))
    assert QUALTRICS_REFUSAL in flat(str(err.value))


@pytest.mark.parametrize("rows", [1, 5])
def test_no_columns_kept_still_counts_the_rows(tmp_path, rows):
    f = tmp_path / "s.csv"
    f.write_text('id,a\n1,2\n3,"x\ny"\n4,5\n')
    assert read_frame(f, [], chunk_rows=rows).shape == read_responses(f)[[]].shape == (3, 0)
