"""From a column's cells to numbers: numbers written as text (other scripts' digits too), anchor
labels, declared missing codes, NA tokens, recodes; booleans, decimal commas and negative zeros refused."""

from __future__ import annotations

import re
import string
import unicodedata

import numpy as np
import pandas as pd

from ..checks import _NA_FOLDED
from ..errors import DataError
from ..instruments.registry import Instrument

_PUNCT = str.maketrans("", "", string.punctuation)
# a number written as text in an item column; stricter than float() ("nan", "inf", "1_0" are not numbers)
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_BOOL_REASON = "a TRUE/FALSE (boolean) cell, not a response code (booleans are never read as 1/0)"
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_COMMA_REASON = ("a number written with a decimal comma (or a thousands separator), which is never guessed "
                 "(export with decimal points, or write 4,0 as 4)")
_NEGATIVE_ZERO_REASON = "a negative zero, which no answer is written as (write 0, or the answer meant)"


def number_text(text: str) -> str | None:
    """``text`` as an ASCII number when it is one, else None: digits of other scripts are read as
    the digits they are (Arabic-Indic ``'٣'`` and full-width ``'３'`` are 3, as Python's ``int()``
    reads them); anything else (a decimal comma, an exponent without digits, a word) is None.

    Examples
    --------
    >>> [number_text(t) for t in ["3", "٣", "３", "-1.5", "4,0", "four"]]
    ['3', '3', '3', '-1.5', None, None]
    """
    if not text.isascii():
        text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    return text if _NUMBER_TEXT.fullmatch(text) else None


def _norm_label(text) -> str:
    return " ".join(str(text).translate(_PUNCT).lower().split())


class LabelMap(dict):
    """A label map ``{label text: code}`` that remembers the file it was read from (for messages).

    Examples
    --------
    >>> LabelMap({"Never": 1}, source="labels.yaml").source
    'labels.yaml'
    """

    def __init__(self, *args, source: str | None = None, **kw):
        super().__init__(*args, **kw)
        self.source = source


def _split_codes(missing):
    if missing is None:
        return np.array([], dtype=float), set()
    if np.isscalar(missing) or isinstance(missing, str):
        missing = [missing]
    nums, txt = [], set()
    for m in missing:
        if isinstance(m, str):
            try:
                nums.append(float(m))
            except ValueError:
                pass
            txt.add(m.strip())
        else:
            nums.append(float(m))
            txt.add(f"{m:g}" if isinstance(m, float) else str(m))
    return np.array(nums, dtype=float), txt


def _recode_table(recode):
    if not recode:
        return None
    try:
        src = np.array([float(k) for k in recode], dtype=float)
        dst = np.array([float(v) for v in recode.values()], dtype=float)
    except (TypeError, ValueError):
        raise DataError("must map numbers to numbers", argument="recode", value=recode,
                        hint="e.g. {1: 0, 2: 1}") from None
    return src, dst


def _apply_recode(x, rec):
    src, dst = rec
    order = np.argsort(src)
    src, dst = src[order], dst[order]
    pos = np.searchsorted(src, x)
    pos_c = np.clip(pos, 0, len(src) - 1)
    hit = src[pos_c] == x
    return np.where(hit, dst[pos_c], x)


def _label_table(inst: Instrument, labels, file_labels) -> dict:
    table = {}
    for code, text in (file_labels or {}).items():
        table[_norm_label(text)] = float(code)
    for code, text in inst.response.labels.items():
        table[_norm_label(text)] = float(code)
    for k, v in (labels or {}).items():
        if isinstance(k, str) and not _is_number(k):
            table[_norm_label(k)] = float(v)
        else:
            table[_norm_label(v)] = float(k)
    return table


def _is_number(text) -> bool:
    try:
        float(text)
        return True
    except (TypeError, ValueError):
        return False


