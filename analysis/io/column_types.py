"""When a column read as text becomes numbers (every value a plain number, the readers' rule), and
numbers read back as text (the id and text columns)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fast_csv import is_plain_number


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
