"""Options and helpers the ``goalscope`` sub-commands share: the help layout, the reader and item
options every command that reads an export takes, argument types (level, bootstrap count, seed),
mapping files, the refusal of an output that is an input, the audit file name, and the translation
of the library's keyword hints into flags (:func:`cli_message`).

The stations' ``commands.py`` (the command-line layer of each station) import these from here, never
from :mod:`analysis.cli`, which only assembles the parser and runs a command.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from .deprecation import renamed_flag
from .errors import DataError, GoalscopeError, keyword_hints
from .checks import near_columns


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their line breaks; an option whose help does not state its default gets it
    appended: ``(default: 0.95)``, ``(default: off)`` for a flag. Options without a default (None)
    are inputs the user gives or leaves out; their help says what leaving them out means."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or "required" in text.lower() or action.required or not action.option_strings:
            return text
        if isinstance(action, argparse._StoreTrueAction):
            return f"{text} (default: off)"
        if isinstance(action, argparse._StoreFalseAction):
            return f"{text} (default: on)"
        if action.default is None or action.default is argparse.SUPPRESS:
            return text
        return f"{text} (default: {action.default})"


def _formatter(prog):
    return _HelpFormatter(prog, max_help_position=32, width=100)


formatter = _formatter


#: input options (argparse dest -> what the message calls them); their files are never overwritten
INPUT_OPTIONS = {"file": "the input file (FILE)", "map": "the column map (--map)", "labels": "the labels file (--labels)",
                 "instrument": "the key file (--instrument)", "rules": "the rules file (--rules)",
                 "model": "the model file (--model)", "key_file": "the key file (--key-file)"}
#: output options; beside OUT commands also write OUT.<tag>.<ext> files
OUTPUT_OPTIONS = {"output": "-o/--output", "person_scores": "--person-scores", "figure": "--figure",
                  "classes": "--classes"}
SIDE_FILES = ("audit.csv", "items{suffix}", "fit{suffix}", "estimates{suffix}", "flow.csv", "flow.png", "flow.svg")


def check_outputs(args) -> None:
    """Refuse an output (or a file written beside it) that is one of the command's input files."""
    from .io.writers import check_not_input

    inputs = {}
    for dest, name in INPUT_OPTIONS.items():
        value = getattr(args, dest, None)
        if isinstance(value, str) and value and (dest != "instrument" or Path(value).is_file()):
            inputs[f"{name} '{value}'" if dest == "file" else name] = value
    if not inputs:
        return
    outputs = [getattr(args, dest, None) for dest in OUTPUT_OPTIONS]
    for out in [o for o in outputs if o]:
        p = Path(out)
        check_not_input(p, inputs, "output")
        for tag in SIDE_FILES:
            side = p.with_name(f"{p.stem}.{tag.format(suffix=p.suffix)}")
            check_not_input(side, inputs, f"file that output '{out}' writes beside it")


# ---------------------------------------------------------------------------------------------
# shared options for commands that read instrument items
def add_input_options(p: argparse.ArgumentParser) -> None:
    """FILE plus the reader options (sheet, encoding, delimiter, Qualtrics)."""
    p.add_argument("file", metavar="FILE", help="survey export: .csv/.tsv, .xlsx, .sav, .parquet or a Qualtrics CSV")
    g = p.add_argument_group("reading the file")
    g.add_argument("--sheet", help="Excel sheet name or 0-based number (default: the first)")
    g.add_argument("--encoding", help="text encoding (default: detected; e.g. cp1252, utf-16)")
    g.add_argument("--delimiter", help="field separator: , ; tab | (default: sniffed)")
    g.add_argument("--qualtrics", action=argparse.BooleanOptionalAction, default=None,
                   help="treat as a Qualtrics export, or not (default: detected)")
    g.add_argument("--header-row", type=header_row_arg, metavar="N",
                   help="the row holding the column names, counted as the file or spreadsheet shows rows (1 = the "
                        "first); the rows above are skipped (default: row 1, or the first row naming every column "
                        "below title or date lines, which are skipped with a note)")


