"""Qualtrics exports: the two extra header rows (question texts, ``{"ImportId": ...}``) and the
response type of every row (previews, tests and spam are not real respondents)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from .fast_csv import _QUALTRICS_IMPORT


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


def _not_qualtrics(p: Path) -> DataError:
    return DataError("has no {\"ImportId\": ...} row as its third row, which every Qualtrics export has", file=str(p),
                     hint="Export with 'Use numeric values' or 'Use choice text' from Qualtrics' Data & Analysis "
                          "tab, or leave qualtrics=True out to read it as a plain export.")


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
