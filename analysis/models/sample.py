"""The screened sample of the model entry points: the respondents a study's screening rules excluded
(column ``excluded``) are left out unless ``include_excluded=True``, and the result says how many.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import logging
import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..checks import check_data
from ..errors import DataError
from ..io.readers import row_label

log = logging.getLogger("analysis.models")

# The screened sample. ``goalscope run`` keeps every respondent in ``scores.csv`` and marks the ones
# its screening rules excluded in a column ``excluded``. Every model entry point passes its data
# through :func:`screened_sample` first, so the excluded respondents are left out by default and the
# result says how many (one helper for all entry points, not a copy per function).
SCREENING_COLUMN = "excluded"
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class Sample:
    """The rows an analysis uses after screening, and what was left out.

    ``screened`` is False when the data carry no ``excluded`` column (nothing to leave out).
    ``data`` (the kept rows) is dropped when the sample is recorded on a result.
    """

    data: pd.DataFrame | None = field(repr=False, compare=False)
    n_received: int
    n_analysed: int
    n_flagged: int  # rows the data mark excluded=True
    include_excluded: bool
    screened: bool
    what: str = "analysis"

    @property
    def n_excluded_by_screening(self) -> int:
        """Rows left out because screening excluded them (0 with ``include_excluded=True``)."""
        return 0 if self.include_excluded else self.n_flagged

    @property
    def note(self) -> str:
        """``"378 analysed (22 excluded by screening)"``; empty without an ``excluded`` column."""
        if not self.screened:
            return ""
        if self.include_excluded:
            return (f"{self.n_analysed} analysed (including the {self.n_flagged} excluded by screening: "
                    f"include_excluded=True)")
        return f"{self.n_analysed} analysed ({self.n_flagged} excluded by screening)"


def _excluded_flags(data: pd.DataFrame, what: str) -> np.ndarray:
    """The ``excluded`` column as booleans; anything but True/False (1/0, yes/no) is an error."""
    s = data[SCREENING_COLUMN]
    if pd.api.types.is_bool_dtype(s) and not s.isna().any():
        return s.to_numpy(bool)
    out = np.zeros(len(s), bool)
    for pos, (idx, v) in enumerate(s.items()):
        if isinstance(v, (bool, np.bool_)):
            out[pos] = bool(v)
            continue
        text = "" if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA else str(v).strip()
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and text:
            text = {1.0: "1", 0.0: "0"}.get(float(v), text)
        low = text.lower()
        if low in _TRUE:
            out[pos] = True
        elif low in _FALSE:
            out[pos] = False
        else:
            raise DataError("is neither True nor False; the screening column must be True or False for every "
                            "respondent (as goalscope run writes it)", file=data.attrs.get("source"),
                            row=row_label(data, idx), column=SCREENING_COLUMN, value=text, within=what,
                            hint="Fix the file, or rename the column if it means something else.")
    return out


def screened_sample(data: pd.DataFrame, include_excluded: bool = False, what: str = "analysis") -> Sample:
    """Leave out the respondents that screening excluded (``excluded`` is True) unless told not to.

    Data without an ``excluded`` column are returned whole. The kept rows keep their index (row
    labels in messages still point at the file's rows).

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2, 3, 4], "excluded": [False, True, False, False]})
    >>> s = screened_sample(d)
    >>> s.n_analysed, s.n_excluded_by_screening, s.note
    (3, 1, '3 analysed (1 excluded by screening)')
    >>> screened_sample(d, include_excluded=True).note
    '4 analysed (including the 1 excluded by screening: include_excluded=True)'
    """
    data = check_data(data, what)
    if not isinstance(include_excluded, (bool, np.bool_)):
        raise DataError("is neither True nor False", argument="include_excluded", value=include_excluded,
                        within=what, hint="pass include_excluded=True to analyse everyone, False to leave the "
                                          "excluded out")
    if SCREENING_COLUMN not in data.columns:
        return Sample(data, len(data), len(data), 0, bool(include_excluded), False, what)
    flags = _excluded_flags(data, what)
    n_flagged = int(flags.sum())
    if include_excluded or not n_flagged:
        kept = data
    else:
        kept = data.loc[~flags]
        log.info("%s: %d of %d respondents excluded by screening left out", what, n_flagged, len(data))
    if kept.shape[0] == 0:
        raise DataError(f"is True for every one of the {len(data)} respondents; nothing is left to analyse.",
                        file=data.attrs.get("source"), column=SCREENING_COLUMN, within=what,
                        hint="Check the screening rules, or pass include_excluded=True to analyse everyone.")
    return Sample(kept, len(data), len(kept), n_flagged, bool(include_excluded), True, what)


def record_sample(result, sample: Sample):
    """Put the screening facts on a result: ``result.sample`` (and, on :class:`Reported` results,
    ``n_excluded_by_screening``, ``include_excluded``, ``sample_note``); on a DataFrame, in ``attrs``."""
    sample = replace(sample, data=None)
    if isinstance(result, pd.DataFrame):
        return sample_attrs(result, sample)
    object.__setattr__(result, "sample", sample)
    # a result class of another module gets plain attributes; Reported (models._common) reads them
    # from ``sample`` through read-only properties, which refuse the assignment
    for name, value in (("n_excluded_by_screening", sample.n_excluded_by_screening),
                        ("include_excluded", sample.include_excluded), ("sample_note", sample.note)):
        try:
            object.__setattr__(result, name, value)
        except AttributeError:  # a read-only property of that class: leave it
            pass
    return result


def sample_attrs(frame: pd.DataFrame, sample: Sample) -> pd.DataFrame:
    """The same facts for entry points that return a DataFrame: in ``frame.attrs``."""
    frame.attrs["n_excluded_by_screening"] = sample.n_excluded_by_screening
    frame.attrs["include_excluded"] = sample.include_excluded
    frame.attrs["sample_note"] = sample.note
    return frame


_INSIDE = contextvars.ContextVar("goalscope_screened_sample", default=False)
_PARAM_DOC = """    include_excluded : bool
        Also analyse the respondents that screening excluded (``excluded`` is True, as
        ``goalscope run`` writes ``scores.csv``). By default they are left out and the result
        says how many (``n_excluded_by_screening``, ``sample_note``)."""


def _with_param_doc(doc: str | None) -> str | None:
    """The docstring with ``include_excluded`` added at the end of its Parameters section."""
    if not doc:
        return doc
    head = re.search(r"\n    Parameters\n    -+\n", doc)
    if head is None:
        return doc
    nxt = re.search(r"\n\n    [A-Z][A-Za-z ]+\n    -+\n", doc[head.end():])
    pos = head.end() + nxt.start() if nxt else len(doc.rstrip())
    return doc[:pos].rstrip("\n") + "\n" + _PARAM_DOC + doc[pos:]


def screens_sample(what: str):
    """Decorator of every model entry point that reads scores: its first argument ``data`` is passed
    through :func:`screened_sample` (keyword ``include_excluded``, default False) and the result
    records what was left out (:func:`record_sample`).

    One helper for every entry point: the function itself never sees the excluded rows, and an
    entry point called by another (``mediation`` → ``fit_mediation``, ``setback_recovery`` →
    ``mixed_model``) screens once, at the outer call.
    """
    def decorate(fn):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        new = inspect.Parameter("include_excluded", inspect.Parameter.KEYWORD_ONLY, default=False,
                                annotation="bool")
        at = next((i for i, p in enumerate(params) if p.kind is inspect.Parameter.VAR_KEYWORD), len(params))

        @functools.wraps(fn)
        def entry(data, *args, include_excluded: bool = False, **kwargs):
            if _INSIDE.get():  # called by another entry point: the data are screened already
                return fn(data, *args, **kwargs)
            sample = screened_sample(data, include_excluded, what)
            token = _INSIDE.set(True)
            try:
                result = fn(sample.data, *args, **kwargs)
            finally:
                _INSIDE.reset(token)
            return record_sample(result, sample)

        entry.__signature__ = sig.replace(parameters=params[:at] + [new] + params[at:])
        entry.__doc__ = _with_param_doc(fn.__doc__)
        return entry
    return decorate