def _check_labels(labels, labels_file) -> None:
    """Every entry of a label map pairs a label text with a number (either way round)."""
    if not labels:
        return
    labels_file = labels_file or getattr(labels, "source", None)
    within = None if labels_file else "labels"          # a label map given in code has no file
    if not isinstance(labels, dict):
        raise DataError("must map label text to code", file=labels_file, value=labels, within=within,
                        hint="write one entry per answer text with its code, e.g. {'Not at all': 0}")
    for k, v in labels.items():
        if isinstance(k, str) and not _is_number(k):
            code = v
        else:
            code = k
        if isinstance(code, bool) or not _is_number(code):
            raise DataError("is not a number", file=labels_file, field=str(k), value=code, within=within,
                            hint="Each entry maps an answer text to its code, e.g. 'Not at all: 0' (YAML) or "
                                 "{\"Not at all\": 0} (JSON).")


def _to_codes(s: pd.Series, x: np.ndarray, inst, labels, file_labels, miss_num, miss_txt, labels_ok=True):
    """Fill ``x`` with the numbers of one column.

    Returns (bad_positions, bad_reasons, coded_missing, tokens): ``tokens`` maps an NA token as
    written ("NA", "NULL", …) to the positions where it stood.
    """
    bad_pos, bad_reason = [], []
    tokens: dict[str, list] = {}
    if pd.api.types.is_bool_dtype(s):
        # never 1/0: a TRUE/FALSE cell is not an answer code
        x[:] = np.nan
        known = s.notna().to_numpy()
        if known.any():
            bad_pos.append(np.flatnonzero(known))
            bad_reason.append(_BOOL_REASON)
        return bad_pos, bad_reason, None, tokens
    if pd.api.types.is_numeric_dtype(s):
        x[:] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        coded = None
        if miss_num.size:
            coded = np.isin(x, miss_num)
            x[coded] = np.nan
        return bad_pos, bad_reason, coded, tokens
    # text column: numbers written as text, anchor labels, missing codes, NA tokens
    obj = s.astype(object).to_numpy()
    x[:] = np.nan
    coded = np.zeros(len(obj), dtype=bool)
    table = None
    unknown, booleans = [], []
    special: dict[str, list] = {}                     # refused with their own reason (decimal comma, -0)
    for i, v in enumerate(obj):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            continue
        if isinstance(v, (bool, np.bool_)):
            booleans.append(i)
            continue
        text = str(v).strip()
        if text == "":
            continue
        if text in miss_txt:
            coded[i] = True
            continue
        if text.casefold() in _NA_FOLDED:
            tokens.setdefault(text, []).append(i)
            continue
        if not _NUMBER_TEXT.fullmatch(text):
            folded = number_text(text)
            if folded is not None:                   # digits of another script: the number they spell
                text = folded
            elif _DECIMAL_COMMA.fullmatch(text):
                special.setdefault(_COMMA_REASON, []).append(i)
                continue
            elif not labels_ok:
                unknown.append(i)
                continue
            else:
                if table is None:
                    table = _label_table(inst, labels, file_labels)
                code = table.get(_norm_label(text))
                if code is None:
                    unknown.append(i)
                else:
                    x[i] = code
                continue
        num = float(text)
        if num == 0 and text.startswith("-"):
            special.setdefault(_NEGATIVE_ZERO_REASON, []).append(i)
            continue
        if num in miss_num:
            coded[i] = True
        else:
            x[i] = num
    if booleans:
        bad_pos.append(np.array(booleans, dtype=int))
        bad_reason.append(_BOOL_REASON)
    for reason, pos in special.items():
        bad_pos.append(np.array(pos, dtype=int))
        bad_reason.append(reason)
    if unknown and not labels_ok:
        bad_pos.append(np.array(unknown, dtype=int))
        bad_reason.append("text that is not a number")
    elif unknown:
        texts = _label_texts(inst, labels, file_labels)
        reason = ("text that is not an anchor label of the key" + (
            " (known labels: " + "; ".join(f"{c:g} = {t}" for c, t in sorted(texts.items())) + ")" if texts else
            " (the key has no anchor labels: pass labels=, or export numeric codes)"))
        bad_pos.append(np.array(unknown, dtype=int))
        bad_reason.append(reason)
    return bad_pos, bad_reason, coded, tokens


def _label_texts(inst, labels, file_labels):
    out = {float(c): t for c, t in inst.response.labels.items()}
    for c, t in (file_labels or {}).items():
        out.setdefault(float(c), t)
    for k, v in (labels or {}).items():
        if isinstance(k, str) and not _is_number(k):
            out[float(v)] = k
        else:
            out[float(k)] = v
    return out
