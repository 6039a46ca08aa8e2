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


def where(source: str | None = None, row=None, column=None, value=None) -> str:
    """Format the location of a problem: ``file 'x.csv', row 17, column 'AGQ_3', value '9'``.

    ``row`` is the row as the user sees it in the file (1-based line for text files, the
    spreadsheet row for Excel), not a pandas position.
    """
    parts = []
    if source:
        parts.append(f"file '{source}'")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    if value is not None:
        parts.append(f"value {value!r}")
    return ", ".join(parts)
