"""SPSS files (.sav/.zsav) through pyreadstat: user-missing codes set to missing and listed, value and
variable labels kept in ``attrs``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError


def _read_spss(p: Path) -> pd.DataFrame:
    import pyreadstat

    try:
        reader = pyreadstat.read_sav
        df, meta = reader(str(p), user_missing=True, apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise spss_unreadable(p, exc) from None
    return spss_frame(df, meta, p)


def spss_unreadable(p: Path, exc) -> DataError:
    return DataError(f"cannot be read as an SPSS .sav file: {exc}", file=str(p),
                     hint="Save it again from SPSS or PSPP as .sav, or export the data as CSV.")


def spss_frame(df: pd.DataFrame, meta, p: Path) -> pd.DataFrame:
    """pyreadstat's frame with the user-missing codes set to missing and what the file says in ``attrs``."""
    declared: dict[str, list] = {}
    cells: dict[str, list] = {}
    for col, ranges in (meta.missing_ranges or {}).items():
        if col not in df.columns:
            continue
        s = df[col]
        mask = np.zeros(len(s), dtype=bool)
        for r in ranges:
            lo, hi = r["lo"], r["hi"]
            if pd.api.types.is_numeric_dtype(s):
                mask |= (s >= lo).to_numpy() & (s <= hi).to_numpy()
            else:
                mask |= (s == lo).to_numpy()
        if mask.any():
            declared[col] = sorted(pd.unique(s[mask]).tolist())
            # which cells held which code, so that item preparation lists them in the audit
            cells[col] = [[int(i), v.item() if hasattr(v, "item") else v]
                          for i, v in zip(np.flatnonzero(mask), s[mask].to_numpy())]
            df.loc[mask, col] = np.nan
    df.attrs.update(
        source=str(p), first_row=1, format="spss",
        value_labels={k: dict(v) for k, v in (meta.variable_value_labels or {}).items()},
        column_labels={k: v for k, v in (meta.column_names_to_labels or {}).items() if v},
        declared_missing=declared, user_missing_cells=cells,
    )
    return df
