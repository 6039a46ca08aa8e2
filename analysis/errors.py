"""Errors that speak the user's language.

Every problem with a user's file (a data export, a scoring key, a study file) is raised as a
:class:`GoalscopeError`. Its message names the file and, where there is one, the row, the column and
the value, and says what to do. The command line prints the message and exits non-zero; a notebook
user sees the same sentence. Subclasses of :class:`ValueError` so that ``except ValueError`` still
works for callers that do not know our classes.
"""

from __future__ import annotations

import copy


class _Unset:
    """The default of ``value=``: no value given (``None`` is a value, a blank cell)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class GoalscopeError(ValueError):
    """Base class for every error goalscope raises about user input.

    Catch it to handle any of goalscope's messages at once (it is a ``ValueError`` too). A refusal
    is raised with its parts (keyword-only): ``file``, ``row`` (as the file counts rows), ``column``,
    ``value``, ``hint`` (what to do), or ``argument`` and ``value`` for a function's argument, or
    ``field`` (an entry of a YAML file: ``analyses[2].kind``) and ``line`` (a line of a text file or of
    model syntax) for a file that is not a table, plus
    ``within`` (the step that refused) and ``item`` (what the column holds); :func:`message` writes
    the sentence from them and :meth:`parts` gives them back.

    Examples
    --------
    >>> from analysis import GoalscopeError, load_instrument
    >>> try:
    ...     load_instrument("agq-x")
    ... except GoalscopeError as e:
    ...     print(type(e).__name__, "|", str(e)[:56])
    InstrumentError | instrument='agq-x' is not a shipped id and no such file;
    >>> e = GoalscopeError("outside the response range 1–5", file="x.csv", row=17, column="AGQ_3", value="9",
    ...                    hint="Fix the value, or declare the range.")
    >>> print(e)
    file 'x.csv', row 17, column 'AGQ_3', value '9': outside the response range 1–5. Fix the value, or declare the range.
    >>> e.parts()["row"], e.parts()["value"]
    (17, '9')

    R: ``tryCatch(expr, error = function(e) conditionMessage(e))``.
    """

    #: True when the message already names study-file fields (``'columns:' of instrument 'gps'``): the
    #: command line prints it as written instead of turning keyword hints into flags
    names_fields: bool = False

    def __init__(self, problem: str = "", *, file=None, row=None, column=None, value=UNSET, argument=None,
                 hint=None, within=None, item=None, field=None, line=None):
        self.problem, self.file, self.row, self.column, self.item = problem, file, row, column, item
        self.value, self.argument, self.hint, self.within = value, argument, hint, within
        self.field, self.line = field, line
        super().__init__(message(problem, file=file, row=row, column=column, value=value, argument=argument,
                                 hint=hint, within=within, item=item, field=field, line=line))

    def parts(self) -> dict:
        """The structured parts this refusal was raised with (``file``, ``row``, ``column``, ``value``,
        ``argument``, ``hint``, ``within``, ``item``, ``field``, ``line``); a part the raise site did not
        give is left out."""
        given = {"file": self.file, "row": self.row, "column": self.column, "item": self.item,
                 "value": self.value, "argument": self.argument, "hint": self.hint, "within": self.within,
                 "field": self.field, "line": self.line}
        return {k: v for k, v in given.items() if v is not UNSET and (v is not None or k == "value")}

    def reworded(self, text: str) -> "GoalscopeError":
        """The same refusal (class, parts, ``names_fields``) with the message ``text``: for a caller that
        puts the message in its own words (a flag for a keyword, the study's name before it)."""
        out = copy.copy(self)
        out.args = (text,)
        return out


def keyword_hints(names) -> "re.Pattern":
    """The pattern of a library message's keyword hints (``on_invalid='missing'``, ``recode={1: 0}``,
    ``columns=``): group 1 the keyword, group 2 its value (None when the message gives none). The
    command line turns them into flags, a study's messages into study-file fields.

    Examples
    --------
    >>> keyword_hints(["on_invalid"]).search("pass on_invalid='missing' to go on").groups()
    ('on_invalid', "'missing'")
    """
    import re

    return re.compile(r"(?<![\w.'\"-])(" + "|".join(map(re.escape, names)) + r")="
                      r"(True\b|False\b|'[^']*'|\"[^\"]*\"|\{[^{}]*\}|\[[^\]]*\]|-?\w+(?:[.+-]\w+)*)?")


class InstrumentError(GoalscopeError):
    """A scoring key (instrument file) is missing, unreadable or does not follow the schema.

    Examples
    --------
    >>> from analysis import InstrumentError, instrument_from_dict
    >>> try:
    ...     instrument_from_dict({"id": "mine", "response": {"min": 5, "max": 1}, "scales": {"x": {"items": [1]}}})
    ... except InstrumentError as e:
    ...     print(e)  # doctest: +ELLIPSIS
    instrument file '<dict>': ...min (5) must be smaller than max (1)...

    R: ``tryCatch(expr, error = function(e) conditionMessage(e))``.
    """


class DataError(GoalscopeError):
    """A data export cannot be read, or a value in it cannot be scored.

    The message names the file, the row as the file shows it, the column and the value, and says
    what to do. The demo's AGQ-R was administered on 1-7, so scoring it on the key's 1-5 stops:

    Examples
    --------
    >>> from analysis import DataError, read_dataset, score
    >>> try:
    ...     score(read_dataset("demo"), "agq-r", columns="agq_{n}", missing=[-99])
    ... except DataError as e:
    ...     print(str(e).split("responses.csv', ")[1][:74])
    row 4, column 'agq_1' (item 1 of 'agq-r'), value '7': outside the response

    R: ``tryCatch(expr, error = function(e) conditionMessage(e))``.
    """


class StudyError(GoalscopeError):
    """A study file is missing, unreadable or does not follow the schema.

    Examples
    --------
    >>> from analysis import StudyError
    >>> from analysis.study import load_study
    >>> try:
    ...     load_study("no/such/study.yaml")
    ... except StudyError as e:
    ...     print(e)
    file 'no/such/study.yaml' does not exist. Check the path of the study file.

    R: ``tryCatch(expr, error = function(e) conditionMessage(e))``.
    """


#: longest offending value echoed in a message (a 1 MB cell must not give a 1 MB message)
MAX_SHOWN = 80


def shown(value, limit: int = MAX_SHOWN) -> str:
    """``repr`` of an offending value for a message, cut to about ``limit`` characters.

    A longer value is cut with an ellipsis and its length is stated, so the user can still find
    it in the file. A path (``os.PathLike``) is never cut: it is how the user finds the file.

    Examples
    --------
    >>> shown("3.5")
    "'3.5'"
    >>> from pathlib import PurePosixPath
    >>> shown(PurePosixPath("/a/" + "long/" * 20 + "out"))[-10:]
    "/long/out'"
    >>> shown("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (1000 characters)"
    """
    import os

    if isinstance(value, os.PathLike):
        return f"'{os.fspath(value)}'"
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"'{text[: limit - 4]}…' ({len(text)} characters)"
    return repr(value) if isinstance(value, str) else text


def where(source: str | None = None, row=None, column=None, value=UNSET, item=None, field=None,
          line=None) -> str:
    """Format the location of a problem: ``file 'x.csv', row 17, column 'AGQ_3', value '9'``.

    In a file that is not a table, ``line`` (a line of a text file or of model syntax, counted from 1)
    and ``field`` (an entry of a YAML file, ``analyses[2].kind``) say where: ``file 'study.yaml',
    line 12, field 'analyses[2].kind', value 'anova'``.

    ``row`` is the row as the user sees it in the file (1-based line for text files, the
    spreadsheet row for Excel), not a pandas position: a number, or the words of
    :func:`analysis.checks.row_label` (``"row 17"``). A value longer than :data:`MAX_SHOWN`
    characters is cut (see :func:`shown`); an empty value is said to be empty, and a value of
    ``None`` (a blank cell) is named as one.

    Examples
    --------
    >>> where("x.csv", 17, "AGQ_3", "9")
    "file 'x.csv', row 17, column 'AGQ_3', value '9'"
    >>> where("x.csv", "row 3", "id", "")
    "file 'x.csv', row 3, column 'id', value '' (empty)"
    >>> where("study.yaml", field="analyses[2].kind", value="anova")
    "file 'study.yaml', field 'analyses[2].kind', value 'anova'"
    """
    parts = []
    if source:
        parts.append(f"file '{source}'")
    if line is not None:
        parts.append(f"line {line}")
    if field is not None:
        parts.append(f"field '{field}'")
    if row is not None:
        parts.append(row if isinstance(row, str) and row.startswith("row ") else f"row {row}")
    if isinstance(column, (list, tuple)):      # several columns with one problem
        cut = len(column) > 10                # the first 8 of a long list, and how many more
        named = ", ".join(f"'{c}'" for c in (column[:8] if cut else column)) + (f" and {len(column) - 8} more" if cut else "")
        parts.append(f"column(s) {named}" + (f" ({item})" if item else ""))
    elif column is not None:
        parts.append(f"column '{column}'" + (f" ({item})" if item else ""))
    if value is not UNSET:
        parts.append("a blank value" if value is None else "value '' (empty)" if value == ""
                     else f"value {shown(value)}")
    return ", ".join(parts)


#: the words a problem starts with when it reads as the predicate of its place ("column 'x' is ...")
PREDICATES = ("is ", "are ", "has ", "have ", "holds ", "names ", "lists ", "gives ", "needs ", "must ",
              "appears ", "cannot ", "does ", "do ", "and ", "uses ", "puts ", "leaves ", "lacks ", "times ",
              "explain ", "matches ", "applies ")


def message(problem: str, *, file=None, row=None, column=None, value=UNSET, argument=None, hint=None,
            within=None, item=None, field=None, line=None) -> str:
    """The one form of a refusal: where it is, what is wrong, what to do.

    ``[within: ]file 'x.csv', row 17, column 'AGQ_3', value '9': <problem>. <Hint>`` for a problem in a
    file (the location is :func:`where`'s, with the parts the site has: a cell has all four, a column
    has no row and value, a whole file has the file only); ``[within: ]<argument>=<value>: <problem>``
    for a function's argument or a command's option (the command line turns the keyword into its flag);
    an argument that is a flag (``"--recode"``) or an operand (``"FILE"``, in capitals) is written as typed,
    ``--recode '1;0'``, or alone when it has no value (``value=None``: it was not given).
    ``within`` names the step that refused (``"correlations"``, ``"attention item"``), ``item`` what the
    column holds (``"item 3 of 'phq-9'"``, said after the column). The problem
    follows the location after a colon, or directly where it reads as the location's predicate (it
    starts with one of :data:`PREDICATES`); the hint follows after a full stop,
    or after a semicolon where it goes on the sentence (it starts with a small letter); a hint without
    a problem (``power=1.5: give a power between 0 and 1``) follows the place after a colon. Every
    :class:`GoalscopeError` composes its message here from the parts it was raised with.

    Examples
    --------
    >>> message("outside the response range 1-7", file="x.csv", row=17, column="AGQ_3", value="9",
    ...         hint="Fix the value, or declare the range.")
    "file 'x.csv', row 17, column 'AGQ_3', value '9': outside the response range 1-7. Fix the value, or declare the range."
    >>> message("is not a number of resamples", argument="n_boot", value=-5, hint="give 100 or more",
    ...         within="mediation")
    'mediation: n_boot=-5 is not a number of resamples; give 100 or more'
    >>> message("is not a pair of numbers", argument="--recode", value="1;0", hint="write from:to, e.g. 1:0")
    "--recode '1;0' is not a pair of numbers; write from:to, e.g. 1:0"
    >>> message("unknown operator '=~~'", line=3, value="f1 =~~ x1", hint="Write a lavaan operator.",
    ...         within="model")
    "model: line 3, value 'f1 =~~ x1': unknown operator '=~~'. Write a lavaan operator."

    R: ``stop(sprintf("file '%s', row %d, column '%s', value '%s': %s. %s", file, row, column, value,
    problem, hint), call. = FALSE)``.
    """
    if argument is not None:
        import os

        text_like = isinstance(value, (str, os.PathLike))
        said = "" if value is UNSET else shown(value) if text_like else repr(value)
        if not text_like and len(said) > MAX_SHOWN:   # a long list or table as an argument
            said = f"{said[: MAX_SHOWN - 4]}… ({len(said)} characters)"
        if str(argument).startswith("-") or str(argument).isupper():   # a flag or operand (FILE), as typed
            place = argument if value is UNSET or value is None else f"{argument} {said}"
        else:
            place = f"{argument}={said}"
    else:
        place = where(file, row, column, value, item, field=field, line=line)
    predicate = problem.startswith(PREDICATES)
    text = (f"{place}{' ' if predicate else ': '}{problem}" if place and problem else place or problem)
    if hint and place and not problem:      # the hint alone says what is wrong and what to do
        text = f"{place}: {hint}"
    elif hint:
        text = text.rstrip()
        if hint[:1].islower():
            text = f"{text}; {hint}" if text else hint
        else:
            text = f"{text}{'' if text.endswith(('.', '?', '!')) else '.'} {hint}" if text else hint
    return f"{within}: {text}" if within else text
