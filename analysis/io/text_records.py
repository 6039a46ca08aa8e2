"""A text file's records: its encoding, its delimiter, the records split by the csv module, and
every record's field count checked against the header's."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from ..errors import DataError, shown
from .header_row import HEADER_SCAN_ROWS, _cells, _names_every_column

_DELIMITERS = [",", ";", "\t", "|"]
_DELIM_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


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
