"""The coding sheet for two human coders of goal statements, written and read back.

The workbook has a ``Coding`` sheet (statement id, statement, one blank column per coder with a
drop-down list of the four classes), a ``Definitions`` sheet (the definitions and how to code), a
``Read me`` sheet (what was left out and why, and the order) and a ``Left out`` sheet (the
statements not to code: blank answers, and those the trained coder coded ``not_a_goal``). The
coders' time goes where it is needed: with a trained coder (the default) the statements it is
least sure of come first (active learning); without one, the file order is kept. Neither the coder's nor the rules' codes are in the sheet, so the coders
code blind; :func:`goal_agreement` (here: it reads the filled sheet) codes the statements again
when it compares, with the statistics of :mod:`analysis.goals.agreement`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.writers import atomic_write_bytes, deterministic_xlsx
from .agreement import AgreementResult, agreement_between
from .lexicon import GOAL_TYPES
from ..checks import near_columns, row_label

CODING_SHEET = "Coding"
DEFINITIONS_SHEET = "Definitions"
README_SHEET = "Read me"
LEFT_OUT_SHEET = "Left out"
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
            raise DataError("is not in the data", file=data.attrs.get("source"), column=id_column, item="the id column",
                            hint="Name the column that holds the statement ids, or leave out id_column=." + near_columns(id_column, data))
        ids = data[id_column]
        bad = ids.isna() | ids.duplicated(keep="first")
        if bad.any():
            at = bad[bad].index[0]
            value = ids[at]
            value = None if pd.isna(value) else (value.item() if hasattr(value, "item") else value)
            raise DataError("the id is missing or repeated; every statement needs a unique id",
                            file=data.attrs.get("source"), row=row_label(data, at), column=id_column,
                            value="" if value is None else value,
                            hint="Fix the ids, or leave out id_column= to number statements by their file row.")
        return ids
    first = int(data.attrs.get("first_row", 1)) if isinstance(data.index, pd.RangeIndex) else None
    if first is None:
        return pd.Series(list(data.index), index=data.index)
    return pd.Series(data.index + first, index=data.index)  # the row as the user sees it in the file


@dataclass
class SheetPlan:
    """Which statements a coding sheet holds, in which order, and which it leaves out and why.

    ``kept``: ``statement_id, statement, p_top`` in sheet order (``p_top`` is the trained coder's
    probability of its most likely class; NaN without a coder); ``left_out``: ``statement_id,
    statement, reason`` (``blank`` or ``not_a_goal``) in file order; ``coder``: what ordered and
    filtered the statements, in words.
    """

    kept: pd.DataFrame
    left_out: pd.DataFrame
    coder: str

    @property
    def n_blank(self) -> int:
        return int((self.left_out["reason"] == "blank").sum())

    @property
    def n_not_a_goal(self) -> int:
        return int((self.left_out["reason"] == "not_a_goal").sum())

    def note(self) -> str:
        """One sentence: how many statements the sheet holds, and how many were left out and why."""
        head = f"{len(self.kept)} of {len(self.kept) + len(self.left_out)} statements to code; left out "
        where_listed = f"(listed on the sheet '{LEFT_OUT_SHEET}')"
        if self.coder == "no coder":
            return head + f"{self.n_blank} blank {where_listed}; no coder was used, so no non-goal was left out"
        return head + f"{self.n_blank} blank and {self.n_not_a_goal} that {self.coder} coded not_a_goal {where_listed}"


def plan_coding_sheet(data: pd.DataFrame, text: str, *, id_column: str | None = None, coder="default") -> SheetPlan:
    """Decide the coding sheet's statements and order (see :func:`write_coding_sheet`).

    Decision per statement, in this order: blank (empty or spaces only) → left out as ``blank``;
    with a coder, coded ``not_a_goal`` by it → left out as ``not_a_goal``; otherwise kept. Kept
    statements are ordered by the coder's probability of its most likely class, lowest first
    (ties and the no-coder case keep the file order).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"goal": ["Close 20 sales a month", "", "Too many meetings", "Be a better manager"]})
    >>> plan = plan_coding_sheet(df, "goal")
    >>> plan.kept["statement"].tolist(), plan.left_out["reason"].tolist()
    (['Close 20 sales a month', 'Be a better manager'], ['blank', 'not_a_goal'])

    R has no equivalent.
    """
    if text not in data.columns:
        raise DataError("is not in the data", file=data.attrs.get("source"), column=text,
                        item="the goal statement column", hint="name it with text=." + near_columns(text, data))
    ids = _statement_ids(data, id_column)
    ids = [sid.item() if hasattr(sid, "item") else sid for sid in ids.tolist()]
    texts = [None if pd.isna(t) else str(t) for t in data[text].tolist()]
    blank = [t is None or not t.strip() for t in texts]
    p_top = np.full(len(texts), np.nan)
    goal = [not b for b in blank]
    words = "no coder"
    if coder is not None:
        from .model import get_goal_coder

        model = get_goal_coder(coder)
        words = "the shipped coder" if str(coder) == "default" else "the trained coder"
        idx = [i for i, b in enumerate(blank) if not b]
        if idx:
            proba = model.predict_proba([texts[i] for i in idx])
            classes = np.asarray(proba.columns)[np.argmax(proba.to_numpy(), axis=1)]
            for i, c, p in zip(idx, classes, proba.max(axis=1).to_numpy()):
                p_top[i] = p
                goal[i] = c != "not_a_goal"
    reason = ["blank" if b else ("not_a_goal" if not g else None) for b, g in zip(blank, goal)]
    frame = pd.DataFrame({"statement_id": ids, "statement": texts, "p_top": p_top, "reason": reason}, dtype=object)
    frame["p_top"] = frame["p_top"].astype(float)
    kept = frame[frame["reason"].isna()].drop(columns="reason")
    if coder is not None:
        kept = kept.sort_values("p_top", kind="mergesort")  # stable: ties keep the file order
    left = frame[frame["reason"].notna()].drop(columns="p_top")
    return SheetPlan(kept=kept.reset_index(drop=True), left_out=left.reset_index(drop=True), coder=words)


def coding_sheet_bytes(data: pd.DataFrame, text: str, *, id_column: str | None = None,
                       coders=DEFAULT_CODERS, coder="default") -> bytes:
    """The coding workbook as bytes (identical input → identical bytes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    coders = list(coders)
    if len(coders) < 2 or len(set(coders)) != len(coders):
        raise DataError("is not two or more differently named coder columns", argument="coders", value=coders,
                        hint="a coding sheet needs at least two, e.g. ['coder_1', 'coder_2']")
    plan = plan_coding_sheet(data, text, id_column=id_column, coder=coder)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = CODING_SHEET
    ws.append(["statement_id", "statement"] + coders)
    for c in ws[1]:
        c.font = bold
    for sid, t in zip(plan.kept["statement_id"].tolist(), plan.kept["statement"].tolist()):
        ws.append([sid, None] + [None] * len(coders))
        put_text(ws.cell(row=ws.max_row, column=2), t).alignment = wrap
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

    rm = wb.create_sheet(README_SHEET)
    rm.column_dimensions["A"].width = 110
    for line in readme_lines(plan):
        rm.append([line])
        rm.cell(row=rm.max_row, column=1).alignment = wrap
    rm["A1"].font = bold
    lo = wb.create_sheet(LEFT_OUT_SHEET)
    lo.append(["statement_id", "statement", "reason"])
    for c in lo[1]:
        c.font = bold
    lo.column_dimensions["B"].width = 80
    for sid, t, why in plan.left_out.itertuples(index=False):
        lo.append([sid, None, why])
        put_text(lo.cell(row=lo.max_row, column=2), t).alignment = wrap
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue())


