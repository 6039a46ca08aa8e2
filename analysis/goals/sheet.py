"""The coding sheet for two human coders of goal statements, written and read back.

The workbook has a ``Coding`` sheet (statement id, statement, one blank column per coder with a
drop-down list of the four classes) and a ``Definitions`` sheet (the definitions the rules apply
and how to code). The rules' own coding is *not* in the sheet, so the coders code blind;
:func:`analysis.goals.goal_agreement` codes the statements again with the rules when it compares.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ..errors import DataError, where
from ..io.readers import row_label
from ..io.writers import atomic_write_bytes, deterministic_xlsx
from .lexicon import GOAL_TYPES
from ..checks import near_columns

CODING_SHEET = "Coding"
DEFINITIONS_SHEET = "Definitions"
DEFAULT_CODERS = ("coder_1", "coder_2")
DEFINITIONS = [
    ("mastery", "Controllable and specific: what the person will learn or do, how and how often, focused on "
                "getting better rather than on proving ability.",
     "Read one book on negotiation each month and try one idea from it in the next week's calls."),
    ("performance", "A clear target whose attainment still depends on others or on circumstances: sales "
                    "numbers, a grade, a ranking, approval by senior staff, a promotion sought for status.",
     "Close 20 sales a month."),
    ("outcome", "A result the person can influence but not control, with no context, means or scenario in which "
                "it would be judged: ambiguous and hard to act on.",
     "Be better at influencing senior people."),
    ("unclear", "Not a goal (a comment, a complaint, 'n/a', 'don't know'), empty, or impossible to place in one "
                "of the three classes.",
     "The new office is too noisy."),
]
HOW_TO_CODE = [
    "Code every statement on your own, in your own column, before talking to the other coder.",
    "Choose from the list: mastery, performance, outcome or unclear. Leave a cell empty only if you did not get to it.",
    "A statement with two goals: code the goal the statement is mainly about; if you cannot tell, code what the "
    "person is asked to be judged on (a target set by others makes it performance).",
    "A negated target ('practise X weekly, not just to hit the target') is not a target: code the rest.",
    "Do not open the rules' coding (goalscope goals FILE --text COLUMN) before you have finished.",
]


def put_text(cell, value):
    """Store ``value`` in a cell as text: a statement starting with '=' is not run as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _statement_ids(data: pd.DataFrame, id_column: str | None) -> pd.Series:
    if id_column is not None:
        if id_column not in data.columns:
            raise DataError(f"id column '{id_column}' is not in the data." + near_columns(id_column, data))
        ids = data[id_column]
        bad = ids.isna() | ids.duplicated(keep="first")
        if bad.any():
            at = bad[bad].index[0]
            value = ids[at]
            value = None if pd.isna(value) else (value.item() if hasattr(value, "item") else value)
            raise DataError(f"{where(data.attrs.get('source'), column=id_column, value=value)}, {row_label(data, at)}: "
                            f"the id is missing or repeated; every statement needs a unique id (or leave out "
                            f"id_column= to number statements by their file row)")
        return ids
    first = int(data.attrs.get("first_row", 1)) if isinstance(data.index, pd.RangeIndex) else None
    if first is None:
        return pd.Series(list(data.index), index=data.index)
    return pd.Series(data.index + first, index=data.index)  # the row as the user sees it in the file


