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
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError

TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
SPSS_SUFFIXES = {".sav", ".zsav"}
_DELIMITERS = [",", ";", "\t", "|"]
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_QUALTRICS_IMPORT = re.compile(r'^\s*\{\s*"ImportId"')


def read_responses(path, *, sheet=None, encoding=None, delimiter=None, qualtrics=None) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        One row per respondent, RangeIndex; metadata in ``.attrs`` (see the module docstring).

    Examples
    --------
    >>> from analysis import read_responses
    >>> df = read_responses("data/raw/demo/responses.csv")
    >>> df.attrs["first_row"]
    2

    The R equivalent is ``read.csv()`` / ``haven::read_sav()`` followed by hand-written clean-up.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"file '{p}' does not exist")
    if p.is_dir():
        raise DataError(f"'{p}' is a folder, not a data file")
    suffix = p.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        df = _read_excel(p, sheet)
    elif suffix in SPSS_SUFFIXES:
        df = _read_spss(p)
    elif suffix == ".parquet":
        df = _read_parquet(p)
    else:
        df = _read_text(p, encoding, delimiter)
    if df.attrs["format"] in ("csv", "excel"):
        df = _maybe_qualtrics(df, p, qualtrics)
    else:
        df.attrs["qualtrics"] = False
    if df.shape[1] == 0 or df.shape[0] == 0:
        raise DataError(f"file '{p}' has no data rows" + (" (only a header)" if df.shape[1] else ""))
    _check_header(df, p)
    return df


# ---------------------------------------------------------------------------------------------
def _decode(raw: bytes, p: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except LookupError:
            raise DataError(f"file '{p}': unknown encoding '{encoding}'") from None
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise DataError(
                f"file '{p}' cannot be read as {encoding}: byte {raw[exc.start:exc.start + 1]!r} on line "
                f"{line} is not valid {encoding}. Save the file as UTF-8, or name its encoding "
                f"(e.g. --encoding cp1252 for Excel CSV from Windows, --encoding utf-16)."
            ) from None
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DataError(f"file '{p}' starts with a {enc} byte-order mark but is not valid {enc} "
                                f"(byte {exc.start})") from None
    if b"\x00" in raw[:4096]:
        raise DataError(
            f"file '{p}' contains NUL bytes and no byte-order mark: it looks like UTF-16 or a binary "
            f"file. Re-save it as UTF-8 CSV, or pass --encoding utf-16-le / utf-16-be."
        )
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
            f"file '{p}': encoding not recognised (neither UTF-8 nor Windows-1252; first bad byte "
            f"{raw[utf8_error.start:utf8_error.start + 1]!r} on line {line}). Pass --encoding with the "
            f"file's encoding."
        ) from None


def _sniff(text: str, p: Path) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        counts = {d: header.count(d) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        if counts[best]:
            return best
        return "\t" if p.suffix.lower() in (".tsv", ".tab") else ","


def _read_text(p: Path, encoding: str | None, delimiter: str | None) -> pd.DataFrame:
    raw = p.read_bytes()
    if not raw.strip():
        raise DataError(f"file '{p}' is empty")
    text, enc = _decode(raw, p, encoding)
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(delimiter, delimiter)
    sep = delimiter or _sniff(text, p)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=None, skipinitialspace=False,
                         keep_default_na=True, na_values=[""], low_memory=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"file '{p}' is empty") from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise DataError(
                f"file '{p}', row {m.group(2)}: {m.group(3)} fields where the header has {m.group(1)} "
                f"({_DELIM_NAMES.get(sep, repr(sep))}-separated). Check for an unquoted "
                f"{_DELIM_NAMES.get(sep, sep)} inside an answer, or pass the right --delimiter."
            ) from None
        raise DataError(f"file '{p}' could not be parsed as {_DELIM_NAMES.get(sep, repr(sep))}-separated text: {exc}") from None
    if df.shape[1] == 1:
        header = str(df.columns[0])
        others = [d for d in _DELIMITERS if d != sep and header.count(d) >= 1]
        if others:
            d = others[0]
            raise DataError(
                f"file '{p}': read as {_DELIM_NAMES.get(sep, repr(sep))}-separated it has a single column "
                f"'{header[:60]}', whose name contains the {_DELIM_NAMES[d]} character. The file is "
                f"probably {_DELIM_NAMES[d]}-separated: pass --delimiter '{d if d != chr(9) else 'tab'}'."
            )
    df.attrs.update(source=str(p), first_row=2, format="csv", encoding=enc, delimiter=sep,
                    value_labels={}, column_labels={}, declared_missing={})
    return df


