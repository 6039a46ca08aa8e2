"""From export columns to clean instrument items: mapping, missing codes, labels, recodes, checks.

:func:`prepare_items` is the one place where a dataset's quirks are undone. Every station that
needs item answers (scoring, reliability, factor analysis, careless-responding screens, team
agreement) starts from the :class:`ItemSet` it returns, so reverse keys and cleaning are applied
once, the same way, before every statistic.

Order of operations for each item column (all vectorised):

1. declared missing codes (``missing=[0, -99]``) become missing; so do the text tokens ``NA``,
   ``N/A``, ``NaN``, ``None``, ``NULL``, ``#N/A`` (any letter case) and SPSS user-missing codes
   (the reader already set those cells to NaN and recorded them); all are listed in the audit
   with the reason (``missing code``, ``text token 'NA' read as missing``, ``SPSS user-missing
   code -99``);
2. text answers are mapped to codes through the anchor labels (the instrument's, the file's SPSS
   value labels, or ``labels=`` given by the user); an unknown label is invalid;
3. ``recode`` maps export codes to instrument codes (a 1-4 export of a 0-3 scale);
4. values outside the administration range ``response`` (or off its step grid) are invalid;
5. ``anchors_reversed``: a scale printed in the opposite direction is flipped (min + max − x);
6. reverse keys are applied per scale when scoring (min + max − x with the declared range, never a
   range inferred from the data); items listed in ``reversed_in_file`` were already reversed by
   the export and are not flipped again.

Invalid values stop with a message naming file, row, column and value (``on_invalid="error"``), or
are set to missing and listed in :attr:`ItemSet.audit` (``on_invalid="missing"``). Invalid are:
values outside the range or off the response grid (3.5 on a 1–5 integer scale), text that is
neither a number nor an anchor label, and TRUE/FALSE (boolean) cells, which are never read as 1/0.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import _NA_FOLDED, audit_table, check_choice, check_data, row_label
from ..checks import NA_TOKENS, is_na_token  # noqa: F401  (their old home: scoring and screening import them from here)
from ..errors import MAX_SHOWN, DataError, InstrumentError, shown
from ..instruments.registry import Instrument, load_instrument
from ._parallel import in_parallel
from ..checks import near_columns

_BLOCK = 1 << 17  # rows per block of the validity check (its scratch stays in the CPU cache)
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


@dataclass
class ItemSet:
    """Clean item answers of one instrument, ready for scoring and psychometrics.

    Attributes
    ----------
    instrument : Instrument
        The key with the effective response range (administration overrides applied).
    columns : dict
        ``item id → column name`` in the data.
    values : ndarray
        ``n × items`` float array in the instrument's direction, NOT reverse-keyed (item order as
        ``columns``). Missing answers are NaN.
    index : Index
        The data's index (one entry per input row).
    audit : DataFrame
        Every value set to missing: ``row, id, column, item, value, reason``.
    flip : dict
        ``item id → bool``: whether the export already reverse-scored the item.

    Examples
    --------
    >>> from analysis import prepare_items
    >>> from analysis.datasets import read_dataset
    >>> items = prepare_items(read_dataset("demo"), "agq-r", columns="agq_{n}", missing=[-99],
    ...                       response={"min": 1, "max": 7})
    >>> items.values.shape, items.scale_columns("mastery_approach")
    ((400, 12), ['agq_1', 'agq_3', 'agq_7'])
    >>> items.audit["reason"].value_counts().to_dict()
    {'missing code': 51}

    R: the cleaned ``items`` data frame that ``psych::scoreItems(keys, items)`` and
    ``psych::alpha(items)`` take (missing codes as ``NA``).
    """

    instrument: Instrument
    columns: dict
    values: np.ndarray
    index: pd.Index
    audit: pd.DataFrame
    flip: dict = field(default_factory=dict)
    source: str | None = None

    @property
    def items(self) -> list:
        return list(self.columns)

    def column_of(self, item) -> str:
        return self.columns[item]

    def scale_columns(self, scale: str) -> list[str]:
        """Data column names of a scale's items, in key order."""
        return [self.columns[i] for i in self.instrument.scales[scale].items]

    def raw(self, items=None) -> pd.DataFrame:
        """Clean answers as a DataFrame (columns named as in the data), not reverse-keyed."""
        items = list(self.columns) if items is None else list(items)
        pos = [self.items.index(i) for i in items]
        return pd.DataFrame(self.values[:, pos], index=self.index, columns=[self.columns[i] for i in items])

    def keyed_array(self, scale: str) -> np.ndarray:
        """``n × k`` float array of a scale's items with reverse keys applied."""
        inst = self.instrument
        lo, hi = inst.response.min, inst.response.max
        rev = inst.reversed_in(scale)
        cols = []
        for item in inst.scales[scale].items:
            x = self.values[:, self.items.index(item)]
            # flip when the key reverses the item, unless the export already did (XOR)
            if (item in rev) != bool(self.flip.get(item, False)):
                x = (lo + hi) - x
            cols.append(x)
        return np.column_stack(cols)

    def keyed(self, scale: str) -> pd.DataFrame:
        """A scale's items, reverse-keyed, as a DataFrame (columns named as in the data)."""
        return pd.DataFrame(self.keyed_array(scale), index=self.index, columns=self.scale_columns(scale))

    def n_rows(self) -> int:
        return self.values.shape[0]


