"""``goalscope score --chunk-rows``: a CSV read in chunks gives the bytes the file read whole gives.

The fixture ``tests/fixtures/stream/stream.csv`` (made by ``make_stream.py`` beside it) has 40 rows,
quoted answers with line breaks where chunk 1 ends and chunk 2 begins (``--chunk-rows 7``), a blank
row, NA tokens and missing codes in every chunk, and an answer outside 1-7 on row 20 (chunk 3).
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import read_responses, score
from analysis.cli import main
from analysis.errors import DataError
from analysis.io import chunks as chunks_module
from analysis.io import readers
from analysis.io.chunks import read_chunks
from analysis.scoring.streaming import combine_summaries, score_file
from conftest import FIXTURES
from messages import flat

STREAM = FIXTURES / "stream" / "stream.csv"
ITEMS = ["--instrument", "agq-r", "--columns", "q{n}", "--missing", "-99", "--response-min", "1", "--response-max", "7"]


def goalscope(*args):
    try:
        return main([str(a) for a in args])
    except SystemExit as exc:
        return exc.code


def outputs(tmp_path, name, *args):
    out = tmp_path / f"{name}.csv"
    assert goalscope("score", STREAM, *ITEMS, *args, "-o", out) == 0
    audit = tmp_path / f"{name}.audit.csv"
    return out.read_bytes(), audit.read_bytes() if audit.exists() else None


@pytest.mark.parametrize("rows", [1, 7, 13, 1000])
def test_chunked_scores_and_audit_are_the_bytes_of_the_whole_file(tmp_path, rows):
    whole = outputs(tmp_path, "whole", "--on-invalid", "missing", "--chunk-rows", "0")
    chunked = outputs(tmp_path, f"c{rows}", "--on-invalid", "missing", "--chunk-rows", rows)
    assert chunked == whole
    audit = pd.read_csv(tmp_path / "whole.audit.csv", keep_default_na=False)
    assert len(audit) == 44
    assert audit["reason"].value_counts().to_dict() == {
        "missing code": 22, "text token 'NA' read as missing": 14, "text token 'N/A' read as missing": 7,
        "outside the response range 1–7": 1}
    # rows as the file counts them: the record on row 20 starts on line 24 (three notes span lines)
    assert audit.loc[audit["reason"].str.startswith("outside"), ["row", "column", "value"]].values.tolist() == [
        [20, "q4", "9"]]


def test_frames_name_the_file_rows(tmp_path):
    chunks = list(read_chunks(STREAM, 7))
    assert [c.attrs["first_row"] for c in chunks] == [2, 9, 16, 23, 30, 37]
    assert [len(c) for c in chunks] == [7, 7, 7, 7, 7, 5]              # the blank lines at the end are no rows
    whole = read_responses(STREAM)
    assert chunks[0]["note"].iloc[6] == "first line\nsecond line" == whole["note"].iloc[6]
    assert chunks[1]["note"].iloc[0] == 'she said "fine"\r\nand left\nearly'
    assert chunks[1].iloc[3].isna().all()                             # row 12: the blank line
    # the same cells; a chunk without a text cell in a column holds its numbers as numbers
    joined = pd.concat(chunks, ignore_index=True)
    assert joined.map(as_written).equals(whole.map(as_written))
    assert chunks[0]["q1"].dtype == np.int64 and pd.api.types.is_string_dtype(whole["q1"])


def as_written(v):
    return None if pd.isna(v) else v if isinstance(v, str) else f"{v:g}"


def test_a_refused_cell_in_chunk_3_is_named_as_the_whole_file_names_it(tmp_path, capsys):
    assert goalscope("score", STREAM, *ITEMS, "--chunk-rows", "0", "-o", tmp_path / "a.csv") == 2
    whole = flat(capsys.readouterr().err)
    assert goalscope("score", STREAM, *ITEMS, "--chunk-rows", "7", "-o", tmp_path / "b.csv") == 2
    assert flat(capsys.readouterr().err) == whole
    assert f"file '{STREAM}', row 20, column 'q4' (item 4 of 'agq-r'), value '9'" in whole
    assert not list(tmp_path.iterdir())                               # nothing written, no temporary left


def test_a_short_row_in_chunk_3_is_named_as_the_whole_file_names_it(tmp_path, capsys):
    text = STREAM.read_text().replace("018,", "018,1,2\n999,", 1)      # row 19 is cut after two answers
    f = tmp_path / "short.csv"
    f.write_text(text)
    assert goalscope("score", f, *ITEMS, "--chunk-rows", "0", "-o", tmp_path / "a.csv") == 2
    whole = flat(capsys.readouterr().err)
    assert goalscope("score", f, *ITEMS, "--chunk-rows", "7", "-o", tmp_path / "b.csv") == 2
    assert flat(capsys.readouterr().err) == whole
    assert "row 19 (line 23 of the file)" in whole and "3 fields where the header has 14" in whole


def test_summary_adds_up_across_chunks():
    whole = score(read_responses(STREAM), "agq-r", columns="q{n}", missing=[-99], response={"min": 1, "max": 7},
                  on_invalid="missing").summary()
    parts = [score(c, "agq-r", columns="q{n}", missing=[-99], response={"min": 1, "max": 7},
                   on_invalid="missing").summary() for c in read_chunks(STREAM, 7)]
    s = combine_summaries(parts)
    cols = ["scale", "n_items", "method", "min_valid", "rule", "n", "n_scored", "n_missing"]
    pd.testing.assert_frame_equal(s[cols], whole[cols])
    assert s["n"].tolist() == [40, 40, 40, 40]
    np.testing.assert_allclose(s[["mean", "sd"]], whole[["mean", "sd"]], rtol=0, atol=1e-12)


def test_score_file_returns_the_whole_sample(tmp_path):
    res = score_file(STREAM, "agq-r", tmp_path / "s.csv", chunk_rows=7, columns="q{n}", missing=[-99],
                     response={"min": 1, "max": 7}, on_invalid="missing")
    assert (res["n"], res["n_audit"], res["instrument"]) == (40, 44, "agq-r")
    whole = score(read_responses(STREAM), "agq-r", columns="q{n}", missing=[-99], response={"min": 1, "max": 7},
                  on_invalid="missing").summary()
    assert res["summary"]["n_scored"].tolist() == whole["n_scored"].tolist() == [37, 37, 39, 38]


def ids_file(tmp_path, repeat=None):
    """The fixture without its blank row 12 (every row gets an id; later rows move up one), ``pid`` of
    the row that is then row 29 set to ``repeat``."""
    text = STREAM.read_text().replace("\n\n012,", "\n012,", 1)
    if repeat:
        text = text.replace("\n029,", f"\n{repeat},", 1)
    f = tmp_path / "ids.csv"
    f.write_text(text)
    return f


def test_ids_are_written_as_the_whole_file_writes_them(tmp_path):
    f = ids_file(tmp_path)
    for name, rows in (("a", "0"), ("b", "7")):
        assert goalscope("score", f, *ITEMS, "--id-column", "pid", "--on-invalid", "missing", "--chunk-rows", rows,
                         "-o", tmp_path / f"{name}.csv") == 0
    for suffix in (".csv", ".audit.csv"):
        assert (tmp_path / f"a{suffix}").read_bytes() == (tmp_path / f"b{suffix}").read_bytes()
    assert (tmp_path / "b.csv").read_text().splitlines()[1].startswith("001,")


def test_an_id_repeated_in_two_chunks_is_refused_naming_both_rows(tmp_path, capsys):
    f = ids_file(tmp_path, repeat="003")                              # row 29 repeats row 4's id
    assert goalscope("score", f, *ITEMS, "--id-column", "pid", "--on-invalid", "missing", "--chunk-rows", "7",
                     "-o", tmp_path / "b.csv") == 2
    chunked = flat(capsys.readouterr().err)
    assert f"file '{f}', column 'pid': id '003' appears in row 4 and row 29" in chunked
    assert goalscope("score", f, *ITEMS, "--id-column", "pid", "--on-invalid", "missing", "--chunk-rows", "0",
                     "-o", tmp_path / "b.csv") == 2
    assert flat(capsys.readouterr().err) == chunked                   # as the whole file says it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ids.csv"]


def test_chunk_rows_refusals(tmp_path, capsys):
    assert goalscope("score", STREAM, *ITEMS, "--chunk-rows", "-3", "-o", tmp_path / "a.csv") == 2
    assert "argument --chunk-rows: '-3' is not a whole number of rows (0 or more; 0 reads the file whole)" in \
        flat(capsys.readouterr().err)
    assert goalscope("score", STREAM, *ITEMS, "--chunk-rows", "7", "-o", tmp_path / "a.parquet") == 2
    assert (f"file '{tmp_path / 'a.parquet'}' is not a .csv file name: scores read in chunks are written as CSV. "
            "Name a .csv output, or read the file whole (--chunk-rows 0) for .xlsx or .parquet.") in \
        flat(capsys.readouterr().err)
    xlsx = FIXTURES / "io" / "phq.xlsx"
    assert goalscope("score", xlsx, "--instrument", "phq-9", "--chunk-rows", "7", "-o", tmp_path / "a.csv") == 2
    assert (f"file '{xlsx}' is not read in chunks: --chunk-rows reads CSV/TSV and SPSS exports that are not "
            "Qualtrics exports. Leave out --chunk-rows (or pass --chunk-rows 0) to read it whole.") in flat(capsys.readouterr().err)


def test_a_big_file_is_read_in_chunks_without_asking(tmp_path, monkeypatch):
    import analysis.io.chunks as chunks

    seen = []
    real = chunks.read_chunks
    monkeypatch.setattr(chunks, "AUTO_CHUNK_BYTES", 100)
    monkeypatch.setattr(chunks, "read_chunks", lambda *a, **k: seen.append(a[1]) or real(*a, **k))
    assert goalscope("score", STREAM, *ITEMS, "--on-invalid", "missing", "-o", tmp_path / "a.csv") == 0
    assert seen == [None]                                              # the default size: 1,000,000 cells
    monkeypatch.setattr(chunks, "AUTO_CHUNK_BYTES", 10**9)
    assert goalscope("score", STREAM, *ITEMS, "--on-invalid", "missing", "-o", tmp_path / "b.csv") == 0
    assert seen == [None]


def test_an_spss_file_in_chunks_gives_the_bytes_of_the_whole_file(tmp_path, capsys):
    import pyreadstat

    rng = np.random.default_rng(22)
    x = rng.integers(0, 4, size=(25, 9)).astype(float)               # integer draws only
    code = rng.integers(0, 100, size=x.shape)
    x[code < 8] = -99
    x[(code >= 8) & (code < 14)] = -98                               # two user-missing codes, interleaved
    x[code >= 97] = 7                                                # outside 0-3
    df = pd.DataFrame(x, columns=[f"PHQ9_{n}" for n in range(1, 10)])
    df.insert(0, "pid", [f"P{i:02d}" for i in range(1, 26)])
    sav = tmp_path / "phq.sav"
    pyreadstat.write_sav(df, str(sav), missing_ranges={c: [-99, -98] for c in df.columns[1:]})
    args = ["score", sav, "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--id-column", "pid",
            "--on-invalid", "missing"]
    assert goalscope(*args, "--chunk-rows", "0", "-o", tmp_path / "a.csv") == 0
    for rows in (1, 4, 10):
        assert goalscope(*args, "--chunk-rows", rows, "-o", tmp_path / f"b{rows}.csv") == 0
        for suffix in (".csv", ".audit.csv"):
            assert (tmp_path / f"b{rows}{suffix}").read_bytes() == (tmp_path / f"a{suffix}").read_bytes()
    audit = pd.read_csv(tmp_path / "a.audit.csv")
    assert audit["reason"].value_counts().to_dict() == {
        "SPSS user-missing code -99": int((x == -99).sum()), "SPSS user-missing code -98": int((x == -98).sum()),
        "outside the response range 0–3": int((x == 7).sum())}
    capsys.readouterr()
    said = []
    for rows in ("0", "4"):                                          # refused as the whole file refuses
        assert goalscope("score", sav, "--instrument", "phq-9", "--columns", "PHQ9_{n}", "--chunk-rows", rows,
                         "-o", tmp_path / "c.csv") == 2
        said.append(flat(capsys.readouterr().err))
    assert said[0] == said[1] and "value '7': outside the response range 0–3" in said[0]


def test_an_absent_id_column_is_refused_as_the_whole_file_refuses_it(tmp_path, capsys):
    said = []
    for rows in ("0", "7"):
        assert goalscope("score", STREAM, *ITEMS, "--id-column", "pidd", "--chunk-rows", rows, "-o",
                         tmp_path / "a.csv") == 2
        said.append(flat(capsys.readouterr().err))
    assert said[0] == said[1]
    assert f"file '{STREAM}', column 'pidd' (the id column) is not in the file" in said[0]


def test_the_progress_bar_is_on_stderr_only_when_asked(tmp_path, capsys):
    assert goalscope("score", STREAM, *ITEMS, "--on-invalid", "missing", "--chunk-rows", "7", "-o",
                     tmp_path / "a.csv") == 0
    quiet = capsys.readouterr()
    assert quiet.err == ""                                            # stderr is no terminal here
    assert goalscope("score", STREAM, *ITEMS, "--on-invalid", "missing", "--chunk-rows", "7", "--progress", "-o",
                     tmp_path / "b.csv") == 0
    shown = capsys.readouterr()
    assert "scoring stream.csv: 100%" in shown.err
    assert shown.out.replace("b.", "a.") == quiet.out and shown.out.startswith("scored 40 rows")


def test_a_file_that_is_not_spss_is_refused_as_the_whole_read_refuses_it(tmp_path, capsys):
    sav = tmp_path / "bad.sav"
    sav.write_bytes(b"not an SPSS file at all\n")
    said = []
    for rows in ("0", "4"):
        assert goalscope("score", sav, "--instrument", "phq-9", "--chunk-rows", rows, "-o", tmp_path / "a.csv") == 2
        said.append(flat(capsys.readouterr().err))
    assert said[0] == said[1] and f"file '{sav}' cannot be read as an SPSS .sav file" in said[0]


# ---------------------------------------------------------------------------------------------
# the fast path of read_chunks: plain chunks parsed by pyarrow, the rest record by record
CORPUS = FIXTURES.parent / "corpus" / "cases"
CORPUS_TEXT = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in readers.TEXT_SUFFIXES)


def _careful_only(*args):
    return 0
    yield                                                # a generator that reads no row


def _chunked(path, rows, fast, monkeypatch, **kw):
    """(frames or the refusal, warnings) of read_chunks with the fast path on or off."""
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(chunks_module, "_fast_chunks", _careful_only)
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            try:
                got = list(read_chunks(path, rows, **kw))
            except DataError as exc:
                got = str(exc)
    return got, [str(w.message) for w in said]


def _alike(path, rows, monkeypatch, **kw):
    (fast, fast_said), (careful, careful_said) = (_chunked(path, rows, f, monkeypatch, **kw) for f in (True, False))
    assert fast_said == careful_said
    if isinstance(careful, str):
        assert fast == careful
        return fast
    assert len(fast) == len(careful)
    for a, b in zip(fast, careful):
        pd.testing.assert_frame_equal(a, b)
        assert a.attrs == b.attrs
    return fast


@pytest.mark.parametrize("path", CORPUS_TEXT, ids=[str(p.relative_to(CORPUS)) for p in CORPUS_TEXT])
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_corpus_files_read_alike_in_chunks(path, rows, monkeypatch):
    _alike(path, rows, monkeypatch)


PLAIN = "id,q1,q2\n" + "".join(f"S{i},{i % 5 + 1},{'' if i % 7 == 0 else i % 3}\n" for i in range(1, 24))


@pytest.mark.parametrize("tail, rows", [
    ("", 5),                                             # plain to the end (the last chunk shorter)
    ("S24,1,2", 4),                                      # no line end after the last row
    ("S24,NA,2\nS25,1,2\n", 5),                          # a text cell in the last chunk only
    ('S24,"1",2\nS25,"a\nb",2\n', 5),                    # quotes from row 25 on: the rest record by record
    ("S24,1,2\n\nS25,1,2\n", 5),                         # a blank row in the last chunk
    ("S24,1,2\n\n\n", 6),                                # blank lines at the end are no rows
    ("S24,1\nS25,1,2\n", 5),                             # a short row in chunk 5: refused, named by its row
    ("S24,1,2\r\nS25,1,2\r\n", 5),                       # a line end changes
    ("S24,1,2\rS25,1,2\r", 5),                           # lone carriage returns
    ("S24,\xff,2\n", 5),                                 # a byte that is not UTF-8 further down
    ('"S24","1","2"\n"S25","1",""\n', 5),               # quoted answers, one record a line: fast
    ('S24,a"b,"c\nd"\nS25,1,2\n', 24),                   # a quote inside an answer, then a field over two lines
    ('S24,a""","c\nd"\nS25,1,2\n', 23),                  # the same with an even number of quotes on the line
    ('S24,"a\nb",1\n', 24),                             # a chunk that would end inside a quoted answer
])
def test_plain_chunks_then_the_careful_path_read_as_the_careful_path_alone(tmp_path, monkeypatch, tail, rows):
    f = tmp_path / "s.csv"
    f.write_bytes(PLAIN.encode() + tail.encode("latin-1"))
    got = _alike(f, rows, monkeypatch, id_column="id")
    if isinstance(got, list):
        assert sum(len(c) for c in got) >= 23
        assert [c.attrs["first_row"] for c in got] == [2 + rows * k for k in range(len(got))]


