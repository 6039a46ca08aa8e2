"""Errors that speak the user's language.

Every problem with a user's file (a data export, a scoring key, a study file) is raised as a
:class:`GoalscopeError`. Its message names the file and, where there is one, the row, the column and
the value, and says what to do. The command line prints the message and exits non-zero; a notebook
user sees the same sentence. Subclasses of :class:`ValueError` so that ``except ValueError`` still
works for callers that do not know our classes.
"""

from __future__ import annotations


class GoalscopeError(ValueError):
    """Base class for every error goalscope raises about user input."""


class InstrumentError(GoalscopeError):
    """A scoring key (instrument file) is missing, unreadable or does not follow the schema."""


class DataError(GoalscopeError):
    """A data export cannot be read, or a value in it cannot be scored."""


class StudyError(GoalscopeError):
    """A study file is missing, unreadable or does not follow the schema."""


#: longest offending value echoed in a message (a 1 MB cell must not give a 1 MB message)
MAX_SHOWN = 80


def shown(value, limit: int = MAX_SHOWN) -> str:
    """``repr`` of an offending value for a message, cut to about ``limit`` characters.

    A longer value is cut with an ellipsis and its length is stated, so the user can still find
    it in the file.

    Examples
    --------
    >>> shown("3.5")
    "'3.5'"
    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (1000 characters)"
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"'{text[: limit - 4]}…' ({len(text)} characters)"
    return repr(value) if isinstance(value, str) else text


def where(source: str | None = None, row=None, column=None, value=None) -> str:
    """Format the location of a problem: ``file 'x.csv', row 17, column 'AGQ_3', value '9'``.

    ``row`` is the row as the user sees it in the file (1-based line for text files, the
    spreadsheet row for Excel), not a pandas position. A value longer than :data:`MAX_SHOWN`
    characters is cut (see :func:`shown`).

    Examples
    --------
    >>> where("x.csv", 17, "AGQ_3", "9")
    "file 'x.csv', row 17, column 'AGQ_3', value '9'"
    """
    parts = []
    if source:
        parts.append(f"file '{source}'")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    if value is not None:
        parts.append(f"value {shown(value)}")
    return ", ".join(parts)
