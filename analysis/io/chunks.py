"""A CSV/TSV or SPSS export read a chunk of rows at a time, for files larger than memory.

:func:`read_chunks` gives the frames :func:`analysis.io.readers.read_responses` would give for the
same file, cut into pieces of ``chunk_rows`` rows: the same columns, the same cells, and in
``attrs["first_row"]`` the file row of each piece's first row, so that every message and every
audit row names the row as the file counts it. What is done once and what per chunk:

=========================================================  =========================================
step                                                       where
=========================================================  =========================================
encoding, delimiter, header row (banner rows), the header  once, on the first megabyte (as the reader
names (repeated or missing names), the id column           does on the whole file)
splitting into records                                     a plain chunk (header in row 1, UTF-8, no
                                                           quoted answer over lines, blank line or
                                                           lone carriage return): its lines cut from the
                                                           file and parsed by the reader's fast path
                                                           (``fast_csv.read_clean``); from the first
                                                           chunk that is not plain on, Python's
                                                           ``csv`` module, as the reader's careful
                                                           path: a quoted answer with line breaks is
                                                           one record, so a chunk always ends on a
                                                           record boundary
a row with another number of fields than the header        per chunk, refused naming the file row
which cells are numbers                                    per chunk, by the reader's rule (a chunk
                                                           may hold numbers where the whole file
                                                           holds text; scores and audits do not
                                                           depend on it)
blank lines                                                kept as empty rows between rows, dropped
                                                           at the end of the file (held back until a
                                                           further row comes)
=========================================================  =========================================

An SPSS file is read through pyreadstat's ``read_file_in_chunks``, each chunk made as the reader
makes the whole file (user-missing codes set to missing and listed with their case numbers).
Not read in chunks (refused with a message saying to read the file whole): a Qualtrics export (its
question rows), a text file whose encoding is guessed as Windows-1252 from the first megabyte but
then holds a byte that is not, Excel and parquet files.

Memory: one chunk's bytes, records and frame at a time. Measured (``benchmarks/stream.py``, 13
columns, chunks of 76,923 rows = 1,000,000 cells, the fast path): ``goalscope score`` peaks at 296 MB
RSS at 1 million rows, 323 MB at 3 million and 369 MB on a 5.0 GB export of 145 million rows (415 s,
about 350,000 rows a second with 1 % of the answers a missing code, each listed in the audit), and
nothing grows with the file's length; reading 1 million rows whole peaks at 610 MB, 3 million at
1.3 GB.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import readers as r
from .column_types import _as_text, _text_column
from .fast_csv import read_clean
from .header_row import (HEADER_SCAN_ROWS, _HEADER_LOOKAHEAD, _blank_header, _first_records, _header_beyond,
                         _note_skipped, _skipped, detect_header_row)
from .spss_files import spss_frame, spss_unreadable
from .text_records import _check_widths, _decode, _dedupe, _sniff, delimiter_of, iter_records

#: cells held at a time when ``chunk_rows`` is not given (rows = this / columns)
CHUNK_CELLS = 1_000_000
#: text files larger than this are scored in chunks by ``goalscope score`` unless told otherwise
AUTO_CHUNK_BYTES = 512 * 1024 * 1024
#: a whole read holds up to about this many bytes of memory for each byte of a CSV export
#: (``benchmarks/stream.py``: 610 MB of RSS for a 35 MB export of 13 one-digit answer columns)
WHOLE_READ_FACTOR = 20
_HEAD_BYTES = 1 << 20


class _EveryColumn(frozenset):
    """``text_columns`` that keeps every column of a text file as text: holds every name, lists none
    (so that no name is refused as absent)."""

    def __contains__(self, name) -> bool:
        return True

    def __bool__(self) -> bool:
        return True


#: ``read_chunks(..., text_columns=EVERY_COLUMN)``: every cell of a CSV/TSV as written (an empty cell
#: missing), for a caller that settles the columns itself (:mod:`analysis.io.chunked_frame`)
EVERY_COLUMN = _EveryColumn()


def default_chunk_rows(columns: int) -> int:
    """Rows per chunk for a file of ``columns`` columns: :data:`CHUNK_CELLS` cells, at least 1,000 rows.

    Examples
    --------
    >>> default_chunk_rows(12), default_chunk_rows(55), default_chunk_rows(5000)
    (83333, 18181, 1000)
    """
    return max(1000, CHUNK_CELLS // max(1, columns))


def can_chunk(path) -> bool:
    """True for a file :func:`read_chunks` reads in chunks (a CSV/TSV/TXT or SPSS export).

    Examples
    --------
    >>> can_chunk("survey.csv"), can_chunk("survey.sav"), can_chunk("survey.xlsx")
    (True, True, False)
    """
    return Path(path).suffix.lower() in r.TEXT_SUFFIXES | r.SPSS_SUFFIXES


def reads_in_chunks(path) -> bool:
    """True when ``goalscope score`` reads ``path`` in chunks without being asked.

    ===========================================================  =====================================
    file                                                         read
    ===========================================================  =====================================
    not a CSV/TSV or SPSS export, or not a file                  whole
    a Qualtrics export (its third row holds ``{"ImportId": …}``)  whole (its question rows are not read
                                                                 in chunks)
    larger than :data:`AUTO_CHUNK_BYTES` (512 MB)                 in chunks
    larger than the memory available now divided by              in chunks (the whole read would not
    :data:`WHOLE_READ_FACTOR` (Linux's ``MemAvailable``)          fit)
    anything else                                                whole
    ===========================================================  =====================================

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = f.write_text("id,q1\\nS1,3\\n")
    >>> reads_in_chunks(f), reads_in_chunks(f.with_suffix(".xlsx"))
    (False, False)
    """
    p = Path(path)
    if not can_chunk(p) or not p.is_file():
        return False
    size = p.stat().st_size
    free = available_memory()
    if size <= AUTO_CHUNK_BYTES and (free is None or size * WHOLE_READ_FACTOR <= free):
        return False
    return p.suffix.lower() in r.SPSS_SUFFIXES or not _is_qualtrics_export(p)


def available_memory() -> int | None:
    """Bytes of memory the system can give now without swapping (Linux: ``MemAvailable`` of
    ``/proc/meminfo``), or None where that is not known."""
    try:
        with open("/proc/meminfo", "rb") as f:
            for line in f:
                if line.startswith(b"MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _is_qualtrics_export(p: Path) -> bool:
    """Whether the third record of a text file holds Qualtrics' ``{"ImportId": …}`` cells."""
    with open(p, "rb") as f:
        text = f.read(1 << 16).decode("utf-8", "replace")
    try:
        sep = _sniff(r.head_text(text, 50), p)
    except DataError:
        return False
    head = _first_records(text, sep, 3)
    return len(head) >= 3 and any(r._QUALTRICS_IMPORT.match(cell) for cell in head[2])


def read_chunks(path, chunk_rows: int | None = None, *, encoding=None, delimiter=None, id_column=None,
                text_columns=None, header_row=None, progress=None, columns=None):
    """Yield the rows of a CSV/TSV or SPSS export as DataFrames of at most ``chunk_rows`` rows.

    Parameters
    ----------
    path : str or Path
        A CSV/TSV/TXT export.
    chunk_rows : int, optional
        Rows per frame. Default: :func:`default_chunk_rows` of the file's column count.
    encoding, delimiter, id_column, text_columns, header_row
        As :func:`analysis.io.readers.read_responses`.
    progress : callable, optional
        Called with the number of bytes read so far after each chunk (a progress bar's update).
    columns : list of str or callable, optional
        The columns each frame holds (in the file's order): the names given, or what a function of the
        first chunk (every column) returns (None: every column). The others are not converted after
        the first chunk. A name the file does not have is refused, naming the nearest header.

    Yields
    ------
    DataFrame
        The rows, with ``attrs`` as ``read_responses`` sets them; ``attrs["first_row"]`` is the file
        row of the frame's first row.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = f.write_text('id,q1,note\\n007,3,"two\\nlines"\\n8,NA,\\n9,4,x\\n')

    Each chunk settles its columns by the reader's rule: ``q1`` is text in the first chunk (it holds
    ``NA``) and numbers in the second; the quoted note with a line break is one row.

    >>> [(c.attrs["first_row"], c["id"].tolist(), c["q1"].tolist()) for c in read_chunks(f, 2, id_column="id")]
    [(2, ['007', '8'], ['3', 'NA']), (4, ['9'], [4])]

    The R equivalent is ``readr::read_csv_chunked(f, callback, chunk_size = 2)``.
    """
    p = Path(path)
    header_row = r._check_header_row(header_row, p, p.suffix.lower()) if p.exists() else header_row
    if text_columns is EVERY_COLUMN:
        text = EVERY_COLUMN
    else:
        text = set(([id_column] if id_column is not None else []) + list(text_columns or []))
    if p.suffix.lower() in r.SPSS_SUFFIXES and p.is_file():
        yield from _spss_chunks(p, chunk_rows, text, id_column, progress, _Kept(columns, p))
        return
    if not p.exists() or p.is_dir() or p.suffix.lower() not in r.TEXT_SUFFIXES:
        yield r.read_responses(p, encoding=encoding, delimiter=delimiter, id_column=id_column,
                               text_columns=text_columns, header_row=header_row)   # its own message, or the frame
        return
    with open(p, "rb") as f:
        head_raw = f.read(_HEAD_BYTES)
        whole = len(f.read(1)) == 0
    if not head_raw.strip():
        raise r._empty(p)
    if not whole:
        head_raw = head_raw[:head_raw.rfind(b"\n") + 1] or head_raw
    decoded, enc = _decode(head_raw, p, encoding)
    sep = delimiter_of(delimiter) or _sniff(r.head_text(decoded, 50), p)
    if len(sep) != 1:
        raise DataError("is not one character", argument="delimiter", value=sep,
                        hint="give one character, or tab, comma, semicolon or pipe")
    head = _first_records(decoded, sep, max(header_row or 0, HEADER_SCAN_ROWS) + _HEADER_LOOKAHEAD + 1)
    h = header_row or detect_header_row(head)
    done = 0
    kept = _Kept(columns, p)
    if h == 1 and enc == "utf-8" and head and head[0]:
        done = yield from _fast_chunks(p, sep, header_row, head, text, id_column, chunk_rows, progress, kept)
        if done is None:
            return
    with open(p, "rb") as binary:
        stream = io.TextIOWrapper(binary, encoding=enc, newline="")
        try:
            yield from _chunks(p, stream, binary, sep, h, header_row, head, text, id_column, enc, chunk_rows, progress,
                               done, kept)
        except UnicodeDecodeError as exc:
            raise DataError(f"cannot be read as {enc} further on ({exc.reason})", file=str(p),
                            hint="Pass encoding= with the file's encoding (e.g. encoding='cp1252'), or read it "
                                 "whole (chunk_rows=0).") from None


#: bytes read from the file at a time by the fast path (a chunk takes as many reads as it needs)
_READ_BYTES = 1 << 24


def _fast_chunks(p, sep, header_row, head, text, id_column, chunk_rows, progress, kept):
    """The chunks of a plain file (header in row 1, UTF-8), each parsed by the reader's fast path.

    A chunk whose lines each hold an even number of quote characters (so no quoted answer runs on
    to the next line), with no blank line and no lone carriage return, has one record per line: its
    lines are cut from the file in bytes and given, under the header line, to
    :func:`analysis.io.fast_csv.read_clean`, which settles each column by the reader's rule as the
    careful path would for the same records. The first chunk that is not plain, or that
    ``read_clean`` gives back (a short row, a byte that is not UTF-8, a repeated name), ends this
    path: returns the number of rows yielded so far, and :func:`_chunks` goes on from that row and
    names any row as the whole file counts it. Returns None when the whole file was read here.
    """
    import numpy as np

    width, _ = _header(head[0])
    rows = chunk_rows or default_chunk_rows(width)
    done = 0
    if len(head) >= 3 and any(r._QUALTRICS_IMPORT.match(f) for f in head[2]):
        return 0                                        # a Qualtrics export: refused by the careful path
    with open(p, "rb") as f:
        top = f.readline()
        if not top.endswith(b"\n") or not _one_record_a_line(top) or b"\r" in top[:-2]:
            return 0                                    # a header over several lines, or old-Mac lines
        used = len(top)
        buf, eof, pos = b"", False, 0
        ends = np.empty(0, dtype=np.intp)               # the line ends of buf at or after pos
        while True:
            while len(ends) < rows and not eof:
                more = f.read(_READ_BYTES)
                eof = not more
                if more:
                    buf = buf[pos:] + more
                    pos = 0
                    ends = np.flatnonzero(np.frombuffer(buf, dtype=np.uint8) == 10)
            cut = int(ends[rows - 1]) + 1 if len(ends) >= rows else len(buf)
            block = buf[pos:cut]
            if not block:
                return None if done else 0              # no data row: the careful path says so
            if (not _one_record_a_line(block) or block[:1] in (b"\n", b"\r") or b"\n\n" in block
                    or b"\n\r\n" in block or block.count(b"\r") != block.count(b"\r\n")):
                return done                             # answers over lines, blank lines, lone CRs: record by record
            # the first records the reader split are this chunk's first rows only in the first chunk
            df = read_clean(top + block, None, "utf-8", sep, head[:1 + rows] if done == 0 else head[:1], text,
                            kept.names)
            if df is None or (b'"' in block and _spans_lines(df, block, sep)):
                return done
            df.attrs.update(source=str(p), first_row=2 + done, format="csv", encoding="utf-8", delimiter=sep,
                            value_labels={}, column_labels={}, declared_missing={}, qualtrics=False, header_row=1,
                            skipped_rows=_skipped(head, 1))
            if done == 0:
                _note_skipped(df, p, header_row is None)
                _check_first(df, p, text, id_column)
            done += len(df)
            used += len(block)
            pos, ends = cut, ends[rows:]
            yield kept.select(df)
            if progress is not None:
                progress(used)
            if eof and pos >= len(buf):
                return None


def _one_record_a_line(data: bytes) -> bool:
    """True when every line of ``data`` holds an even number of quote characters: each line then ends
    outside quotes (a quote opens or closes a quoted field, a doubled one does both), so no record
    runs on to the next line.

    Examples
    --------
    >>> _one_record_a_line(b'id,q\\n"S1","a, b"\\n"S2","say ""hi"" twice"\\n')
    True
    >>> _one_record_a_line(b'id,q\\n"S1","two\\nlines"\\n')
    False
    """
    if b'"' not in data:
        return True
    import numpy as np

    a = np.frombuffer(data, dtype=np.uint8)
    per_line = np.bincount(np.searchsorted(np.flatnonzero(a == 10), np.flatnonzero(a == 34)))
    return not (per_line & 1).any()


def _spans_lines(df: pd.DataFrame, block: bytes, sep: str) -> bool:
    """True when a record of ``df`` (parsed from ``block``) may have run over a line end: the block's
    last line leaves a quoted field open, the rows are not one a line, or a text cell holds a line
    break. An even number of quotes a line is not proof: a quote inside an unquoted answer (``a"b``)
    is a plain character, so a field opened after it runs on; and pyarrow closes a quoted field left
    open at the end of the block without a word (the ``csv`` module, strict, says so).
    """
    import csv

    last = block[block.rstrip(b"\r\n").rfind(b"\n") + 1:].decode("utf-8", "replace")
    try:
        list(csv.reader([last], delimiter=sep, quotechar='"', doublequote=True, strict=True))
    except csv.Error:
        return True
    lines = block.count(b"\n") + (not block.endswith(b"\n"))
    if len(df) != lines:
        return True
    for _, column in df.items():
        if pd.api.types.is_numeric_dtype(column):
            continue
        cells = column.dropna()
        if len(cells) and cells.astype(str).str.contains("[\r\n]", regex=True).any():
            return True
    return False


def _chunks(p, stream, binary, sep, h, header_row, head, text, id_column, enc, chunk_rows, progress, skip=0,
            kept=None):
    """The chunks record by record (Python's ``csv`` module), from data row ``skip`` on (the rows
    before it were read by :func:`_fast_chunks`)."""
    header = names = width = None
    kept = kept or _Kept(None, p)
    records, lines, blanks = [], [], []
    done = 0                                    # data records before the chunk being filled
    first = skip == 0
    skipped = 0
    for k, (rec, start, skipped) in enumerate(iter_records(stream, sep, p, h)):
        if k == 0:
            if rec is None:
                break
            header = rec
            width, names = _header(header)
            continue
        if done < skip:                         # read by the fast path (one record per line, no blank lines)
            done += 1
            continue
        if not rec:                             # a blank line: a row only when a further row comes
            blanks.append(start)
            continue
        for line in blanks:
            records.append([])
            lines.append(line)
        blanks = []
        records.append(rec)
        lines.append(start)
        if skip == 0 and done + len(records) == 2 and any(r._QUALTRICS_IMPORT.match(f) for f in rec):
            raise DataError("is a Qualtrics export, which is not read in chunks", file=str(p),
                            hint="Read it whole (chunk_rows=0).")
        if len(records) >= (chunk_rows or default_chunk_rows(width)):
            yield kept.select(_frame(p, records, lines, header, names, width, sep, skipped, done, enc, head, text,
                                     id_column, first, header_row, kept.names))
            done += len(records)
            first = False
            records, lines = [], []
            if progress is not None:
                progress(binary.tell())
    if header is None:
        if header_row is not None:
            raise _header_beyond(str(p), header_row, skipped)
        raise r._empty(p)
    if records or first:
        yield kept.select(_frame(p, records, lines, header, names, width, sep, skipped, done, enc, head, text,
                                 id_column, first, header_row, kept.names))
    if progress is not None:
        progress(binary.tell())


def _header(header):
    width = len(header)
    while width > 1 and header[width - 1] == "":
        width -= 1
    named = [x if x != "" else f"Unnamed: {i}" for i, x in enumerate(header[:width])]
    return width, _dedupe(named)


class _FileLines:
    """``text.splitlines()`` of the whole file for the one line a width error shows, read when asked."""

    def __init__(self, p, enc):
        self.p, self.enc = p, enc

    def splitlines(self):
        return self

    def __len__(self):
        return 2**62

    def __getitem__(self, k):
        with open(self.p, encoding=self.enc, newline=None) as f:
            for i, line in enumerate(f):
                if i == k:
                    return line.rstrip("\n")
        return ""


def _frame(p, records, lines, header, names, width, sep, skipped, done, enc, head, text, id_column, first,
           header_row, keep=None):
    if first and header_row is not None and not any(f.strip() for f in header):
        raise _blank_header(str(p), header_row)
    # rows are named as the whole file counts them: the records before this chunk count as skipped
    trailing = _check_widths(records, width, lines, _FileLines(p, enc), sep, p, skipped + done, names)
    columns = list(zip(*records)) if records else [()] * width
    js = range(width) if keep is None else [j for j in range(width) if names[j] in set(keep)]
    df = pd.DataFrame({j: _text_column(columns[j], names[j] in text) for j in js}, index=pd.RangeIndex(len(records)))
    df.columns = [names[j] for j in js]
    df.attrs.update(source=str(p), first_row=2 + skipped + done, format="csv", encoding=enc, delimiter=sep,
                    value_labels={}, column_labels={}, declared_missing={}, qualtrics=False,
                    header_row=skipped + 1, skipped_rows=_skipped(head, skipped + 1))
    if trailing:
        df.attrs["trailing_delimiters"] = trailing
    if first:
        _note_skipped(df, p, header_row is None)
        _check_first(df, p, text, id_column)
    return df


class _Kept:
    """The columns :func:`read_chunks` gives (its ``columns``), settled on the first chunk."""

    def __init__(self, columns, p: Path):
        self.columns, self.p = columns, p
        self.names = None                               # every column until the first chunk settles them

    def select(self, df: pd.DataFrame) -> pd.DataFrame:
        if self.columns is None:
            return df
        if self.names is None:
            wanted = self.columns(df) if callable(self.columns) else self.columns
            if wanted is None:
                self.columns = None
                return df
            wanted = list(wanted)
            r.check_text_columns(df, self.p, wanted, None, what=None)
            self.names = [c for c in df.columns if c in set(wanted)]
        if list(df.columns) == self.names:
            return df
        out = df[self.names]
        out.attrs = dict(df.attrs)
        return out


def _check_first(df, p, text, id_column) -> None:
    """The checks of the whole file's header, done on the first chunk."""
    if df.shape[0] == 0:
        raise DataError("has no data rows (only a header)", file=str(p),
                        hint="Check that this is the whole export: the answers are the rows under the header.")
    r._check_header(df, p)
    r.check_text_columns(df, p, text, id_column)


def _spss_chunks(p, chunk_rows, text, id_column, progress, kept):
    """An SPSS file through pyreadstat's ``read_file_in_chunks``: each chunk as the reader makes the whole
    file (user-missing codes set to missing and listed, value and variable labels), rows numbered as cases."""
    import pyreadstat

    done = 0
    try:
        rows = chunk_rows or default_chunk_rows(pyreadstat.read_sav(str(p), metadataonly=True)[1].number_columns)
        chunks = pyreadstat.read_file_in_chunks(pyreadstat.read_sav, str(p), chunksize=rows, user_missing=True,
                                                apply_value_formats=False)
        for df, meta in chunks:
            df = spss_frame(df, meta, p)
            df.index = pd.RangeIndex(len(df))
            df.attrs["first_row"] = 1 + done
            df.attrs["qualtrics"] = False
            for c in text:
                if c in df.columns:
                    df[c] = _as_text(df[c])
            if done == 0:
                _check_first(df, p, text, id_column)
            done += len(df)
            yield kept.select(df)
            if progress is not None:
                progress(p.stat().st_size * done // max(1, meta.number_rows or done))
    except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as exc:
        raise spss_unreadable(p, exc) from None


def progress_bar(path: Path, progress: bool, doing: str = "scoring"):
    """A tqdm bar over the file's bytes on stderr (``"scoring survey.csv"``), or None; its ``update_to(bytes)``
    is the ``progress`` callable of :func:`analysis.io.chunks.read_chunks`."""
    if not progress:
        return None
    from tqdm import tqdm

    bar = tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=f"{doing} {path.name}", leave=False)

    def update_to(done):
        bar.update(done - bar.n)
        if bar.n >= bar.total:
            bar.refresh()      # tqdm draws at most every 0.1 s: a fast read would otherwise never show 100%

    bar.update_to = update_to
    return bar


def append_csv(df: pd.DataFrame, f, header: bool) -> None:
    """Write ``df`` to the open binary file ``f`` as ``df.to_csv(index=False, lineterminator="\\n")`` writes
    it, with or without the header line: chunks appended one after another give the whole frame's bytes.

    Examples
    --------
    >>> import io, pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b", "c"], "s": [1.5, None, 3.0]})
    >>> buf = io.BytesIO()
    >>> append_csv(df.iloc[:2], buf, True); append_csv(df.iloc[2:], buf, False)
    >>> buf.getvalue() == df.to_csv(index=False, lineterminator="\\n").encode()
    True
    """
    from .fast_csv import csv_bytes

    df = df.copy(deep=False)
    df.attrs = {}
    parts = csv_bytes(df)
    if parts is None:
        f.write(df.to_csv(index=False, header=header, lineterminator="\n").encode("utf-8"))
        return
    for part in parts if header else parts[1:]:
        f.write(part)