def test_the_fast_path_reads_plain_chunks(tmp_path, monkeypatch):
    f = tmp_path / "s.csv"
    f.write_text(PLAIN)
    taken = []
    real = chunks_module.read_clean
    monkeypatch.setattr(chunks_module, "read_clean", lambda *a: taken.append(1) or real(*a))
    got = list(read_chunks(f, 5, id_column="id"))
    assert len(taken) == len(got) == 5
    assert [len(c) for c in got] == [5, 5, 5, 5, 3]
    np.testing.assert_array_equal(got[1]["q2"].to_numpy(), [0.0, np.nan, 2.0, 0.0, 1.0])   # S7's cell is empty
    assert got[1]["q1"].dtype == np.int64
    assert got[1]["id"].tolist() == ["S6", "S7", "S8", "S9", "S10"]


def test_a_byte_that_is_not_utf8_after_the_first_megabyte_is_refused_as_the_careful_path_does(tmp_path, monkeypatch):
    f = tmp_path / "s.csv"
    rows = "".join(f"S{i},{i % 5 + 1},{i % 3}\n" for i in range(1, 120_001))          # about 1.4 MB
    f.write_bytes(b"id,q1,q2\n" + rows.encode() + b"S120001,\xff,2\n")
    got = _alike(f, 50_000, monkeypatch, id_column="id")
    assert isinstance(got, str) and "cannot be read as utf-8 further on" in " ".join(got.split())


