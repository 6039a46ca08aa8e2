"""Read survey exports into a DataFrame, keeping what the file says about itself.

Supported: CSV/TSV/TXT (encoding and byte-order-mark detection, delimiter sniffing), Excel
(.xlsx/.xlsm), SPSS (.sav/.zsav, value labels and user-missing codes via pyreadstat), parquet, and
Qualtrics CSV or Excel exports (the two extra header rows are detected and removed; the question
texts become column labels).

The returned DataFrame keeps a RangeIndex and carries metadata in ``df.attrs``:

``source``          the file name, for error messages
``first_row``       the row number (as the user sees it: spreadsheet row, or case number for SPSS)
                    of index 0; row of index ``i`` is ``first_row + i``
``format``          csv / excel / spss / parquet, with ``qualtrics`` True/False
``value_labels``    ``{column: {code: label}}`` (SPSS value labels)
``column_labels``   ``{column: question text}`` (SPSS variable labels, Qualtrics question row)
``declared_missing`` ``{column: [codes]}`` (SPSS user-missing values, already set to NaN)
``encoding``, ``delimiter``  what was detected for text files
``user_missing_cells`` ``{column: [[index, code], ...]}`` the cells that held an SPSS user-missing
                    code (set to NaN here; :func:`analysis.prepare_items` lists them in the audit)
``header_row``      the row of the header (1 unless banner rows were skipped or ``header_row=`` was
                    given; CSV/TSV and Excel only)
``skipped_rows``    ``[[row, text], ...]`` the non-blank rows above the header that were skipped, with
                    their first words
``qualtrics_status`` ``{response type: count}`` of a Qualtrics export's ``Status`` column (see
                    :func:`qualtrics_response_type`)

How values are read (the same rule for every text file, and for Qualtrics exports in any format):

* every cell is first read as the text written in the file; no text is turned into "missing" by
  the reader except an empty cell. ``NA``, ``N/A``, ``NaN``, ``None``, ``NULL``, ``#N/A`` stay
  text: in item columns :func:`analysis.prepare_items` sets them to missing and lists them in the
  audit; in id and other columns they stay as written ("NA" may be Namibia);
* a column becomes numbers only when every non-empty cell is a plain decimal number that reads
  back unchanged: an optional ``-``, digits without a leading zero (``0`` and ``0.5`` are fine,
  ``007`` and the negative zero ``-0`` are not), an optional ``.`` and digits, at most 15 digits in all (or, for a decimal, the
  shortest text of a float, as Python and pandas write ``2.5999999999999996``); no exponent (``3E4``),
  no ``+``, no spaces, no thousands separators. Any other column stays text exactly as written;
* the id column (``id_column=``) and the columns in ``text_columns=`` are always text, in every
  format (an Excel or SPSS number ``7`` becomes the text ``"7"``), so duplicate-id checks compare
  what the file says;
* Excel and SPSS cells keep the type the file gives them (a number cell is a number, a text cell
  is text even when it looks like a number, a TRUE/FALSE cell is a boolean that item preparation
  refuses to score, an error cell such as ``#N/A`` is its text). A column becomes numeric when
  all its cells are number cells. A formula cell without a cached value is an error naming the
  cells.

A text file's rows must all have as many fields as the header: a row with fewer or more fields
(an unquoted delimiter inside an answer, a row written with another delimiter) is an error naming
the row and both counts. Empty fields after the last column (a trailing delimiter on every data
row) are dropped and never shift the columns. A blank line between rows is kept as an empty row,
so that every later row keeps the number a spreadsheet shows; blank lines at the end are ignored.

Which row is the header (``header_row=``; rows counted as the file or spreadsheet shows them, from 1,
blank rows included). Survey tools write title, date or filter lines ("banner rows") above the
header. The reader looks at the first 20 rows of a CSV/TSV or Excel sheet; a row *names every
column* when its cells, up to its last non-empty one, are at least two, all non-empty, all
different and none a plain number, and none of the next five non-blank rows has more cells. A row
is *banner-like* when it is blank or fewer than half as many of its cells are filled as the header
candidate has. The decision:

==================================================================  =================================
case                                                                header row
==================================================================  =================================
``header_row=N`` given                                              row N (rows above are skipped and
                                                                    listed in ``attrs["skipped_rows"]``)
``header_row=N`` beyond the file's rows, on a blank row, not a      refused: error naming the file and
whole number of 1 or more, or given for an SPSS / parquet file      the value
row 1 names every column                                            row 1 (as every export without
                                                                    banner rows)
row 1 does not; a later row (within the first 20) names every       that row; the rows above are
column and every row above it is banner-like                        skipped and a warning names them
                                                                    and their first words
row 1 does not; the first later row that names every column has     row 1 (no guess: a header with an
a row above it that is not banner-like                              empty name, data without header)
no row within the first 20 names every column                       row 1 (as before)
==================================================================  =================================

Blank rows above the header are skipped without a warning (they hold nothing). When the header is
further down, or the guess is wrong, a column that is not in the header but is written in a row
of the data makes the column check say so and suggest ``header_row=`` (:func:`analysis.checks.near_columns`).

A Qualtrics export keeps every row, previews and spam included: :func:`qualtrics_response_type`
names each row's type, ``attrs["qualtrics_status"]`` counts them, and a warning names the rows
that are not real respondents (the study pipeline flags them and shows them in the flow).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import near_columns, row_label  # noqa: F401  (row_label's old home)
from ..errors import DataError
from .column_types import _as_text, _settle_types, _text_column
from .excel_files import _read_excel
from .fast_csv import _QUALTRICS_IMPORT, head_text, read_clean
from .fast_csv import is_plain_number  # noqa: F401  (its old home: tests import it from here)
from .header_row import (HEADER_SCAN_ROWS, _HEADER_LOOKAHEAD, _blank_header, _first_records, _header_beyond,
                         _note_skipped, _skipped, detect_header_row)
from .qualtrics import QUALTRICS_NOT_RESPONDENTS, QUALTRICS_STATUS  # noqa: F401  (their old home)
from .qualtrics import _maybe_qualtrics, _not_qualtrics, _note_not_respondents, qualtrics_response_type
from .spss_files import _read_spss
from .spss_files import spss_frame, spss_unreadable  # noqa: F401  (their old home)
from .text_records import (_DELIM_NAMES, _DELIMITERS, _check_widths, _decode, _dedupe, _sniff, _split_records,
                           delimiter_of)
from .text_records import iter_records  # noqa: F401  (its old home)

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SPSS_SUFFIXES = {".sav", ".zsav"}
#: a byte that bytes.strip() keeps
_VISIBLE = re.compile(rb"[^ \t\n\r\x0b\x0c]")


def read_responses(path, *, sheet=None, encoding=None, delimiter=None, qualtrics=None, id_column=None,
                   text_columns=None, header_row=None) -> pd.DataFrame:
    """Read a survey export (CSV/TSV, Excel, SPSS .sav, parquet or a Qualtrics export).

    Parameters
    ----------
    path : str or Path
        The export. The format follows the file ending.
    sheet : str or int, optional
        Excel sheet (name or 0-based position); default the first sheet.
    encoding : str, optional
        Text encoding. Default: detected from a byte-order mark, else UTF-8, else Windows-1252
        (the encoding Excel uses for "CSV" on Western-European Windows).
    delimiter : str, optional
        Field separator for text files. Default: sniffed among comma, semicolon, tab and pipe.
    qualtrics : bool, optional
        Force (True) or forbid (False) treating the file as a Qualtrics export. Default: detected
        from the ``{"ImportId": ...}`` row Qualtrics writes under the header.
    id_column : str, optional
        Respondent id column: always read as text, exactly as written (``0001``, ``007``, ``3E4``).
    text_columns : list of str, optional
        Further columns to keep as text exactly as written (e.g. a study's ``keep:`` columns).
        Other columns become numbers only when every value is a plain number (module docstring).
    header_row : int, optional
        The row holding the column names, counted as the file or spreadsheet shows rows (from 1);
        the rows above it are skipped. Default: row 1, or the first row that names every column
        below banner rows (title, date or filter lines survey tools write above the header), with a
        warning naming the skipped rows; the module docstring gives the decision table.

    Returns
    -------
    DataFrame
        One row per respondent, RangeIndex; metadata in ``.attrs`` (see the module docstring).

    Examples
    --------
    >>> from analysis import read_responses
    >>> from analysis.datasets import dataset_path
    >>> df = read_responses(dataset_path("demo"))
    >>> df.attrs["first_row"], df.shape
    (2, (400, 56))
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "ids.csv"
    >>> _ = f.write_text("id,country,q1\\n007,NA,3\\n7,DE,NA\\n")
    >>> df = read_responses(f)
    >>> df["id"].tolist(), df["country"].tolist(), df["q1"].tolist()
    (['007', '7'], ['NA', 'DE'], ['3', 'NA'])

    An export with a title line above the header (the warning names the skipped row):

    >>> _ = f.write_text("Staff survey 2025 - export of 03.02.2025\\nid,team,q1\\nr1,A,3\\n")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     df = read_responses(f)
    >>> list(df.columns), df.attrs["header_row"], df.attrs["first_row"]
    (['id', 'team', 'q1'], 2, 3)
    >>> "row 1 ('Staff survey 2025 - export of 03.02.2025')" in str(said[0].message)
    True
    >>> list(read_responses(f, header_row=2).columns)
    ['id', 'team', 'q1']

    The R equivalent is ``read.csv()`` / ``haven::read_sav()`` followed by hand-written clean-up
    (``read.csv(f, skip = N - 1)`` or ``readxl::read_excel(f, skip = N - 1)`` for a header in row N).
    """
    p = Path(path)
    if not p.exists():
        raise DataError("does not exist", file=str(p),
                        hint="Check the path and the file name (a relative path starts at the folder you work in).")
    if p.is_dir():
        raise DataError("is a folder, not a data file", file=str(p),
                        hint="Give the path of the export in it (.csv, .tsv, .xlsx, .sav or .parquet).")
    suffix = p.suffix.lower()
    header_row = _check_header_row(header_row, p, suffix)
    text = [c for c in ([id_column] if id_column is not None else []) + list(text_columns or [])]
    if suffix in EXCEL_SUFFIXES:
        df = _read_excel(p, sheet, header_row)
    elif suffix in SPSS_SUFFIXES:
        df = _read_spss(p)
    elif suffix == ".parquet":
        df = _read_parquet(p)
    else:
        df = _read_text(p, encoding, delimiter, qualtrics, set(text), header_row)   # types settled while reading
    _note_skipped(df, p, header_row is None)
    if df.attrs["format"] == "excel":
        df = _maybe_qualtrics(df, p, qualtrics)
    elif df.attrs["format"] != "csv":
        df.attrs["qualtrics"] = False
    if df.shape[1] == 0 or df.shape[0] == 0:
        raise DataError("has no data rows" + (" (only a header)" if df.shape[1] else ""), file=str(p),
                        hint="Check that this is the whole export: the answers are the rows under the header.")
    _check_header(df, p)
    check_text_columns(df, p, text, id_column)
    if df.attrs["format"] == "excel" and df.attrs.get("qualtrics"):
        df = _settle_types(df, set(text))
    elif df.attrs["format"] != "csv":
        for c in text:
            df[c] = _as_text(df[c])
    if df.attrs.get("qualtrics"):
        types = qualtrics_response_type(df)
        if types is not None:
            df.attrs["qualtrics_status"] = {str(k): int(v) for k, v in types.value_counts(sort=False).items()}
            _note_not_respondents(df, types, p)
    return df


def check_text_columns(df: pd.DataFrame, p: Path, text, id_column, what: str | None = "text column") -> None:
    """Refuse an id or text column the file does not have (``what=None``: a column asked for, named
    as such), naming the nearest header."""
    absent = [c for c in text if c not in df.columns]
    if absent:
        what = "id column" if absent[0] == id_column else what
        raise DataError(f"is not in the file (columns: {', '.join(map(str, list(df.columns)[:12]))}"
                        f"{'…' if df.shape[1] > 12 else ''})", file=str(p), column=absent[0],
                        item=f"the {what}" if what else None,
                        hint=f"Check the {what or 'column'}'s name against the header." + near_columns(absent[0], df))


def _check_header_row(header_row, p: Path, suffix: str) -> int | None:
    """``header_row`` as a whole number of 1 or more (or None), for a file that has a header row."""
    if header_row is None:
        return None
    if isinstance(header_row, str) and header_row.strip().isdigit():
        header_row = int(header_row)
    if isinstance(header_row, bool) or not isinstance(header_row, (int, np.integer)) or header_row < 1:
        raise DataError("is not a row number", argument="header_row", value=header_row,
                        hint="give the row holding the column names as the file or spreadsheet shows it, counting "
                             "from 1")
    if suffix in SPSS_SUFFIXES or suffix == ".parquet":
        raise DataError(f"applies to CSV/TSV and Excel files; '{p}' is a "
                        f"{'SPSS' if suffix in SPSS_SUFFIXES else 'parquet'} file, which stores its column names "
                        f"apart from its rows", argument="header_row", value=header_row, hint="Leave header_row= out.")
    return int(header_row)


def _empty(p: Path) -> DataError:
    return DataError("is empty", file=str(p), hint="Check that the export finished and that this is the right file.")


def _read_text(p: Path, encoding: str | None, delimiter: str | None, qualtrics=None,
               text: set | None = None, header_row: int | None = None) -> pd.DataFrame:
    raw = p.read_bytes()
    if _VISIBLE.search(raw) is None:                   # only whitespace (raw.strip() would copy the file)
        raise _empty(p)
    n_head = max(header_row or 0, HEADER_SCAN_ROWS) + _HEADER_LOOKAHEAD + 1
    start = _ascii_start(raw, encoding, max(n_head, 50))
    decoded, enc = (None, "utf-8") if start is not None else _decode(raw, p, encoding)
    sep = delimiter_of(delimiter) or _sniff(head_text(start or decoded, 50), p)     # _sniff reads the first 50 lines
    if len(sep) != 1:
        raise DataError("is not one character", argument="delimiter", value=sep,
                        hint="give one character, or tab, comma, semicolon or pipe")
    head = _first_records(start or decoded, sep, n_head)
    if start is not None and len(head) < n_head and len(start) < len(raw):
        head = _first_records(raw.decode("ascii"), sep, n_head)     # a record runs past the start (quoted lines)
    h = header_row or detect_header_row(head)
    if not qualtrics and h == 1:
        fast = read_clean(raw, decoded, enc, sep, head, text or set())      # fast_csv: the careful path's result
        if fast is not None:
            fast.attrs.update(source=str(p), first_row=2, format="csv", encoding=enc, delimiter=sep,
                              value_labels={}, column_labels={}, declared_missing={}, qualtrics=False,
                              header_row=1, skipped_rows=[])
            return fast
    if decoded is None:
        decoded = raw.decode("ascii")
    header, records, lines, skipped = _split_records(decoded, sep, p, h)
    if header is None:
        if header_row is not None:
            raise _header_beyond(str(p), header_row, skipped)
        raise _empty(p)
    if header_row is not None and not any(f.strip() for f in header):
        raise _blank_header(str(p), header_row)
    if len(header) == 1 and records and all(len(r) == 1 for r in records[:50]):
        others = [d for d in _DELIMITERS if d != sep and header[0].count(d) >= 1]
        if others:
            d = others[0]
            raise DataError(
                f"is the single column when the file is read as {_DELIM_NAMES.get(sep, repr(sep))}-separated, and "
                f"its name holds the {_DELIM_NAMES[d]} character: the file is probably {_DELIM_NAMES[d]}-separated",
                file=str(p), column=header[0][:60], hint=f"pass delimiter='{d if d != chr(9) else 'tab'}'")
    # empty names after the last named column come from a trailing delimiter on the header line
    width = len(header)
    while width > 1 and header[width - 1] == "":
        width -= 1
    header = [h if h != "" else f"Unnamed: {i}" for i, h in enumerate(header[:width])]
    trailing = _check_widths(records, width, lines, decoded, sep, p, skipped, header)
    names = _dedupe(header)
    first_row = 2 + skipped
    # a Qualtrics export: the question-text row and the {"ImportId": ...} row sit under the header
    looks = len(records) >= 2 and any(_QUALTRICS_IMPORT.match(f) for f in records[1])
    if qualtrics is None:
        qualtrics = looks
    questions = {}
    if qualtrics:
        if not looks:
            raise _not_qualtrics(p)
        questions = {c: q for c, q in zip(names, records[0]) if q and q != c}
        records = records[2:]
        first_row += 2
    text = text or set()
    columns = list(zip(*records)) if records else [()] * width
    df = pd.DataFrame({j: _text_column(cells, names[j] in text) for j, cells in enumerate(columns)})
    df.columns = names
    df.attrs.update(source=str(p), first_row=first_row, format="csv", encoding=enc, delimiter=sep,
                    value_labels={}, column_labels=questions, declared_missing={}, qualtrics=bool(qualtrics),
                    header_row=skipped + 1, skipped_rows=_skipped(head, skipped + 1))
    if trailing:
        df.attrs["trailing_delimiters"] = trailing
    return df


def _ascii_start(raw: bytes, encoding: str | None, lines: int) -> str | None:
    """The first ``lines`` lines of a file in ASCII (plain UTF-8, where every byte is its character), as
    text; None when the file must be decoded whole first (an encoding named, bytes beyond ASCII, a NUL).

    The fast path reads only the start of a file as text (to find its delimiter and header) and
    hands its bytes to pyarrow: decoding all of it would copy the file once more.

    Examples
    --------
    >>> _ascii_start(b"a,b\\n1,2\\n3,4\\n", None, 2)
    'a,b\\n1,2\\n'
    >>> _ascii_start(b"a,b\\n1,2", None, 5)
    'a,b\\n1,2'
    >>> _ascii_start("a,b\\nü,2\\n".encode(), None, 2) is None, _ascii_start(b"a,b\\n", "cp1252", 2) is None
    (True, True)
    """
    if encoding is not None or not raw.isascii() or b"\x00" in raw[:4096]:
        return None                                     # _decode reads (or refuses) it
    end = -1
    for _ in range(lines):
        end = raw.find(b"\n", end + 1)
        if end < 0:
            return raw.decode("ascii")
    return raw[:end + 1].decode("ascii")


def _read_parquet(p: Path) -> pd.DataFrame:
    try:
        df = pd.read_parquet(p)
    except Exception as exc:
        raise DataError(f"cannot be read as parquet: {exc}", file=str(p),
                        hint="Write it again with pandas or pyarrow, or export the data as CSV.") from None
    df = df.reset_index(drop=True)
    df.attrs.update(source=str(p), first_row=2, format="parquet", value_labels={}, column_labels={},
                    declared_missing={})
    return df


def _check_header(df: pd.DataFrame, p: Path) -> None:
    cols = [str(c) for c in df.columns]
    unnamed = [i + 1 for i, c in enumerate(cols) if c.startswith("Unnamed: ")]
    # pandas renames duplicate headers to 'x.1'; report the original problem
    dupes = sorted({c.rsplit(".", 1)[0] for c in cols if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in cols})
    if dupes:
        raise DataError("are named more than once in the header", file=str(p), column=dupes,
                        hint="Give every column a unique name.")
    if unnamed and len(unnamed) == len(cols):
        raise DataError("the first row is not a header (no column has a name)", file=str(p),
                        hint="Put the column names in the first row, or name the header's row with header_row=.")