def _read_excel(p: Path, sheet) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(p)
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"file '{p}' cannot be opened as an Excel workbook: {exc}") from None
    names = book.sheet_names
    if sheet is None:
        sheet = names[0]
    elif isinstance(sheet, str) and sheet.isdigit() and sheet not in names:
        sheet = int(sheet)
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise DataError(f"file '{p}' has {len(names)} sheet(s) ({', '.join(names)}); there is no sheet {sheet}")
        sheet = names[sheet]
    if sheet not in names:
        raise DataError(f"file '{p}' has no sheet '{sheet}'; its sheets are: {', '.join(names)}")
    df = pd.read_excel(book, sheet_name=sheet)
    df.attrs.update(source=f"{p}" + (f" [{sheet}]" if len(names) > 1 else ""), first_row=2, format="excel",
                    sheet=sheet, value_labels={}, column_labels={}, declared_missing={})
    return df


def _read_spss(p: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        reader = pyreadstat.read_sav
        df, meta = reader(str(p), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise DataError(f"file '{p}' cannot be read as an SPSS .sav file: {exc}") from None
    declared: dict[str, list] = {}
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
            df.loc[mask, col] = np.nan
    df.attrs.update(
        source=str(p), first_row=1, format="spss",
        value_labels={k: dict(v) for k, v in (meta.variable_value_labels or {}).items()},
        column_labels={k: v for k, v in (meta.column_names_to_labels or {}).items() if v},
        declared_missing=declared,
    )
    return df


def _read_parquet(p: Path) -> pd.DataFrame:
    try:
        df = pd.read_parquet(p)
    except Exception as exc:
        raise DataError(f"file '{p}' cannot be read as parquet: {exc}") from None
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
        raise DataError(
            f"file '{p}' was read as a Qualtrics export, but its third row is not the "
            f"{{\"ImportId\": ...}} row Qualtrics writes. Export with 'Use numeric values' or "
            f"'Use choice text' from Qualtrics' Data & Analysis tab, or drop --qualtrics."
        )
    attrs = dict(df.attrs)
    questions = {c: str(q) for c, q in df.iloc[0].items() if isinstance(q, str) and q != c}
    out = df.iloc[2:].reset_index(drop=True)
    # the question rows forced every column to text: give numeric columns their numbers back
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            num = pd.to_numeric(s, errors="coerce")
            if num.notna().sum() == s.notna().sum():
                out[col] = num
    attrs.update(first_row=attrs["first_row"] + 2, qualtrics=True, column_labels=questions)
    out.attrs = attrs
    return out


def _check_header(df: pd.DataFrame, p: Path) -> None:
    cols = [str(c) for c in df.columns]
    unnamed = [i + 1 for i, c in enumerate(cols) if c.startswith("Unnamed: ")]
    # pandas renames duplicate headers to 'x.1'; report the original problem
    dupes = sorted({c.rsplit(".", 1)[0] for c in cols if re.search(r"\.\d+$", c) and c.rsplit(".", 1)[0] in cols})
    if dupes:
        raise DataError(
            f"file '{p}': the header names column(s) {', '.join(repr(d) for d in dupes)} more than once. "
            f"Give every column a unique name."
        )
    if unnamed and len(unnamed) == len(cols):
        raise DataError(f"file '{p}': the first row is not a header (no column has a name)")


def row_label(df: pd.DataFrame, index) -> str:
    """How to name the row with index label ``index`` for the user ("row 17")."""
    first = df.attrs.get("first_row")
    if first is not None and isinstance(index, (int, np.integer)):
        return f"row {int(index) + int(first)}"
    return f"row with index {index!r}"