def add_item_options(p: argparse.ArgumentParser, instrument_required: bool = True,
                     columns_help: str | None = None, instrument_help: str | None = None) -> None:
    """The instrument and the dataset quirks (the same flags for every command); ``columns_help`` and
    ``instrument_help`` replace the help of ``--columns`` / ``--instrument`` where a command reads them
    differently (``efa`` also takes plain item columns)."""
    g = p.add_argument_group("instrument and dataset quirks")
    g.add_argument("--instrument", required=instrument_required, metavar="ID|PATH",
                   help=instrument_help or ("shipped key id (goalscope instruments) or a key file"
                                            + (" (required)" if instrument_required else " (default: none)")))
    where = g.add_mutually_exclusive_group()
    where.add_argument("--columns", metavar="PATTERN",
                       help=columns_help or "item columns by pattern, e.g. 'AGQ_{n}' (default: the key's item ids "
                                            "as column names)")
    where.add_argument("--columns-regex", metavar="REGEX",
                       help="item columns by a regular expression searched in each header, its first group the "
                            "item number, e.g. '^\\(GP ?(\\d+)\\)' for headers '(GP 1)I often...' (default: none)")
    where.add_argument("--columns-prefix", metavar="TEXT",
                       help="item columns by the text their headers start with, followed by the item number, "
                            "e.g. '(GP' for '(GP 1)I often...', '(GP2) I...' (default: none)")
    where.add_argument("--map", metavar="FILE", help="YAML/JSON/CSV file mapping item -> column (default: none)")
    g.add_argument("--missing", metavar="CODES",
                   help="comma-separated codes meaning 'no answer', e.g. '0,-99' (default: none; empty cells "
                        "and NA tokens are always missing)")
    g.add_argument("--response-min", type=float, help="administration range minimum (default: the key's)")
    g.add_argument("--response-max", type=float, help="administration range maximum (default: the key's)")
    g.add_argument("--recode", metavar="MAP",
                   help="export code -> instrument code, e.g. '1:0,2:1,3:2,4:3' (default: no recoding)")
    g.add_argument("--reversed-in-file", metavar="ITEMS",
                   help="items the export already reverse-scored, e.g. '1,3' (default: none)")
    g.add_argument("--anchors-reversed", action="store_true",
                   help="the response scale was printed/coded in the opposite direction from the key's "
                        "(default: off)")
    g.add_argument("--labels", metavar="FILE",
                   help="YAML/JSON file {label text: code} for text answers (default: the key's anchor labels)")
    g.add_argument("--on-invalid", choices=["error", "missing"], default="error",
                   help="stop at invalid values (default: error) or set them to missing and list them in an "
                        "audit file")
    g.add_argument("--id-column", dest="id", metavar="COLUMN",
                   help="respondent id column (checked for duplicates; written to the output) (default: none)")
    renamed_flag(g, "--id", "--id-column", dest="id", metavar="COLUMN")


def header_row_arg(text: str) -> int:
    """argparse type of ``--header-row``: a row number of 1 or more."""
    from .checks import show

    n = int(text) if text.strip().isdigit() else 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a row number; give the row holding the column names "
                                         f"as the file or spreadsheet shows it, counting from 1")
    return n


def level_arg(text: str) -> float:
    """argparse type of ``--ci``/``--level``: a confidence level strictly between 0 and 1."""
    from .checks import check_level, show

    try:
        return check_level(float(text), "confidence level")
    except (ValueError, GoalscopeError):
        raise argparse.ArgumentTypeError(f"{show(text)} is not a confidence level; give a number strictly between 0 "
                                         f"and 1, e.g. 0.95 for a 95% CI") from None


def n_boot_arg(text: str) -> int:
    """argparse type of ``--n-boot``: a whole number of at least 100 resamples."""
    from .checks import MIN_BOOT, show

    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < MIN_BOOT:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a usable number of bootstrap resamples; give a whole "
                                         f"number of at least {MIN_BOOT} (1000 or more for a CI you report)")
    return n


def seed_arg(text: str) -> int:
    """argparse type of ``--seed``: a whole number of 0 or more."""
    from .checks import show

    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{show(text)} is not a seed; give a whole number of 0 or more")
    return n


