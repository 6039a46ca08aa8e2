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

import codecs
import csv
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..checks import near_columns, row_label  # noqa: F401  (row_label's old home)
from ..errors import DataError, shown
from .fast_csv import _QUALTRICS_IMPORT, head_text, is_plain_number, lines_of, read_clean

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SPSS_SUFFIXES = {".sav", ".zsav"}
_DELIMITERS = [",", ";", "\t", "|"]
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


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


def check_text_columns(df: pd.DataFrame, p: Path, text, id_column) -> None:
    """Refuse an id or text column the file does not have, naming the nearest header."""
    absent = [c for c in text if c not in df.columns]
    if absent:
        what = "id column" if absent[0] == id_column else "text column"
        raise DataError(f"is not in the file (columns: {', '.join(map(str, list(df.columns)[:12]))}"
                        f"{'…' if df.shape[1] > 12 else ''})", file=str(p), column=absent[0], item=f"the {what}",
                        hint=f"Check the {what}'s name against the header." + near_columns(absent[0], df))


def _note_not_respondents(df: pd.DataFrame, types: pd.Series, p: Path) -> None:
    """Say which rows Qualtrics marks as previews, tests or spam (they are still returned)."""
    odd = types.isin(QUALTRICS_NOT_RESPONDENTS).to_numpy()
    if not odd.any():
        return
    first = int(df.attrs["first_row"])
    parts = []
    for kind in sorted(set(types[odd])):
        rows = [str(i + first) for i in np.flatnonzero((types == kind).to_numpy())]
        parts.append(f"{kind}: row{'s' if len(rows) > 1 else ''} {', '.join(rows[:8])}{' …' if len(rows) > 8 else ''}")
    warnings.warn(
        f"file '{p}': {int(odd.sum())} row(s) are not answers of real respondents by Qualtrics' Status column "
        f"({'; '.join(parts)}). They are read like every other row; remove them from the export, or let the "
        f"study's screening exclude them.", stacklevel=3)


# ---------------------------------------------------------------------------------------------
# the header row (module docstring: the decision table)
#: rows looked at for a header below banner rows; rows read to check the rows under a candidate
HEADER_SCAN_ROWS = 20
_HEADER_LOOKAHEAD = 5


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


