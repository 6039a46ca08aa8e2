"""The audit table (one row per value set to missing) every station writes: :data:`AUDIT_COLUMNS` is the
one list of its columns; :func:`audit_table` builds one from its parts. :mod:`analysis.checks` exports
them with the other shared checks."""

from __future__ import annotations

import pandas as pd

#: the columns of an audit table, one row per value set to missing: the row as the user sees it in
#: the file, the respondent's id, the instrument (alias) where several are read at once, the data
#: column, the key's item, the value and why it was set to missing
AUDIT_COLUMNS = ["row", "id", "instrument", "column", "item", "value", "reason"]
#: the same for one instrument (``prepare_items``, ``score``): no ``instrument`` column
ITEM_AUDIT_COLUMNS = [c for c in AUDIT_COLUMNS if c != "instrument"]


def audit_table(parts, instrument: bool = False) -> pd.DataFrame:
    """The audit parts joined in one table, or an empty audit with the right columns.

    ``instrument`` says whether the table has the ``instrument`` column (several instruments read
    at once: screening, ``goalscope run``).

    Examples
    --------
    >>> from analysis.checks import audit_table
    >>> list(audit_table([]).columns)
    ['row', 'id', 'column', 'item', 'value', 'reason']
    >>> list(audit_table([], instrument=True).columns)
    ['row', 'id', 'instrument', 'column', 'item', 'value', 'reason']
    """
    parts = [p for p in parts if p is not None]
    if parts:
        return pd.concat(parts, ignore_index=True)
    return pd.DataFrame(columns=AUDIT_COLUMNS if instrument else ITEM_AUDIT_COLUMNS)


def with_instrument(audit: pd.DataFrame, instrument: str) -> pd.DataFrame:
    """One instrument's audit with the ``instrument`` column put in its place (a copy).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import audit_table, with_instrument
    >>> list(with_instrument(audit_table([]), "agq").columns)
    ['row', 'id', 'instrument', 'column', 'item', 'value', 'reason']
    """
    out = audit.copy()
    out.insert(AUDIT_COLUMNS.index("instrument"), "instrument", instrument)
    return out
