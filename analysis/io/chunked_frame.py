"""The frame :func:`analysis.io.readers.read_responses` gives, read a chunk at a time: for an export
too large to read whole, and for a study that uses a few of its many columns.

A whole read of a CSV holds the file's bytes, the parsed records and every column at once (about 17
bytes of memory for each byte of a one-digit-answer CSV, ``benchmarks/stream.py``). :func:`read_frame`
holds one chunk (:func:`analysis.io.chunks.read_chunks`) and the columns it keeps, and gives the same
frame: the same cells, types, row numbers and ``attrs``.

=============================================  ==========================================================
step                                           how
=============================================  ==========================================================
records, refusals, warnings                    :func:`~analysis.io.chunks.read_chunks` (rows named as the
                                               whole file counts them)
the columns kept                               ``columns``: the names given, or what a callable returns
                                               for the first chunk (every column when it returns None),
                                               in the file's order
which cells are numbers (CSV/TSV)              once per column, on the whole column: each chunk keeps
                                               its cells as written (pyarrow text, about 5 bytes a
                                               one-digit cell) and the reader's fast-path rule settles
                                               the joined column, so a chunk cannot make numbers of a
                                               column the whole file holds as text
an SPSS file                                   chunks typed by the file; the user-missing cells each
                                               chunk lists are numbered as cases of the whole file
=============================================  ==========================================================

Excel and parquet files, and a Qualtrics export (its question rows), are not read in chunks.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..parallel import in_parallel
from . import readers as r
from .chunks import EVERY_COLUMN, can_chunk, read_chunks

__all__ = ["read_frame"]


def read_frame(path, columns=None, *, chunk_rows=None, encoding=None, delimiter=None, id_column=None,
               text_columns=None, header_row=None, progress=None) -> pd.DataFrame:
    """Read a CSV/TSV or SPSS export in chunks into the frame ``read_responses`` gives (or its ``columns``).

    Parameters
    ----------
    path : str or Path
        A CSV/TSV/TXT or SPSS export (another file is refused: read it whole).
    columns : list of str or callable, optional
        The columns to keep, or a function given the first chunk (every column) that returns them
        (None: every column). Names not in the file are refused as ``read_responses`` refuses them.
    chunk_rows : int, optional
        Rows per chunk (default: :func:`~analysis.io.chunks.default_chunk_rows`).
    encoding, delimiter, id_column, text_columns, header_row
        As :func:`~analysis.io.readers.read_responses`.
    progress : callable, optional
        Called with the bytes read so far after each chunk.

    Returns
    -------
    DataFrame
        ``read_responses(path, ...)[columns]``, with its ``attrs``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = f.write_text("id,q1,q2,note\\n007,3,1,a\\n8,4,2,b\\n9,NA,3,c\\n")
    >>> df = read_frame(f, ["id", "q1", "q2"], chunk_rows=2, id_column="id")

    ``q1`` holds ``NA`` in the second chunk only, and is text as in the whole file:

    >>> df["id"].tolist(), df["q1"].tolist(), df["q2"].tolist()
    (['007', '8', '9'], ['3', '4', 'NA'], [1, 2, 3])
    >>> from analysis import read_responses
    >>> df.equals(read_responses(f, id_column="id")[["id", "q1", "q2"]])
    True

    The R equivalent is ``data.table::fread(f, select = c("id", "q1", "q2"))`` (read whole).
    """
    p = Path(path)
    if not can_chunk(p):
        from ..errors import DataError

        raise DataError("is not read in chunks: CSV/TSV and SPSS exports are", file=str(p),
                        hint="Read it whole (read_responses, or chunk_rows=0 in a study run).")
    text = [c for c in ([id_column] if id_column is not None else []) + list(text_columns or [])]
    spss = p.suffix.lower() in r.SPSS_SUFFIXES

    def kept(first):
        if not spss:                    # every column is read as text: the id column's absence is said here
            r.check_text_columns(first, p, text, id_column)
        return columns(first) if callable(columns) else columns

    chunks = read_chunks(p, chunk_rows, encoding=encoding, delimiter=delimiter, id_column=id_column,
                         text_columns=text_columns if spss else EVERY_COLUMN, header_row=header_row,
                         progress=progress, columns=kept)
    keep, attrs, parts, rows = None, {}, [], 0
    for df in chunks:
        if keep is None:
            keep = list(df.columns)
            attrs = dict(df.attrs)
            attrs.pop("trailing_delimiters", None)
        if spss:
            _add_user_missing(attrs, df.attrs, rows, first=not parts)
            parts.append(df[keep])
        else:
            parts = parts or [[] for _ in keep]         # the text of each kept column, chunk by chunk
            for j, c in enumerate(keep):
                parts[j].append(_as_arrow(df[c]))
            attrs["trailing_delimiters"] = attrs.get("trailing_delimiters", 0) + df.attrs.get("trailing_delimiters", 0)
        rows += len(df)
    if not spss and not attrs.get("trailing_delimiters"):
        attrs.pop("trailing_delimiters", None)
    out = (pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)) if spss \
        else _settled(parts, keep, set(text), rows)
    out.attrs = attrs
    return out


def _as_arrow(s: pd.Series):
    """A chunk's column of text (missing where the cell is empty) as a pyarrow string array."""
    import pyarrow as pa

    return pa.array(s.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _settled(parts: list, keep: list, text: set, rows: int) -> pd.DataFrame:
    """Each column's text (``parts[j]``: its chunks) joined and settled by the reader's fast-path rule
    (numbers when every cell is a plain number), as ``fast_csv.read_clean`` settles a whole file's columns."""
    import pyarrow as pa

    from .fast_csv import _column, _pandas

    def one(j):
        col = pa.chunked_array(parts[j], type=pa.string())
        parts[j] = None                                 # a column's text is let go once it is settled
        return _pandas(_column(col, keep[j] in text))

    if not keep:
        return pd.DataFrame(index=pd.RangeIndex(rows))
    settled = in_parallel(one, [(j,) for j in range(len(keep))], rows * len(keep) // 8)
    df = pd.DataFrame(dict(enumerate(settled)), copy=False)
    df.columns = keep
    return df


def _add_user_missing(attrs: dict, chunk: dict, done: int, first: bool) -> None:
    """An SPSS chunk's user-missing codes and cells added to the whole file's (cells renumbered by ``done``)."""
    if first:
        attrs["declared_missing"], attrs["user_missing_cells"] = {}, {}
    for col, codes in (chunk.get("declared_missing") or {}).items():
        attrs["declared_missing"][col] = sorted(set(attrs["declared_missing"].get(col, [])) | set(codes))
    for col, cells in (chunk.get("user_missing_cells") or {}).items():
        attrs["user_missing_cells"].setdefault(col, []).extend([[i + done, v] for i, v in cells])