def _cells(row) -> list[str]:
    """A row's cells as stripped text ('' for empty), without the empty cells after its last filled one."""
    cells = ["" if c is None or (isinstance(c, float) and np.isnan(c)) else str(c).strip() for c in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def _names_every_column(cells: list[str]) -> bool:
    return (len(cells) >= 2 and all(cells) and len(set(cells)) == len(cells)
            and not any(is_plain_number(c) for c in cells))


def detect_header_row(rows) -> int:
    """The header row (1-based) of the first rows of a file, by the decision table of the module docstring.

    ``rows`` are the file's first rows as lists of cells (text, numbers or None), blank rows included.

    Examples
    --------
    >>> from analysis.io.readers import detect_header_row
    >>> detect_header_row([["id", "team", "q1"], ["r1", "A", "3"]])
    1
    >>> detect_header_row([["Staff survey 2025"], [], ["id", "team", "q1"], ["r1", "A", "3"]])
    3
    >>> detect_header_row([["id", "", "q1"], ["a", "b", "c"]])    # row 1 is not banner-like: no guess
    1

    R: no equivalent; once the row N is known, ``read.csv(f, skip = N - 1)``.
    """
    grid = [_cells(r) for r in list(rows)[:HEADER_SCAN_ROWS + _HEADER_LOOKAHEAD + 1]]
    for h, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        if not _names_every_column(cells):
            continue
        below = [g for g in grid[h + 1:] if g][:_HEADER_LOOKAHEAD]
        if any(len(g) > len(cells) for g in below):
            continue                                    # a wider row follows: a banner, not the header
        banner_like = all(2 * sum(1 for c in g if c) < len(cells) for g in grid[:h])
        return h + 1 if banner_like else 1
    return 1


def _skipped(rows, header: int) -> list[list]:
    """``[[row, first words], ...]`` of the non-blank rows above the header."""
    out = []
    for i, row in enumerate(list(rows)[:header - 1]):
        cells = [c for c in _cells(row) if c]
        if cells:
            text = " ".join(cells)
            out.append([i + 1, text if len(text) <= 60 else text[:57] + "..."])
    return out


def _note_skipped(df: pd.DataFrame, p: Path, detected: bool) -> None:
    """Say which rows above the header were skipped (a detected header only: a given one was asked for)."""
    skipped = df.attrs.get("skipped_rows") or []
    if not detected or not skipped:
        return
    h = df.attrs["header_row"]
    said = ", ".join(f"row {r} ({shown(t)})" for r, t in skipped[:5]) + (" …" if len(skipped) > 5 else "")
    warnings.warn(
        f"file '{df.attrs.get('source', p)}': the header is row {h}, the first row that names every column; "
        f"{len(skipped)} row(s) above it were skipped: {said}. Pass header_row={h} (study file: header_row: {h}) "
        f"to say so, or header_row= with another row if the header is elsewhere.", stacklevel=3)


def _first_records(text: str, sep: str, n: int) -> list[list[str]]:
    """The first ``n`` records of a text file (blank lines are empty records); fewer if it cannot be split."""
    out = []
    reader = csv.reader(lines_of(text), delimiter=sep, quotechar='"', doublequote=True)
    try:
        for rec in reader:
            out.append(rec)
            if len(out) >= n:
                break
    except csv.Error:
        pass
    return out


def _header_beyond(source: str, header_row: int, rows: int) -> DataError:
    return DataError(f"header_row={header_row} but the file has {rows} row(s)", file=source,
                     hint="give the row holding the column names as the file or spreadsheet shows it")


def _blank_header(source: str, header_row: int) -> DataError:
    return DataError(f"header_row={header_row} is a blank row", file=source,
                     hint="give the row holding the column names")


def _empty(p: Path) -> DataError:
    return DataError("is empty", file=str(p), hint="Check that the export finished and that this is the right file.")


def _not_qualtrics(p: Path) -> DataError:
    return DataError("has no {\"ImportId\": ...} row as its third row, which every Qualtrics export has", file=str(p),
                     hint="Export with 'Use numeric values' or 'Use choice text' from Qualtrics' Data & Analysis "
                          "tab, or leave qualtrics=True out to read it as a plain export.")


# ---------------------------------------------------------------------------------------------
def _settle_types(df: pd.DataFrame, text: set) -> pd.DataFrame:
    """Turn a column into numbers when every value is unambiguous (module docstring); else keep it."""
    out = {}
    for col in df.columns:
        s = df[col]
        if col in text:
            out[col] = _as_text(s)
            continue
        if not (s.dtype == object or pd.api.types.is_string_dtype(s)):
            out[col] = s
            continue
        values = pd.unique(s[s.notna()].to_numpy())     # answers repeat: check each distinct value once
        ok = True
        for v in values:
            if isinstance(v, str):
                if not is_plain_number(v):
                    ok = False
                    break
            elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                ok = False
                break
        out[col] = pd.to_numeric(s) if ok and len(values) else s
    res = pd.DataFrame(out, index=df.index)
    res.columns = df.columns
    res.attrs = dict(df.attrs)
    return res


def _as_text(s: pd.Series) -> np.ndarray:
    """A column as text: strings unchanged, a number as it reads (7.0 → "7"), missing stays missing.

    An object array, so that pandas gives the column the same text dtype as any other text column.
    """
    def one(v):
        if isinstance(v, str) or v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return v
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v)
    return np.array([one(v) for v in s.to_numpy(dtype=object)], dtype=object)


#: Qualtrics' numeric codes of the ``Status`` column (its SPSS export's value labels)
QUALTRICS_STATUS = {0: "IP Address", 1: "Survey Preview", 2: "Survey Test", 4: "Imported", 8: "Spam",
                    9: "Survey Preview Spam", 12: "Imported Spam", 16: "Offline", 17: "Offline Survey Preview"}
#: response types that are not answers of a real respondent
QUALTRICS_NOT_RESPONDENTS = {"Survey Preview", "Survey Test", "Spam", "Survey Preview Spam", "Imported Spam",
                             "Offline Survey Preview"}


