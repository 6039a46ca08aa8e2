"""Excel workbooks (.xlsx/.xlsm/.xls): the sheet, the header row, number cells as numbers, formula
cells without a value refused, error cells kept as their text."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .header_row import (HEADER_SCAN_ROWS, _HEADER_LOOKAHEAD, _blank_header, _cells, _header_beyond, _skipped,
                         detect_header_row)


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