def coding_sheet_bytes(data: pd.DataFrame, text: str, *, id_column: str | None = None,
                       coders=DEFAULT_CODERS) -> bytes:
    """The coding workbook as bytes (identical input → identical bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    if text not in data.columns:
        raise DataError(f"goal statement column '{text}' is not in the data; name it with text=."
                        + near_columns(text, data))
    coders = list(coders)
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise DataError("a coding sheet needs at least two differently named coder columns")
    ids = _statement_ids(data, id_column)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = CODING_SHEET
    ws.append(["statement_id", "statement"] + coders)
    for c in ws[1]:
        c.font = bold
    for sid, t in zip(ids.tolist(), data[text].tolist()):
        ws.append([sid if not hasattr(sid, "item") else sid.item(), None] + [None] * len(coders))
        put_text(ws.cell(row=ws.max_row, column=2), None if pd.isna(t) else str(t)).alignment = wrap
    last = ws.max_row
    ws.freeze_panes = "C2"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 80
    dv = DataValidation(type="list", formula1='"' + ",".join(GOAL_TYPES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Not a goal class",
                        error="Choose mastery, performance, outcome or unclear (see the Definitions sheet).",
                        promptTitle="Goal class", prompt="mastery, performance, outcome or unclear")
    ws.add_data_validation(dv)
    for j in range(len(coders)):
        col = get_column_letter(3 + j)
        ws.column_dimensions[col].width = 16
        if last >= 2:
            dv.add(f"{col}2:{col}{last}")
    if last >= 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(2 + len(coders))}{last}"

    de = wb.create_sheet(DEFINITIONS_SHEET)
    de.column_dimensions["A"].width = 14
    de.column_dimensions["B"].width = 80
    de.column_dimensions["C"].width = 60
    de.append(["class", "definition", "example"])
    for c in de[1]:
        c.font = bold
    for row in DEFINITIONS:
        de.append(list(row))
        for c in de[de.max_row]:
            c.alignment = wrap
    de.append([])
    de.append(["How to code"])
    de.cell(row=de.max_row, column=1).font = bold
    for line in HOW_TO_CODE:
        de.append(["", line])
        de.cell(row=de.max_row, column=2).alignment = wrap
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue())


def write_coding_sheet(data: pd.DataFrame, text: str, path, *, id_column: str | None = None,
                       coders=DEFAULT_CODERS) -> Path:
    """Write the coding sheet for human coders (.xlsx), atomically.

    Parameters
    ----------
    data : DataFrame
        One row per statement.
    text : str
        Column holding the statements.
    path : str or Path
        Output ``.xlsx`` file.
    id_column : str, optional
        Column of unique statement ids; default the row number in the file the data came from.
    coders : sequence of str
        Names of the coder columns (default ``coder_1``, ``coder_2``).

    Examples
    --------
    >>> import os, tempfile, pandas as pd
    >>> df = pd.DataFrame({"goal": ["Close 20 sales a month", "Learn SQL"]})
    >>> out = write_coding_sheet(df, "goal", os.path.join(tempfile.mkdtemp(), "coding.xlsx"))
    >>> read_coding_sheet(out)
       statement_id               statement coder_1 coder_2
    0             1  Close 20 sales a month    None    None
    1             2               Learn SQL    None    None

    R has no equivalent (``openxlsx::write.xlsx(data.frame(statement_id, statement, coder_1 = NA, coder_2 = NA), file)`` writes a bare sheet).
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise DataError(f"coding sheet '{path}': use a .xlsx file name (the coders need the drop-down lists)")
    return atomic_write_bytes(p, coding_sheet_bytes(data, text, id_column=id_column, coders=coders))


def read_coding_sheet(path, *, coders=None) -> pd.DataFrame:
    """Read a filled coding sheet: ``statement_id, statement`` and the coder columns.

    Codes are compared without regard to case or surrounding spaces; an empty cell is a missing
    code. Anything else than the four classes stops with the file, the spreadsheet row, the column
    and the value.
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"coding sheet '{p}' does not exist")
    try:
        df = pd.read_excel(p, sheet_name=CODING_SHEET, dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise DataError(f"coding sheet '{p}' has no sheet named '{CODING_SHEET}' ({exc}); write one with "
                        f"write_coding_sheet()") from None
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"coding sheet '{p}' cannot be opened as an Excel workbook: {exc}") from None
    return check_codes(df, source=f"{p} [{CODING_SHEET}]", first_row=2, coders=coders)


def check_codes(df: pd.DataFrame, *, source=None, first_row: int = 2, coders=None) -> pd.DataFrame:
    """Validate and tidy the coder columns of a coding table (lower-case codes, blanks to ``None``)."""
    for col in ("statement_id", "statement"):
        if col not in df.columns:
            raise DataError(f"{where(source)}: the coding sheet has no '{col}' column; keep the columns "
                            f"goalscope wrote (statement_id, statement, coder_1, coder_2)")
    coders = list(coders) if coders else [c for c in df.columns if str(c).startswith("coder_")]
    missing = [c for c in coders if c not in df.columns]
    if missing:
        raise DataError(f"{where(source)}: no coder column '{missing[0]}'")
    if len(coders) < 2:
        raise DataError(f"{where(source)}: agreement needs at least two coder columns (coder_1, coder_2, …)")
    out = df[["statement_id", "statement"] + coders].copy()
    out["statement"] = out["statement"].astype(object).where(out["statement"].notna(), None)
    for c in coders:
        vals = []
        for pos, v in enumerate(out[c].tolist()):
            if v is None or (isinstance(v, float) and pd.isna(v)) or (isinstance(v, str) and not v.strip()):
                vals.append(None)
                continue
            s = str(v).strip().lower()
            if s not in GOAL_TYPES:
                raise DataError(f"{where(source, row=pos + first_row, column=c, value=v)}: not a goal class; "
                                f"use one of {', '.join(GOAL_TYPES)} (or leave the cell empty)")
            vals.append(s)
        out[c] = pd.Series(vals, index=out.index, dtype=object)
    return out
