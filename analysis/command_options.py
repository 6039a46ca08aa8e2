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

from .errors import DataError, GoalscopeError


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32, width=100)


formatter = _formatter


#: input options (argparse dest -> what the message calls them); their files are never overwritten
INPUT_OPTIONS = {"file": "the input file (FILE)", "map": "the column map (--map)", "labels": "the labels file (--labels)",
                 "instrument": "the key file (--instrument)", "rules": "the rules file (--rules)",
                 "model": "the model file (--model)", "key_file": "the key file (--key-file)"}
#: output options; beside OUT commands also write OUT.<tag>.<ext> files
OUTPUT_OPTIONS = {"output": "-o/--output", "person_scores": "--person-scores"}
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
            check_not_input(side, inputs, f"output '{out}' writes '{side.name}' beside it; that file")


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
                   help="treat as a Qualtrics export (default: detected)")


def add_item_options(p: argparse.ArgumentParser, instrument_required: bool = True) -> None:
    """The instrument and the dataset quirks (the same flags for every command)."""
    g = p.add_argument_group("instrument and dataset quirks")
    g.add_argument("--instrument", required=instrument_required, metavar="ID|PATH",
                   help="shipped key id (goalscope instruments) or a key file")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--columns", metavar="PATTERN", help="item columns by pattern, e.g. 'AGQ_{n}'")
    where.add_argument("--map", metavar="FILE", help="YAML/JSON/CSV file mapping item -> column")
    g.add_argument("--missing", metavar="CODES", help="comma-separated codes meaning 'no answer', e.g. '0,-99'")
    g.add_argument("--response-min", type=float, help="administration range minimum (default: the key's)")
    g.add_argument("--response-max", type=float, help="administration range maximum (default: the key's)")
    g.add_argument("--recode", metavar="MAP", help="export code -> instrument code, e.g. '1:0,2:1,3:2,4:3'")
    g.add_argument("--reversed-in-file", metavar="ITEMS", help="items the export already reverse-scored, e.g. '1,3'")
    g.add_argument("--anchors-reversed", action="store_true",
                   help="the response scale was printed/coded in the opposite direction from the key's")
    g.add_argument("--labels", metavar="FILE", help="YAML/JSON file {label text: code} for text answers")
    g.add_argument("--on-invalid", choices=["error", "missing"], default="error",
                   help="stop at invalid values (default) or set them to missing and list them in an audit file")
    g.add_argument("--id", metavar="COLUMN", help="respondent id column (checked for duplicates; written to the output)")


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
            raise DataError(f"{what} '{text}': write pairs as from:to separated by commas, e.g. 1:0,2:1")
        a, b = part.split(":", 1)
        try:
            pairs[float(a)] = float(b)
        except ValueError:
            raise DataError(f"{what} '{text}': '{part}' is not a pair of numbers") from None
    return pairs


def _json_pairs(where: str):
    def hook(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise DataError(f"{where}: key {k!r} appears twice in one object; remove or rename one of them")
            out[k] = v
        return out
    return hook


def read_mapping_file(path, what: str) -> dict:
    """A small YAML/JSON/CSV (two columns) mapping file; a key given twice is an error naming its line."""
    from .io.yamlfile import parse_yaml

    p = Path(path)
    if not p.exists():
        raise DataError(f"{what} file '{p}' does not exist")
    if p.is_dir():
        raise DataError(f"{what} file '{p}' is a folder, not a file")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{what} file '{p}' is not UTF-8 text (byte {exc.start})") from None
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
                raise DataError(f"{what} file '{p}', line {n}: key {key[:80]!r} appears twice (first at line "
                                f"{first[key]}); remove or rename one of them")
            out[key], first[key] = r[1].strip(), n
        return out
    if p.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_json_pairs(f"{what} file '{p}'"))
        except json.JSONDecodeError as exc:
            raise DataError(f"{what} file '{p}' cannot be parsed: {exc}") from None
    else:
        data = parse_yaml(text, f"{what} file '{p}'", DataError)
    if not isinstance(data, dict):
        raise DataError(f"{what} file '{p}' must hold a mapping (key: value lines)")
    return data


def item_options_from_args(args) -> dict:
    """Translate the shared flags into keyword arguments of :func:`analysis.prepare_items`."""
    opts = {"on_invalid": args.on_invalid}
    if args.map:
        opts["columns"] = read_mapping_file(args.map, "column map")
    elif args.columns:
        opts["columns"] = args.columns
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
                          qualtrics=args.qualtrics, id_column=getattr(args, "id", None))


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
# Library errors name keywords (``include_excluded=True``, ``on_invalid='missing'``), never flags; a
# command-line user is shown the flag instead. One table: keyword -> flag.
KEYWORD_FLAGS = {
    "include_excluded": "--include-excluded",
    "on_invalid": "--on-invalid",
    "columns": "--columns",
    "recode": "--recode",
    "labels": "--labels",
    "missing": "--missing",
    "response": "--response-min/--response-max",
    "id_column": "--id",
    "reversed_in_file": "--reversed-in-file",
    "encoding": "--encoding",
    "delimiter": "--delimiter",
    "qualtrics": "--qualtrics",
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
}
_KEYWORD = re.compile(r"(?<![\w.'\"-])(" + "|".join(KEYWORD_FLAGS) + r")="
                      r"(True\b|False\b|'[^']*'|\"[^\"]*\"|\{[^{}]*\}|\[[^\]]*\]|-?\w+(?:[.+-]\w+)*)?")
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
