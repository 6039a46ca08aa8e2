"""Small helpers shared by the model modules: column checks, listwise deletion that is logged,
formula variables and the tidy coefficient table."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import DataError
from ..io.readers import row_label

log = logging.getLogger("analysis.models")

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_QUOTED = re.compile(r"Q\(\s*['\"]([^'\"]+)['\"]\s*\)")


def as_list(x) -> list:
    """``None`` → ``[]``, a string → ``[string]``, any other iterable → list."""
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def check_frame(data, what: str = "data") -> pd.DataFrame:
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"{what}: expected a pandas DataFrame, got {type(data).__name__}")
    if data.shape[0] == 0:
        raise DataError(f"{what}: the DataFrame has no rows")
    return data


def check_columns(data: pd.DataFrame, columns, numeric: bool = True, what: str = "data") -> None:
    """Raise a :class:`DataError` naming every missing or non-numeric column."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing)
        raise DataError(f"{what}: column(s) {shown} not found; available columns: "
                        f"{', '.join(map(str, list(data.columns)[:30]))}")
    if numeric:
        for c in columns:
            s = data[c]
            if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
                bad = s[pd.to_numeric(s, errors="coerce").isna() & s.notna()]
                first = bad.index[0] if len(bad) else None
                where = f"file '{data.attrs['source']}', " if data.attrs.get("source") else ""
                raise DataError(f"{what}: {where}column '{c}' must be numeric; {row_label(data, first)} holds "
                                f"value {bad.iloc[0]!r} — recode or score it first" if first is not None else
                                f"{what}: column '{c}' must be numeric (dtype {s.dtype})")


def formula_columns(formula: str, data: pd.DataFrame) -> list[str]:
    """Data columns named in a model formula (in order of first appearance)."""
    names = _QUOTED.findall(formula) + _IDENT.findall(_QUOTED.sub(" ", formula))
    out = []
    for n in names:
        if n in data.columns and n not in out:
            out.append(n)
    return out


@dataclass(frozen=True)
class Complete:
    """The complete cases of ``data`` on ``columns`` and the rows left out (logged)."""

    data: pd.DataFrame
    excluded: pd.DataFrame  # one row per excluded case: row, reason

    @property
    def n_excluded(self) -> int:
        return int(self.excluded.shape[0])


def complete_cases(data: pd.DataFrame, columns, what: str = "model") -> Complete:
    """Listwise deletion on ``columns``; every excluded row is listed and logged (never silent)."""
    columns = list(dict.fromkeys(columns))
    sub = data[columns]
    miss = sub.isna()
    bad = miss.any(axis=1)
    reasons = [f"missing {', '.join(map(str, sub.columns[m]))}" for m in miss[bad].to_numpy()]
    excluded = pd.DataFrame({"row": data.index[bad], "reason": reasons})
    if len(excluded):
        log.info("%s: %d of %d rows excluded (missing values in the model's columns)", what,
                 len(excluded), len(data))
    kept = data.loc[~bad]
    if kept.shape[0] == 0:
        raise DataError(f"{what}: no row has values on all of {', '.join(map(str, columns))}")
    return Complete(kept, excluded)


def wald_table(estimate, se, df=None, level: float = 0.95, names=None, stat: str = "t") -> pd.DataFrame:
    """Tidy coefficient table: term, estimate, se, t|z, p_val, ci_low, ci_high (t with ``df``, else z)."""
    estimate = np.asarray(estimate, float)
    se = np.asarray(se, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = estimate / se
    if df is None:
        p = 2 * stats.norm.sf(np.abs(s))
        q = stats.norm.ppf(0.5 + level / 2)
    else:
        p = 2 * stats.t.sf(np.abs(s), df)
        q = stats.t.ppf(0.5 + level / 2, df)
    return pd.DataFrame({"term": list(names), "estimate": estimate, "se": se, stat: s, "p_val": p,
                         "ci_low": estimate - q * se, "ci_high": estimate + q * se})


def md_table(df: pd.DataFrame) -> str:
    """A DataFrame of strings as a GitHub-flavoured Markdown table (no tabulate dependency)."""
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


class Reported:
    """Mixin of every model result: ``summary()`` (the main tidy table, named by ``_summary``),
    ``table()`` (the APA table) and ``apa()`` (:func:`analysis.report.apa.apa`)."""

    _summary = "paths"

    def summary(self) -> pd.DataFrame:
        return getattr(self, self._summary)

    def table(self) -> pd.DataFrame:
        return self.apa().table

    def apa(self):
        from ..report.apa import apa
        return apa(self)