def _parse_codes(text):
    if text is None:
        return None
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(int(part))
        except ValueError:
            try:
                out.append(float(part))
            except ValueError:
                out.append(part)
    return out


def _parse_pairs(text, what):
    pairs = {}
    for part in text.split(","):
        if ":" not in part:
            raise DataError("", argument=what, value=text, hint="write pairs as from:to separated by commas, e.g. 1:0,2:1")
        a, b = part.split(":", 1)
        try:
            pairs[float(a)] = float(b)
        except ValueError:
            raise DataError(f"'{part}' is not a pair of numbers", argument=what, value=text,
                            hint="write each pair as two numbers, e.g. 1:0") from None
    return pairs


def _json_pairs(path: str):
    def hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise DataError(f"key {k!r} appears twice in one object", file=path,
                                hint="Remove or rename one of them.")
            out[k] = v
        return out
    return hook


def read_mapping_file(path, what: str) -> dict:
    """A small YAML/JSON/CSV (two columns) mapping file; a key given twice is an error naming its line."""
    from .io.yamlfile import parse_yaml

    p = Path(path)
    if not p.exists():
        raise DataError("does not exist", file=str(p), hint=f"Check the path of the {what} file.")
    if p.is_dir():
        raise DataError("is a folder, not a file", file=str(p), hint=f"Give the path of the {what} file itself.")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"is not UTF-8 text (byte {exc.start})", file=str(p),
                        hint="Save it as UTF-8 text (in Excel: CSV UTF-8) and give it again.") from None
    if p.suffix.lower() == ".csv":
        out, first = {}, {}
        rows = [(n, line.split(",", 1)) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if rows and not rows[0][1][0].strip().lstrip("-").isdigit():
            rows = rows[1:]
        for n, r in rows:
            if len(r) != 2:
                continue
            key = r[0].strip()
            if key in out:
                raise DataError(f"key {key[:80]!r} appears twice (first at line {first[key]})", file=str(p), line=n,
                                hint="Remove or rename one of them.")
            out[key], first[key] = r[1].strip(), n
        return out
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_json_pairs(str(p)))
        except json.JSONDecodeError as exc:
            raise DataError(f"cannot be parsed: {exc.msg} (column {exc.colno})", file=str(p), line=exc.lineno,
                            hint=f"Fix the JSON at that line, or write the {what} file as YAML.") from None
    else:
        data = parse_yaml(text, f"{what} file '{p}'", DataError)
    if not isinstance(data, dict):
        raise DataError("must hold a mapping (key: value lines)", file=str(p),
                        hint=f"Write the {what} file as one 'key: value' line per entry.")
    return data


def item_options_from_args(args) -> dict:
    """Translate the shared flags into keyword arguments of :func:`analysis.prepare_items`."""
    opts = {"on_invalid": args.on_invalid}
    if args.map:
        opts["columns"] = read_mapping_file(args.map, "column map")
    elif args.columns:
        opts["columns"] = args.columns
    elif getattr(args, "columns_regex", None):
        opts["columns"] = {"regex": args.columns_regex}
    elif getattr(args, "columns_prefix", None):
        opts["columns"] = {"prefix": args.columns_prefix}
    if args.missing:
        opts["missing"] = _parse_codes(args.missing)
    resp = {k: v for k, v in (("min", args.response_min), ("max", args.response_max)) if v is not None}
    if resp:
        opts["response"] = resp
    if args.recode:
        opts["recode"] = _parse_pairs(args.recode, "--recode")
    if args.reversed_in_file:
        opts["reversed_in_file"] = _parse_codes(args.reversed_in_file)
    if args.anchors_reversed:
        opts["anchors_reversed"] = True
    if args.labels:
        from .scoring.mapping import LabelMap

        opts["labels"] = LabelMap(read_mapping_file(args.labels, "labels"), source=args.labels)
    if args.id:
        opts["id_column"] = args.id
    return opts


def read_input(args):
    """Read FILE with the reader options of :func:`add_input_options`."""
    from .io import read_responses

    return read_responses(args.file, sheet=args.sheet, encoding=args.encoding, delimiter=args.delimiter,
                          qualtrics=args.qualtrics, id_column=getattr(args, "id", None),
                          header_row=getattr(args, "header_row", None))


