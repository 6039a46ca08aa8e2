"""The coded statements as a workbook: a Read-me (first-pass coding, for human review), the codes, the rules."""

from __future__ import annotations

from pathlib import Path

import io

import pandas as pd

from ..io.writers import deterministic_xlsx
from .coder import GoalCoding
from .lexicon import FEATURES, load_lexicon
from .sheet import put_text


def coded_workbook_bytes(coding: GoalCoding, table: pd.DataFrame | None = None) -> bytes:
    """Sheets ``Read me``, ``Coded`` (one row per statement) and ``Rules`` (the lexicon's rules in order).

    Identical input gives identical bytes.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    table = coding.data if table is None else table
    lex = load_lexicon(coding.options.get("lexicon", coding.lexicon))
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    wb = Workbook()
    ws = wb.active
    ws.title = "Read me"
    ws.column_dimensions["A"].width = 110
    lines = [("Goal statements: first-pass coding by rules, for human review", bold),
             (coding.note, None),
             (f"Lexicon '{coding.lexicon}' ({lex.spec.language}), version {coding.lexicon_version} "
              f"(file {Path(lex.source).name})", None),
             (str(coding.apa()), None), ("", None),
             ("goal_type is the first rule (sheet Rules) whose conditions hold. Each feature column is TRUE when at "
              "least one of its trigger words (the _words column next to it) occurs and is not switched off by a "
              "negation; negated_words lists the words a negation switched off.", None), ("", None),
             ("Features", bold)]
    lines += [(f"{f}: {lex.spec.features[f].description}", None) for f in FEATURES]
    lines += [("", None), ("This file holds the statements as written: keep it with the analyst. Reports for "
                           "managers show shares per unit only.", None)]
    for text, font in lines:
        ws.append([text])
        c = ws.cell(row=ws.max_row, column=1)
        c.alignment = wrap
        if font:
            c.font = font

    sh = wb.create_sheet("Coded")
    cols = list(table.columns)
    sh.append([str(c) for c in cols])
    for c in sh[1]:
        c.font = bold
    for row in table.itertuples(index=False):
        sh.append([None if (not isinstance(v, str) and pd.isna(v)) else (v.item() if hasattr(v, "item") else v)
                   for v in row])
        for c in sh[sh.max_row]:
            if isinstance(c.value, str):
                put_text(c, c.value)  # statements are text, never formulas
    sh.freeze_panes = "A2"
    for j, c in enumerate(cols, start=1):
        wide = 60 if c in ("rewrite",) or j == 2 else 18
        sh.column_dimensions[get_column_letter(j)].width = wide
    if sh.max_row >= 2:
        sh.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{sh.max_row}"

    ru = wb.create_sheet("Rules")
    ru.append(["rule", "goal_type", "when", "reason"])
    for c in ru[1]:
        c.font = bold
    for i, r in enumerate(lex.spec.rules, start=1):
        ru.append([i, r.goal_type, r.when.text(), r.reason])
    ru.column_dimensions["C"].width = 60
    ru.column_dimensions["D"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic_xlsx(buf.getvalue())