def qualtrics_response_type(df: pd.DataFrame, column: str = "Status") -> pd.Series | None:
    """The Qualtrics response type of every row ("IP Address", "Survey Preview", "Spam", …), or None.

    Qualtrics writes the type in the ``Status`` column, as text ("Survey Preview") or, in an export
    with numeric values, as a code (1). Rows whose type is in :data:`QUALTRICS_NOT_RESPONDENTS`
    (previews, tests, spam) are not answers of real respondents: the study pipeline flags them
    and shows them in the flow. An unknown code is returned as written.

    Returns None when the data have no such column.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"Status": [0, 1, 8], "Q1": [3, 4, 5]})
    >>> qualtrics_response_type(df).tolist()
    ['IP Address', 'Survey Preview', 'Spam']
    >>> qualtrics_response_type(df).isin(QUALTRICS_NOT_RESPONDENTS).tolist()
    [False, True, True]
    """
    if column not in df.columns:
        return None

    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return None
        if isinstance(v, str):
            text = v.strip()
            return QUALTRICS_STATUS.get(int(text), text) if text.isdigit() else text
        if isinstance(v, (int, float, np.integer, np.floating)) and float(v).is_integer():
            return QUALTRICS_STATUS.get(int(v), str(int(v)))
        return str(v)
    return pd.Series([one(v) for v in df[column].to_numpy(dtype=object)], index=df.index, dtype=object,
                     name="response_type")


