"""Answers that are no response code of the key: the fast validity check, the audit rows of values
set to missing, and the refusal of the first invalid answer (with the shifted-range hint)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import row_label
from ..errors import DataError

_BLOCK = 1 << 17  # rows per block of the validity check (its scratch stays in the CPU cache)


def _user_missing_rows(data, ids, cells, col, item) -> pd.DataFrame:
    """Audit rows of the cells the SPSS reader set to missing (declared user-missing codes)."""
    labels = [c[0] for c in cells]
    pos = data.index.get_indexer(labels) if not isinstance(data.index, pd.MultiIndex) else np.full(len(labels), -1)
    keep = pos >= 0                                   # rows the caller dropped are not in this audit
    pos = pos[keep].astype(int)
    codes = [c[1] for c, k in zip(cells, keep) if k]
    held = np.full(len(data), None, dtype=object)
    held[pos] = codes
    part = _audit_rows(data, ids, pos, col, item, pd.Series(held, dtype=object), "")
    part["reason"] = [f"SPSS user-missing code {_show(c)}" for c in codes]
    return part


def _all_valid(x: np.ndarray, lo, hi, step) -> bool:
    """True when every non-missing value is a response code (fast: reductions, no large allocation).

    This is the hot path of scoring a million respondents; it runs over blocks of rows that stay
    in the CPU cache, and :func:`_invalid_masks` finds the offending positions only when it
    returns False.
    """
    if not x.size:
        return True
    top = np.fmax.reduce(x)                                # fmax/fmin skip NaN
    if np.isnan(top):                                      # all missing
        return True
    if top > hi or np.fmin.reduce(x) < lo:
        return False
    if step is None:
        return True
    integer_grid = step == 1 and float(lo).is_integer()
    scratch = np.empty(min(len(x), _BLOCK))
    for a in range(0, len(x), _BLOCK):
        block = x[a:a + _BLOCK]
        t = scratch[: len(block)]
        if integer_grid:
            np.rint(block, out=t)
            np.subtract(t, block, out=t)
        else:
            np.subtract(block, lo, out=t)
            t /= step
            np.subtract(t, np.rint(t), out=t)
        np.abs(t, out=t)
        if np.fmax.reduce(t) > 1e-9:
            return False
    return True


def _invalid_masks(x: np.ndarray, lo, hi, step):
    with np.errstate(invalid="ignore"):
        out_of_range = (x < lo) | (x > hi)
        yield out_of_range, f"outside the response range {lo:g}–{hi:g}"
        if step is not None:
            k = (x - lo) / step
            off_grid = (np.abs(k - np.round(k)) > 1e-9) & ~out_of_range
            yield off_grid, f"not one of the response codes {lo:g}, {lo + step:g}, …, {hi:g}"


def _audit_rows(data, ids, pos, col, item, s, reason) -> pd.DataFrame:
    first = data.attrs.get("first_row")
    idx = data.index[pos]
    if first is not None and pd.api.types.is_integer_dtype(idx):
        rows = np.asarray(idx, dtype=np.int64) + int(first)
    else:
        rows = np.asarray(idx)
    vals = s.take(pos).to_numpy()                      # only the cells listed (a text column converts slowly)
    return pd.DataFrame({
        "row": rows,
        "id": ids.take(pos).to_numpy() if ids is not None else pd.array([pd.NA] * len(pos)),
        "column": str(col),
        "item": str(item),
        "value": pd.Series(vals, dtype=object).map(_show),
        "reason": reason,
    })


def _show(v):
    if isinstance(v, float) and v.is_integer():
        return f"{v:g}"
    return str(v)


def _shift_hint(problems, inst, seen) -> str:
    """When every answer fits the key's range moved by a constant (a 1–4 export of a 0–3 scale),
    say how to recode first; a wider administration range would break the published cut-offs."""
    lo, hi, step = inst.response.min, inst.response.max, inst.response.step
    if seen is None or step is None or not all(p[4].startswith("outside the response range") for p in problems):
        return ""
    low, high = seen
    if high > hi:
        shift = high - hi
    elif low < lo:
        shift = low - lo
    else:
        return ""
    k = shift / step
    if abs(k - round(k)) > 1e-9 or not (lo + shift <= low and high <= hi + shift):
        return ""
    n = int(round((hi - lo) / step))
    if n > 20:
        return ""
    codes = [lo + i * step for i in range(n + 1)]
    lib = ", ".join(f"{c + shift:g}: {c:g}" for c in codes)
    return (
        f" Every answer lies in {lo + shift:g}–{hi + shift:g}, the key's range {lo:g}–{hi:g} shifted by "
        f"{shift:+g}: the export probably codes the same answers differently. Recode them first: "
        f"recode={{{lib}}} (study file: recode:). Only if the scale really was administered as "
        f"{lo + shift:g}–{hi + shift:g}, set response={{'min': {lo + shift:g}, 'max': {hi + shift:g}}} instead; note that this changes the scores' range, so the key's published "
        f"cut-offs and severity bands no longer apply."
    )


def _invalid_refusal(data, problems, inst, source, recoded, seen=None) -> DataError:
    """The refusal of the first invalid answer (file, row, column, item, value), the others counted."""
    total = sum(len(p[0]) for p in problems)
    pos, col, item, s, reason = problems[0]
    value = s.to_numpy()[pos[0]]
    value = _show(value) if not isinstance(value, str) else value
    others = []
    for p in problems:
        for q in p[0][:3]:
            if len(others) < 5 and not (p is problems[0] and q == pos[0]):
                others.append(f"{row_label(data, data.index[q])} '{p[1]}'")
    more = f" {total - 1} more value(s) have problems ({'; '.join(others)}{'…' if total - 1 > len(others) else ''})." if total > 1 else ""
    after = " after recoding" if recoded else ""
    shift = "" if recoded else _shift_hint(problems, inst, seen)
    if shift:
        hint = (f"{shift.strip()} Otherwise fix the data, or pass on_invalid='missing' to set such values to "
                f"missing and list them in an audit file.")
    else:
        hint = ("Fix the data, declare codes that mean 'no answer' as missing (missing= / missing:), set the "
                "administration range (response= / response:), or pass on_invalid='missing' to set such values "
                "to missing and list them in an audit file.")
    return DataError(f"{reason}{after}.{more}", file=source, row=row_label(data, data.index[pos[0]]), column=col,
                     item=f"item {item} of '{inst.id}'", value=value, hint=hint)
