"""Near matches for a column the data do not have (every command, every column option): the same name
but for letter case and separators, difflib's close matches, the patterns of runs of numbered
columns, and a column name written in a data row below the header. :mod:`analysis.checks` exports
them with the other shared checks."""

from __future__ import annotations

import difflib
import re

import pandas as pd

# near matches for a column the data do not have (every command, every column option)
_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")
_PLACEHOLDER = re.compile(r"\{(?:n|item|0|)(?::[^{}]*)?\}")
#: rows of the data searched for a column name written below the header (banner rows not detected)
_ROWS_SEARCHED = 50


def _fold(name) -> str:
    """A name without letter case, spaces, underscores, hyphens and dots ('Team ID' ~ 'team_id')."""
    return re.sub(r"[\s_.\-]+", "", str(name)).casefold()


def numbered_runs(columns) -> dict[str, list[str]]:
    """Runs of numbered columns as item patterns: ``{'wdgo_{n}': ['wdgo_1', ..., 'wdgo_13']}``.

    A run is two or more columns that differ only in their last number; the pattern is the form
    ``--columns`` / ``columns=`` takes.

    Examples
    --------
    >>> from analysis.checks import numbered_runs
    >>> numbered_runs(["id", "team", "wdgo_1", "wdgo_2", "wdgo_3", "site2"])
    {'wdgo_{n}': ['wdgo_1', 'wdgo_2', 'wdgo_3']}
    >>> numbered_runs(["Q01", "Q02", "Q10"])          # zero-padded numbers: the pattern pads them too
    {'Q{n:02d}': ['Q01', 'Q02', 'Q10']}

    R: no single equivalent; ``split(names(x), sub("[0-9]+(\\D*)$", "{n}\\1", names(x)))`` groups the names.
    """
    groups: dict[tuple, list] = {}
    for col in map(str, columns):
        m = _NUMBERED.match(col)
        if m and "{" not in col and "}" not in col:
            groups.setdefault((m[1], m[3]), []).append((col, m[2]))
    runs = {}
    for (head, tail), found in groups.items():
        widths = {len(d) for _, d in found}
        padded = len(widths) == 1 and any(d.startswith("0") and len(d) > 1 for _, d in found)
        slot = f"{{n:0{widths.pop()}d}}" if padded else "{n}"
        if len(found) >= 2:
            runs[f"{head}{slot}{tail}"] = [c for c, _ in found]
    return runs


def _close(name: str, candidates, n: int = 3) -> list[str]:
    """The candidates equal to ``name`` but for case and separators, else difflib's close matches."""
    candidates = list(dict.fromkeys(map(str, candidates)))
    same = [c for c in candidates if _fold(c) == _fold(name)]
    if same:
        return same[:n]
    folded = {}
    for c in candidates:
        folded.setdefault(_fold(c), c)
    near = difflib.get_close_matches(_fold(name), list(folded), n=n, cutoff=0.6)
    return [folded[f] for f in near]


def _near_one(name: str, columns, items=None) -> list[str]:
    """Near matches of one name (or item pattern) among the columns, as they should be written."""
    if any(ch in name for ch in "*?["):       # a shell-style pattern: the same pattern in another letter case
        import fnmatch

        hits = [str(c) for c in columns if fnmatch.fnmatchcase(str(c).casefold(), name.casefold())]
        if not hits:
            return []
        for case in (name.lower(), name.upper()):
            if all(fnmatch.fnmatchcase(h, case) for h in hits):
                return [f"'{case}' ({', '.join(hits[:5])}{' …' if len(hits) > 5 else ''})"]
        return [repr(h) for h in hits[:3]]
    if _PLACEHOLDER.search(name):
        runs = numbered_runs(columns)
        if items is not None:      # the runs that hold every item of the instrument, when there are such runs
            whole = {r: cols for r, cols in runs.items()
                     if {r.format(n=i) for i in items if isinstance(i, int)} <= set(cols)}
            runs = whole or runs
        if not runs:
            return []
        pattern = _PLACEHOLDER.sub("{n}", name)
        near = _close(pattern, runs)
        if not near:      # any run of numbered columns is nearer than a plain name ('team', 'site')
            near = sorted(runs, key=lambda r: -len(runs[r]))[:3]
        return [f"the pattern '{r}' ({runs[r][0]} … {runs[r][-1]})" for r in near]
    return [repr(c) for c in _close(name, columns)]


def _written_below(name: str, data) -> int | None:
    """The file row (as the user counts rows) of the first data row holding ``name`` as a cell, or None."""
    if not isinstance(data, pd.DataFrame) or data.attrs.get("first_row") is None:
        return None
    if _PLACEHOLDER.search(name):
        parts = _PLACEHOLDER.split(name)
        rx = re.compile("^" + r"\d+".join(re.escape(_fold(x)) for x in parts) + "$")
        hit = lambda v: bool(rx.match(_fold(v)))  # noqa: E731
    else:
        hit = lambda v: _fold(v) == _fold(name)  # noqa: E731
    for i, row in enumerate(data.head(_ROWS_SEARCHED).itertuples(index=False)):
        if any(isinstance(v, str) and hit(v) for v in row):
            return int(data.attrs["first_row"]) + i
    return None


def near_columns(names, data, items=None) -> str:
    """The sentence that follows "column X is not in the data": near matches by name and by pattern.

    ``names`` is one name or a list of the names the data lack; ``data`` a DataFrame (or its
    columns). By name: a column equal but for letter case, spaces, underscores, hyphens and dots
    (``Team`` → ``'team'``), else difflib's close matches. By pattern: a name holding ``{n}`` is an
    item pattern; the suggestions are the patterns of the file's runs of numbered columns
    (``item_{n}`` → ``'wdgo_{n}'``), never plain names; given the instrument's ``items``, the runs
    that hold every item come first. When a name is written in one of the first
    data rows (the header is further down), the sentence says which row and suggests
    ``header_row=``. Returns ``""`` when nothing is near; else the sentence with a leading space,
    so that a refusal appends it.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.checks import near_columns
    >>> df = pd.DataFrame(columns=["id", "team", "site"] + [f"wdgo_{i}" for i in range(1, 14)])
    >>> near_columns("Team", df)
    " Did you mean 'team'?"
    >>> near_columns("item_{n}", df)
    " Did you mean the pattern 'wdgo_{n}' (wdgo_1 … wdgo_13)?"
    >>> near_columns(["Team", "Site"], df)
    " Did you mean 'team' for 'Team', 'site' for 'Site'?"
    >>> near_columns("department", df)
    ''

    R: ``agrep("Team", names(x), ignore.case = TRUE, value = TRUE)`` for the near names.
    """
    names = [names] if isinstance(names, str) else [str(n) for n in names]
    columns = list(data.columns) if isinstance(data, pd.DataFrame) else list(data)
    found = [(n, _near_one(n, columns, items)) for n in names]
    found = [(n, near) for n, near in found if near]
    text = ""
    if len(names) == 1 and found:
        text = f" Did you mean {' or '.join(found[0][1])}?"
    elif found:
        text = " Did you mean " + ", ".join(f"{' or '.join(near)} for {n!r}" for n, near in found) + "?"
    for n in names:
        row = _written_below(n, data)
        if row is not None:
            text += (f" {n!r} is written in row {row} of the file: if that row holds the column names, pass "
                     f"header_row={row} (study file: header_row: {row}).")
            break
    return text
