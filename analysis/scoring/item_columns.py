"""Which column of the data holds each item of an instrument: a column pattern, a map, a list, or a
header pattern (prefix or regex) for exports that use the item texts as headers."""

from __future__ import annotations

import difflib
import re

import pandas as pd

from ..checks import near_columns
from ..errors import MAX_SHOWN, DataError, shown
from ..instruments.registry import Instrument


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