# ---------------------------------------------------------------------------------------------
def _decode(raw: bytes, p: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise DataError("is not an encoding Python knows", argument="encoding", value=encoding,
                            hint="name one such as utf-8, cp1252, latin-1 or utf-16") from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError(
                f"cannot be read as {encoding}: byte {raw[exc.start:exc.start + 1]!r} is not valid {encoding}",
                file=str(p), line=line, hint="Save the file as UTF-8, or name its encoding (e.g. encoding='cp1252' "
                                             "for Excel CSV from Windows, encoding='utf-16').") from None
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DataError(f"has a {enc} byte-order mark but is not valid {enc} (byte {exc.start})", file=str(p),
                                hint="Re-save it as UTF-8 CSV, or pass encoding= with its encoding.") from None
    if b"\x00" in raw[:4096]:
        raise DataError("has NUL bytes and no byte-order mark: it looks like UTF-16 or a binary file", file=str(p),
                        hint="Re-save it as UTF-8 CSV, or pass encoding='utf-16-le' or encoding='utf-16-be'.")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        # Excel's "CSV" on Western-European Windows; every byte but five is defined there
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise DataError(
            f"encoding not recognised (neither UTF-8 nor Windows-1252; first bad byte "
            f"{raw[utf8_error.start:utf8_error.start + 1]!r})", file=str(p), line=line,
            hint="Pass encoding= with the file's encoding.") from None


def delimiter_of(delimiter: str | None) -> str | None:
    """The character a ``delimiter=`` names ('tab', 'comma', 'semicolon', 'pipe', '\\t' or itself)."""
    if delimiter is None:
        return None
    return {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(delimiter, delimiter)


def _sniff(text: str, p: Path) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        lines = text.splitlines()[:HEADER_SCAN_ROWS + 1]
        # the first line with a separator (a title line above the header has none)
        header = next((line for line in lines if any(d in line for d in _DELIMITERS)), lines[0] if lines else "")
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        if counts[best]:
            return best
        return "\t" if p.suffix.lower() in (".tsv", ".tab") else ","


def _read_text(p: Path, encoding: str | None, delimiter: str | None, qualtrics=None,
               text: set | None = None, header_row: int | None = None) -> pd.DataFrame:
    raw = p.read_bytes()
    if not raw.strip():
        raise _empty(p)
    decoded, enc = _decode(raw, p, encoding)
    sep = delimiter_of(delimiter) or _sniff(head_text(decoded, 50), p)     # _sniff reads the first 50 lines
    if len(sep) != 1:
        raise DataError("is not one character", argument="delimiter", value=sep,
                        hint="give one character, or tab, comma, semicolon or pipe")
    head = _first_records(decoded, sep, max(header_row or 0, HEADER_SCAN_ROWS) + _HEADER_LOOKAHEAD + 1)
    h = header_row or detect_header_row(head)
    if not qualtrics and h == 1:
        fast = read_clean(raw, decoded, enc, sep, head, text or set())      # fast_csv: the careful path's result
        if fast is not None:
            fast.attrs.update(source=str(p), first_row=2, format="csv", encoding=enc, delimiter=sep,
                              value_labels={}, column_labels={}, declared_missing={}, qualtrics=False,
                              header_row=1, skipped_rows=[])
            return fast
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


def _text_column(cells: tuple, as_text: bool) -> np.ndarray:
    """One column of a text file: numbers when every value is a plain number, else the text as written.

    Hand-written (not pandas.to_numeric on objects, which is 50× slower here): the rule is checked
    once per distinct value, and numpy parses the digits.
    """
    distinct = set(cells)
    empty = "" in distinct
    distinct.discard("")
    if not as_text and distinct and all(is_plain_number(v) for v in distinct):
        if empty or any("." in v for v in distinct):
            table = {v: float(v) for v in distinct}
            table[""] = np.nan
            return np.fromiter(map(table.__getitem__, cells), dtype=np.float64, count=len(cells))
        table = {v: int(v) for v in distinct}
        return np.fromiter(map(table.__getitem__, cells), dtype=np.int64, count=len(cells))
    col = np.array(cells, dtype=object)
    if empty:
        col[col == ""] = np.nan                         # an empty cell is the only text read as missing
    return col


def _dedupe(header: list[str]) -> list[str]:
    """Duplicate names as pandas writes them ('q1', 'q1.1'), so that _check_header names them."""
    seen: dict[str, int] = {}
    out = []
    for h in header:
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _split_records(text: str, sep: str, p: Path, header_row: int = 1):
    """The header and data records of a text file, with the file line each record starts on.

    The header is record ``header_row`` (or, for 1, the first non-blank record); ``skipped`` counts
    the records above it (for a header beyond the file: every record).

    Hand-written on the csv module rather than pandas.read_csv: pandas fills a short row with
    missing values without a word and shifts columns when data rows have a trailing delimiter
    (it takes the first column as the index); here every record's field count is checked.
    """
    header, records, lines, skipped = None, [], [], 0
    for k, (rec, start, skipped) in enumerate(iter_records(io.StringIO(text, newline=""), sep, p, header_row)):
        if k == 0:
            header = rec                             # None: no header in the file
            continue
        records.append(rec)
        lines.append(start)
    # blank lines at the end are not rows; a blank line between rows stays an (empty) row, so that
    # every later row keeps its number
    while records and not records[-1]:
        records.pop()
        lines.pop()
    return header, records, lines, skipped


def iter_records(stream, sep: str, p: Path, header_row: int = 1):
    """The records of a text file (``stream`` read with ``newline=""``) one at a time, as ``(record, file
    line it starts on, records skipped above the header)``. The first is the header: record
    ``header_row`` (for 1, the first non-blank record), or None when the file has none.
    """
    csv.field_size_limit(2**31 - 1)                  # a long free-text answer is still one field
    reader = csv.reader(stream, delimiter=sep, quotechar='"', doublequote=True)
    header = None
    skipped = 0                                      # records above the header (banner and blank rows)
    last = 0
    try:
        for rec in reader:
            start = last + 1
            last = reader.line_num
            if header is None:
                if skipped + 1 < header_row or (header_row == 1 and (not rec or all(f.strip() == "" for f in rec))):
                    skipped += 1
                    continue
                header = rec
            yield rec, start, skipped
    except csv.Error as exc:
        raise DataError(f"cannot be read as {_DELIM_NAMES.get(sep, repr(sep))}-separated text ({exc})", file=str(p),
                        line=last + 1, hint="Check that line for an unclosed quote (\"), or pass the right "
                                            "delimiter=.") from None
    if header is None:
        yield None, 0, skipped


def _check_widths(records, width, lines, text, sep, p, skipped, header=()) -> int:
    """Stop at the first record with another field count than the header (``header``: its names);
    returns trailing-delimiter rows."""
    trailing = 0
    bad = []
    for k, rec in enumerate(records):
        n = len(rec)
        if n == width:
            continue
        if n == 0:                                    # a blank line: an empty row
            rec.extend([""] * width)
            continue
        if n > width and all(f == "" for f in rec[width:]):
            del rec[width:]
            trailing += 1
            continue
        bad.append(k)
        if len(bad) > 5:
            break
    if not bad:
        return trailing
    k = bad[0]
    rec, line = records[k], lines[k]
    row = k + 2 + skipped
    at = f"row {row}" + (f" (line {line} of the file)" if line != row else "")
    name = _DELIM_NAMES.get(sep, repr(sep))
    n = len(rec)
    hint = ""
    raw_line = text.splitlines()[line - 1] if line - 1 < len(text.splitlines()) else ""
    if n > width and _names_every_column(_cells(rec)):
        hint = (f"That row names every column: if it is the header (below {row - 1} title or note "
                f"row(s)), pass header_row={row}.")
    for d in ([] if hint else _DELIMITERS):
        if d != sep and len(next(csv.reader([raw_line], delimiter=d), [])) == width:
            hint = (f"The row looks {_DELIM_NAMES[d]}-separated ({width} fields when split on "
                    f"{_DELIM_NAMES[d]}s) while the rest of the file is {name}-separated: re-export it.")
            break
    if not hint:
        if n > width:
            extra = [f for f in rec[width:] if f != ""]
            hint = (f"The value(s) after the last column start with {shown(extra[0])}: check for an "
                    f"unquoted {name} inside an answer.")
        else:
            hint = f"Check for a missing {name} or a line break inside an answer."
    others = [f"row {i + 2 + skipped}" for i in bad[1:5]]
    more = (f" Other rows with the wrong number of fields: {', '.join(others)}"
            f"{' and more' if len(bad) > 5 else ''}." if others else "")
    # the place: the row, the first column the row leaves without a field (none for a row that is too
    # long) and the row as the file writes it
    raise DataError(f"{n} field{'s' if n != 1 else ''} where the header has {width} ({name}-separated)", file=str(p),
                    row=at, column=header[n] if n < min(width, len(header)) else None, value=raw_line,
                    hint=f"{hint}{more} Fix the file, or pass the right delimiter=.")


def _read_excel(p: Path, sheet, header_row: int | None = None) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(p)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"cannot be opened as an Excel workbook: {exc}", file=str(p),
                        hint="Open it in a spreadsheet program and save it as .xlsx, or export it as CSV.") from None
    names = book.sheet_names
    if sheet is None:
        sheet = names[0]
    elif isinstance(sheet, str) and sheet.isdigit() and sheet not in names:
        sheet = int(sheet)
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"has {len(names)} sheet(s) ({', '.join(names)}); there is no sheet {sheet}", file=str(p),
                            hint="give a sheet's name, or its number counted from 0")
        sheet = names[sheet]
    if sheet not in names:
        raise DataError(f"has no sheet '{sheet}'; its sheets are: {', '.join(names)}", file=str(p),
                        hint="Name one of them (or give its number, counted from 0).")
    # dtype=object and keep_default_na=False: pandas would otherwise turn a text cell '007' into 7,
    # TRUE into 1 and a text cell "NA" into missing; every cell keeps the type the workbook gives it
    head = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object, keep_default_na=False, na_values=[""],
                         nrows=max(header_row or 0, HEADER_SCAN_ROWS) + _HEADER_LOOKAHEAD + 1)
    rows = head.to_numpy(dtype=object).tolist()
    if header_row is not None:
        if header_row > len(rows):
            raise _header_beyond(f"{p} [{sheet}]", header_row, len(rows))
        if not _cells(rows[header_row - 1]):
            raise _blank_header(f"{p} [{sheet}]", header_row)
    h = header_row or detect_header_row(rows)
    df = pd.read_excel(book, sheet_name=sheet, header=h - 1, dtype=object, keep_default_na=False, na_values=[""])
    book.close()
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        for (r, j), text in _check_cells(p, sheet, h).items():
            if 0 <= r - h - 1 < len(df) and j < df.shape[1]:
                df.iat[r - h - 1, j] = text
    df = _excel_types(df)
    df.attrs.update(source=f"{p}" + (f" [{sheet}]" if len(names) > 1 else ""), first_row=h + 1, format="excel",
                    sheet=sheet, value_labels={}, column_labels={}, declared_missing={}, header_row=h,
                    skipped_rows=_skipped(rows, h))
    return df


