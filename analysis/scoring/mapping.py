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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..checks import audit_table, check_choice, check_data, near_columns, row_label
from ..checks import NA_TOKENS, is_na_token  # noqa: F401  (their old home: scoring and screening import them from here)
from ..errors import DataError, InstrumentError, shown
from ..instruments.registry import Instrument, load_instrument
from ..parallel import in_parallel
from .cell_codes import LabelMap, number_text  # noqa: F401  (their old home: cli and tests import them here)
from .cell_codes import _apply_recode, _check_labels, _recode_table, _split_codes, _to_codes
from .invalid_answers import _all_valid, _audit_rows, _invalid_masks, _invalid_refusal, _show, _user_missing_rows
from .item_columns import HEADER_FORMS, resolve_columns  # noqa: F401  (HEADER_FORMS: its old home)
from .item_columns import _item_key, _span


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