def test_quoted_answers_one_record_a_line_take_the_fast_path(tmp_path, monkeypatch):
    f = tmp_path / "s.csv"
    quoted = "\n".join(",".join(f'"{cell}"' for cell in line.split(",")) for line in PLAIN.splitlines()) + "\n"
    f.write_text(quoted)
    taken = []
    real = chunks_module.read_clean
    monkeypatch.setattr(chunks_module, "read_clean", lambda *a: taken.append(1) or real(*a))
    got = _alike(f, 5, monkeypatch, id_column="id")
    assert len(taken) == 5 == len(got)                   # the fast run's five chunks, all by read_clean
    assert got[1]["id"].tolist() == ["S6", "S7", "S8", "S9", "S10"] and got[1]["q1"].dtype == np.int64


QUALTRICS = FIXTURES / "io" / "phq_qualtrics.csv"


@pytest.mark.parametrize("path, auto, free, chunked", [
    (STREAM, 10**9, None, False),                       # small, memory unknown: whole
    (STREAM, 100, None, True),                          # larger than AUTO_CHUNK_BYTES: in chunks
    (STREAM, 10**9, 10**9, False),                      # small against the memory available: whole
    (STREAM, 10**9, 20 * 1000, True),                   # 20 x its size would not fit: in chunks
    (QUALTRICS, 100, 1000, False),                      # a Qualtrics export: whole, however large
    (FIXTURES / "io" / "values" / "qualtrics_status.xlsx", 100, 1000, False),    # not CSV or SPSS: whole
])
def test_which_files_are_read_in_chunks_without_asking(monkeypatch, path, auto, free, chunked):
    monkeypatch.setattr(chunks_module, "AUTO_CHUNK_BYTES", auto)
    monkeypatch.setattr(chunks_module, "available_memory", lambda: free)
    assert STREAM.stat().st_size > 1000                 # the fixture is larger than 'free' above / 20
    assert chunks_module.reads_in_chunks(path) is chunked


def test_an_spss_export_larger_than_the_threshold_is_read_in_chunks(monkeypatch):
    sav = sorted(FIXTURES.rglob("*.sav"))[0]
    monkeypatch.setattr(chunks_module, "AUTO_CHUNK_BYTES", 100)
    assert chunks_module.reads_in_chunks(sav)


def test_a_large_qualtrics_export_is_scored_whole_without_a_refusal(tmp_path, monkeypatch):
    seen = []
    real = chunks_module.read_chunks
    monkeypatch.setattr(chunks_module, "AUTO_CHUNK_BYTES", 100)
    monkeypatch.setattr(chunks_module, "read_chunks", lambda *a, **k: seen.append(a) or real(*a, **k))
    out = tmp_path / "s.csv"
    assert goalscope("score", QUALTRICS, "--instrument", "phq-9", "--columns", "Q1_{n}", "--missing", "-99",
                     "-o", out) == 0
    assert seen == [] and len(pd.read_csv(out)) == 6
