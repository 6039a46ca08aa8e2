"""The input of the count models: the count outcome checked (whole numbers ≥ 0) and the design
matrix (intercept, numeric columns as they are, text/categorical columns as treatment dummies)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError
from ..io.readers import row_label
from ._common import check_columns


def _is_categorical(s: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _design(d: pd.DataFrame, columns) -> tuple[np.ndarray, list[str]]:
    """Intercept + numeric columns as they are; text/categorical columns as treatment dummies
    (reference = first category, or the alphabetically first value), named column + level as R."""
    parts, names = [np.ones(len(d))], ["Intercept"]
    for c in columns:
        s = d[c]
        if _is_categorical(s):
            levels = list(s.cat.categories) if isinstance(s.dtype, pd.CategoricalDtype) else sorted(s.unique(), key=str)
            for lev in levels[1:]:
                parts.append((s == lev).to_numpy(float))
                names.append(f"{c}{lev}")
        else:
            parts.append(s.to_numpy(float))
            names.append(str(c))
    return np.column_stack(parts), names


def _show(v) -> str:
    """A cell value as the user sees it in the file (2.5, -inf, 'abc'), not numpy's repr."""
    return repr(v) if isinstance(v, str) else f"{float(v):g}"


def _check_counts(data: pd.DataFrame, y: str, what: str) -> np.ndarray:
    s = data[y]
    if not pd.api.types.is_numeric_dtype(s):
        check_columns(data, [y], what=what, numeric=True)
    v = s.to_numpy(float)
    bad = (v < 0) | (v != np.floor(v)) | ~np.isfinite(v)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError("is not a count: a count outcome must be a whole number ≥ 0", file=data.attrs.get("source"),
                        row=row_label(data, data.index[i]), column=y, value=_show(s.iloc[i]), within=what,
                        hint="correct the value or set it to missing")
    return v