# ---------------------------------------------------------------------------------------------
def resolve_columns(data: pd.DataFrame, instrument: Instrument, columns=None, source=None) -> dict:
    r"""Map every item of ``instrument`` to a column of ``data``.

    ``columns`` may be a pattern with ``{n}`` (``"AGQ_{n}"``, ``"q{n:02d}"``), a dict
    ``{item: column}`` (items not in it fall back to their own name), a list of columns in key
    order, None (items named by column in the key), or a header pattern for exports that use the
    item texts as headers: ``{"regex": r"^\(GP ?(\d+)\)"}`` (the first group is the item number;
    searched in each header) or ``{"prefix": "(GP"}`` (the header starts with the prefix, then the
    item number). Two headers for one item, or an item with no header, stop with both listed.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis import load_instrument
    >>> df = pd.DataFrame(columns=["id", "(GP 1)I often put off work", "(GP2) I delay decisions"])
    >>> inst = load_instrument({"id": "gp2", "response": {"min": 1, "max": 5},
    ...                         "scales": {"total": {"items": [1, 2]}}})
    >>> resolve_columns(df, inst, {"regex": r"^\(GP ?(\d+)\)"})
    {1: '(GP 1)I often put off work', 2: '(GP2) I delay decisions'}
    >>> resolve_columns(df, inst, {"prefix": "(GP"})
    {1: '(GP 1)I often put off work', 2: '(GP2) I delay decisions'}

    R: by hand, ``names(x)[grepl("^\\(GP ?1\\)", names(x))]`` for each item.
    """
    items = instrument.all_items
    header = _header_pattern(columns, items, source)
    if header is not None:
        mapping = _match_headers(data, instrument, *header, source=source)
    elif columns is None:
        if instrument.numbered:
            raise DataError(f"instrument '{instrument.id}' numbers its items ({_span(items)})", file=source,
                            hint="say which columns hold them, e.g. columns='ITEM_{n}' or a map {1: col, 2: col}")
        mapping = {i: str(i) for i in items}
    elif isinstance(columns, str):
        if "{" not in columns:
            raise DataError("is a column pattern without the '{n}' placeholder", argument="columns", value=columns,
                            hint="write e.g. 'AGQ_{n}'; for headers that start with the item text's number, "
                                 "give a prefix or regex")
        try:
            mapping = {i: columns.format(i, n=i, item=i) for i in items}
        except (KeyError, ValueError, IndexError) as exc:
            raise DataError(f"is a column pattern that cannot be filled with item numbers ({exc})",
                            argument="columns", value=columns,
                            hint="write the item number as '{n}' and double any other brace") from None
    elif isinstance(columns, dict):
        norm = {_item_key(k, items): str(v) for k, v in columns.items()}
        unknown = [str(k) for k in norm if k not in items]
        if unknown:
            raise DataError(f"names items that instrument '{instrument.id}' does not have: {', '.join(unknown)}",
                            argument="columns", value=columns, hint=f"map only items {_span(items)}")
        mapping = {i: norm.get(i, str(i)) for i in items}
    else:
        cols = list(columns)
        if len(cols) != len(items):
            raise DataError(f"gives {len(cols)} columns for the {len(items)} items of instrument '{instrument.id}'",
                            argument="columns", value=cols,
                            hint="give one column per item, in the key's order, or a map {1: col, 2: col}")
        mapping = dict(zip(items, map(str, cols)))
    present = set(map(str, data.columns))
    missing = [(i, c) for i, c in mapping.items() if c not in present]
    if missing:
        shown = ", ".join(f"'{c}' (item {i})" for i, c in missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        lower = {c.lower(): c for c in present}
        wanted = missing[0][1]
        if isinstance(columns, str):     # a pattern: the patterns of the file's numbered columns
            near = near_columns(columns, data, items=items)
        else:
            hint = [lower[wanted.lower()]] if wanted.lower() in lower else _near_headers(data, wanted)
            near = (f" Did you mean {', '.join(repr(h) for h in hint)}?" if hint else "")
        raise DataError(
            f"instrument '{instrument.id}' needs column(s) {shown}, which the data do not have.", file=source,
            hint=f"{near.strip()} Check columns= (the column pattern, map, prefix or regex).".lstrip())
    dup = pd.Series(list(mapping.values()))
    dup = dup[dup.duplicated()].unique().tolist()
    if dup:
        raise DataError(f"are mapped to more than one item of '{instrument.id}'", file=source, column=dup,
                        hint="map each column to one item (check columns=)")
    if not isinstance(data.columns, pd.RangeIndex):
        real = {str(c): c for c in data.columns}
        mapping = {i: real[c] for i, c in mapping.items()}
    return mapping


#: the two header-pattern forms of ``columns``: ``{"regex": ...}`` and ``{"prefix": ...}``
HEADER_FORMS = ("regex", "prefix")


def _header_pattern(columns, items, source=None):
    """``(kind, text, compiled regex)`` when ``columns`` is a header pattern, else None; a malformed
    pattern is refused with the file it was to be applied to (``source``)."""
    if not isinstance(columns, dict) or len(columns) != 1:
        return None
    (kind, text), = columns.items()
    if kind not in HEADER_FORMS or kind in items:
        return None
    if not isinstance(text, str) or not text:
        raise DataError(f"the column {kind} must be text, e.g. "
                        + ("'^\\(GP ?(\\d+)\\)'" if kind == "regex" else "'(GP'") + f"; got {shown(text)}",
                        file=source, hint=f"Write the {kind} in quotes.")
    if kind == "prefix":
        return kind, text, re.compile(r"^" + re.escape(text) + r"\s*0*(\d+)(?!\d)")
    try:
        rx = re.compile(text)
    except re.error as exc:
        raise DataError(f"the column regex '{text}' is not a regular expression ({exc})", file=source,
                        hint="Write the item number as a group, e.g. '^\\(GP ?(\\d+)\\)'") from None
    if rx.groups < 1:
        raise DataError(f"the column regex '{text}' has no group", file=source,
                        hint="put the item number in parentheses, e.g. '^\\(GP ?(\\d+)\\)' (the first group is "
                             "the item number)")
    return kind, text, rx


def _match_headers(data, instrument, kind, text, rx, source=None) -> dict:
    """Each item's one header under a prefix or regex; stop listing every item with none or several."""
    items = instrument.all_items
    found: dict = {}
    strays = []
    for col in map(str, data.columns):
        m = rx.search(col)
        if not m or m.group(1) is None:
            continue
        item = _item_key(m.group(1).strip(), items)
        if item in items:
            found.setdefault(item, []).append(col)
        else:
            strays.append(f"{shown(col)} (item {shown(m.group(1))})")
    what = f"the column {kind} " + (f"'{text}'" if len(text) <= MAX_SHOWN else shown(text))
    several = {i: cols for i, cols in found.items() if len(cols) > 1}
    none = [i for i in items if i not in found]
    if not found:
        hint = _near_headers(data, text if kind == "prefix" else _regex_literal(text))
        folded = [c for c in map(str, data.columns) if re.search(rx.pattern, c, re.IGNORECASE)]
        raise DataError(
            f"{what} matches no column of the data, so instrument '{instrument.id}' has none of its "
            f"items ({_span(items)}).", file=source,
            hint=(f"{len(folded)} column(s) match when letter case is ignored (e.g. {shown(folded[0])}): start "
                  f"the regex with (?i) or fix the letter case. " if folded and kind == "regex" else "")
            + (f"Near matches among the headers: {', '.join(shown(h) for h in hint)}. " if hint else "")
            + "Check columns= (the column pattern, map, prefix or regex).")
    if several or none:
        parts = []
        if several:
            parts.append("more than one column for " + "; ".join(
                f"item {i}: {', '.join(shown(c) for c in cols)}" for i, cols in several.items()))
        if none:
            parts.append(f"no column for item(s) {', '.join(map(str, none))}")
        raise DataError(
            f"{what} does not give each item of instrument '{instrument.id}' exactly one column: "
            + "; and ".join(parts) + "."
            + (f" Columns whose number is not an item of the key: {', '.join(strays[:5])}." if strays and none else ""),
            file=source, hint="Make the pattern stricter (or wider), rename the columns, or map the items one by one "
                              "(columns= with a map {1: col, 2: col}).")
    return {i: found[i][0] for i in items}


def _regex_literal(pattern: str) -> str:
    """The text a regex spells out, for near matches: ``^\\(GP ?(\\d+)\\)`` -> ``(GP 1)``."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append({"d": "1", "s": " ", "w": "a"}.get(nxt, "" if nxt in "bBAZDSW" else nxt))
            i += 2
            continue
        if ch == "[":
            end = pattern.find("]", i + 1)
            out.append("1" if "0-9" in pattern[i:end] or "\\d" in pattern[i:end] else "")
            i = end + 1 if end > 0 else len(pattern)
            continue
        if ch == "{":
            end = pattern.find("}", i)
            i = end + 1 if end > 0 else len(pattern)
            continue
        if ch not in "^$?*+()|.":
            out.append(ch)
        i += 1
    return "".join(out)


def _near_headers(data, literal: str, n: int = 3) -> list[str]:
    """Headers whose start is closest to ``literal`` (difflib), for a pattern that matched nothing."""
    if not literal.strip():
        return []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(literal.lower())
    scored = []
    for order, col in enumerate(map(str, data.columns)):
        matcher.set_seq1(col[: len(literal) + 2].lower())     # a long header (an item's text) by its start
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
            scored.append((-matcher.ratio(), order, col))
    return [col for _, _, col in sorted(scored)[:n]]            # ties in the file's order


def _item_key(k, items):
    if k in items:
        return k
    if isinstance(k, str) and k.strip().lstrip("-").isdigit() and int(k) in items:
        return int(k)
    return k


def _span(items) -> str:
    return f"{items[0]}–{items[-1]}" if len(items) > 2 else ", ".join(map(str, items))


def _id_values(data, id_column):
    if id_column is None:
        return None
    if id_column not in data.columns:
        raise DataError(f"is not in the data (columns: {', '.join(map(str, data.columns[:12]))}"
                        f"{'…' if data.shape[1] > 12 else ''})", file=data.attrs.get("source"), column=id_column,
                        item="the id column",
                        hint="Choose the column that holds the respondent ids (id_column=)." + near_columns(id_column, data))
    return data[id_column]


def check_ids(data: pd.DataFrame, id_column: str, source=None) -> None:
    """Stop on missing or duplicate respondent ids, naming the rows."""
    ids = _id_values(data, id_column)
    empty = ids.isna() | (ids.astype("string").str.strip() == "").fillna(False)
    if empty.any():
        rows = [row_label(data, i) for i in ids.index[empty][:5]]
        n = int(empty.sum())
        raise DataError(
            "a respondent without an id" + (f" ({n} in all: {', '.join(rows)}{'…' if n > 5 else ''})" if n > 1 else ""),
            file=source, row=rows[0], column=id_column, value="",
            hint="Give every respondent an id, remove the row, or choose another id column (id_column=).")
    dup = ids.duplicated(keep=False)
    if dup.any():
        first = ids[dup].iloc[0]
        rows = [row_label(data, i) for i in ids.index[ids == first]]
        n = ids[dup].nunique()
        raise DataError(
            f"id {shown(first)} appears in {' and '.join(rows)}"
            + (f" ({n - 1} other id(s) are duplicated too)" if n > 1 else ""), file=source, column=id_column,
            hint="Ids must be unique: remove the duplicate submission or choose another id column (id_column=).")


def prepare_items(
    data: pd.DataFrame,
    instrument,
    columns=None,
    *,
    missing=None,
    labels=None,
    recode=None,
    response=None,
    reversed_in_file=None,
    anchors_reversed: bool = False,
    min_valid=None,
    on_invalid: str = "error",
    id_column: str | None = None,
    source: str | None = None,
    labels_file: str | None = None,
) -> ItemSet:
    """Map, clean and check the item answers of one instrument.

    Parameters
    ----------
    data : DataFrame
        One row per respondent (e.g. from :func:`analysis.read_responses`).
    instrument : str, Path or Instrument
        Shipped id, key file, or a loaded key.
    columns : str, dict, list or None
        Where the items are: pattern ``"AGQ_{n}"``, map ``{1: "Q3_1", ...}``, list in key order, or
        None when the key names items by column.
    missing : list, optional
        Codes that mean "no answer" in this export (``[0, -99]``, ``["NA", "refused"]``).
    labels : dict, optional
        ``{label text: code}`` or ``{code: label text}`` for text answers; default the key's anchor
        labels plus any SPSS value labels of the file.
    recode : dict, optional
        ``{export code: instrument code}`` applied before range checks (``{1: 0, 2: 1, 3: 2, 4: 3}``).
    response : dict, optional
        Administration range other than the key's default, e.g. ``{"min": 1, "max": 7}``.
    reversed_in_file : list, optional
        Items the export has already reverse-scored.
    anchors_reversed : bool
        The response scale was printed (and coded) in the opposite direction from the key's.
    min_valid : dict, optional
        ``{scale: count}`` overrides of the key's minimum number of answered items.
    on_invalid : {"error", "missing"}
        Stop at out-of-range values, text in numeric columns and unknown labels, or set them to
        missing and list them in the audit.
    id_column : str, optional
        Respondent id column: checked for duplicates and quoted in the audit.
    source : str, optional
        File name for messages; default ``data.attrs["source"]``.
    labels_file : str, optional
        The file ``labels`` were read from, named in messages about a bad entry.

    Returns
    -------
    ItemSet

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({f"q{n}": ["1", "NA"] for n in range(1, 10)})
    >>> items = prepare_items(df, "phq-9", columns="q{n}")
    >>> items.audit[["row", "column", "value", "reason"]].head(2).to_dict("records")
    [{'row': 1, 'column': 'q1', 'value': 'NA', 'reason': "text token 'NA' read as missing"}, {'row': 1, 'column': 'q2', 'value': 'NA', 'reason': "text token 'NA' read as missing"}]

    R has no single equivalent; by hand: ``x[x %in% c(-99)] <- NA`` per column, then
    ``psych::scoreItems(keys, x, min = lo, max = hi)``.
    """
    check_choice(on_invalid, ("error", "missing"), "prepare_items", "on_invalid")
    data = check_data(data, "prepare_items", rows=False)
    source = source or data.attrs.get("source")
    inst = load_instrument(instrument)
    if response:
        unknown = set(response) - {"min", "max", "step", "labels"}
        if unknown:
            raise InstrumentError(f"has unknown field(s) {', '.join(sorted(unknown))}", argument="response",
                                  value=response, hint="use min, max, step, labels")
        inst = inst.with_response(**response)
    if min_valid:
        inst = inst.with_min_valid(min_valid)
    mapping = resolve_columns(data, inst, columns, source)
    if id_column is not None:
        check_ids(data, id_column, source)
    ids = _id_values(data, id_column)
    flip = {}
    for item in reversed_in_file or []:
        key = _item_key(item, inst.all_items)
        if key not in inst.all_items:
            raise DataError(f"names item {item!r}, which instrument '{inst.id}' does not have",
                            argument="reversed_in_file", value=reversed_in_file,
                            hint=f"list items of the key ({_span(inst.all_items)})")
        flip[key] = True

    lo, hi, step = inst.response.min, inst.response.max, inst.response.step
    value_labels = data.attrs.get("value_labels", {}) or {}
    miss_num, miss_txt = _split_codes(missing)
    rec = _recode_table(recode)
    _check_labels(labels, labels_file)
    user_missing = data.attrs.get("user_missing_cells") or {}

    n = len(data)
    out = np.empty((n, len(mapping)), dtype=np.float64, order="F")

    def clean(j: int, item, col) -> tuple[list, list]:
        """Fill column j of ``out``; returns (audit parts, problems) of this column."""
        audit_parts, problems = [], []
        s = data[col]
        x = out[:, j]                                   # contiguous column, filled in place
        bad_pos, bad_reason, coded, tokens = _to_codes(s, x, inst, labels, value_labels.get(col), miss_num,
                                                       miss_txt)
        if col in user_missing:
            audit_parts.append(_user_missing_rows(data, ids, user_missing[col], col, item))
        if coded is not None:
            pos = np.flatnonzero(coded)
            if pos.size:
                audit_parts.append(_audit_rows(data, ids, pos, col, item, s, "missing code"))
        for token, pos in tokens.items():
            audit_parts.append(_audit_rows(data, ids, np.array(pos, dtype=int), col, item, s,
                                           f"text token {token!r} read as missing"))
        if rec is not None:
            x[:] = _apply_recode(x, rec)
        seen = (np.nan, np.nan)
        if not _all_valid(x, lo, hi, step):
            seen = (np.fmin.reduce(x), np.fmax.reduce(x))     # for the shifted-range hint
            for mask, reason in _invalid_masks(x, lo, hi, step):
                if mask.any():
                    bad_pos.append(np.flatnonzero(mask))
                    bad_reason.append(reason)
        for pos, reason in zip(bad_pos, bad_reason):
            x[pos] = np.nan
            problems.append((pos, col, item, s, reason))
            audit_parts.append(_audit_rows(data, ids, pos, col, item, s, reason))
        if anchors_reversed:
            np.subtract(lo + hi, x, out=x)
        return audit_parts, problems, seen

    results = in_parallel(clean, [(j, item, col) for j, (item, col) in enumerate(mapping.items())], n)
    audit_parts = [part for parts, _, _ in results for part in parts]
    problems = [p for _, found, _ in results for p in found]
    if problems and on_invalid == "error":
        with np.errstate(invalid="ignore"):
            lows = [r[2][0] for r in results if not np.isnan(r[2][0])]
            highs = [r[2][1] for r in results if not np.isnan(r[2][1])]
        seen = (min(lows), max(highs)) if lows else None
        raise _invalid_refusal(data, problems, inst, source, rec is not None, seen)
    audit = audit_table(audit_parts)
    return ItemSet(instrument=inst, columns=mapping, values=out, index=data.index, audit=audit, flip=flip,
                   source=source)


# ---------------------------------------------------------------------------------------------
def numeric_values(data: pd.DataFrame, column: str, *, missing=None, source: str | None = None):
    """A non-item column (a duration, an exam mark) as numbers, by the same rules as item answers.

    Numbers stay numbers; numbers written as text are read; declared ``missing`` codes and the
    text tokens ``NA``, ``N/A``, ``NaN``, ``None``, ``NULL``, ``#N/A`` become missing and are listed;
    any other text, and TRUE/FALSE cells, stop with a message naming file, row, column and value.
    Use it instead of ``pd.to_numeric(errors="coerce")``, which drops such values without a word.

    Returns
    -------
    (Series, DataFrame)
        The numbers (float, same index) and the audit ``row, id, column, item, value, reason`` of
        the values set to missing (``id`` and ``item`` empty).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"duration_s": ["612", "NA", "98"]})
    >>> values, audit = numeric_values(df, "duration_s")
    >>> values.tolist(), audit["reason"].tolist()
    ([612.0, nan, 98.0], ["text token 'NA' read as missing"])

    R: ``as.numeric(x)`` warns "NAs introduced by coercion" without saying where.
    """
    if column not in data.columns:
        raise DataError("is not in the data", file=source or data.attrs.get("source"), column=column,
                        hint="Check the column's name against the file's header." + near_columns(column, data))
    source = source or data.attrs.get("source")
    s = data[column]
    x = np.empty(len(s), dtype=np.float64)
    miss_num, miss_txt = _split_codes(missing)
    bad_pos, bad_reason, coded, tokens = _to_codes(s, x, None, None, None, miss_num, miss_txt, labels_ok=False)
    if bad_pos:
        pos, reason = bad_pos[0], bad_reason[0]
        value = s.to_numpy()[pos[0]]
        value = value if isinstance(value, str) else _show(value)
        n = sum(len(q) for q in bad_pos)
        raise DataError(f"{reason}.{f' {n - 1} more value(s) like it.' if n > 1 else ''}", file=source,
                        row=row_label(data, data.index[pos[0]]), column=column, value=value,
                        hint="Fix the data, or declare the code as missing.")
    parts = []
    if coded is not None and coded.any():
        parts.append(_audit_rows(data, None, np.flatnonzero(coded), column, "", s, "missing code"))
    for token, pos in tokens.items():
        parts.append(_audit_rows(data, None, np.array(pos, dtype=int), column, "", s,
                                 f"text token {token!r} read as missing"))
    audit = audit_table(parts)
    audit["item"] = pd.NA if len(audit) else audit["item"]
    return pd.Series(x, index=data.index, name=column), audit


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


def _audit_rows(data, ids, pos, col, item, s, reason) -> pd.DataFrame:
    first = data.attrs.get("first_row")
    idx = data.index[pos]
    if first is not None and pd.api.types.is_integer_dtype(idx):
        rows = np.asarray(idx, dtype=np.int64) + int(first)
    else:
        rows = np.asarray(idx)
    vals = s.to_numpy()[pos]
    return pd.DataFrame({
        "row": rows,
        "id": ids.to_numpy()[pos] if ids is not None else pd.array([pd.NA] * len(pos)),
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