def audit_path(out: Path) -> Path:
    """Where the audit of values set to missing goes, beside OUT."""
    return out.with_name(out.stem + ".audit.csv")


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def study_file_items(path) -> tuple[dict, dict] | None:
    """Instruments and shared options of a study file given where a command takes a rules file (None for a
    plain rules file). The command line reads study files for the stations' commands, which never import
    the pipeline themselves."""
    from .io.yamlfile import load_yaml
    from .pipeline.schema import load_study
    from .pipeline.walk import instrument_specs

    raw = load_yaml(path, "rules file", DataError)
    if not isinstance(raw, dict) or "instruments" not in raw:
        return None
    study = load_study(path)
    shared = {"on_invalid": study.on_invalid}
    if study.missing_codes:
        shared["missing"] = list(study.missing_codes)
    if study.id:
        shared["id_column"] = study.id
    return instrument_specs(study), shared


# ---------------------------------------------------------------------------------------------
# shared pieces of the analysis commands (correlations, mediation, regression, moderation, mixed,
# profiles, efa): the kept-respondent rule, the sample line, the tidy table, the file in messages
#: helper columns a pattern never matches (the study file's rule, pipeline.analyses.HELPER_SUFFIXES; not
#: imported from there so that a command does not load the pipeline)
HELPER_SUFFIXES = ("_n_valid", "_band")


def column_list(text: str | None, flag: str, columns=None) -> list[str]:
    """``"a, b,c"`` → ``["a", "b", "c"]``; with ``columns`` (the file's columns), a part holding
    ``*``, ``?`` or ``[`` is a shell-style pattern expanded in file order (``"A?,C?"``). As in a study
    file, a pattern matches scale scores only, never the helper columns ``<scale>_n_valid`` and
    ``<scale>_band`` that ``goalscope run`` writes beside them."""
    import fnmatch

    out: list[str] = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        if columns is not None and any(ch in part for ch in "*?["):
            hits = [str(c) for c in columns if fnmatch.fnmatchcase(str(c), part)
                    and not str(c).endswith(HELPER_SUFFIXES)]
            if not hits:
                raise DataError(f"pattern '{part}' matches no column of the file", argument=flag, value=text,
                                hint="Check the pattern against the file's column names." + near_columns(part, columns))
            out += [h for h in hits if h not in out]
        elif part not in out:
            out.append(part)
    return out


def add_sample_option(p) -> None:
    """``--include-excluded``: every analysis command analyses the kept respondents by default."""
    p.add_argument("--include-excluded", action="store_true",
                   help="also analyse the respondents screening excluded (column 'excluded' of goalscope run's "
                        "scores.csv) (default: they are left out)")


def kept_rows(data, include_excluded: bool, what: str):
    """The kept-respondent rule for a command whose library function does not screen itself (``efa``):
    rows with ``excluded`` True are left out unless ``include_excluded``. Returns (rows, note)."""
    # the rule lives with the model entry points (models._common.screened_sample); imported here, lazily,
    # so that a psychometrics command uses the same rule without the station importing models
    from .models._common import screened_sample

    sample = screened_sample(data, include_excluded, what)
    return sample.data, sample.note


def print_sample(res, note: str | None = None, rows: str | None = None) -> None:
    """"respondents: N analysed (k excluded by screening)" when the data carry screening flags, and the
    rows listwise deletion left out (``res.excluded``), so that no row disappears unannounced."""
    note = (getattr(res, "sample_note", "") if note is None else note).replace("include_excluded=True",
                                                                              "--include-excluded")
    excluded = getattr(res, "excluded", None)
    k = len(excluded) if excluded is not None and hasattr(excluded, "__len__") else 0
    parts = [note] if note else []
    if k:   # rows: what a left-out row is when it is not a respondent ("observations" of long data)
        who = f"{rows} " if rows else ("of them " if note else "")
        parts.append(f"{k} {who}left out for missing values on the model's columns (listwise)")
    if parts:
        print("respondents: " + "; ".join(parts))


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