def _excel_types(df: pd.DataFrame) -> pd.DataFrame:
    """Columns whose every cell is a number cell become numeric; any other column stays as read."""
    out = df.copy()
    for col in df.columns:
        s = df[col]
        vals = s[s.notna()].to_numpy(dtype=object)
        if len(vals) and all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))
                             for v in vals):
            out[col] = pd.to_numeric(s)
        elif not len(vals):
            out[col] = pd.to_numeric(s)                 # an empty column: all missing
    return out


def _check_cells(p: Path, sheet: str, header_row: int = 1) -> dict:
    """Look at the cells pandas cannot be trusted with.

    A formula cell without a cached value (the workbook was written by a program and never opened
    and saved in Excel) would be read as empty: stop, naming the cells. An error cell (``#N/A``,
    ``#DIV/0!``) would be read as empty without a word: return ``{(row, column): text}`` so the
    caller puts the error text back and item preparation treats it like any other text. The
    refusal's place is the first such cell: its row, its column's name and its formula.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        formulas = openpyxl.load_workbook(p, read_only=True, data_only=False)
        values = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception:  # already opened once by pandas; leave odd workbooks to it
        return {}
    try:
        bad, errors, names, first = [], {}, {}, None
        for frow, vrow in zip(formulas[sheet].iter_rows(), values[sheet].iter_rows()):
            for j, cell in enumerate(frow):
                if not hasattr(cell, "data_type"):      # EmptyCell of a read-only sheet
                    continue
                v = vrow[j] if j < len(vrow) else None
                value = getattr(v, "value", None)
                if value is not None and getattr(cell, "row", None) == header_row:
                    names[j] = str(value)                 # the column's name, for the first such cell
                if cell.data_type == "f" and value is None:
                    bad.append(f"{get_column_letter(j + 1)}{cell.row}")
                    first = first or (cell.row, j, str(cell.value))
                elif getattr(v, "data_type", None) == "e" and value is not None and cell.row > header_row:
                    errors[(cell.row, j)] = str(value)
    finally:
        formulas.close()
        values.close()
    if bad:
        raise DataError(
            f"{len(bad)} formula cell(s) have no computed value ({', '.join(bad[:8])}{' …' if len(bad) > 8 else ''}); "
            f"they would be read as empty", file=f"{p} [{sheet}]", row=first[0],
            column=names.get(first[1], get_column_letter(first[1] + 1)), value=first[2],
            hint="Open the workbook in Excel or LibreOffice and save it (that stores the values), or export it as CSV.")
    return errors


def _read_spss(p: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        reader = pyreadstat.read_sav
        df, meta = reader(str(p), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise spss_unreadable(p, exc) from None
    return spss_frame(df, meta, p)


def spss_unreadable(p: Path, exc) -> DataError:
    return DataError(f"cannot be read as an SPSS .sav file: {exc}", file=str(p),
                     hint="Save it again from SPSS or PSPP as .sav, or export the data as CSV.")


def spss_frame(df: pd.DataFrame, meta, p: Path) -> pd.DataFrame:
    """pyreadstat's frame with the user-missing codes set to missing and what the file says in ``attrs``."""
    declared: dict[str, list] = {}
    cells: dict[str, list] = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        if col not in df.columns:
            continue
        s = df[col]
        mask = np.zeros(len(s), dtype=bool)
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            if pd.api.types.is_numeric_dtype(s):
                mask |= (s >= lo).to_numpy() & (s <= hi).to_numpy()
            else:
                mask |= (s == lo).to_numpy()
        if mask.any():
            declared[col] = sorted(pd.unique(s[mask]).tolist())
            # which cells held which code, so that item preparation lists them in the audit
            cells[col] = [[int(i), v.item() if hasattr(v, "item") else v]
                          for i, v in zip(np.flatnonzero(mask), s[mask].to_numpy())]
            df.loc[mask, col] = np.nan
    df.attrs.update(
        source=str(p), first_row=1, format="spss",
        value_labels={k: dict(v) for k, v in (meta.variable_value_labels or {}).items()},
        column_labels={k: v for k, v in (meta.column_names_to_labels or {}).items() if v},
        declared_missing=declared, user_missing_cells=cells,
    )
    return df


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


def _maybe_qualtrics(df: pd.DataFrame, p: Path, qualtrics) -> pd.DataFrame:
    looks = len(df) >= 2 and df.iloc[1].astype(str).str.match(_QUALTRICS_IMPORT).any()
    if qualtrics is None:
        qualtrics = bool(looks)
    if not qualtrics:
        df.attrs["qualtrics"] = False
        return df
    if not looks:
        raise _not_qualtrics(p)
    attrs = dict(df.attrs)
    questions = {c: str(q) for c, q in df.iloc[0].items() if isinstance(q, str) and q != c}
    # the question rows forced every column to text; read_responses gives plain-number columns
    # their numbers back by the same rule as any text file (_settle_types)
    out = df.iloc[2:].reset_index(drop=True)
    attrs.update(first_row=attrs["first_row"] + 2, qualtrics=True, column_labels=questions)
    out.attrs = attrs
    return out


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
