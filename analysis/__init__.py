"""goalscope: score, check and model achievement-goal surveys.

Every station of the data flow is usable alone from a notebook::

    from analysis import read_responses, score, load_instrument
    df = read_responses("data/raw/demo/responses.csv")
    scores = score(df, "agq-r", columns="agq_{n}", response={"min": 1, "max": 7})
"""

from .errors import DataError, GoalscopeError, InstrumentError, StudyError
from .instruments import Instrument, instrument_from_dict, list_instruments, load_instrument
from .io import read_responses, write_table
from .scoring import ItemSet, audit_frame, prepare_items, score, score_items
from .screening import apply_rules, careless, screen
from .psychometrics import (bartlett, cfa, compare_models, competing_models, efa, invariance, item_statistics, kmo,
                            parallel_analysis, polychoric, reliability)

__version__ = "0.1.0"

__all__ = [
    "GoalscopeError", "DataError", "InstrumentError", "StudyError",
    "Instrument", "load_instrument", "list_instruments", "instrument_from_dict",
    "read_responses", "write_table",
    "ItemSet", "prepare_items", "score", "score_items", "audit_frame",
    "careless", "apply_rules", "screen",
    "reliability", "item_statistics", "cfa", "compare_models", "competing_models", "invariance", "efa", "kmo",
    "bartlett", "parallel_analysis", "polychoric",
]