def readme_lines(plan: SheetPlan) -> list[str]:
    """The sheet's 'Read me': what it holds, what was left out and why, and the order."""
    lines = ["What this workbook holds", plan.note() + "."]
    if plan.n_blank:
        lines.append(f"Blank: {plan.n_blank} answers were empty; there is nothing to code.")
    if plan.coder != "no coder":
        lines.append(f"not_a_goal: {plan.n_not_a_goal} answers were coded not_a_goal by {plan.coder} (a complaint, a "
                     f"wish about others, a fact, a question or a filler). Code one of them by hand on the "
                     f"'{CODING_SHEET}' sheet if you think it is a goal.")
        lines.append("Order: the statements the coder was least sure of come first (lowest probability of its most "
                     "likely class), so that your time goes where the coder needs human judgement most; equal "
                     "probabilities keep the order of the data file. The coder's codes are not shown.")
    else:
        lines.append("Order: as in the data file. No coder was used, so only blank answers were left out.")
    return lines


def write_coding_sheet(data: pd.DataFrame, text: str, path, *, id_column: str | None = None,
                       coders=DEFAULT_CODERS, coder="default") -> Path:
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
    coder : "default", GoalCoder, path or None
        The trained coder that leaves out the statements it codes ``not_a_goal`` and orders the
        rest by its uncertainty, least sure first (:func:`plan_coding_sheet`); ``None``: every
        non-blank statement, in file order. Blank answers are always left out. Left-out
        statements are listed with their reason on the sheet 'Left out', and counted on 'Read me'.

    Examples
    --------
    >>> import os, tempfile, pandas as pd
    >>> df = pd.DataFrame({"goal": ["Close 20 sales a month", "Learn SQL", "", "Too many meetings"]})
    >>> out = write_coding_sheet(df, "goal", os.path.join(tempfile.mkdtemp(), "coding.xlsx"), coder=None)
    >>> read_coding_sheet(out)
       statement_id               statement coder_1 coder_2
    0             1  Close 20 sales a month    None    None
    1             2               Learn SQL    None    None
    2             4       Too many meetings    None    None

    R has no equivalent (``openxlsx::write.xlsx(data.frame(statement_id, statement, coder_1 = NA, coder_2 = NA), file)`` writes a bare sheet).
    """
    p = Path(path)
    if p.suffix.lower() != ".xlsx":
        raise DataError("is not a .xlsx file name", argument="path", value=Path(path),
                        hint="use a .xlsx file name (the coders need the drop-down lists)")
    return atomic_write_bytes(p, coding_sheet_bytes(data, text, id_column=id_column, coders=coders, coder=coder))


def read_coding_sheet(path, *, coders=None) -> pd.DataFrame:
    """Read a filled coding sheet: ``statement_id, statement`` and the coder columns.

    Codes are compared without regard to case or surrounding spaces; an empty cell is a missing
    code. Anything else than the four classes stops with the file, the spreadsheet row, the column
    and the value.
    """
    p = Path(path)
    if not p.exists():
        raise DataError("does not exist", file=str(p),
                        hint="Check the path of the coding sheet, or write one with write_coding_sheet().")
    try:
        df = pd.read_excel(p, sheet_name=CODING_SHEET, dtype=object, engine="openpyxl")
    except ValueError as exc:
        raise DataError(f"has no sheet named '{CODING_SHEET}' ({exc})", file=str(p),
                        hint="write one with write_coding_sheet()") from None
    except Exception as exc:  # openpyxl raises several unrelated types for a damaged file
        raise DataError(f"cannot be opened as an Excel workbook: {exc}", file=str(p),
                        hint="Open it in a spreadsheet program and save it as .xlsx.") from None
    return check_codes(df, source=f"{p} [{CODING_SHEET}]", first_row=2, coders=coders)


def check_codes(df: pd.DataFrame, *, source=None, first_row: int = 2, coders=None) -> pd.DataFrame:
    """Validate and tidy the coder columns of a coding table (lower-case codes, blanks to ``None``)."""
    for col in ("statement_id", "statement"):
        if col not in df.columns:
            raise DataError("is not in the coding sheet", file=source, column=col,
                            hint="keep the columns goalscope wrote (statement_id, statement, coder_1, coder_2)")
    coders = list(coders) if coders else [c for c in df.columns if str(c).startswith("coder_")]
    missing = [c for c in coders if c not in df.columns]
    if missing:
        raise DataError("is not in the coding sheet", file=source, column=missing[0], item="a coder column",
                        hint="Name the coder columns as the sheet has them (coders=).")
    if len(coders) < 2:
        raise DataError("has fewer than two coder columns", file=source,
                        hint="agreement needs at least two coder columns (coder_1, coder_2, …)")
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
                raise DataError("not a goal class", file=source, row=pos + first_row, column=c, value=v,
                                hint=f"use one of {', '.join(GOAL_TYPES)} (or leave the cell empty)")
            vals.append(s)
        out[c] = pd.Series(vals, index=out.index, dtype=object)
    return out


#: the column name of the trained coder's codes in an agreement table
TRAINED = "trained_coder"


def goal_agreement(sheet, *, coders=None, lexicon="en", level: float = 0.95, rules: bool = True,
                   coder=None) -> AgreementResult:
    """Agreement between the human coders of a coding sheet, and between each coder and the rules or a trained coder.

    Parameters
    ----------
    sheet : str, Path or DataFrame
        A filled coding sheet (:func:`write_coding_sheet`), or a DataFrame with its columns
        ``statement_id, statement, coder_1, coder_2, …``.
    coders : list of str, optional
        Coder columns; default every column whose name starts with ``coder_``.
    lexicon : str or path
        Lexicon for the rules' coding, done afresh from the statements (the sheet never shows it).
    level : float
        Confidence level of the kappa intervals.
    rules : bool
        Also compare every coder with the rules (default True).
    coder : "default", GoalCoder, path or None
        Also compare every coder with this trained coder (column ``trained_coder``), coding the
        statements afresh; its ``not_a_goal`` is the sheet's ``unclear`` (not a goal). ``goalscope
        goals SHEET --agreement`` uses the shipped coder unless ``--coder`` names another.

    Returns
    -------
    AgreementResult
        ``.table()``: per comparison (``coder_1 vs coder_2``, ``coder_1 vs rules``, …) percent
        agreement, Cohen's kappa with SE, CI, z and p, and Krippendorff's alpha (nominal), each with
        the number of statements both coded; with ``coder=``, also ``coder_1 vs trained_coder``, ….

    Examples
    --------
    >>> import pandas as pd
    >>> sheet = pd.DataFrame({"statement_id": [1, 2, 3, 4],
    ...     "statement": ["Close 20 sales a month", "Learn SQL by doing one exercise every day",
    ...                   "be a better leader", "n/a"],
    ...     "coder_1": ["performance", "mastery", "outcome", "unclear"],
    ...     "coder_2": ["performance", "mastery", "mastery", "unclear"]})
    >>> goal_agreement(sheet).summary()[["comparison", "n", "agreement"]]
              comparison  n  agreement
    0  coder_1 vs coder_2  4       75.0
    1    coder_1 vs rules  4      100.0
    2    coder_2 vs rules  4       75.0
    >>> goal_agreement(sheet, rules=False, coder="default").summary()[["comparison", "n", "agreement"]]
                     comparison  n  agreement
    0        coder_1 vs coder_2  4       75.0
    1  coder_1 vs trained_coder  4      100.0
    2  coder_2 vs trained_coder  4       75.0

    R: ``psy::ckappa(cbind(coder_1, coder_2))``, ``psych::cohen.kappa(cbind(coder_1, coder_2))``.
    """
    from .coder import code_goals

    if isinstance(sheet, pd.DataFrame):
        codes, source = check_codes(sheet, coders=coders), None
    else:
        codes, source = read_coding_sheet(sheet, coders=coders), str(sheet)
    raters = [c for c in codes.columns if c not in ("statement_id", "statement")]
    table = codes[raters].reset_index(drop=True)
    if rules:
        coded = code_goals(codes[["statement"]].reset_index(drop=True), text="statement", lexicon=lexicon)
        table["rules"] = coded.table()["goal_type"].to_numpy()
        raters = raters + ["rules"]
    if coder is not None:
        from .model import get_goal_coder

        pred = get_goal_coder(coder).predict(codes["statement"].tolist())
        table[TRAINED] = ["unclear" if c == "not_a_goal" else c for c in pred]
        raters = raters + [TRAINED]
    return agreement_between(table, raters, level=level, source=source)
