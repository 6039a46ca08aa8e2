"""Which row of a CSV/TSV file or Excel sheet is the header: the rows above it (banner rows) found,
skipped and named. The decision table is in the :mod:`analysis.io.readers` docstring."""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, shown
from .fast_csv import is_plain_number, lines_of

# the header row (module docstring: the decision table)
#: rows looked at for a header below banner rows; rows read to check the rows under a candidate
HEADER_SCAN_ROWS = 20
_HEADER_LOOKAHEAD = 5


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
