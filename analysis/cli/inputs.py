"""The reader and item options every command that reads a survey export takes (the same flags for
``score``, ``reliability``, ``cfa``, ``screen``, ``teams`` …): :func:`add_input_options` and
:func:`add_item_options` add them, :func:`read_input` and :func:`item_options_from_args` turn them into
the library's keywords; small mapping files (``--map``, ``--labels``) and a study file given where a
command takes a rules file (:func:`study_file_items`)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..deprecation import renamed_flag
from ..errors import DataError
from .arguments import header_row_arg, parse_codes, parse_pairs


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
    from ..io.yamlfile import parse_yaml

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
        opts["missing"] = parse_codes(args.missing)
    resp = {k: v for k, v in (("min", args.response_min), ("max", args.response_max)) if v is not None}
    if resp:
        opts["response"] = resp
    if args.recode:
        opts["recode"] = parse_pairs(args.recode, "--recode")
    if args.reversed_in_file:
        opts["reversed_in_file"] = parse_codes(args.reversed_in_file)
    if args.anchors_reversed:
        opts["anchors_reversed"] = True
    if args.labels:
        from ..scoring.mapping import LabelMap

        opts["labels"] = LabelMap(read_mapping_file(args.labels, "labels"), source=args.labels)
    if args.id:
        opts["id_column"] = args.id
    return opts


def read_input(args):
    """Read FILE with the reader options of :func:`add_input_options`."""
    from ..io import read_responses

    return read_responses(args.file, sheet=args.sheet, encoding=args.encoding, delimiter=args.delimiter,
                          qualtrics=args.qualtrics, id_column=getattr(args, "id", None),
                          header_row=getattr(args, "header_row", None))


def study_file_items(path) -> tuple[dict, dict] | None:
    """Instruments and shared options of a study file given where a command takes a rules file (None for a
    plain rules file). The command line reads study files for the stations' commands, which never import
    the pipeline themselves."""
    from ..io.yamlfile import load_yaml
    from ..pipeline.schema import load_study
    from ..pipeline.walk import instrument_specs

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