def tidy_table(res, index_name: str = "term"):
    """The tidy numeric table a command writes to ``-o``: ``res.table()`` (the result protocol); a
    labelled index becomes a column."""
    import pandas as pd

    table = res.table()
    if not isinstance(table.index, pd.RangeIndex):
        table = table.rename_axis(table.index.name or index_name).reset_index()
    return table


def show_frame(frame, digits: int = 3) -> str:
    """A DataFrame as aligned text for the terminal (numbers rounded for reading; the file keeps them)."""
    import pandas as pd

    shown = frame.round(digits)
    for c in frame.columns:   # a p value rounded to 0.000 reads as "impossible": show small ones as 1.2e-10
        if str(c).startswith("p_") and pd.api.types.is_float_dtype(frame[c]):
            shown[c] = [("" if v != v else f"{v:.1e}" if v < 0.001 else f"{v:.3f}") for v in frame[c]]
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.max_colwidth", 40):
        return shown.to_string(index=not isinstance(frame.index, pd.RangeIndex))


def write_output(table, out) -> None:
    """``-o OUT``: the tidy table as .csv/.xlsx/.parquet, atomically (inputs are refused before the run)."""
    from .io.writers import write_table

    write_table(table, out)
    print(f"wrote {out}")


def save_figure_of(res, path) -> None:
    """``--figure PATH``: the result's figure (``figure(path)``, the result protocol)."""
    res.figure(path=path)
    import matplotlib.pyplot as plt

    plt.close("all")
    print(f"wrote {path}")


def check_formula(text: str | None, flag: str, columns, one_sided: bool = False) -> None:
    """A model formula the user typed: readable by patsy, and every plain name in it a column of the file
    (a misspelt name would otherwise surface as a Python NameError)."""
    if text is None:
        return
    from patsy import ModelDesc, PatsyError

    if one_sided and "~" not in text or not one_sided and text.count("~") != 1:
        shape = "'~ x'" if one_sided else "'y ~ x1 + x2'"
        raise DataError("", argument=flag, value=text, hint=f"write the formula as {shape}")
    try:
        desc = ModelDesc.from_formula(text)
    except PatsyError as exc:
        raise DataError(f"cannot be read: {str(exc).splitlines()[0]}", argument=flag, value=text,
                        hint="write it as R does, e.g. 'y ~ x + m', with the file's column names") from None
    names = {str(c) for c in columns}
    for term in desc.lhs_termlist + desc.rhs_termlist:
        for factor in term.factors:
            code = factor.code
            if code.isidentifier() and code not in names:
                raise DataError(f"names '{code}', which is not a column of the file", argument=flag, value=text,
                                hint=f"available columns: {', '.join(map(str, list(columns)[:30]))}."
                                     + near_columns(code, columns))


def print_r_call(res) -> None:
    """The equivalent R call, when the result states one (``res.r_call``)."""
    call = getattr(res, "r_call", "")
    if isinstance(call, str) and call.strip():
        print(f"R: {call.strip()}")


FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def check_output_names(args, table_flags=("output", "classes"), figure_flags=("figure",)) -> None:
    """Refuse an output name with an ending the command cannot write *before* the analysis runs (not
    after printing its results)."""
    from .io.writers import TABLE_SUFFIXES

    for dest, allowed, kind in [(d, TABLE_SUFFIXES, "table") for d in table_flags] + \
                               [(d, FIGURE_SUFFIXES, "figure") for d in figure_flags]:
        value = getattr(args, dest, None)
        if value and Path(value).suffix.lower() not in allowed:
            flag = OUTPUT_OPTIONS.get(dest, "--" + dest.replace("_", "-"))
            raise DataError(f"a {kind} is written as {', '.join(allowed)}", file=value, within=flag,
                            hint="give a file name with one of these endings")


def describe(text: str) -> str:
    """A command's description wrapped for ``--help`` (the help layout keeps line breaks as written)."""
    import textwrap

    return textwrap.fill(" ".join(text.split()), width=98, break_on_hyphens=False)


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
    >>> from analysis.command_options import cli_message
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
