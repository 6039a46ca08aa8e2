"""The hand-built survey with known careless respondents, shared by the screening tests.

The rows live in ``fixtures/handbuilt.csv``, written once by ``make_handbuilt.py`` (its docstring
lists which rows are careless and how). Tests read the committed file and never draw it again, so
the rows they assert are the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .make_handbuilt import ATTENTION, RANDOM, RESUBMISSION, SPEEDERS, STRAIGHT  # noqa: F401

PATH = Path(__file__).resolve().parent / "fixtures" / "handbuilt.csv"
INSTRUMENTS = {"goals": {"instrument": "agq-r", "columns": "agq_{n}", "response": {"min": 1, "max": 7}},
               "grit": {"instrument": "grit-s", "columns": "grit_{n}"}}


def make() -> pd.DataFrame:
    """The committed hand-built survey (item columns as nullable integers)."""
    out = pd.read_csv(PATH, dtype={"pid": str})
    items = [c for c in out.columns if c.startswith(("agq_", "grit_"))]
    out[items] = out[items].astype("Int64")
    out.attrs = {"source": "handbuilt.csv", "first_row": 2}
    return out
