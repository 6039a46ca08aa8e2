"""Screening indices that need more than the item answers: duplicate answer patterns and ids,
completion time per item and attention-item failures, one value per respondent."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import check_numeric, near_columns
from ..errors import DataError, shown
from ..scoring.mapping import _is_number, is_na_token, number_text


def duplicated_mask(values, keep="all") -> np.ndarray:
    """Rows equal to another row (``keep='all'``: every member of a group; ``'first'``/``'last'``:
    all but the first / last of each group; ``'none'``: all members). Missing equals missing."""
    frame = pd.DataFrame(values)
    if keep in ("all", "none"):
        return frame.duplicated(keep=False).to_numpy()
    return frame.duplicated(keep=keep).to_numpy()


def pattern_groups(raw: pd.DataFrame) -> pd.Series:
    """Group number (1, 2, … in order of first appearance) of respondents who share their whole
    answer pattern (every item, missing included) with someone else; NA for unique patterns and
    for respondents without any answer."""
    empty = raw.isna().all(axis=1).to_numpy()
    codes = raw.groupby(list(raw.columns), dropna=False, sort=False).ngroup().to_numpy()
    codes = np.where(empty, -1, codes)
    counts = pd.Series(codes).value_counts()
    shared = np.isin(codes, counts.index[(counts > 1).to_numpy()]) & ~empty
    renum = pd.Series(pd.factorize(pd.Series(codes).where(shared))[0] + 1).where(shared)
    return pd.Series(pd.array(renum, dtype="Int64"), index=raw.index, name="pattern_group")


def duplicate_patterns(raw: pd.DataFrame, keep="all") -> pd.Series:
    """Respondents whose answer pattern (every item, missing included) equals another's.

    ``keep='all'`` marks every member of a group, ``'first'``/``'last'`` all but the first/last,
    ``'none'`` every member. Respondents without any answer are NA (no pattern to compare).
    """
    return duplicates_in_groups(pattern_groups(raw), raw.isna().all(axis=1), keep).rename("duplicate_pattern")


def duplicates_in_groups(groups: pd.Series, undefined, keep="all") -> pd.Series:
    """Members of duplicate groups (``groups``: group number or NA) to flag under ``keep``."""
    g = groups.astype("Int64")
    member = g.notna().to_numpy()
    if keep in ("all", "none"):
        dup = member
    else:
        dup = member & g.astype("float").duplicated(keep=keep).to_numpy()
    out = pd.array(np.where(np.asarray(undefined, dtype=bool), pd.NA, dup), dtype="boolean")
    return pd.Series(out, index=groups.index)


def duplicate_ids(ids: pd.Series, keep="all") -> pd.Series:
    """Respondents whose id occurs more than once (NA where the id is missing)."""
    dup = duplicated_mask(ids.to_numpy(dtype=object), keep)
    out = pd.array(np.where(ids.isna().to_numpy(), pd.NA, dup), dtype="boolean")
    return pd.Series(out, index=ids.index, name="duplicate_id")


def seconds_per_item(duration: pd.Series, n_items: int, unit: str = "seconds") -> pd.Series:
    """Completion time per item in seconds (NaN where the time is missing)."""
    scale = {"seconds": 1.0, "minutes": 60.0, "milliseconds": 0.001}[unit]
    # NA, N/A, NULL, … : no time recorded; the frame of a column keeps the file's attrs (source, first row)
    values = check_numeric(duration.to_frame(), [duration.name], "completion time",
                           hint=f"give the completion time in {unit} as a number")[duration.name]
    return (values.astype(float) * scale / n_items).rename("seconds_per_item")


def attention_failures(data: pd.DataFrame, expect: dict, missing_fails: bool = True) -> pd.DataFrame:
    """One boolean column ``attention_<column>`` per instructed-response item, True = failed.

    ``expect`` maps a column to the instructed answer or a list of accepted answers. A missing
    answer fails when ``missing_fails`` (an instruction was not followed). ``attention_failed``
    counts the failures.
    """
    out = {}
    for col, want in expect.items():
        if col not in data.columns:
            raise DataError(f"is not in the data (columns: {', '.join(map(str, list(data.columns)[:12]))}"
                            f"{'…' if data.shape[1] > 12 else ''})", file=data.attrs.get("source"), column=col,
                            item="the attention item", hint="Name the column that holds the attention item." + near_columns(col, data))
        accepted = list(want) if isinstance(want, (list, tuple, set)) else [want]
        s = data[col]
        acc_num = [float(a) for a in accepted if _is_number(a)]
        acc_txt = {str(a).strip().lower() for a in accepted}
        text = s.astype("string").str.strip()
        folded = text.map(lambda t: number_text(t) if isinstance(t, str) else None, na_action="ignore")
        num = pd.to_numeric(folded, errors="coerce")
        if len(acc_num) == len(accepted):
            # a numeric expected answer: a text cell is refused, never counted as a failure unseen
            words = (s.notna() & num.isna() & ~text.map(is_na_token, na_action="ignore").fillna(False).astype(bool)
                     & (text != "").fillna(False))
            if words.any():
                _refuse_text_answers(data, col, s, words, accepted)
        ok = num.isin(acc_num) | text.str.lower().isin(acc_txt).fillna(False)
        failed = ~ok.to_numpy(dtype=bool)
        if not missing_fails:
            failed &= s.notna().to_numpy()
        out[f"attention_{col}"] = failed
    frame = pd.DataFrame(out, index=data.index)
    frame.insert(0, "attention_failed", frame.sum(axis=1).astype(np.int64))
    return frame


def _refuse_text_answers(data, col, s, words, accepted) -> None:
    """An attention item whose expected answer is a number holds text: name the cells and the choices."""
    from ..io.readers import row_label

    pos = np.flatnonzero(words.to_numpy(dtype=bool))
    first = s.iloc[pos[0]]
    distinct = list(dict.fromkeys(str(v) for v in s.iloc[pos]))
    want = ", ".join(f"{a:g}" if isinstance(a, float) else str(a) for a in accepted)
    others = (f" {len(pos) - 1} more cell(s) hold text too ({'; '.join(shown(v) for v in distinct[1:6])}"
              f"{'…' if len(distinct) > 6 else ''})." if len(pos) > 1 else "")
    raise DataError(
        f"the expected answer is the number {want}, but this cell is text, so it cannot be compared with it."
        f"{others}", file=data.attrs.get("source"), row=row_label(data, data.index[pos[0]]), column=col, value=first,
        within="attention item",
        hint=f"Recode the column to numbers, or list the texts that count as the expected answer with it (expect: "
             f"[{want}, {shown(first)}], or {col}={want},{first} on the command line); texts are then compared as "
             f"text, ignoring letter case.")
