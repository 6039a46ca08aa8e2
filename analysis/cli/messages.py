"""Library messages in the command line's words: the library names keywords
(``include_excluded=True``), the command line shows flags (:func:`cli_message`, one table keyword →
flag); a refusal raised while analysing FILE names the file (:class:`about_file`)."""

from __future__ import annotations

import re

from ..errors import DataError, GoalscopeError, keyword_hints


#: advice in the analysis functions' messages -> the flag a command-line user gives instead (the
#: keyword=value spellings are translated by cli_message below)
COMMAND_ADVICE = {"include_excluded=True (--include-excluded)": "--include-excluded",
                 "pass include_excluded=True": "pass --include-excluded", "use threshold=": "use --threshold",
                 "raise n_init": "raise --n-init", "n_factors must": "--n-factors must"}


class about_file:
    """Context manager: a :class:`GoalscopeError` raised while analysing FILE names the file (the
    library's messages name the function and the column, not always the file). A formula that
    patsy cannot read becomes such an error too."""

    def __init__(self, path):
        self.path = str(path)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None:
            return False
        text = str(exc)
        if not isinstance(exc, GoalscopeError):
            if type(exc).__name__ != "PatsyError":
                return False
            exc = DataError(f"cannot read the formula: {text.splitlines()[0]}", file=self.path,
                            hint="Write it as R does, e.g. 'y ~ x + m', with the file's column names.")
            text = str(exc)
        for keyword, flag in COMMAND_ADVICE.items():   # the library's advice, in the command line's words
            text = text.replace(keyword, flag)
        if self.path not in text:
            text = f"file '{self.path}': {text}"
        out = exc.reworded(text)     # the same refusal, with its parts, in the command line's words
        if out.file is None:
            out.file = self.path
        raise out from None


# Library errors name keywords (``include_excluded=True``, ``on_invalid='missing'``), never flags; a
# command-line user is shown the flag instead. One table: keyword -> flag.
KEYWORD_FLAGS = {
    "include_excluded": "--include-excluded",
    "min_group": "--min-group",
    "chunk_rows": "--chunk-rows",
    "on_invalid": "--on-invalid",
    "columns": "--columns",
    "recode": "--recode",
    "labels": "--labels",
    "missing": "--missing",
    "response": "--response-min/--response-max",
    "id_column": "--id-column",
    "reversed_in_file": "--reversed-in-file",
    "encoding": "--encoding",
    "delimiter": "--delimiter",
    "qualtrics": "--qualtrics",
    "header_row": "--header-row",
    "allow_outside_data": "--allow-outside-data",
    "processed_dir": "--processed",
    "reports_dir": "--reports",
    "key_file": "--key-file",
    "parent": "--parent",
    "text": "--text",
}
#: whole phrases of library messages that have a command of their own
PHRASE_FLAGS = {
    "write_coding_sheet()": "goalscope goals FILE --text COLUMN --coding-sheet",
    "Check columns= (the column pattern, map, prefix or regex).":
        "Check --columns, --map, --columns-prefix or --columns-regex.",
    "(columns= with a map {1: col, 2: col})": "(--map FILE)",
}
_KEYWORD = keyword_hints(KEYWORD_FLAGS)
_PAIR = re.compile(r"['\"]?([^\s{},:'\"]+)['\"]?\s*:\s*['\"]?([^\s{},'\"]+)['\"]?")
_PLAIN = re.compile(r"[\w.+-]+")


def _flag(match) -> str:
    name, value = match.group(1), match.group(2)
    flag = KEYWORD_FLAGS[name]
    if value is None or value == "True":
        return flag
    if value == "False":
        return f"without {flag}"
    if value.startswith("{"):
        pairs = _PAIR.findall(value)
        if name == "response":   # {'min': 1, 'max': 4} -> --response-min 1 --response-max 4
            return " ".join(f"--response-{k} {v}" for k, v in pairs)
        return f"{flag} " + ",".join(f"{k}:{v}" for k, v in pairs)
    if value.startswith("["):
        return f"{flag} " + ",".join(v.strip().strip("'\"") for v in value[1:-1].split(",") if v.strip())
    if value[0] in "'\"":
        inner = value[1:-1]
        return f"{flag} {inner}" if _PLAIN.fullmatch(inner) else f"{flag} '{inner}'"
    return f"{flag} {value}"


def cli_message(text: str) -> str:
    """A library message as a command-line user needs it: keyword hints become flags.

    Examples
    --------
    >>> from analysis.cli.messages import cli_message
    >>> cli_message("pass include_excluded=True to analyse everyone")
    'pass --include-excluded to analyse everyone'
    >>> cli_message("Recode them first: recode={1: 0, 2: 1} (study file: recode:), or on_invalid='missing'")
    'Recode them first: --recode 1:0,2:1 (study file: recode:), or --on-invalid missing'
    >>> cli_message("set response={'min': 1, 'max': 4} instead; e.g. columns='ITEM_{n}'")
    "set --response-min 1 --response-max 4 instead; e.g. --columns 'ITEM_{n}'"
    """
    for phrase, command in PHRASE_FLAGS.items():
        text = text.replace(phrase, command)
    return _KEYWORD.sub(_flag, text)
